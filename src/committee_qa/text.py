"""Words and sentences: the tokenising, stemming and sentence splitting every stage shares."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves also did does tell say said says give gave please any many much us let know
    last next""".split()
)

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,'’][a-z0-9]+)*%?", re.IGNORECASE)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: the Snowball English stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stemming: 'recruited', 'recruiting' and 'recruits' all become 'recruit'."""
    return str(_stemmer().stemWord(word))


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, numbers kept whole ('4.82%', '170,000')."""
    return [t.lower().replace(",", "").replace("’", "'") for t in _TOKEN.findall(text)]


# Ways councillors and officers say the same thing. A text using any phrase of a class also
# gets that class's token, so "last half-year" finds "the six-month period".
EQUIVALENT_PHRASES = (
    ("half-year", "half year", "six-month", "six month", "six months", "6 months", "6-month"),
    ("social workers", "social worker", "social work staff", "social work practitioners"),
    ("year-end", "year end", "end of the year", "end of the financial year"),
    ("looked after children", "children in care", "child in care", "looked after child"),
)
_EQUIVALENTS = [
    (re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE),
     "~" + re.sub(r"\W+", "_", phrases[0]))
    for phrases in EQUIVALENT_PHRASES
]


def terms(text: str) -> list[str]:
    """Stemmed content words, plus a token for each council phrase the text uses."""
    words = (t.removesuffix("'s") for t in tokens(text))
    found = [stem(t) for t in words if t not in STOPWORDS]
    found += [token for pattern, token in _EQUIVALENTS if pattern.search(text)]
    return found


# A sentence ends at . ! ? or ; followed by space and an upper-case letter, digit, quote or
# bullet, unless the full stop belongs to an abbreviation or initial.
_ABBREVIATIONS = ("e.g", "i.e", "etc", "no", "nos", "para", "paras", "cllr", "mr", "mrs", "ms",
                  "dr", "st", "vs", "approx", "ref", "tel", "p", "pp", "am", "pm", "fig", "cf")
_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9•\-])"  # full stop, then a capital
    r"|(?<=;)\s+"  # the clauses of a minute end in semicolons
    r"|\n\s*\n"  # a blank line
    r"|\n(?=[ \t]*(?:[-•*][ \t]|\(?[0-9a-z]{1,3}\)[ \t]|\d+(?:\.\d+)*[ \t]))"  # a list item
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`, never cutting inside one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start()
        before = text[start:end].rstrip()
        last_word = before.rsplit(None, 1)[-1].lower().rstrip(".") if before.split() else ""
        if before.endswith(".") and (
            last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha())
        ):
            continue
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
