"""A PDF's pages as images, and where each word stands on them: the text layer as PDFium
reads it (pypdfium2), and a scanned page as tesseract reads it (its TSV of word boxes, from
poppler's rendering at the resolution ingest reads scans at)."""

from __future__ import annotations

import io
import os
import subprocess
import threading
from pathlib import Path

from ..schema import PageWord
from .pdf import _OCR_DPI, _OCR_SECONDS, ocr_available

# PDFium is not thread-safe: one call into it at a time, whichever thread asks.
_PDFIUM = threading.Lock()
PAGE_WIDTH = 1000  # pixels of a page image: readable at 200 % zoom on a laptop's screen


def render_page(path: Path, number: int, width: int = PAGE_WIDTH) -> bytes:
    """Page `number` (1-based) of the PDF at `path` as a PNG `width` pixels wide."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[number - 1]
            image = page.render(scale=width / page.get_width()).to_pil()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()


def text_layer_words(path: Path, number: int) -> list[PageWord]:
    """The words of page `number`'s text layer, in PDFium's reading order, with their boxes."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[number - 1]
            width, height = page.get_size()
            text_page = page.get_textpage()
            count = text_page.count_chars()
            chars = [(text_page.get_text_range(i, 1), text_page.get_charbox(i))
                     for i in range(count)]
        finally:
            pdf.close()
    return _words_of_chars(chars, width, height)


def _words_of_chars(chars: list[tuple[str, tuple[float, float, float, float]]],
                    width: float, height: float) -> list[PageWord]:
    """Characters with PDF boxes (left, bottom, right, top) -> words with page shares. A line
    ends where PDFium puts a line break, or where the next character stands lower and left."""
    words: list[PageWord] = []
    line, broke = 0, False
    text, box = "", [0.0, 0.0, 0.0, 0.0]  # left, top, right, bottom: shares, from the top
    last: tuple[float, float, float, float] | None = None

    def close() -> None:
        nonlocal text
        if text.strip():
            words.append(PageWord(text, line, *box))
        text = ""

    for char, (left, bottom, right, top) in chars:
        if char in ("\r", "\n"):
            close()
            broke = True
            continue
        if char.isspace() or not char:
            close()
            continue
        if last is not None and not broke and top < last[1] and left < last[0]:
            broke = True  # below the last character and back to the left: a new line
        if broke and words:
            close()
            line += 1
        broke = False
        share = [left / width, 1 - top / height, right / width, 1 - bottom / height]
        if not text:
            box = share
        else:
            box = [min(box[0], share[0]), min(box[1], share[1]), max(box[2], share[2]),
                   max(box[3], share[3])]
        text += char
        last = (left, bottom, right, top)
    close()
    return words


def ocr_words(path: Path, number: int) -> list[PageWord]:
    """The words tesseract reads on page `number` of the PDF, with their boxes; none when
    the OCR tools are not installed or fail (the page is then shown without a highlight)."""
    if not ocr_available():
        return []
    page = str(number)
    render = ["pdftoppm", "-r", _OCR_DPI, "-gray", "-png", "-f", page, "-l", page,
              os.path.abspath(path)]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        image = subprocess.run(render, capture_output=True, check=True,
                               timeout=_OCR_SECONDS).stdout
        tsv = subprocess.run(["tesseract", "stdin", "stdout", "tsv"], input=image, env=env,
                             capture_output=True, check=True, timeout=_OCR_SECONDS).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return words_of_tsv(tsv.decode("utf-8", errors="replace"))


def words_of_tsv(tsv: str) -> list[PageWord]:
    """tesseract's TSV (level 1 the page, level 5 a word) -> words with page shares."""
    width = height = 0.0
    lines: dict[tuple[str, str, str], int] = {}
    words = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12:
            continue
        level, left, top, w, h, text = cells[0], *map(float, cells[6:10]), cells[11]
        if level == "1":
            width, height = w, h
        elif level == "5" and text.strip() and width and height:
            line = lines.setdefault((cells[2], cells[3], cells[4]), len(lines))
            words.append(PageWord(text.strip(), line, left / width, top / height,
                                  (left + w) / width, (top + h) / height))
    return words
