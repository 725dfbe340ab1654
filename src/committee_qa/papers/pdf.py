"""PDF -> text of each page: the text layer (pypdf), OCR of scanned pages, damage reported."""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import PaperError
from .garbled import repair_garbled
from .layout import tidy_pages
from .tables import looks_like_table, same_words, table_rows
from .text import normalise, short_error

_ENCRYPTED = "the PDF is encrypted; save an unencrypted copy and ingest that"
_NEEDS_OCR = ("has no text layer (a scanned PDF?); it needs OCR before it can be ingested: "
              "install tesseract-ocr and poppler-utils (make ocr) and ingest it again")
_OCR_FOUND_NOTHING = ("has no text layer and OCR found no text on its pages (blank or "
                      "unreadable scans?); check it is the paper you meant, or ingest a copy "
                      "with a text layer")
# OCR (Debian's poppler-utils renders a page, tesseract-ocr reads it) is tried on a page with
# no text layer, or one whose text layer is only a stamp ("Page 23") over a scanned image.
_OCR_TOOLS = ("pdftoppm", "tesseract")
_OCR_DPI = "300"
_OCR_SECONDS = 120  # per page: a page that takes longer is not worth a stuck ingest
_STAMP_CHARS = 200  # a text layer shorter than this over a scan may be only a stamp
_SCAN_PIXELS = 500_000  # an image this large is a scanned page, not a logo
# A table's text layer reads one cell a line; poppler's pdftotext -layout reads it in rows.
_SHORT_LINES = 40  # a page whose median line is shorter than this may be a table
_POPPLER_SECONDS = 60  # for pdftotext to read a whole paper
_WORD_LINES = 0.8  # a page whose lines are this share single words was read word by word
_WORD_LINES_MIN = 20  # ... if it has this many lines (a title page may be a few words)


def read_pdf(data: bytes, path: Path, source: str) -> tuple[list[str], str]:
    """The text of each page (by OCR where a page is a scan) and the title the PDF states."""
    if b"%PDF-" not in data[:1024]:
        if b"<html" in data[:1024].lower() or data.lstrip()[:1] == b"<":
            raise PaperError(source, "is a web page saved as .pdf, not a PDF (a download that "
                                     "led to an error page?); download the PDF again")
        raise PaperError(source, _unreadable_pdf("it has no %PDF- header"))
    damage: list[str] = []  # what pypdf says it had to skip: the file is damaged
    with _pypdf_warnings(damage):
        pages, scanned, title = _read_pdf_layer(data, source)
    ocr = bool(scanned) and ocr_available()
    for n in scanned if ocr else ():
        read = _ocr_page(path, n + 1, source)
        if len(read.split()) > 2 * len(pages[n].split()):  # more than a stamp's words
            pages[n] = read
    _read_lines_again(pages, path, set(scanned) if ocr else set())
    _read_tables_in_rows(pages, path, set(scanned) if ocr else set())
    if pages and not any(normalise(page).strip() for page in pages):
        if damage:  # not a scan: a file too damaged to show its text
            raise PaperError(source, _unreadable_pdf(damage[0][:100]))
        raise PaperError(source, _OCR_FOUND_NOTHING if ocr else _NEEDS_OCR)
    return tidy_pages([normalise(page).strip("\n") for page in pages]), title


def _read_pdf_layer(data: bytes, source: str) -> tuple[list[str], list[int], str]:
    """The text layer of each page, the pages that look scanned (0-based), and the title."""
    # Imported here, not at the top: importing committee_qa.papers loads no format library.
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))  # an empty user password opens many
            except Exception:  # e.g. AES without the cryptography package
                opened = False
            if not opened:
                raise PaperError(source, _ENCRYPTED)
        # Before anything drops control characters: a font that gives glyph numbers for
        # characters gives \x03 for each space.
        pages = [repair_garbled(page.extract_text() or "") for page in reader.pages]
        scanned = [n for n, (page, text) in enumerate(zip(reader.pages, pages))
                   if not text.strip() or (len(text.strip()) < _STAMP_CHARS
                                           and _has_scan(page.get("/Resources")))]
        metadata = reader.metadata
        title = str(metadata.title or "") if metadata is not None else ""
    except PaperError:
        raise
    except Exception as error:  # pypdf raises many kinds of error on damaged files
        raise PaperError(source, _unreadable_pdf(short_error(error))) from None
    return pages, scanned, title


