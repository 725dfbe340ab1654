"""File -> text with pages: the only module that imports PDF, Word and HTML libraries."""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import PaperError
from .schema import Paper

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".pdf", ".docx", ".html", ".htm"})

MAX_PAPER_BYTES = 100 * 2**20  # a larger file is refused before it is read

_ENCRYPTED = "the PDF is encrypted; save an unencrypted copy and ingest that"
_NEEDS_OCR = ("has no text layer (a scanned PDF?); it needs OCR before it can be ingested: "
              "install tesseract-ocr and poppler-utils (make ocr) and ingest it again")
_OCR_FOUND_NOTHING = ("has no text layer and OCR found no text on its pages (blank or "
                      "unreadable scans?); check it is the paper you meant, or ingest a copy "
                      "with a text layer")
_NO_TEXT = "no text found in the file; check it is the paper you meant, or export it again"
_BINARY = ("looks like a binary file, not text; check it is the paper you meant, or export it "
           "again as text")
# OCR (Debian's poppler-utils renders a page, tesseract-ocr reads it) is tried on a page with
# no text layer, or one whose text layer is only a stamp ("Page 23") over a scanned image.
_OCR_TOOLS = ("pdftoppm", "tesseract")
_OCR_DPI = "300"
_OCR_SECONDS = 120  # per page: a page that takes longer is not worth a stuck ingest
_STAMP_CHARS = 200  # a text layer shorter than this over a scan may be only a stamp
_SCAN_PIXELS = 500_000  # an image this large is a scanned page, not a logo
# Bytes of plain text: tab, newline, carriage return, form feed and printable ASCII.
_TEXT_BYTES = bytes([9, 10, 12, 13, *range(32, 127)])
# Zero-width characters and the soft hyphen vanish, as do control characters other than tab
# and newline; form feeds, vertical tabs (Word's manual line break) and Unicode line
# separators become newlines.
_INVISIBLE: dict[int, str | None] = {
    **dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x7F, 0x180E], None),
    # bidirectional marks, embeddings and isolates, and invisible operators, all unseen
    **dict.fromkeys([0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2061, 0x206A)],
                    None),
    **dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20)], None),
    **dict.fromkeys([0x0B, 0x0C, 0x2028, 0x2029], "\n"),
}
_BLANK_LINES = re.compile(r"\n{3,}")
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_MARKDOWN_TITLE = re.compile(r"^#[ \t]+(\S.*)$", re.MULTILINE)
# Producer boilerplate that is no title at all: fall back to the file name instead.
_JUNK_TITLE = re.compile(r"^(?:microsoft \w+ - .*|untitled\W*\d*|.*\.(?:docx?|pdf|rtf|odt))$", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_HTML_BLOCKS = frozenset("""p div section article main header footer nav aside table thead tbody
    tfoot caption ul ol dl dt dd blockquote pre form fieldset figure figcaption address hr
    center""".split())
_HTML_SKIPPED = frozenset({"script", "style", "noscript", "template", "title", "meta", "link"})


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
        pages, title = _read_pdf(data, path, source)
    elif suffix == ".docx":
        pages, title = _read_docx(data, source)
    elif suffix in (".html", ".htm"):
        pages, title = _read_html(data, source)
    else:
        pages, title = [_decode(data, source)], ""
    text, starts = _join([_normalise(page).strip("\n") for page in pages])
    if not text.strip():
        raise PaperError(source, _NO_TEXT)
    title = (_clean_title(title)
             or (_clean_title(_markdown_title(text)) if suffix == ".md" else "")
             or _title_from_name(Path(source).stem or path.stem) or source)
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


def _read_pdf(data: bytes, path: Path, source: str) -> tuple[list[str], str]:
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
    if pages and not any(_normalise(page).strip() for page in pages):
        if damage:  # not a scan: a file too damaged to show its text
            raise PaperError(source, _unreadable_pdf(damage[0][:100]))
        raise PaperError(source, _OCR_FOUND_NOTHING if ocr else _NEEDS_OCR)
    return pages, title


def _read_pdf_layer(data: bytes, source: str) -> tuple[list[str], list[int], str]:
    """The text layer of each page, the pages that look scanned (0-based), and the title."""
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
        pages = [page.extract_text() or "" for page in reader.pages]
        scanned = [n for n, (page, text) in enumerate(zip(reader.pages, pages))
                   if not text.strip() or (len(text.strip()) < _STAMP_CHARS
                                           and _has_scan(page.get("/Resources")))]
        metadata = reader.metadata
        title = str(metadata.title or "") if metadata is not None else ""
    except PaperError:
        raise
    except Exception as error:  # pypdf raises many kinds of error on damaged files
        raise PaperError(source, _unreadable_pdf(_short(error))) from None
    return pages, scanned, title


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
                                 f"({_short(Exception(detail.decode(errors='replace')))}); "
                                 "ingest a copy with a text layer") from None
    return text.decode("utf-8", errors="replace")


