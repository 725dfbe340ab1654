"""Paper text -> its documents (agenda, minutes, reports, decisions, appendices) and their meetings.

A published agenda pack is several documents one after another. They are told apart by the
signals councils' templates leave in the text: the agenda's "Date:" header and item table,
"MINUTES of the meeting held ... on <date>", a "REPORT OF ..." line under a committee/date/
title block, "This page is intentionally left blank", and a report's contact section
ending where its attached paper begins. What each document's heading says of its meeting
(council, committee, date) is read by `meeting`. Pure functions: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .marks import PARAGRAPH_MARK
from .meeting import (
    MONTHS,
    council_name,
    council_of_source,
    dated_line,
    decision_maker,
    header_committee,
    is_agenda,
    is_decision,
    is_report,
    iso_date,
    labelled,
    labelled_date,
    looks_like_minutes,
    page_title,
    read_heading,
    source_council,
    source_hints,
    title_case,
    written_dates,
)
from .schema import Document

__all__ = ["MONTHS", "iso_date", "paragraph_at", "split_pack", "title_case"]

_BLANK_PAGE = re.compile(r"^\s*This page is intentionally left blank\s*$", re.I | re.M)
_MINUTES = re.compile(r"^MINUTES of the meeting held\b.*$", re.M)
_REPORT_OF = re.compile(r"^\**REPORT OF (?:THE )?(.+?)\**$", re.M)
_CONTACT_SECTION = re.compile(r"^\d+\.?\s+Contact information\s*$", re.M | re.I)
_CONTACT_DETAIL = re.compile(
    r"^(?:[-•]\s*)?(\d+\.\d+\s|(Tel|Email|E-mail|E|T|Phone|Direct Dial)\b\s*:"
    r"|\S+@\S+$|[\d ]{10,}$)",
    re.I)
_AGENDA_ROW = re.compile(r"^\|\s*(\d{1,2})\s*\|\s*(.+?)\s*\|\s*([\d\s-]*)\|", re.M | re.S)
_AGENDA_ITEM = re.compile(r"^Agenda Item:?\s*(\d+[a-z]?)\s*$", re.M | re.I)
_COUNCIL = re.compile(r"^([A-Z][A-Z &'-]+ COUNCIL)\s*$", re.M)
_COMMITTEE = re.compile(r"^([A-Z][A-Z &',-]*COMMITTEE)\s*$", re.M)
# A meeting page's label over its title (ModernGov, CMIS): not the document's title.
_PAGE_LABEL = re.compile(r"^(?:Decision details|Issue - decisions|Agenda item|Agenda and minutes|"
                         r"Agenda|Minutes|Documents|Items Of Business)$", re.I)


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    kind: str  # agenda | minutes | report | decision | appendix | other


def split_pack(text: str, overrides: Mapping[str, Any] | None = None,
               source: str = "") -> list[Document]:
    """The documents of a paper, in order, with what can be read of their meeting.

    A value that cannot be found is left empty, never guessed. The file name (`source`)
    gives a date or document type only where the text gives none; `overrides` (from a
    sidecar file) state or replace any field for every document of the paper.
    """
    pieces = _pieces(text)
    agenda_items = _agenda_items(text)
    heads = [text[p.start : p.start + 600] for p in pieces]
    heading = read_heading(text)
    council = heading.council or _first_in(_COUNCIL, heads, named=True)
    committee = _committee(text, heading.committee) or title_case(_first_in(_COMMITTEE, heads))
    pack_date = _pack_date(text, heading.date)
    in_pack = any(p.kind == "agenda" for p in pieces)
    documents: list[Document] = []
    parent: Document | None = None
    for piece in pieces:
        body = text[piece.start : piece.end]
        document = Document(doc_type=piece.kind, start=piece.start, end=piece.end,
                            title=_title(body, piece.kind), council=council,
                            committee=committee, meeting_date=pack_date,
                            contact=_contact(body))
        if piece.kind == "minutes":
            document = _as_minutes(document, body, in_pack)
        elif piece.kind == "agenda":
            document = replace(document, title="Agenda")
        elif piece.kind == "decision":
            document = replace(document, committee=decision_maker(body) or committee,
                               meeting_date=labelled_date(body) or dated_line(body) or pack_date)
        elif piece.kind == "report":
            document = parent = _as_report(document, body, text, agenda_items)
        elif piece.kind == "appendix" and parent is not None:
            document = replace(document, item=parent.item, item_title=parent.item_title,
                               meeting_date=parent.meeting_date)
        documents.append(document)
    documents = _with_source_hints(documents, source, text)
    if overrides:
        given: dict[str, Any] = {k: str(v) for k, v in overrides.items() if v}
        documents = [replace(d, **given) for d in documents]
    return documents


def _as_minutes(document: Document, body: str, in_pack: bool) -> Document:
    """Minutes with the meeting they record; on their own, they are the papers for it."""
    line = _first(_MINUTES, body) or " ".join(body[:600].split())
    held = iso_date(_first(_MINUTES, body)) or read_heading(body).date
    written = next((line[s:e] for s, e, iso in written_dates(line) if iso == held), "")
    return replace(document, minutes_of=held,
                   meeting_date=document.meeting_date if in_pack else (
                       held or document.meeting_date),
                   title="Minutes of the meeting" + (f" held on {written}" if written else ""))


def _as_report(document: Document, body: str, text: str,
               agenda_items: Mapping[str, str]) -> Document:
    """A report with its item, title, author and meeting, from its header."""
    report_of = _REPORT_OF.search(body)
    if report_of is None:  # 'Report to: Cabinet', 'Date of meeting: ...', 'Report of: ...'
        title = labelled(body, "report title", "title", "subject")
        return replace(
            document, title=title or document.title, item_title=title,
            committee=labelled(body, "report to", "meeting", "committee") or document.committee,
            author=labelled(body, "report of", "report by", "report author"),
            meeting_date=labelled_date(body) or document.meeting_date)
    author, _, run_on = report_of.group(1).partition("**")
    item_title = _report_title(body[: report_of.start()]) or _run_on_title(
        run_on, body[report_of.end():])
    return replace(
        document, item_title=item_title, title=item_title or document.title,
        author=title_case(author.strip(" *")),
        item=_first(_AGENDA_ITEM, text, group=1) or _match_item(item_title, agenda_items),
        meeting_date=iso_date(body[: report_of.start()]) or document.meeting_date,
    )


def _with_source_hints(documents: list[Document], source: str, text: str) -> list[Document]:
    """The file name's date, document type and council, for documents whose text states
    none of them (a council the text names anywhere counts if the file name names it)."""
    when, kind = source_hints(source)
    if kind and all(d.doc_type == "other" for d in documents):
        documents = [replace(d, doc_type=kind) for d in documents]
    council = "" if any(d.council for d in documents) else (
        source_council(source) or council_of_source(text, source))
    if council:
        documents = [replace(d, council=council) for d in documents]
    return [replace(d, meeting_date=when) if when and not (d.meeting_date or d.minutes_of)
            else d for d in documents]


def _committee(text: str, stated: str) -> str:
    """The committee a paper's heading names: a decision's maker, a meeting page's title,
    the meeting statement, or a heading line of its own."""
    return ((decision_maker(text) if is_decision(text) else "") or page_title(text)[0]
            or stated or header_committee(text))




def paragraph_at(text: str, offset: int) -> str:
    """The paragraph marker in force at `offset`: the last one at or before it, or ''."""
    marks = [m.group(1) for m in PARAGRAPH_MARK.finditer(text, 0, offset + 8)
             if m.start(1) <= offset + 4]
    return marks[-1].rstrip(".") if marks else ""


def _pieces(text: str) -> list[_Piece]:
    """Spans of the documents: cut at blank pages, minutes, reports and attached papers."""
    cuts = {0, len(text)}
    for match in _BLANK_PAGE.finditer(text):
        cuts.update((match.start(), match.end()))
    for match in _MINUTES.finditer(text):
        cuts.add(_pull_back_header(text, match.start(), 3, minutes=True))
    for match in _REPORT_OF.finditer(text):
        cuts.add(_pull_back_header(text, match.start(), 4))
    for match in _CONTACT_SECTION.finditer(text):
        end = _end_of_contact(text, match.end())
        if end is not None:
            cuts.add(end)
    bounds = sorted(cuts)
    pieces: list[_Piece] = []
    for start, end in zip(bounds, bounds[1:]):
        body = text[start:end]
        if not body.strip() or _BLANK_PAGE.fullmatch(body.strip()):
            continue
        start += len(body) - len(body.lstrip())
        end -= len(body) - len(body.rstrip())
        pieces.append(_Piece(start, end, _kind(text[start:end], pieces)))
    return pieces


def _kind(body: str, before: list[_Piece]) -> str:
    head = body[:600]
    if is_decision(body):
        return "decision"
    if _MINUTES.search(head):
        return "minutes"
    if _REPORT_OF.search(head):
        return "report"
    if read_heading(body).minutes:
        return "minutes"
    if is_report(body):
        return "report"
    if not before and not looks_like_minutes(body) and (
            re.search(r"^Date:", head, re.M) or _AGENDA_ROW.search(body) or is_agenda(body)
            or (page_title(body)[1] and re.search(r"^Venue:", head, re.M))):
        return "agenda"
    if before and before[-1].kind in ("report", "appendix"):
        return "appendix"
    if looks_like_minutes(body):
        return "minutes"
    return "other"


def _pull_back_header(text: str, start: int, lines: int, minutes: bool = False) -> int:
    """Move a document's start back over the header lines just above it (council,
    committee, date, title, 'Agenda Item: 5'), skipping blank lines between them."""
    line_start = start
    for _ in range(lines):
        end = line_start - 1
        while end > 0 and text[end - 1] == "\n":
            end -= 1  # blank lines between header lines
        if end <= 0:
            break
        previous = text.rfind("\n", 0, end) + 1
        line = text[previous:end].strip()
        wanted = (_COUNCIL.match(line) or _COMMITTEE.match(line)) if minutes else (
            _is_header_line(line))
        if not line or not wanted:
            break
        line_start = previous
    return line_start


def _is_header_line(line: str) -> bool:
    """A short line of capitals, a date, or 'Agenda Item: 5': the stuff of a title block."""
    if len(line) > 140 or line.endswith((".", ";", ",")):
        return False
    if _AGENDA_ITEM.match(line) or (iso_date(line) and len(line) < 40):
        return True
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _end_of_contact(text: str, after: int) -> int | None:
    """Where a report's contact details end and an attached paper begins, if one does."""
    offset = after
    for line in text[after:].split("\n"):
        stripped = line.strip()
        if stripped and not _CONTACT_DETAIL.match(stripped) and not _BLANK_PAGE.match(line):
            return offset
        if _BLANK_PAGE.match(line):
            return None
        offset += len(line) + 1
    return None


