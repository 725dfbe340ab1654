"""Briefings and the register of decisions as files: Word (.docx) built to be read by a
screen reader, Markdown, and the write that leaves a whole file or none. The only module
that writes python-docx (papers/word.py reads it)."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from .briefing import (
    FORMATS,
    UNSUPPORTED,
    Briefing,
    Format,
    briefing_markdown,
    conversation_entries,
    make_briefing,
    restricted_papers,
)
from .files import write_atomically
from .filters import describe
from .render import DECISION_COLUMNS, NOT_SUPPORTED, decision_row
from .schema import Answer, Decision, Filters, PaperRecord

MEDIA_TYPES = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml."
                        "document", ".md": "text/markdown"}
FORMS: tuple[Format, ...] = (".docx", ".md")
MAX_DATA_URL = 2_000_000
TOO_LONG = ("This conversation is too long to save from the page. Start a new conversation, "
            "or ask the team that runs this service for a briefing made with `committee-qa "
            "brief`.")
LANGUAGE = "en-GB"
LINK_COLOUR = "0563C1"  # Word's own hyperlink blue: 5.9:1 on white
REGISTER = "Register of decisions"
# Characters XML 1.0 cannot hold (a PDF's form feeds, say): Word would refuse the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def briefing_bytes(briefing: Briefing, form: Format) -> bytes:
    """The briefing as the bytes of a file in `form` (".docx" or ".md")."""
    if form == ".md":
        return briefing_markdown(briefing).encode("utf-8")
    return briefing_docx(briefing)


def briefing_downloads(turns: Sequence[tuple[str, Answer | str]], base_url: str,
                       papers: Iterable[PaperRecord] = ()) -> list[tuple[str, str, str]] | str:
    """The chat's briefing of its conversation as (label, file name, data: URL) for each
    format: made for its reader and stored nowhere, since a file the server kept could be
    fetched by someone else. None until a question has been answered; TOO_LONG when the
    conversation is more than a page can offer."""
    entries = conversation_entries(turns)
    if all(answer.abstained for _question, _history, answer in entries):
        return []
    briefing = make_briefing(entries, base_url, datetime.now().astimezone(), papers)
    offered = [(f"Download briefing ({FORMATS[form]})", briefing.stem + form,
                data_url(briefing_bytes(briefing, form), form)) for form in FORMS]
    # Browsers take data: URLs up to 2 MB; so long a conversation is for `committee-qa brief`.
    return TOO_LONG if any(len(url) > MAX_DATA_URL for *_, url in offered) else offered


def data_url(data: bytes, form: Format) -> str:
    """A file as a data: URL, which a page can offer for download without storing it."""
    media = MEDIA_TYPES[form] + (";charset=utf-8" if form == ".md" else "")
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"


def briefing_docx(briefing: Briefing) -> bytes:
    """The briefing as a Word document: its title in the document's properties, Word's own
    heading styles (a question a Heading 1, each source a Heading 3), quotes in the Quote
    style, links that are links, and the language set, so a screen reader reads it whole."""
    doc = _document(briefing.title, briefing.made, subject="; ".join(
        s.question for s in briefing.sections))
    if briefing.warning:
        doc.sections[0].header.paragraphs[0].text = "RESTRICTED: exempt information"
    doc.add_paragraph(_text(briefing.title), style="Title")
    for line in briefing.intro:
        doc.add_paragraph(_text(line))
    if briefing.warning:
        doc.add_paragraph().add_run(_text(briefing.warning)).bold = True
    for section in briefing.sections:
        doc.add_heading(_text(section.heading), level=1)
        if section.follows:
            doc.add_paragraph().add_run(_text(f"Asked after: “{section.follows}”")).italic = True
        how = doc.add_paragraph()
        how.add_run(_text(section.how)).bold = True
        if section.note:
            how.add_run(_text(f" Note: {section.note}"))
        for label, text in section.sentences:
            sentence = doc.add_paragraph()
            if label:
                sentence.add_run(_text(f"{label}: ")).bold = True
            sentence.add_run(_text(text))
        if section.unsupported:
            doc.add_heading(NOT_SUPPORTED, level=2)
            doc.add_paragraph(UNSUPPORTED)
            for text in section.unsupported:
                doc.add_paragraph(_text(text), style="List Bullet")
        if section.sources:
            doc.add_heading(section.sources_heading, level=2)
        for source in section.sources:
            doc.add_heading(_text(source.name), level=3)
            details = doc.add_paragraph()
            for n, (label, value) in enumerate(source.details):
                if n:
                    details.add_run().add_break()
                details.add_run(f"{label}: ").bold = True
                details.add_run(_text(value))
            for block in source.quote:
                _lines(doc.add_paragraph(style="Quote"), block)
            if source.link:
                link = doc.add_paragraph("Open the passage in committee-qa: ")
                _hyperlink(link, source.link, source.link)
    return _saved(doc)


def decisions_docx(decisions: Sequence[Decision], made: datetime,
                   filters: Filters = Filters(), papers: Iterable[PaperRecord] = ()) -> bytes:
    """The register as a Word table under DECISION_COLUMNS, on landscape pages, its header
    row marked as one (repeated on every page, read as headers); a decision from a
    restricted paper among `papers` is marked."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc = _document(REGISTER, made, subject="Every RESOLVED in the minutes")
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.5)
    restricted = restricted_papers(papers)
    marked = [d.chunk_id.split(":")[0] in restricted for d in decisions]
    if any(marked):
        section.header.paragraphs[0].text = "RESTRICTED: exempt information"
    doc.add_paragraph(REGISTER, style="Title")
    count = f"{len(decisions)} decision" + ("" if len(decisions) == 1 else "s")
    doc.add_paragraph(f"Made by committee-qa on {made.day} {made:%B %Y at %H:%M}: {count}, "
                      "newest meeting first." + ("" if filters.empty else
                                                 f" Filters: {_text(describe(filters))}."))
    if any(marked):
        doc.add_paragraph().add_run("Decisions marked (restricted paper) come from restricted "
                                    "papers (exempt information). Share this register only "
                                    "with people entitled to read them.").bold = True
    table = doc.add_table(rows=1, cols=len(DECISION_COLUMNS), style="Table Grid")
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, name in zip(header.cells, DECISION_COLUMNS):
        cell.paragraphs[0].add_run(name).bold = True
    for decision, restricted_one in zip(decisions, marked):
        row = decision_row(decision)
        if restricted_one:
            row[-1] += " (restricted paper)"
        for cell, value in zip(table.add_row().cells, row):
            _lines(cell.paragraphs[0], value)
    return _saved(doc)


