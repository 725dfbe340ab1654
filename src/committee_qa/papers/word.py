"""Word (.docx) -> text, headings as markdown and tables as rows; the only python-docx import."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from ..errors import PaperError
from .text import short_error


def read_docx(data: bytes, source: str) -> tuple[list[str], str]:
    """The text of a Word document (as one page) and the title its properties state."""
    # Imported here, not at the top: importing committee_qa.papers loads no format library.
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
            detail = f"{short_error(error)}; re-save it from Word as .docx"
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
