"""File -> text with pages. The only module that imports PDF, Word and HTML libraries."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from pathlib import Path

from .errors import PaperError
from .schema import Paper

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".pdf", ".docx", ".html", ".htm"})
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_BLANK_LINES = re.compile(r"\n{3,}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def content_hash(path: Path) -> str:
    """The sha256 of the file's bytes: a paper's identity."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_paper(path: Path, source: str | None = None) -> Paper:
    """Read a paper's text (and pages, for a PDF); PaperError says why a file cannot be read."""
    source = source or path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise PaperError(source, f"unsupported file type '{path.suffix}'; committee-qa reads "
                                 ".txt, .md, .pdf, .docx, .html")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PaperError(source, f"cannot be read: {error.strerror or error}") from None
    if not data:
        raise PaperError(source, "the file is empty; export the paper again")
    if suffix in (".txt", ".md", ".html", ".htm") and b"\x00" in data[:8192]:
        raise PaperError(source, "looks like a binary file, not text; check it is the paper "
                                 "you meant")
    if suffix == ".pdf":
        pages, title = _read_pdf(data, source)
    elif suffix == ".docx":
        pages, title = _read_docx(path, source)
    elif suffix in (".html", ".htm"):
        pages, title = _read_html(_decode(data), source)
    else:
        text = _decode(data)
        pages, title = [text], _markdown_title(text) if suffix == ".md" else ""
    pages = [_normalise(p) for p in pages]
    text, starts = _join(pages)
    if not text.strip():
        raise PaperError(source, "no text found in the file")
    title = " ".join(_normalise(title).split()) or _title_from_name(path.stem)
    return Paper(source=source, title=title, text=text,
                 page_starts=tuple(starts) if suffix == ".pdf" else ())


def _read_pdf(data: bytes, source: str) -> tuple[list[str], str]:
    import io

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PaperError(source, "the PDF is encrypted; save an unencrypted copy and "
                                     "ingest that")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str(reader.metadata.get("/Title") or "") if reader.metadata else ""
    except PaperError:
        raise
    except Exception as error:  # pypdf raises many kinds on damaged files
        if "encrypt" in str(error).lower() or "password" in str(error).lower():
            raise PaperError(source, "the PDF is encrypted; save an unencrypted copy and "
                                     "ingest that") from None
        detail = str(error).splitlines()[0][:80] if str(error) else type(error).__name__
        raise PaperError(source, f"is not a readable PDF (corrupt or truncated: {detail}); "
                                 "re-export it from the original") from None
    if pages and not any(p.strip() for p in pages):
        raise PaperError(source, "has no text layer (a scanned PDF?); it needs OCR before it "
                                 "can be ingested")
    return pages, title


def _read_docx(path: Path, source: str) -> tuple[list[str], str]:
    import docx
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document: DocxDocument = docx.Document(str(path))
    except Exception as error:
        raise PaperError(source, f"is not a readable Word document (.docx): "
                                 f"{type(error).__name__}; re-save it from Word") from None
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            style = item.style.name if item.style is not None else ""
            level = style.removeprefix("Heading ").strip()
            if text and style.startswith("Heading") and level.isdigit():
                text = "#" * int(level) + " " + text
            elif text and style == "Title":
                text = "# " + text
            blocks.append(text)
        elif isinstance(item, Table):
            rows = [" | ".join(c.text.strip() for c in row.cells) for row in item.rows]
            blocks.append("\n".join(rows))
    title = document.core_properties.title or ""
    return ["\n\n".join(b for b in blocks if b)], title


def _read_html(markup: str, source: str) -> tuple[list[str], str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(["script", "style", "noscript", "head", "template"]):
        tag.decompose()
    for level in range(1, 7):
        for tag in soup.find_all(f"h{level}"):
            tag.insert_before("\n\n" + "#" * level + " ")
            tag.insert_after("\n\n")
    for tag in soup.find_all("li"):
        tag.insert_before("\n- ")
    for tag in soup.find_all("tr"):
        cells = [c.get_text(" ", strip=True) for c in tag.find_all(["td", "th"])]
        tag.replace_with("\n" + " | ".join(cells) + "\n")
    for tag in soup.find_all(["p", "div", "section", "article", "table", "ul", "ol",
                              "blockquote", "pre", "br"]):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    lines = [" ".join(line.split()) for line in soup.get_text().splitlines()]
    text = "\n".join(lines)
    return [text], title


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Windows exports: £ is 0xA3


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_ZERO_WIDTH)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text)


def _join(pages: list[str]) -> tuple[str, list[int]]:
    starts, parts, offset = [], [], 0
    for page in pages:
        starts.append(offset)
        parts.append(page)
        offset += len(page) + 2
    return "\n\n".join(parts), starts


def _markdown_title(text: str) -> str:
    match = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def _title_from_name(stem: str) -> str:
    """'city-cyp-2017-09-19-agenda-pack' -> 'City cyp 2017-09-19 agenda pack'."""
    dates = _ISO_DATE.findall(stem)
    words = _ISO_DATE.sub("\0", stem)
    words = re.sub(r"[-_]+", " ", words)
    for date in dates:
        words = words.replace("\0", date, 1)
    words = " ".join(words.split())
    return words[:1].upper() + words[1:]
