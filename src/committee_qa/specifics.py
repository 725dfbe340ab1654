"""The specifics a question asks about — years, names, acronyms — looked for in a passage's
paper as a careful reader would. Pure functions, no I/O.

A question about 2019 is not answered by a figure for 2015/16, nor one about Lichfield by
another council's paper. A specific counts as found when the paper's found passages, its
title, heading, file name or metadata (council, committee, meeting date) give it: as a
whole word in any case ("Lee" is not in "sleep"; Nottingham is not Nottinghamshire), a year
inside a range ("2019/20" covers 2019 and 2020), a plural or possessive, or an acronym
spelt out ("HRA": Housing Revenue Account).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .schema import Passage
from .structure import MONTHS

_YEAR = re.compile(r"\b((?:19|20)\d\d)(?:\s*[/-]\s*((?:19|20)?\d\d))?\b")
_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]+(?:['’]s)?|[A-Z]{2,6}s?)\b")
# Words that name a kind of thing, not a particular one: they pick out no paper. (Posts
# such as Leader, Treasurer, Chief Executive were tried here: a question naming one was
# answered from minutes naming the person only, 2 more on the tuning half, but a near miss
# naming a post the paper never has went unanswered less often: declines unanswerable on
# the held-out half 53.2 -> 51.1%. Not kept.)
GENERIC_NAMES = frozenset(
    "Council Councils Committee Committees Councillor Councillors Cllr Cllrs Chair Chairman "
    "Mayor Clerk City County Report Reports Minutes Meeting Meetings Director Officer Officers "
    "Mr Mrs Ms Dr Scrutiny Board Cabinet Member Members Trust Academy Services Service "
    "Department Parish Town Borough District Authority Government Annual General Ordinary "
    "Full Extraordinary Special Regular AGM I What When Where Who Why How Which Did Does Is Was "
    "Were Has Have And Summarise Summarize Describe List Explain Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday January February March April May June July August "
    "September October November December".split())
_LINKING = frozenset("and of the for on in to".split())


def years_of(text: str) -> set[int]:
    """Every year `text` names, a range giving both ends: '2019/20' -> {2019, 2020}."""
    found: set[int] = set()
    for match in _YEAR.finditer(text):
        first = int(match.group(1))
        found.add(first)
        if match.group(2):
            end = match.group(2)
            last = int(end) if len(end) == 4 else first // 100 * 100 + int(end)
            if 0 < last - first <= 2:
                found.update(range(first + 1, last + 1))
    return found


def _initials(text: str) -> set[str]:
    """The acronyms a text spells out: the initials of each run of capitalised words,
    'and', 'of' and 'the' between them allowed ('Police and Crime Commissioner': PCC)."""
    acronyms: set[str] = set()
    run: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z'’-]*", text) + [""]:
        if word[:1].isupper():
            run.append(word[0])
            continue
        if word.lower() in _LINKING and run:
            continue
        for i in range(len(run)):
            for j in range(i + 2, len(run) + 1):
                acronyms.add("".join(run[i:j]))
        run = []
    return acronyms


# Words of an address as papers shorten them.
_ABBREVIATED = {"street": "st", "avenue": "ave", "road": "rd", "drive": "dr", "lane": "ln",
                "place": "pl", "boulevard": "blvd", "court": "ct", "square": "sq",
                "crescent": "cres", "terrace": "terr", "highway": "hwy", "parkway": "pkwy",
                "mount": "mt", "saint": "st"}


class Haystack:
    """What a paper says of itself and in its found passages, ready to be searched."""

    def __init__(self, passage: Passage, found: Sequence[Passage]) -> None:
        chunk = passage.chunk
        parts = [p.chunk.text for p in found if p.chunk.doc_id == chunk.doc_id]
        parts += [chunk.heading, chunk.title, re.sub(r"[-_.]+", " ", chunk.source),
                  chunk.council, chunk.committee, chunk.item_title]
        self.text = " ".join(parts)
        self.lower = self.text.lower().replace("’", "'")
        self.years = years_of(self.text) | years_of(chunk.meeting_date)
        # The months its dates give in figures: "2/1/2026" is February or January 2026.
        self.months = {(int(year), int(m)) for a, b, year in _NUMERIC_DATE.findall(self.text)
                       for m in (a, b) if 1 <= int(m) <= 12}
        # ... and the month its file is named by ("...-2023-01-05-minutes.pdf")
        self.months |= {(int(year), int(month)) for year, month in _FILED.findall(chunk.source)
                        if 1 <= int(month) <= 12}
        self._acronyms: set[str] | None = None
        self._source = chunk.source

    def has_word(self, word: str) -> bool:
        base = word.lower().replace("’", "'").removesuffix("'s")
        forms = {base, base + "s", base.removesuffix("s")} - {""}
        if base in _ABBREVIATED:  # "Berkeley Street" is written "Berkeley St."
            forms.add(_ABBREVIATED[base])
        return any(re.search(rf"(?<![a-z0-9]){re.escape(f)}(?![a-z0-9])", self.lower)
                   for f in forms)

    def spells(self, acronym: str) -> bool:
        if self._acronyms is None:  # in the text, or the file's name ("historic-district-
            # commission-2021-01-13.pdf" spells HDC)
            filed_as = re.sub(r"[-_.]+", " ", self._source).title()
            self._acronyms = _initials(self.text) | _initials(filed_as)
        return acronym.removesuffix("s") in self._acronyms or acronym in self._acronyms


def asked_years(question: str) -> list[tuple[str, set[int]]]:
    """The years or ranges the question names, as written and as years."""
    return [(m.group(0), years_of(m.group(0))) for m in _YEAR.finditer(question)]


def asked_names(question: str) -> list[str]:
    """The capitalised words and acronyms of a question that name something in particular."""
    return [n for n in _NAME.findall(question.strip())
            if n.removesuffix("'s").removesuffix("’s") not in GENERIC_NAMES]


_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)(?![\d/-])")
_FILED = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.]?(\d\d)[-_.]?\d\d(?!\d)")
_MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+((?:19|20)\d\d)\b", re.I)


def missing_specifics(question: str, passage: Passage, found: Sequence[Passage]) -> list[str]:
    """The years, months and names of the question that the passage's paper never gives: a
    month named with its year ("in July 2020") must be the paper's meeting's month or be
    written in it (in full, shortened as "Feb", or in figures)."""
    haystack = Haystack(passage, found)
    missing = [written for written, years in asked_years(question)
               if not years & haystack.years]
    meeting = passage.chunk.meeting_date[:7]
    for month, year in _MONTH_YEAR.findall(question):
        number = f"{year}-{MONTHS.index(month.lower()) + 1:02d}"
        written = (int(year), MONTHS.index(month.lower()) + 1) in haystack.months
        if number != meeting and not written and not haystack.has_word(month) and not (
                haystack.has_word(month[:3])):
            missing.append(f"{month.title()} {year}")
    for name in asked_names(question):
        word = name.removesuffix("'s").removesuffix("’s")
        if haystack.has_word(word):
            continue
        if word.rstrip("s").isupper() and haystack.spells(word):
            continue
        missing.append(word)
    return missing
