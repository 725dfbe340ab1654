"""Passages -> the units an answer quotes: sentences, a list with its lead-in, a name over
its post, and the neighbours a quoted sentence needs to carry its point. Pure functions.

Every unit is a substring of quotable(passage): the trust rule, checked by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .marks import LEADING_BULLETS, LIST_ITEM, records_decision
from .text import split_sentences

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A sentence that leans on the one before: "It was agreed ...", "This figure ...".
_LEANS_BACK = re.compile(r"^\W*(?:It|This|These|They|Their|Its|He|She|His|Her|Both|Such|"
                         r"Of (?:these|which|this)|The (?:figure|total|number|amount)|"
                         r"Members|Councillors)\b")
# North American resolutions: WHEREAS clauses, then the operative words.
_WHEREAS = re.compile(r"^\W*WHEREAS\b", re.I)
_OPERATIVE = re.compile(r"^\W*(?:NOW,?\s+THEREFORE|THEREFORE,?\s+BE\s+IT|BE\s+IT\s+(?:FURTHER\s+)?"
                        r"RESOLVED|RESOLVED)\b", re.I)
# Instructions addressed to an AI model, as prompt injections in a document write them:
# evidence of nothing, so never quoted as an answer nor taken to support one.
_ADDRESSES_A_MODEL = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.]{0,60}\b(?:instructions?|prompts?|rules|"
    r"directions)\b|\b(?:you are|you must|as an?)\s+(?:an?\s+)?(?:ai|assistant|language "
    r"model|chatbot|llm)\b|\bsystem prompt\b|\b(?:assistant|ai|model),? (?:say|answer|reply|"
    r"state)\b", re.I)
NEIGHBOUR_MAX_CHARS = 400  # a neighbour longer than this is left in the passage
SHORT = 140  # a sentence shorter than this takes the next one of its paragraph
TITLE_GAP = 80  # a title line takes the next unit this close, past a blank line


@dataclass(frozen=True)
class Unit:
    """A quotable unit of a passage: where it stands, and its text as answers quote it."""

    start: int
    end: int
    text: str


def quotable(text: str) -> str:
    """A passage as answers quote it: one line, without bullets, quote marks or bold marks.

    Every sentence of an answer is a substring of quotable(cited passage): the trust rule.
    """
    lines = (LEADING_BULLETS.sub("", line) for line in text.split("\n"))
    return " ".join(" ".join(lines).replace("**", "").split())


def quote_lines(passage: str, lines: Sequence[str]) -> str:
    """The stretch of a passage from its first line to its last, exactly as it stands."""
    start = passage.find(lines[0])
    if start < 0:
        return ""
    end = passage.find(lines[-1], start)
    end = start + len(lines[0]) if end < 0 else end + len(lines[-1])
    return passage[start:end].rstrip(";, ")


def units(text: str) -> list[Unit]:
    """The sentences of a passage. A short line ending in ':' keeps the list it opens, and a
    run of short lines (a name over a job title) stays together. A sentence addressing an
    AI model ("ignore all previous instructions") is no unit: it is no evidence."""
    spans = split_sentences(text)
    found: list[Unit] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        i += 1
        if text[start:end].rstrip("*").endswith(":") and end - start <= 80:
            first = i
            while i < len(spans) and i - first < 8 and _is_item(text, spans[i][0]):
                i += 1
            end = spans[i - 1][1] if i > first else end
        elif _is_short_line(text[start:end]):
            while i < len(spans) and _is_short_line(
                    text[spans[i][0]:spans[i][1]]) and spans[i][1] - start <= 240:
                end = spans[i][1]
                i += 1
        unit = Unit(start, end, quotable(text[start:end]).rstrip(";, "))
        if not _ADDRESSES_A_MODEL.search(unit.text):
            found.append(unit)
    return found


def is_heading(sentence: str) -> bool:
    """A line set in capitals: a heading, not a statement."""
    letters = [c for c in sentence if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


# A line drawn with characters: '______', '-----', '=====', '*****'.
_RULE = re.compile(r"[_=*~]{3,}|-{3,}|–{2,}")


def is_title_line(sentence: str) -> bool:
    """A short line of capitalised words with no verb's punctuation: a title or a place in
    the agenda ('Appointment of Chairs to Strategic Policy Committees'), not an answer. A
    rule drawn under it ('____') is layout, not words."""
    sentence = _RULE.sub(" ", sentence).strip()
    if len(sentence) > 100 or ":" in sentence or sentence.rstrip().endswith(
            (".", ";", "?", "!")):
        return False
    words = [w.strip("()'’,-–") for w in sentence.split()]
    long_words = [w for w in words if len(w) > 3]
    capitals = sum(1 for w in long_words if w[:1].isupper() or w[:1].isdigit())
    return len(long_words) >= 2 and capitals >= 0.7 * len(long_words)


def neighbours(text: str, found: Sequence[Unit], index: int,
               weight: Callable[[str], Mapping[str, float]]) -> tuple[list[Unit], list[Unit]]:
    """The units of the same paragraph to quote before and after unit `index` so that it
    carries its point: the sentence it leans on ("It was agreed ..."), the one before or
    after that holds words of the question it lacks ("During the six-month period ..."),
    the next when it is short, and a WHEREAS clause's operative words. `weight(text)`
    gives the question's words in a text with their weights, and so their share."""
    unit = found[index]
    own = weight(unit.text)
    before: list[Unit] = []
    after: list[Unit] = []
    if index > 0 and _joined(text, found[index - 1], unit) and (
            _LEANS_BACK.match(unit.text) or _adds(weight(found[index - 1].text), own)):
        before.append(found[index - 1])
    if _WHEREAS.match(unit.text):
        for later in found[index + 1: index + 5]:
            after.append(later)
            if _OPERATIVE.match(later.text):
                break
        else:
            after = []
    elif index + 1 < len(found) and _joined(text, unit, found[index + 1]):
        following = found[index + 1]
        if len(unit.text) < SHORT or _adds(weight(following.text), own):
            after.append(following)
    elif (index + 1 < len(found) and is_title_line(unit.text)
          and found[index + 1].start - unit.end < TITLE_GAP):
        after.append(found[index + 1])  # an item's title: what it says follows it
    keep = [n for n in before + after if len(n.text) <= NEIGHBOUR_MAX_CHARS
            and not is_heading(n.text) and len(n.text.split()) >= 3]
    return [n for n in before if n in keep], [n for n in after if n in keep]


