"""The decisions register: every RESOLVED in the minutes, derived from the stored passages.

A resolution is never split across passages (chunking keeps it whole), so the register is
read straight from the index: nothing to keep in step, nothing to drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .schema import Chunk, Decision
from .text import terms

_RESOLVED = re.compile(r"^[ \t]*(?:[-•*][ \t]*)?\**(RESOLVED|AGREED)\b", re.M)
_ITEM_LINE = re.compile(r"^\s*(?:[-•*]\s*)?\(?(?:[a-z]{1,2}|\d{1,2})\)\s")


@dataclass(frozen=True)
class DecisionFilter:
    """Which decisions to list: all fields optional; dates are ISO and inclusive."""

    committee: str = ""
    since: str = ""
    until: str = ""
    search: str = ""

    def admits(self, decision: Decision) -> bool:
        if self.committee and self.committee.lower() not in decision.committee.lower():
            return False
        if self.since and (not decision.meeting_date or decision.meeting_date < self.since):
            return False
        if self.until and (not decision.meeting_date or decision.meeting_date > self.until):
            return False
        if self.search:
            wanted = set(terms(self.search))
            have = set(terms(f"{decision.item_title} {decision.text} {decision.committee}"))
            return wanted <= have
        return True


def extract_decisions(chunks: Iterable[Chunk]) -> list[Decision]:
    """Every resolution in the minutes among `chunks`, newest meeting first."""
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
                title=chunk.title, page=chunk.page))
    return sorted(found.values(), key=lambda d: (d.meeting_date, _number(d.minute)),
                  reverse=True)


def resolutions(text: str) -> list[str]:
    """The RESOLVED blocks of a passage, each with its numbered parts, tidied."""
    blocks = []
    for match in _RESOLVED.finditer(text):
        lines = text[match.start():].split("\n")
        kept = [lines[0]]
        for line in lines[1:]:
            if not line.strip():
                continue
            if not _ITEM_LINE.match(line):
                break
            kept.append(line)
        blocks.append("\n".join(_tidy(line) for line in kept))
    return blocks


def _tidy(line: str) -> str:
    return " ".join(line.replace("**", "").split()).lstrip("-•* ").rstrip(";")


def _number(minute: str) -> int:
    digits = re.match(r"\d+", minute)
    return int(digits.group(0)) if digits else 0
