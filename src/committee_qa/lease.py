"""One ingest at a time per index: a lease kept in the index itself, so it holds between
processes and between machines that share a Chroma server.

Two ingests at once would sweep each other's not-yet-committed passages, so the second
stops with a message saying who holds the lease. A lease runs out `ttl` seconds after its
holder last renewed it (after every paper), and at once when its holder was a process on
this machine that has died (a crash or a kill), so a crash never locks an index for long.
Chroma has no compare-and-swap: the lease is written, then read back, and whoever's token
is there has it.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Protocol

from .errors import IngestBusyError

LEASE = "note/ingest-lease"
TTL_SECONDS = 1800.0  # renewed after every paper: OCR of a long scanned pack takes minutes


class Notes(Protocol):
    """What a lease needs of the index: its notes about itself."""

    def read_note(self, key: str) -> dict[str, Any] | None: ...
    def write_note(self, key: str, values: dict[str, Any]) -> None: ...
    def erase_note(self, key: str) -> None: ...


class IngestLease:
    """`with IngestLease(store):` holds the index's ingest lease, or raises IngestBusyError."""

    def __init__(self, notes: Notes, ttl: float = TTL_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self.notes, self.ttl, self.clock = notes, ttl, clock
        self.token = uuid.uuid4().hex
        self.started = self.renewed = clock()

    def __enter__(self) -> IngestLease:
        held = self.notes.read_note(LEASE)
        if held and held.get("token") != self.token and not self._lapsed(held):
            raise IngestBusyError(_busy(held))
        self.renew()
        confirmed = self.notes.read_note(LEASE) or {}
        if confirmed.get("token") != self.token:  # another ingest wrote its lease just now
            raise IngestBusyError(_busy(confirmed))
        return self

    def keep(self) -> None:
        """Renew the lease once a third of it has run: call as the ingest makes progress
        (after every paper), at the cost of one write now and then, not one a paper."""
        if self.clock() - self.renewed > self.ttl / 3:
            self.renew()

    def renew(self) -> None:
        """Push the lease's end back."""
        self.renewed = self.clock()
        self.notes.write_note(LEASE, {
            "token": self.token, "host": socket.gethostname(), "pid": os.getpid(),
            "started": self.started, "expires": self.clock() + self.ttl})

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        held = self.notes.read_note(LEASE) or {}
        if held.get("token") == self.token:
            self.notes.erase_note(LEASE)

    def _lapsed(self, held: dict[str, Any]) -> bool:
        return lapsed(held, self.clock())


def lapsed(held: dict[str, Any], now: float) -> bool:
    """Whether a lease no longer holds: run out, or its holder on this machine has died."""
    if float(held.get("expires", 0)) < now:
        return True
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


def _busy(held: dict[str, Any]) -> str:
    since = datetime.fromtimestamp(float(held.get("started", 0)), UTC).strftime(
        "%Y-%m-%d %H:%M:%S UTC")
    return (f"another ingest is running on this index (process {held.get('pid', '?')} on "
            f"{held.get('host', '?')}, since {since}); wait for it to finish, then ingest "
            "again: nothing has been changed")