def _unreadable_pdf(detail: str) -> str:
    return f"is not a readable PDF (corrupt or truncated): {detail}; re-export it from the original"


def _read_docx(data: bytes, source: str) -> tuple[list[str], str]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:
        if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: a Word 97-2003 .doc renamed
            detail = "it is an old .doc file; open it in Word and save it as .docx"
        elif not zipfile.is_zipfile(io.BytesIO(data)):
            detail = "it is not a Word package; re-save it from Word as .docx"
        else:
            detail = f"{_short(error)}; re-save it from Word as .docx"
        raise PaperError(source, f"is not a readable Word document (.docx): {detail}") from None
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            blocks.append(_docx_paragraph(item.text, item.style.name if item.style else ""))
        elif isinstance(item, Table):
            blocks.extend(_docx_row(row.cells) for row in item.rows)
    title = document.core_properties.title or ""
    return ["\n\n".join(block for block in blocks if block)], title


def _docx_paragraph(text: str, style: str | None) -> str:
    """A Word paragraph as text; heading styles become markdown headings for the chunker."""
    text = text.strip()
    heading = re.fullmatch(r"Heading (\d)", style or "")
    if text and heading:
        return "#" * min(int(heading.group(1)), 6) + " " + " ".join(text.split())
    if text and style == "Title":
        return "# " + " ".join(text.split())
    return text


def _docx_row(cells: Any) -> str:
    """A table row as 'cell | cell'; a merged cell is listed once."""
    texts: list[str] = []
    previous = None
    for cell in cells:
        if cell._tc is not previous:  # merged cells repeat the same <w:tc>
            texts.append(" ".join(cell.text.split()))
        previous = cell._tc
    return " | ".join(texts) if any(texts) else ""


def _read_html(data: bytes, source: str) -> tuple[list[str], str]:
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(_decode(data, source, _html_encoding(data)), "html.parser")
        title_tag = soup.find("title")
        title = title_tag.get_text(" ", strip=True) if title_tag else ""
        out: list[str] = []
        _html_text(soup, out)
    except RecursionError:
        raise PaperError(source, "the page is nested too deeply to read (thousands of levels); "
                                 "save it as PDF or text and ingest that") from None
    except PaperError:
        raise
    except Exception as error:  # bs4's ParserRejectedMarkup, e.g. on a malformed <![ ]>
        raise PaperError(source, f"is not readable HTML ({type(error).__name__}); save the "
                                 "page again, or as PDF, and ingest that") from None
    lines = (" ".join(line.split()) for line in "".join(out).split("\n"))
    return ["\n".join(line for line in lines if line != "-")], title


def _html_text(node: Any, out: list[str]) -> None:
    """Append the text of `node`'s children to `out`, with newlines where blocks end."""
    from bs4.element import NavigableString, PreformattedString, Tag

    for child in node.children:
        if isinstance(child, PreformattedString):  # comments, doctype, CDATA
            continue
        if isinstance(child, NavigableString):
            out.append(re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag) or child.name in _HTML_SKIPPED:
            continue
        name = child.name
        if name == "head" and child.find("body") is None:  # html.parser nests an unclosed head
            continue
        if re.fullmatch(r"h[1-6]", name):
            out.append(f"\n\n{'#' * int(name[1])} {child.get_text(' ', strip=True)}\n\n")
        elif name == "tr":
            cells = [c.get_text(" ", strip=True) for c in child.find_all(["td", "th"])]
            out.append("\n" + (" | ".join(cells) if any(cells) else ""))
        elif name == "li":
            out.append("\n- ")
            _html_text(child, out)
        elif name == "br":
            out.append("\n")
        elif name in _HTML_BLOCKS:
            out.append("\n\n")
            _html_text(child, out)
            out.append("\n\n")
        else:
            _html_text(child, out)


