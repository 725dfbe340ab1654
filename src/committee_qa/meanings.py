"""What a passage's sentences mean: the sentences the answerer weighs, and their vectors,
made once at ingest and stored with the passage so that a question costs no model call for
them. Pure: the vectors are packed to text for the store's metadata and read back.

A vector is kept as one scale (float16) and 8-bit steps of it: 386 bytes for the model's
384 numbers, base64 in the store, after four bytes that name the sentences they are of. A
closeness read back differs from the model's own by less than 0.01 (tests/test_meanings.py).
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Sequence

import numpy as np

from .quoting import Unit, is_heading, units
from .text import terms

# A sentence's opening carries its meaning; the model's cost grows with its length.
MEANING_CHARS = 160


def is_weighed(unit: Unit) -> bool:
    """Whether the answerer weighs this sentence: three words or more, and not a heading."""
    return len(set(terms(unit.text))) >= 3 and not is_heading(unit.text)


def openings(text: str) -> list[str]:
    """The openings of the sentences of a passage that are weighed, in their order: what
    the model embeds for each."""
    return [u.text[:MEANING_CHARS] for u in units(text) if is_weighed(u)]


def pack(text: str, vectors: Sequence[Sequence[float]]) -> str:
    """The vectors of the openings of `text` (all of one length) as text for the store,
    marked with what they are the vectors of; '' for none."""
    if not len(vectors):
        return ""
    matrix = np.asarray(vectors, dtype=np.float32)
    scales = np.abs(matrix).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    steps = np.clip(np.rint(matrix / scales[:, None]), -127, 127).astype(np.int8)
    rows = [s.astype(np.float16).tobytes() + row.tobytes() for s, row in zip(scales, steps)]
    return base64.b64encode(_mark(openings(text)) + b"".join(rows)).decode("ascii")


def unpack(opened: Sequence[str], packed: str, dimension: int) -> np.ndarray | None:
    """The vectors `pack` stored for a passage whose weighed sentences open with `opened`
    (`openings`), one row each; None when there are none, or they are not those of these
    openings (a passage stored before its sentences were split otherwise), or not of this
    length."""
    data = _decoded(packed)
    width = 2 + dimension
    if len(data) <= 4 or (len(data) - 4) % width or data[:4] != _mark(opened):
        return None
    rows = np.frombuffer(data[4:], dtype=np.uint8).reshape(-1, width)
    scales = rows[:, :2].copy().view(np.float16).astype(np.float32)
    steps = rows[:, 2:].copy().view(np.int8).astype(np.float32)
    return steps * scales


def is_current(text: str, packed: str) -> bool:
    """Whether vectors packed for a passage are of its openings as this version reads them."""
    return _decoded(packed)[:4] == _mark(openings(text))


def _decoded(packed: str) -> bytes:
    """The bytes of packed vectors; none for text that is not base64."""
    try:
        return base64.b64decode(packed, validate=True) if packed else b""
    except ValueError:  # binascii.Error is one
        return b""


def _mark(opened: Sequence[str]) -> bytes:
    """Four bytes that tell these openings from others'."""
    return zlib.crc32("\n".join(opened).encode("utf-8")).to_bytes(4, "big")
