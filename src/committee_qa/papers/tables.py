"""Tables in a PDF read row by row: which pages are tables, and their layout reading
(pdftotext -layout) tidied, two tables side by side read one after the other. Pure."""

from __future__ import annotations

import re
from collections import Counter

_COLUMN_GAP = re.compile(r"\S {3,}\S")  # cells of a row, as a layout reading spaces them
_TABLE_ROWS = 0.2  # a page with this share of its lines in columns is a table
_TABLE_LINES = 8
_SAME_WORDS = 0.9
_SPANNING = 0.1  # titles may cross a gutter between tables, but no more of the lines
_YEAR_ROW = re.compile(r"(?:19|20)\d\d(?:\s{2,}\S|$)")  # "2024   Computer server", "2025"


def looks_like_table(layout: str) -> bool:
    """Whether a page, read with its layout kept (pdftotext -layout), is mostly table rows."""
    lines = [line for line in layout.split("\n") if line.strip()]
    rows = sum(bool(_COLUMN_GAP.search(line.strip())) for line in lines)
    return len(lines) >= _TABLE_LINES and rows >= _TABLE_ROWS * len(lines)


def same_words(text: str, other: str) -> bool:
    """Whether two readings of a page hold (nearly) the same words, whatever their order."""
    words, others = Counter(text.split()), Counter(other.split())
    shared = sum((words & others).values())
    return shared >= _SAME_WORDS * max(sum(words.values()), sum(others.values()), 1)


def table_rows(layout: str) -> str:
    """A layout reading's rows, each table read whole when two stand side by side, without
    margins, cells three spaces apart."""
    lines = (re.sub(r" {3,}", "   ", line.strip()) for line in _side_by_side(layout))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _side_by_side(layout: str, depth: int = 0) -> list[str]:
    """The lines of the left table, then the right's, when a gutter runs down the page with
    rows keyed by year on both sides of it (a forecast and its reserves plan)."""
    lines = layout.split("\n")
    filled = [line for line in lines if line.strip()]
    width = max((len(line) for line in filled), default=0)
    best: tuple[int, list[str], list[str]] | None = None
    for start, end in _gutters(filled, width):
        across = {line for line in filled if len(line) > end and line[end - 1] != " "}
        left = [line if line in across else line[:end].rstrip() for line in lines]
        right = ["" if line in across else line[end:] for line in lines]
        aligned = sum(bool(_YEAR_ROW.match(line)) for line in right)  # years at the gutter
        if _year_rows(left) >= 3 and aligned >= 3 and (
                best is None or end - start > best[0]):
            best = (end - start, left, right)  # the widest gutter parts the tables
    if best is None:
        return lines
    _, left, right = best
    if depth:
        return left + [""] + right
    return _side_by_side("\n".join(left), 1) + [""] + _side_by_side("\n".join(right), 1)


def _gutters(filled: list[str], width: int) -> list[tuple[int, int]]:
    """Runs of columns (start, end) blank on all but a few lines, in the page's middle."""
    def blank(column: int) -> bool:
        crossing = sum(len(line) > column and line[column] != " " for line in filled)
        return crossing <= _SPANNING * len(filled)

    runs: list[tuple[int, int]] = []
    column = int(width * 0.3)
    while column < int(width * 0.8):
        if blank(column):
            start = column
            while column < width and blank(column):
                column += 1
            if column - start >= 2:
                runs.append((start, column))
        column += 1
    return runs


def _year_rows(lines: list[str]) -> int:
    return sum(bool(_YEAR_ROW.match(line.strip())) for line in lines)
