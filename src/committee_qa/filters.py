"""Filters: which committees, document types and meeting dates a search looks at.

Read from what a person types (`--since 2017-07`, "what was decided in July 2017?") into a
`Filters` value; pure functions, no I/O. Retrieval applies them inside both searches.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import replace

from .errors import FilterError
from .schema import Chunk, Filters
from .structure import MONTHS

DOC_TYPES = ("agenda", "minutes", "report", "appendix", "decision", "other")

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_filters(committee: str | Iterable[str] = (), doc_type: str | Iterable[str] = (),
                  since: str = "", until: str = "") -> Filters:
    """Filters from a person's input; raises FilterError naming the field that cannot work.

    Dates may be YYYY, YYYY-MM or YYYY-MM-DD: `since` takes the first day they cover and
    `until` the last, so `--since 2017 --until 2017` is the whole of 2017.
    """
    committees = _values(committee)
    doc_types = tuple(t.lower() for t in _values(doc_type))
    for kind in doc_types:
        if kind not in DOC_TYPES:
            raise FilterError(f"document type {kind!r} is not one of {', '.join(DOC_TYPES)}; "
                              "choose one of those")
    first = _bound("since", since, last=False)
    last = _bound("until", until, last=True)
    if first and last and first > last:
        raise FilterError(f"the dates are the wrong way round: since {first} is after "
                          f"until {last}, so no meeting lies between them; swap them")
    return Filters(committees=committees, doc_types=doc_types, since=first, until=last)


def admits(filters: Filters, chunk: Chunk) -> bool:
    """Whether a passage lies inside the filters."""
    if filters.committees and not matches_committee(filters, chunk.committee):
        return False
    if filters.doc_types and chunk.doc_type not in filters.doc_types:
        return False
    return in_dates(filters, chunk.meeting_date)


def matches_committee(filters: Filters, committee: str) -> bool:
    """A committee is admitted when any name asked for is part of its name (any case)."""
    name = committee.lower()
    return not filters.committees or any(c.lower() in name for c in filters.committees if c)


def in_dates(filters: Filters, meeting_date: str) -> bool:
    """Whether a meeting date lies in the range; an unknown date lies in no range."""
    if not (filters.since or filters.until):
        return True
    if not meeting_date:
        return filters.undated
    return (not filters.since or meeting_date >= filters.since) and (
        not filters.until or meeting_date <= filters.until)


# "decided in July 2017", "at the meeting on 18 July 2017", "resolved in 2019": a date a
# question asks about only counts as a meeting date when the question is about meetings.
_MEETING_WORDS = re.compile(r"\b(decid\w*|decision\w*|resolv\w*|resolution\w*|agreed|"
                            r"discuss\w*|consider\w*|meeting\w*|minutes)\b", re.I)
_MONTH = "|".join(MONTHS)
_WHEN = re.compile(r"\b(?:in|during|at|on|from|of)\s+(?:the\s+|its\s+|their\s+|our\s+)?"
                   r"(?:meeting\s+(?:on|of)\s+)?"
                   rf"(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?:({_MONTH})\s+)?((?:19|20)\d\d)\b"
                   r"(?!\s*/)(?!\s+(?:inspection|report|census|survey|review|ofsted))", re.I)


def dates_asked_about(question: str) -> Filters:
    """The meeting dates a question limits itself to, or no filter at all; FilterError
    when the date it names does not exist ("31 February 2017")."""
    if not _MEETING_WORDS.search(question):
        return Filters()
    match = _WHEN.search(question)
    if match is None:
        return Filters()
    day, month, year = match.group(1), match.group(2), match.group(3)
    if day and not month:
        return Filters()
    text = year
    if month:
        text += f"-{MONTHS.index(month.lower()) + 1:02d}"
        if day:
            text += f"-{int(day):02d}"
    try:
        return parse_filters(since=text, until=text)
    except FilterError:
        named = " ".join(part for part in (day, (month or "").title(), year) if part)
        raise FilterError(f"There was no {named}: please check the date.") from None


def prefer(given: Filters, implied: Filters, known_dates: Iterable[str]) -> Filters:
    """The filters a person set, narrowed by the dates their question names: a preference,
    not a wall. Papers whose meeting date is unknown stay in play; a date that matches no
    known meeting narrows nothing (its words then count as ordinary words); dates the
    person set themselves win."""
    if given.since or given.until or not (implied.since or implied.until):
        return given
    if not any(in_dates(implied, d) for d in known_dates if d):
        return given
    return replace(given, since=implied.since, until=implied.until, undated=True)


# Words that say what kind of body a council is, not which one: a clerk calls the
# Township of Nipissing "Nipissing" and Barsetshire County Council "Barsetshire".
_BODY_WORDS = frozenset((
    "council", "councils", "county", "city", "borough", "district", "metropolitan", "town",
    "parish", "community", "township", "municipality", "village", "london", "royal",
    "national", "park", "authority", "port", "combined", "unitary", "regional", "the", "of",
    "and", "for", "in", "on", "at"))
# The word that makes a name a committee's ("the Highways Committee", "the Audit Panel").
_COMMITTEE_WORDS = frozenset((
    "committee", "committees", "subcommittee", "board", "panel", "forum", "group",
    "commission", "meeting", "council", "assembly", "partnership"))
_JOINING = frozenset(("and", "of", "the", "for", "sub"))
_WORD = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"['\u2019]s\b")


def councils_named(question: str, councils: Iterable[str]) -> tuple[str, ...]:
    """The known councils a question names by their own words, whole words in any case:
    "Nipissing" names "Township of Nipissing", "Nottingham" never "Nottinghamshire County
    Council". A council whose name is only kind-of-body words is never named."""
    words = set(_words(question))
    named = []
    for council in councils:
        own = {w for w in _words(_core(council)) if w not in _BODY_WORDS}
        if own and own <= words:
            named.append(council)
    return tuple(named)


