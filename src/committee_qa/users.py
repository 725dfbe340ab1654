"""Who may sign in to the chat, and what each may read: the users file.

A JSON object of user names, each with a salted PBKDF2 hash of the password (never the
password itself) and an access level: "public" papers only, or "restricted" too (officers
and members entitled to exempt information). `committee-qa user add NAME` writes it.

    {"jgarrard": {"password": "pbkdf2_sha256$600000$<salt>$<hash>", "access": "restricted"}}
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from .errors import SettingsError

ACCESS_LEVELS = ("public", "restricted")
_ITERATIONS = 600_000


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
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    temporary.chmod(0o600)
    os.replace(temporary, path)
