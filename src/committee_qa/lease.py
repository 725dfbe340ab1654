"""One ingest at a time per index, between processes and between machines that share a
Chroma server.

Two ingests at once would sweep each other's not-yet-committed passages, so the second
stops at once, changing nothing, with a message naming the process that holds the index.

- An index folder: an OS lock (flock) on `ingest.lock` in the folder, held for the whole
  ingest. The OS lets go of it when the process ends, however it ends, so a crash or a kill
  never locks the index. The holder writes who it is into the file, for the message.
- A Chroma server: a claim is a collection of its own (`Store.claim`), and Chroma creates
  a name only once, so of two ingests claiming the same number one fails: the
  compare-and-swap a record write lacks. The newest claim holds the index until it is
  released, or runs out `ttl` seconds after its holder last renewed it (after every paper),
  or at once when its holder was a process on this machine that has died. A claim that no
  longer holds is taken over by claiming the next number: two ingests taking over at once
  still contend for one name.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from .errors import IndexUnavailableError, IngestBusyError
from .store import Store

LOCK_FILE = "ingest.lock"  # in the index folder
# The note in which versions before issue 15 kept the lease (not excluding anything);
# `status --repair` clears one they left.
LEASE = "note/ingest-lease"
TTL_SECONDS = 1800.0  # renewed after every paper: OCR of a long scanned pack takes minutes


class IngestLease:
    """`with IngestLease(store):` holds the index for one ingest, or raises IngestBusyError."""

    def __init__(self, store: Store, ttl: float = TTL_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self.store, self.ttl, self.clock = store, ttl, clock
        self.token = uuid.uuid4().hex
        self.started = self.renewed = clock()
        self._file: int | None = None  # the locked file, for an index folder
        self._claim = 0  # the number of the claim held, on a Chroma server

    def __enter__(self) -> IngestLease:
        if self.store.folder is not None:
            self._lock(self.store.folder / LOCK_FILE)
        else:
            self._take_claim()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._file is not None:
            os.ftruncate(self._file, 0)  # held by nobody: the file names nobody
            os.close(self._file)  # and closing it lets go of the lock
            self._file = None
        elif self._claim:
            # Released, not dropped: the newest number stays, so numbers only ever grow.
            self.store.renew_claim(self._claim, {**self.holder(), "expires": 0.0})
            self._claim = 0

    def holder(self) -> dict[str, Any]:
        """What the lease records of its holder: the busy message shows it to others."""
        return {"token": self.token, "host": socket.gethostname(), "pid": os.getpid(),
                "started": self.started, "expires": self.renewed + self.ttl}

    def keep(self) -> None:
        """Renew a claim once a third of it has run: call as the ingest makes progress
        (after every paper), at the cost of one write now and then, not one a paper. An
        OS lock needs no renewing: it holds while the process lives."""
        if self._claim and self.clock() - self.renewed > self.ttl / 3:
            self.renewed = self.clock()
            if not self.store.renew_claim(self._claim, self.holder()):
                raise IngestBusyError(
                    f"this ingest made no progress for {self.ttl / 60:.0f} minutes, so its "
                    "lease ran out and another ingest has taken the index over; the papers "
                    "finished so far are stored: ingest again once the other has finished")

    def _lock(self, path: Path) -> None:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise IndexUnavailableError(
                f"cannot open {path} to hold the index for this ingest ({error.strerror}); "
                "check committee-qa may write to the index folder") from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held = _written_holder(descriptor)
            os.close(descriptor)
            raise IngestBusyError(_busy(held)) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps(self.holder()).encode(), 0)
        self._file = descriptor

    def _take_claim(self) -> None:
        claims = self.store.claims()
        newest = max(claims, default=0)
        if newest and not lapsed(claims[newest], self.clock()):
            raise IngestBusyError(_busy(claims[newest]))
        mine = newest + 1
        if not self.store.claim(mine, self.holder()):  # another ingest claimed it first
            raise IngestBusyError(_busy(self.store.claims().get(mine, {})))
        claims = self.store.claims()
        # Claims are dropped only below a newer one, so a higher number than ours means
        # ours was read long ago and re-created after its drop: the higher one holds.
        if max(claims, default=mine) > mine:
            self.store.drop_claim(mine)
            raise IngestBusyError(_busy(claims[max(claims)]))
        self._claim = mine
        for number in claims:
            if number < mine:
                self.store.drop_claim(number)  # run out, released or dead: they hold nothing


def lapsed(held: dict[str, Any], now: float) -> bool:
    """Whether a claim no longer holds: run out, or its holder on this machine has died."""
    return float(held.get("expires", 0)) < now or _died(held)


def _died(held: dict[str, Any]) -> bool:
    return held.get("host") == socket.gethostname() and not _alive(int(held.get("pid", 0)))


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, and someone else's
    return True


def _written_holder(descriptor: int) -> dict[str, Any]:
    """Who holds the lock file, as its holder wrote just after taking the lock."""
    for _ in range(40):  # for up to a second: it writes a moment after locking
        try:
            held = json.loads(os.pread(descriptor, 4096, 0) or b"null")
        except ValueError:  # caught half-written
            held = None
        # A crashed holder's words stay until the new holder overwrites them.
        if isinstance(held, dict) and not _died(held):
            return held
        time.sleep(0.025)
    return {}


def _busy(held: dict[str, Any]) -> str:
    since = datetime.fromtimestamp(float(held["started"]), UTC).strftime(
        "%Y-%m-%d %H:%M:%S UTC") if "started" in held else "a moment ago"
    return (f"another ingest is running on this index (process {held.get('pid', '?')} on "
            f"{held.get('host', '?')}, since {since}); wait for it to finish, then ingest "
            "again: nothing has been changed")