def _agenda_items(text: str) -> dict[str, str]:
    """The agenda table's item numbers and titles."""
    return {number: " ".join(title.split()) for number, title, _pages
            in _AGENDA_ROW.findall(text)}


def _match_item(title: str, items: Mapping[str, str]) -> str:
    """The agenda item whose title shares most of its words with a report's title."""
    words = set(re.findall(r"[a-z0-9]+", title.lower()))
    best, best_share = "", 0.0
    for number, item_title in items.items():
        theirs = set(re.findall(r"[a-z0-9]+", item_title.lower()))
        share = len(words & theirs) / max(1, len(theirs | words))
        if share > best_share:
            best, best_share = number, share
    return best if best_share >= 0.6 else ""


def _report_title(header: str) -> str:
    """The title lines of a report's header: not the committee, not the date."""
    lines = [line.strip() for line in header.split("\n") if line.strip()]
    kept = [line for line in lines if not _COMMITTEE.match(line) and not iso_date(line)
            and not _COUNCIL.match(line) and not _AGENDA_ITEM.match(line)]
    return title_case(" ".join(kept)) if kept else ""


def _run_on_title(start: str, after: str) -> str:
    """A title set in bold on the 'REPORT OF' line itself, running on until the next '**'."""
    if not start.strip():
        return ""
    title = start + " " + after.split("**", 1)[0] if "**" not in start else start
    return title_case(title.split("**")[0].strip(" *"))