def save(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: into a temporary file beside it, then
    renamed over it, so a failure leaves any earlier file as it was and no half file. A
    file replaced keeps its permissions; a new one may be read by all, written by its owner."""
    write_atomically(Path(path), lambda f: f.write(data))


def _document(title: str, made: datetime, subject: str) -> Any:
    """A new Word document with its properties set, its language British English, and the
    character style Word gives links."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_UNDERLINE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    doc = docx.Document()
    props = doc.core_properties
    props.title, props.subject, props.author = _text(title), _text(subject)[:250], "committee-qa"
    props.keywords, props.language = "committee papers; briefing; citations", LANGUAGE
    props.created = props.modified = made.replace(tzinfo=None)
    props.last_modified_by, props.revision = "committee-qa", 1
    run_defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
        qn("w:rPr"))
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    link = doc.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor.from_string(LINK_COLOUR)
    link.font.underline = WD_UNDERLINE.SINGLE
    return doc


def _hyperlink(paragraph: Any, url: str, text: str) -> None:
    """A real link (w:hyperlink to an external relationship) at the end of `paragraph`."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK,
                                                  is_external=True))
    run, props, style, shown = (OxmlElement(tag) for tag in ("w:r", "w:rPr", "w:rStyle",
                                                             "w:t"))
    style.set(qn("w:val"), "Hyperlink")
    shown.set(qn("xml:space"), "preserve")
    shown.text = _text(text)
    props.append(style)
    run.append(props)
    run.append(shown)
    link.append(run)
    paragraph._p.append(link)


def _lines(paragraph: Any, text: str) -> None:
    """Text into a paragraph, each of its lines kept as a line."""
    for n, line in enumerate(text.split("\n")):
        if n:
            paragraph.add_run().add_break()
        paragraph.add_run(_text(line))


def _text(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def _saved(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