def _html_encoding(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag, when it is not UTF-8 (which is the default)."""
    match = _META_CHARSET.search(data[:4096])
    if data.startswith(codecs.BOM_UTF8) or not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"  # what browsers do: such pages are really Windows-1252
    return None if name.startswith(("utf-8", "utf-16")) else name


def _decode(data: bytes, source: str, encoding: str | None = None) -> str:
    """Text from bytes: UTF-8 (BOM or not), else Windows-1252, as Windows exports with £ are.

    A file of UTF-8 with some lines in Windows-1252 (two exports pasted together) has each
    line decoded as what it is.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")  # Notepad's "Unicode"
    if b"\x00" in data[:8192]:
        raise PaperError(source, _BINARY)
    if encoding:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    if len(sample.translate(None, _TEXT_BYTES)) > 0.3 * len(sample):
        raise PaperError(source, _BINARY)  # text in any Western language is mostly ASCII
    return "\n".join(_decode_line(line)
                     for line in data.removeprefix(codecs.BOM_UTF8).split(b"\n"))


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    text = unicodedata.normalize("NFKC", text)  # ligatures such as "ﬁ" become "fi"
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text)


def _join(pages: list[str]) -> tuple[str, list[int]]:
    """Pages joined by blank lines, and where each starts; an empty page starts with the next."""
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    for page in pages:
        gap = 2 if parts else 0
        starts.append(length + gap)
        if page:
            parts.append(page)
            length += gap + len(page)
    return "\n\n".join(parts), starts


def _short(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:100] if lines else type(error).__name__


def _clean_title(title: str) -> str:
    title = " ".join(_normalise(title).split())
    return "" if _JUNK_TITLE.match(title) else title


def _markdown_title(text: str) -> str:
    match = _MARKDOWN_TITLE.search(text)
    return match.group(1).strip().rstrip("#").strip() if match else ""


def _title_from_name(stem: str) -> str:
    """'city-cyp-scrutiny-2017-09-19-agenda-pack' -> 'City cyp scrutiny 2017-09-19 agenda pack'."""
    parts = _ISO_DATE.split(stem)  # odd positions hold the dates, kept whole
    words = " ".join(part if i % 2 else re.sub(r"[-_]+", " ", part)
                     for i, part in enumerate(parts))
    words = " ".join(words.split())
    return words[:1].upper() + words[1:]


SIDECAR_FIELDS = ("doc_type", "title", "council", "committee", "meeting_date", "minutes_of",
                  "item", "item_title", "author", "contact", "access")


def sidecar_path(path: Path) -> Path:
    """Where a paper's metadata file lives: 'minutes.pdf' -> 'minutes.pdf.json'."""
    return path.with_name(path.name + ".json")


def read_sidecar(path: Path) -> dict[str, str]:
    """The metadata a sidecar file states for a paper (empty without one)."""
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PaperError(path.name, f"its metadata file {sidecar.name} is not readable JSON "
                                    f"({_short(error)}); fix it or remove it") from None
    if not isinstance(data, dict):
        raise PaperError(path.name, f"its metadata file {sidecar.name} must hold one JSON "
                                    'object, e.g. {"committee": "Planning Committee"}')
    unknown = sorted(set(data) - set(SIDECAR_FIELDS))
    if unknown:
        raise PaperError(path.name, f"its metadata file {sidecar.name} has unknown field(s) "
                                    f"{', '.join(unknown)}; it may state "
                                    f"{', '.join(SIDECAR_FIELDS)}")
    if data.get("access", "public") not in ("public", "restricted"):
        raise PaperError(path.name, f"its metadata file {sidecar.name} gives access "
                                    f"{data['access']!r}; write \"public\" or \"restricted\"")
    for field in ("meeting_date", "minutes_of"):
        if data.get(field) and not _ISO_DATE.fullmatch(str(data[field])):
            raise PaperError(path.name, f"its metadata file {sidecar.name} gives {field} "
                                        f"{data[field]!r}; write the date as YYYY-MM-DD")
    return {k: str(v) for k, v in data.items() if v not in (None, "")}
