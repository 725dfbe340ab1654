"""Who may sign in to the chat, and what each may read: the users file.

A JSON object of user names, each with a salted PBKDF2 hash of the password (never the
password itself) and an access level: "public" papers only, or "restricted" too (officers
and members entitled to exempt information). `committee-qa user add NAME` writes it.

    {"jgarrard": {"password": "pbkdf2_sha256$600000$<salt>$<hash>", "access": "restricted"}}

Checking a password costs 600,000 rounds of PBKDF2 (a third of a second of a core) on
purpose, so `SignInGuard` rations the checks: a client that keeps failing waits longer
before each try, and all clients together get a fixed number of checks a minute.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import math
import re
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from .errors import SettingsError
from .files import write_atomically
from .schema import ACCESS_LEVELS

_ITERATIONS = 600_000
FREE_FAILURES = 3  # a mistyped password or two costs nothing
FIRST_WAIT = 1.0  # seconds, after the free failures; doubled by each failure after that
LONGEST_WAIT = 300.0
CHECKS_PER_MINUTE = 30  # all clients together: at most a sixth of a core on PBKDF2
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class User:
    """A person who may sign in, and whether they may read restricted papers."""

    name: str
    password: str  # pbkdf2_sha256$iterations$salt$hash
    access: str = "public"


def hash_password(password: str, salt: str | None = None,
                  iterations: int = _ITERATIONS) -> str:
    """The stored form of a password: salted PBKDF2-SHA256."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${digest.hex()}"


def verify(user: User, password: str) -> bool:
    """Whether `password` is the user's, compared in constant time."""
    try:
        _scheme, iterations, salt, _digest = user.password.split("$")
        expected = hash_password(password, salt, int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(expected, user.password)


def load_users(path: Path) -> dict[str, User]:
    """The users file; SettingsError names the file and what is wrong in it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"the users file {path} does not exist; create it with "
                            "`committee-qa user add NAME`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SettingsError(f"the users file {path} cannot be read ({error}); fix it or "
                            "create a new one with `committee-qa user add NAME`") from None
    if not isinstance(data, dict):
        raise SettingsError(f"the users file {path} must hold a JSON object of user names")
    users = {}
    for name, entry in data.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("password"), str)
                and entry.get("access", "public") in ACCESS_LEVELS):
            raise SettingsError(
                f"the users file {path}: user {name!r} needs a \"password\" hash and an "
                f"\"access\" of {' or '.join(ACCESS_LEVELS)}; set it again with "
                f"`committee-qa user add {name}`")
        users[name] = User(name, entry["password"], entry.get("access", "public"))
    return users


def check_exposure(host: str, signs_in: bool, no_auth: bool) -> None:
    """SettingsError unless the chat may be served on `host`: a loopback address, people
    sign in, or the public papers served without sign-in on purpose (`no_auth`)."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not (loopback or signs_in or no_auth):
        raise SettingsError(
            f"--host {host} lets anyone who can reach this machine use the chat; give a users "
            "file so people sign in (--users FILE, made with `committee-qa user add NAME`), or "
            "pass --no-auth to serve the public papers without sign-in")


def add_user(path: Path, name: str, password: str, access: str = "public") -> None:
    """Add a user to the file (or change their password and access); only the owner can
    read the file it writes, and a crash leaves the old file whole."""
    if access not in ACCESS_LEVELS:
        raise SettingsError(f"access {access!r} is not one of {', '.join(ACCESS_LEVELS)}")
    if not name.strip() or len(password) < 8:
        raise SettingsError("a user needs a name and a password of at least 8 characters")
    users = load_users(path) if path.exists() else {}
    users[name] = User(name, hash_password(password), access)
    data = {u.name: {"password": u.password, "access": u.access} for u in users.values()}
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (json.dumps(data, indent=2) + "\n").encode("utf-8")
    write_atomically(path, lambda f: f.write(text), mode=0o600)


class SignInGuard:
    """ASGI middleware in front of the chat's sign-in (POST /login), rationing password
    checks: after FREE_FAILURES failures in a row a client waits FIRST_WAIT seconds,
    doubling with each failure after (up to LONGEST_WAIT), and all clients together get
    `per_minute` checks. An attempt that must wait is refused at once (429, with
    Retry-After) without reaching the password check; every failure and refusal is logged.
    """

    def __init__(self, app: Any, *, per_minute: int = CHECKS_PER_MINUTE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app, self.per_minute, self.clock = app, per_minute, clock
        self._failures: dict[str, tuple[int, float]] = {}  # client: (in a row, last at)
        self._checks: deque[float] = deque()  # when the checks of the last minute began

    def wait_left(self, client: str) -> float:
        """Seconds before `client` may try again: its backoff, or the shared ration."""
        now = self.clock()
        while self._checks and self._checks[0] <= now - 60:
            self._checks.popleft()
        failures, last = self._failures.get(client, (0, now))
        backoff = 0.0 if failures < FREE_FAILURES else last + min(
            FIRST_WAIT * 2 ** (failures - FREE_FAILURES), LONGEST_WAIT) - now
        rationed = self._checks[0] + 60 - now if len(self._checks) >= self.per_minute else 0
        return max(backoff, rationed, 0.0)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not str(
                scope["path"]).rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = str((scope.get("client") or ("unknown",))[0])
        body, more = b"", True
        while more and len(body) < 65536:  # a sign-in form is small; never hold more
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        name = _username(body)[:64]
        wait = self.wait_left(client)
        if wait > 0:
            _log.warning("sign-in as %r from %s refused unchecked: %d failures in a row; "
                         "it may try again in %.0f s", name, client,
                         self._failures.get(client, (0, 0))[0], math.ceil(wait))
            await _refuse(send, math.ceil(wait))
            return
        self._checks.append(self.clock())
        status: list[int] = []

        replayed = False

        async def replay() -> dict[str, Any]:  # the form once, then what the client sends
            nonlocal replayed
            if replayed:
                return dict(await receive())
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def noting(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, replay, noting)
        if status[:1] == [400]:  # Gradio's answer to wrong credentials
            failures = self._failures.get(client, (0, 0.0))[0] + 1
            self._forget_old()
            self._failures[client] = (failures, self.clock())
            _log.warning("sign-in as %r from %s failed (%d in a row)", name, client, failures)
        elif status[:1] == [200]:
            self._failures.pop(client, None)

    def _forget_old(self) -> None:
        """Keep the table of clients small: forget those whose wait is long over."""
        if len(self._failures) > 10_000:
            horizon = self.clock() - 2 * LONGEST_WAIT
            self._failures = {c: v for c, v in self._failures.items() if v[1] > horizon}


def _username(body: bytes) -> str:
    """The name a sign-in form gives, for the log: Gradio's page sends multipart form data,
    a script may send it urlencoded."""
    text = body.decode("utf-8", "replace")
    part = re.search(r'name="username"\r?\n(?:[^\r\n]+\r?\n)*\r?\n([^\r\n]*)', text)
    if part:
        return part[1]
    return parse_qs(text).get("username", [""])[0]


async def _refuse(send: Any, seconds: int) -> None:
    unit = "second" if seconds == 1 else "seconds"
    body = json.dumps({"detail": f"Too many sign-in attempts; try again in {seconds} "
                                 f"{unit}."}).encode()
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json"), (b"retry-after", str(seconds).encode()),
        (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
