"""Keyword indexes saved to disk under the ledger's generation, so a fresh process starts
without reading every passage back from Chroma and tokenising it again.

Derived data, never a second source: a snapshot is read only when its generation is the
store's current one (any commit changes the generation), and a snapshot that is missing,
of another generation or unreadable just means the indexes are built from the store.
Files are written under a temporary name and renamed, so a reader never sees half of one.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np

from .keyword import KeywordIndex
from .schema import Chunk

FORMAT = 1  # bump when the files' layout changes: older snapshots are then ignored
_CHUNK_FIELDS = {f.name for f in fields(Chunk)}
log = logging.getLogger(__name__)


def save(folder: Path, generation: str, indexes: dict[str, KeywordIndex]) -> None:
    """Write `indexes` (one per access level; a level may share another's index) as the
    snapshot of `generation`, and remove the snapshots of other generations."""
    folder.mkdir(parents=True, exist_ok=True)
    names = {id(index): level for level, index in reversed(list(indexes.items()))}
    header: dict[str, object] = {"format": FORMAT, "generation": generation, "levels": {}}
    arrays: dict[str, np.ndarray] = {}
    for level, index in indexes.items():
        first = names[id(index)]
        if first != level:  # the same index as another level: saved once
            header["levels"][level] = {"same_as": first}  # type: ignore[index]
            continue
        slot_chunks, words, parts = index.packed()
        header["levels"][level] = {  # type: ignore[index]
            "words": words,
            "chunks": [None if c is None else _plain(c) for c in slot_chunks],
        }
        arrays.update({f"{level}.{name}": array for name, array in parts.items()})
    _write(folder / f"{generation}.npz", lambda f: np.savez(f, **arrays))  # type: ignore[arg-type]
    _write(folder / f"{generation}.json",
           lambda f: f.write(json.dumps(header, separators=(",", ":")).encode()))
    for old in folder.iterdir():
        if old.suffix in (".json", ".npz") and old.stem != generation:
            old.unlink(missing_ok=True)


def load(folder: Path, generation: str) -> dict[str, KeywordIndex] | None:
    """The indexes saved for `generation`; None when there is no usable snapshot of it."""
    header_path, arrays_path = folder / f"{generation}.json", folder / f"{generation}.npz"
    if not generation or not header_path.exists() or not arrays_path.exists():
        return None
    try:
        header = json.loads(header_path.read_text(encoding="utf-8"))
        if header.get("format") != FORMAT or header.get("generation") != generation:
            return None
        indexes: dict[str, KeywordIndex] = {}
        with np.load(arrays_path, allow_pickle=False) as saved:
            for level, part in header["levels"].items():
                if "same_as" in part:
                    continue
                arrays = {name.split(".", 1)[1]: saved[name] for name in saved.files
                          if name.startswith(level + ".")}
                chunks = [None if c is None else Chunk(**c) for c in part["chunks"]]
                indexes[level] = KeywordIndex.unpacked(chunks, part["words"], arrays)
        for level, part in header["levels"].items():
            if "same_as" in part:
                indexes[level] = indexes[part["same_as"]]
        return indexes
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("the keyword snapshot %s could not be read (%s); rebuilding it",
                    header_path, error)
        return None


def _plain(chunk: Chunk) -> dict[str, object]:
    # Only fields a Chunk takes back (last_paragraph included: it is a field).
    return {k: v for k, v in asdict(chunk).items() if k in _CHUNK_FIELDS}


def _write(path: Path, write: object) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as f:
            write(f)  # type: ignore[operator]
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
