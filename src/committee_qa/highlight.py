"""Where a passage stands on its page: the passage's words in the text as read, matched to
the words a PDF's text layer or OCR places on the page, and the lines they fill. Pure.

The text as read is not the page's raw characters: running heads are gone, wrapped lines
and broken words are joined, ligatures and spellings normalised. So the two are aligned
word by word (their longest common runs, in order), and the passage covers the page words
from its first match to its last, widened at either end over words neither side matched
(a word OCR misread) as far as the passage has unmatched words there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .schema import PageWord

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class HighlightedLine:
    """A line of the page holding part of the passage, with the box of the passage's words
    on it (shares of the page, from the top left) and its number on the page (from 1)."""

    number: int
    left: float
    top: float
    right: float
    bottom: float
    words: tuple[str, ...]


def highlight(page_text: str, start: int, end: int,
              words: Sequence[PageWord]) -> list[HighlightedLine]:
    """The lines of the page on which the passage at [start, end) of `page_text` (the page's
    text as read) stands, in order; none if no word of the passage is found on the page."""
    read = [(m.start(), m.end(), _normal(m.group())) for m in _TOKEN.finditer(page_text)]
    inside = [i for i, (s, e, _t) in enumerate(read) if s < end and e > start]
    placed = [(token, n) for n, word in enumerate(words) for token in _tokens(word.text)]
    if not inside or not placed:
        return []
    matcher = SequenceMatcher(None, [t for *_, t in read], [t for t, _n in placed],
                              autojunk=False)
    pairs = {a + k: b + k for a, b, size in matcher.get_matching_blocks() for k in range(size)}
    hits = [pairs[i] for i in inside if i in pairs]
    if not hits:
        return []
    first, last = min(hits), max(hits)
    matched = sorted(pairs.values())
    # Unmatched words of the passage before its first match, and after its last: take as
    # many unmatched page words there, never reaching a page word matched to another.
    lead = next(k for k, i in enumerate(inside) if i in pairs)
    trail = next(k for k, i in enumerate(reversed(inside)) if i in pairs)
    floor = max((b for b in matched if b < first), default=-1) + 1
    ceiling = min((b for b in matched if b > last), default=len(placed)) - 1
    first, last = max(first - lead, floor), min(last + trail, ceiling)
    chosen = sorted({placed[k][1] for k in range(first, last + 1)})
    return _lines([words[n] for n in chosen], _line_numbers(words))


def _lines(chosen: Sequence[PageWord], numbers: dict[int, int]) -> list[HighlightedLine]:
    """The chosen words grouped by line, each line the box around its chosen words."""
    by_line: dict[int, list[PageWord]] = {}
    for word in chosen:
        by_line.setdefault(word.line, []).append(word)
    return [HighlightedLine(numbers[line], min(w.left for w in on), min(w.top for w in on),
                            max(w.right for w in on), max(w.bottom for w in on),
                            tuple(w.text for w in on))
            for line, on in sorted(by_line.items(), key=lambda item: numbers[item[0]])]


def _line_numbers(words: Sequence[PageWord]) -> dict[int, int]:
    """Each line of the page numbered from 1, in the order its first word comes."""
    numbers: dict[int, int] = {}
    for word in words:
        numbers.setdefault(word.line, len(numbers) + 1)
    return numbers


def line_range(lines: Sequence[HighlightedLine]) -> str:
    """"line 4" or "lines 12–18": the page lines a highlight covers, as a person says it."""
    if not lines:
        return ""
    first, last = lines[0].number, lines[-1].number
    return f"line {first}" if first == last else f"lines {first}–{last}"


def text_line_range(text: str, start: int, end: int) -> str:
    """The lines of a paper's text as read that the span [start, end) covers."""
    first = text.count("\n", 0, start) + 1
    last = text.count("\n", 0, max(start, end - 1)) + 1
    return f"line {first}" if first == last else f"lines {first}–{last}"


def matched_share(page_text: str, start: int, end: int, words: Sequence[PageWord]) -> float:
    """The share of the passage's words on this page that the page's words match: how far a
    page's text layer can be trusted to place it (a scan's stamp matches none)."""
    passage = [_normal(m.group()) for m in _TOKEN.finditer(page_text[max(0, start):end])]
    if not passage:
        return 0.0
    placed = [token for word in words for token in _tokens(word.text)]
    matcher = SequenceMatcher(None, passage, placed, autojunk=False)
    return sum(size for *_, size in matcher.get_matching_blocks()) / len(passage)


def _tokens(text: str) -> list[str]:
    return [_normal(t) for t in _TOKEN.findall(unicodedata.normalize("NFKC", text))]


def _normal(token: str) -> str:
    return unicodedata.normalize("NFKC", token).casefold()