def _title(body: str, kind: str) -> str:
    for line in body.split("\n")[:12]:
        line = line.strip("*# \t")
        if not line or _COUNCIL.match(line) or _PAGE_LABEL.match(line) or iso_date(line) or (
                _AGENDA_ITEM.match(line)) or (
                kind != "agenda" and line.lower().endswith("committee") and len(line) < 80):
            continue
        return title_case(line) if _is_header_line(line) else line
    return ""


def _contact(body: str) -> str:
    match = re.search(r"^(?:\d+\.?\s+Contact information|Contact Officer|.*please contact:)\s*$"
                      r"\s*(?:[-•]\s*)?(?:\d+\.\d+\s+)?(.+)$", body, re.M | re.I)
    return match.group(1).strip() if match else ""


# Where a paper's heading ends: its first numbered item ("1. BVP, LLC", "1.0 Purpose").
_FIRST_ITEM = re.compile(r"^[ \t]*1(?:\.0)?[.)]?[ \t]+[A-Z]", re.M)
# Its date label, at the start of a line or after another label's value ("Meeting: Cabinet
# Date: 10 December 2025").
_DATE_LABEL = re.compile(r"^(?:[A-Z][A-Za-z ]{1,30}:[^\n]*?\s)?Date:\s*(.+)$", re.M)
# A stamp of the minutes' own approval, dated after the meeting.
_STAMPED = re.compile(r"^\W*(?:approved|adopted|confirmed|signed|draft)\b", re.I)


def _pack_date(text: str, stated: str) -> str:
    """The date of the meeting a paper is for, from its heading: the part before its first
    numbered item (a 'Date:' within an item is that item's: a notice's, a letter's), where a
    short line may give the date alone."""
    first = _FIRST_ITEM.search(text, 0, 2000)
    heading = text[: first.start() if first else 2000]
    header = _DATE_LABEL.search(heading)
    # ... not a stamp of when the minutes were approved ("APPROVED MARCH 10, 2021")
    dated = [line for line in heading.strip().split("\n") if len(line.strip()) < 40
             and not _STAMPED.match(line)]
    return ((iso_date(header.group(1)) if header else "") or labelled_date(heading)
            or page_title(text)[1] or stated or dated_line(text) or iso_date("\n".join(dated)))


def _first_in(pattern: re.Pattern[str], texts: list[str], named: bool = False) -> str:
    """The first match in any of `texts`; with `named`, only a council's name in full."""
    for text in texts:
        for match in pattern.finditer(text):
            value = match.group(0).strip()
            if not named or council_name(value).lower() == " ".join(value.split()).lower():
                return title_case(value)
    return ""


def _first(pattern: re.Pattern[str], text: str, group: int = 0) -> str:
    match = pattern.search(text)
    return match.group(group).strip() if match else ""