def committees_named(question: str, committees: Iterable[str]) -> tuple[str, ...]:
    """The known committees a question names as a committee: its own words before the word
    that makes it one ("the Highways Committee" names "Highways and Transport Committee";
    "highways" alone does not), or, for a name without such a word ("Cabinet"), the name.
    A committee whose name is only such words ("Council", "Board") is never named."""
    words = _words(question)
    present = set(words)
    named = []
    for committee in committees:
        parts = _words(_core(committee))
        heads = {w for w in parts if w in _COMMITTEE_WORDS}
        own = {w for w in parts if w not in _COMMITTEE_WORDS and w not in _BODY_WORDS
               and w not in _JOINING}
        if not own:
            continue
        if not heads:
            if own <= present:
                named.append(committee)
            continue
        for i, word in enumerate(words):
            if word not in heads:
                continue
            before = [w for w in words[max(0, i - 4):i] if w not in _JOINING]
            if before and before[-1] in own:
                named.append(committee)
                break
    return tuple(named)


def _words(text: str) -> list[str]:
    return _WORD.findall(_POSSESSIVE.sub("", text.lower()))


def _core(name: str) -> str:
    """A body's name without what follows it: "Municipality of Bayham, Ontario" -> its
    first part; "Tintern Community Council (now ...)" -> "Tintern Community Council"."""
    return re.split(r"[(,;/]", name, maxsplit=1)[0]


def describe(filters: Filters) -> str:
    """The filters in words: "minutes only; meetings from 1 July 2017 to 31 July 2017"."""
    parts = []
    if filters.doc_types:
        parts.append(" or ".join(filters.doc_types) + " only")
    if filters.committees:
        parts.append("committees named " + " or ".join(repr(c) for c in filters.committees))
    if filters.since and filters.until:
        parts.append(f"meetings from {_long(filters.since)} to {_long(filters.until)}")
    elif filters.since:
        parts.append(f"meetings on or after {_long(filters.since)}")
    elif filters.until:
        parts.append(f"meetings on or before {_long(filters.until)}")
    return "; ".join(parts) or "none"


def _long(iso: str) -> str:
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{day} {MONTHS[month - 1].title()} {year}"


def _values(value: str | Iterable[str]) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or ())
    return tuple(" ".join(v.split()) for v in items if v and v.strip())


def _bound(field: str, value: str, last: bool) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    match = _PARTIAL_DATE.match(value)
    hint = (f"the {field} date {value!r} is not a date; write it as YYYY-MM-DD, for "
            "example 2017-07-18 (or only the month, 2017-07, or the year, 2017)")
    if match is None:
        raise FilterError(hint)
    year = int(match.group(1))
    month = int(match.group(2) or (12 if last else 1))
    if not 1 <= month <= 12:
        raise FilterError(hint)
    days = calendar.monthrange(year, month)[1]
    day = int(match.group(3) or (days if last else 1))
    if not 1 <= day <= days:
        raise FilterError(hint)
    return f"{year:04d}-{month:02d}-{day:02d}"
