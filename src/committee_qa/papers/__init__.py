"""File -> text with pages: the only package that imports PDF, Word and HTML libraries."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..errors import PaperError
from ..schema import Paper
from .pdf import ocr_available, read_pdf
from .sidecar import SIDECAR_FIELDS, read_sidecar, sidecar_path
from .text import clean_title, decode, join_pages, markdown_title, normalise, title_from_name
from .webpage import read_html
from .word import read_docx

__all__ = [
    "MAX_PAPER_BYTES",
    "SIDECAR_FIELDS",
    "SUPPORTED_SUFFIXES",
    "check_supported",
    "content_hash",
    "ocr_available",
    "read_paper",
    "read_sidecar",
    "sidecar_path",
]

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".pdf", ".docx", ".html", ".htm"})

MAX_PAPER_BYTES = 100 * 2**20  # a larger file is refused before it is read

_NO_TEXT = "no text found in the file; check it is the paper you meant, or export it again"


def content_hash(path: Path) -> str:
    """The sha256 of the file's bytes, in hex: a paper's identity."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_paper(path: Path, source: str | None = None, *,
               max_bytes: int = MAX_PAPER_BYTES) -> Paper:
    """Read a paper's text (and pages, for a PDF); PaperError says why a file cannot be read.

    A file larger than `max_bytes` is refused before it is read.
    """
    source = source or path.name
    check_supported(path, source)
    data = _read_bytes(path, source, max_bytes)
    if not data:
        raise PaperError(source, "the file is empty; save or download the paper again")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        pages, title = read_pdf(data, path, source)
    elif suffix == ".docx":
        pages, title = read_docx(data, source)
    elif suffix in (".html", ".htm"):
        pages, title = read_html(data, source)
    else:
        pages, title = [decode(data, source)], ""
    text, starts = join_pages([normalise(page).strip("\n") for page in pages])
    if not text.strip():
        raise PaperError(source, _NO_TEXT)
    title = (clean_title(title)
             or (clean_title(markdown_title(text)) if suffix == ".md" else "")
             or title_from_name(Path(source).stem or path.stem) or source)
    return Paper(source=source, title=title, text=text,
                 page_starts=tuple(starts) if suffix == ".pdf" else ())


def check_supported(path: Path, source: str | None = None) -> None:
    """Raise PaperError unless the file's extension names a format committee-qa reads."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        kind = f"'{path.suffix}'" if path.suffix else "(no extension)"
        raise PaperError(source or path.name, f"unsupported file type {kind}; committee-qa "
                                              "reads .txt, .md, .pdf, .docx, .html: save it as "
                                              "one of those")


def _read_bytes(path: Path, source: str, max_bytes: int) -> bytes:
    """The file's bytes, never more than `max_bytes` of them held (the file may lie in stat)."""
    try:
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            data = b"" if size > max_bytes else f.read(max_bytes + 1)
    except OSError as error:
        raise PaperError(source, f"cannot be read: {error.strerror or error}; check the file "
                                 "is there and committee-qa may read it") from None
    if size > max_bytes or len(data) > max_bytes:
        raise PaperError(source, f"is {_megabytes(max(size, len(data)))}, more than the "
                                 f"{_megabytes(max_bytes)} a paper may be; split it into "
                                 "smaller files, or raise COMMITTEE_QA_MAX_PAPER_MB")
    return data


def _megabytes(size: int) -> str:
    mb = size / 2**20
    return f"{mb:.0f} MB" if mb >= 10 else f"{mb:.1f} MB"