def decision_after(found: Sequence[Unit], index: int, within: int = 4) -> list[Unit]:
    """The first unit after unit `index`, of the next `within`, that records a decision
    ("It was resolved that ..."), as minutes record one after the discussion; none past a
    heading."""
    for later in found[index + 1: index + 1 + within]:
        if is_heading(later.text):
            break
        if records_decision(later.text) and len(later.text) <= NEIGHBOUR_MAX_CHARS:
            return [later]
    return []


def _adds(theirs: Mapping[str, float], own: Mapping[str, float]) -> bool:
    """Whether a neighbour holds a fair share of the question's words the unit lacks."""
    total = sum(theirs.values()) + sum(own.values())
    extra = sum(w for t, w in theirs.items() if t not in own)
    return total > 0 and extra >= 0.25 * total


def _joined(text: str, first: Unit, second: Unit) -> bool:
    """Whether two units stand in one paragraph: no blank line between them."""
    return not _PARAGRAPH_BREAK.search(text, first.end, second.start) and (
        second.start - first.end < 40)


def _is_short_line(sentence: str) -> bool:
    return len(sentence) <= 70 and "\n" not in sentence.strip() and not sentence.rstrip(
        "*").endswith((".", ";", ":", "?"))


def _is_item(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return start - line_start <= 8 and bool(LIST_ITEM.match(text[line_start:]))
