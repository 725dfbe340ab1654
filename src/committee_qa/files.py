"""A file written whole or not at all: into a temporary file beside it, flushed to disk,
then renamed over it. A reader never sees half of it, and a crash or a failure leaves any
earlier file as it was. Every file the product writes beside the index goes this way."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(path: Path, write: Callable[[BinaryIO], object],
                     mode: int | None = None) -> None:
    """Write `path` with `write(file)`. `mode` sets the new file's permissions; without it a
    file replaced keeps its own, and a new one may be read by all, written by its owner."""
    path = Path(path)
    kept = stat.S_IMODE(path.stat().st_mode) if path.is_file() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".part")
    try:
        with os.fdopen(handle, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, kept if mode is None else mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
