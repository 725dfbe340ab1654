"""The decisions register: every RESOLVED in the minutes, derived from the stored passages.

A resolution is never split across passages (chunking keeps it whole), so the register is
read straight from the index: nothing to keep in step, nothing to drift.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .filters import in_dates, matches_committee
from .marks import LIST_ITEM, RESOLUTION
from .schema import Chunk, Decision, Filters
from .structure import MONTHS
from .text import terms


def select(decisions: Iterable[Decision], filters: Filters, search: str = "") -> list[Decision]:
    """The decisions inside `filters` whose minute holds every word of `search`."""
    wanted = set(terms(search))
    chosen = []
    for decision in decisions:
        if not (matches_committee(filters, decision.committee)
                and in_dates(filters, decision.meeting_date)):
            continue
        if filters.doc_types and "minutes" not in filters.doc_types:
            continue
        if wanted and not wanted <= set(terms(
                f"{decision.item_title} {decision.text} {decision.committee}")):
            continue
        chosen.append(decision)
    return chosen


def extract_decisions(chunks: Iterable[Chunk]) -> list[Decision]:
    """Every resolution in the minutes among `chunks`: newest meeting first, then by minute."""
    found: dict[tuple[str, str, str], Decision] = {}
    for chunk in chunks:
        if chunk.doc_type != "minutes":
            continue
        for text in resolutions(chunk.text):
            key = (chunk.doc_id, chunk.item, text)
            found.setdefault(key, Decision(
                council=chunk.council, committee=chunk.committee,
                meeting_date=chunk.meeting_date, minute=chunk.item,
                item_title=chunk.item_title, text=text, source=chunk.source,
                title=chunk.title, page=chunk.page, chunk_id=chunk.chunk_id,
                start=chunk.start, end=chunk.end))
    return ordered(found.values())


def ordered(decisions: Iterable[Decision]) -> list[Decision]:
    """Decisions as the register lists them: newest meeting first, then by minute."""
    by_minute = sorted(decisions, key=lambda d: _number(d.minute))
    return sorted(by_minute, key=lambda d: d.meeting_date, reverse=True)


def resolutions(text: str) -> list[str]:
    """The RESOLVED blocks of a passage, each with its numbered parts, tidied."""
    blocks = []
    for match in RESOLUTION.finditer(text):
        lines = text[match.start():].split("\n")
        kept = [lines[0]]
        for line in lines[1:]:
            if not line.strip():
                continue
            if not LIST_ITEM.match(line):
                break
            kept.append(line)
        blocks.append("\n".join(_tidy(line) for line in kept))
    return blocks


# Words that ask for the register rather than about a topic: "what was decided in July
# 2017?", "which decisions did the scrutiny committee make?".
_REGISTER_WORDS = frozenset(terms(
    "decide decided decision decisions resolve resolved resolution resolutions agree agreed "
    "make made take taken meeting meetings committee committees minutes council all list "
    "every last latest recent " + " ".join(MONTHS)))
_ASKS_REGISTER = re.compile(r"\b(decid\w*|decision\w*|resolv\w*|resolution\w*|agreed)\b",
                            re.I)


def asks_for_register(question: str, committees: Iterable[str]) -> bool:
    """Whether a question asks what was decided, with no topic beyond a committee or date:
    then the register answers it, every resolution of the meetings asked about."""
    if not _ASKS_REGISTER.search(question):
        return False
    names = {t for committee in committees for t in terms(committee)}
    rest = [t for t in terms(question)
            if t not in _REGISTER_WORDS and t not in names and not t.isdigit()]
    return not rest


def _tidy(line: str) -> str:
    return " ".join(line.replace("**", "").split()).lstrip("-•*> ").rstrip(";")


def _number(minute: str) -> int:
    digits = re.match(r"\d+", minute)
    return int(digits.group(0)) if digits else 0