def _read_lines_again(pages: list[str], path: Path, skip: set[int]) -> None:
    """Replace each page pypdf read one word to a line (a renderer that places each word on
    its own, as Google Docs' does) with poppler's reading of it in lines."""
    if not any(_word_by_word(page) for n, page in enumerate(pages) if n not in skip):
        return
    lines = _poppler_reading(path, layout=False)
    if len(lines) < len(pages):
        return
    for n, page in enumerate(pages):
        if (n not in skip and _word_by_word(page)
                and same_words(normalise(page), normalise(lines[n]))):
            pages[n] = lines[n]


def _word_by_word(page: str) -> bool:
    lines = [line for line in page.split("\n") if line.strip()]
    return len(lines) >= _WORD_LINES_MIN and (
        sum(len(line.split()) == 1 for line in lines) >= _WORD_LINES * len(lines))


def _read_tables_in_rows(pages: list[str], path: Path, skip: set[int]) -> None:
    """Replace each page that is a table with poppler's reading of it row by row."""
    if not any(_short_lines(page) for n, page in enumerate(pages) if n not in skip):
        return
    layout = _poppler_reading(path, layout=True)
    if len(layout) < len(pages):
        return
    for n, page in enumerate(pages):
        if (n not in skip and looks_like_table(layout[n])
                and same_words(normalise(page), normalise(layout[n]))):
            pages[n] = table_rows(layout[n])


def _short_lines(page: str) -> bool:
    lengths = sorted(len(line.strip()) for line in page.split("\n") if line.strip())
    return len(lengths) >= 8 and lengths[len(lengths) // 2] < _SHORT_LINES


def _poppler_reading(path: Path, layout: bool) -> list[str]:
    """Each page's text as pdftotext reads it (with `layout`: in columns, as laid out), or
    none when poppler is missing."""
    if not shutil.which("pdftotext"):
        return []
    command = ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8",
               os.path.abspath(path), "-"]
    try:
        done = subprocess.run(command, capture_output=True, check=True, timeout=_POPPLER_SECONDS)
    except (OSError, subprocess.SubprocessError):
        return []  # the text layer as pypdf reads it is still there
    return done.stdout.decode("utf-8", errors="replace").split("\f")


@contextmanager
def _pypdf_warnings(into: list[str]) -> Iterator[None]:
    """Collect what pypdf warns about while reading, instead of printing it."""
    logger = logging.getLogger("pypdf")
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: into.append(record.getMessage())  # type: ignore[method-assign]
    saved = logger.level, logger.propagate
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.level, logger.propagate = saved


def ocr_available() -> bool:
    """Whether the OCR tools (Debian's poppler-utils and tesseract-ocr) are installed."""
    return all(shutil.which(tool) for tool in _OCR_TOOLS)


def _has_scan(resources: Any, depth: int = 0) -> bool:
    """Whether a page's resources hold an image the size of a scanned page."""
    try:
        for ref in (resources.get_object().get("/XObject") or {}).values():
            xobject = ref.get_object()
            kind = xobject.get("/Subtype")
            if kind == "/Image" and (int(xobject.get("/Width", 0))
                                     * int(xobject.get("/Height", 0)) >= _SCAN_PIXELS):
                return True
            if kind == "/Form" and depth < 3 and _has_scan(xobject.get("/Resources"), depth + 1):
                return True
    except Exception:  # resources missing or damaged: no scan found
        return False
    return False


def _ocr_page(path: Path, number: int, source: str) -> str:
    """The text tesseract reads on page `number` (1-based) of the PDF at `path`."""
    page = str(number)
    render = ["pdftoppm", "-r", _OCR_DPI, "-gray", "-png", "-f", page, "-l", page,
              os.path.abspath(path)]  # absolute: a name starting with "-" is no option
    # One OCR thread: tesseract's own threads only fight each other on a small machine.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        image = subprocess.run(render, capture_output=True, check=True,
                               timeout=_OCR_SECONDS).stdout
        text = subprocess.run(["tesseract", "stdin", "stdout"], input=image, env=env,
                              capture_output=True, check=True, timeout=_OCR_SECONDS).stdout
    except subprocess.TimeoutExpired:
        raise PaperError(source, f"OCR of page {number} took more than {_OCR_SECONDS} s; "
                                 "ingest a copy with a text layer") from None
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        raise PaperError(source, f"OCR failed on page {number} "
                                 f"({short_error(Exception(detail.decode(errors='replace')))}); "
                                 "ingest a copy with a text layer") from None
    return text.decode("utf-8", errors="replace")


def _unreadable_pdf(detail: str) -> str:
    return f"is not a readable PDF (corrupt or truncated): {detail}; re-export it from the original"
