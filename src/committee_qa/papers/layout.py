"""A PDF's pages as a person reads them: running heads and page numbers gone, words split
across lines whole again, lines wrapped mid-sentence joined. Pure functions on text."""

from __future__ import annotations

import re
from collections import Counter

from ..marks import OWN_LINE

_EDGE = 3  # running heads and feet are among a page's first and last three lines
_PAGE_WORD = re.compile(r"\bpage\s+\d{1,4}(?:\s+of\s+\d{1,4})?\b", re.IGNORECASE)
# "12", "- 12 -", "12 of 30", "Page 12", "Page 12 of 30", "[12]"
_PAGE_NUMBER = re.compile(r"^\W*(?:page\s+)?(\d{1,3})(?:\s*of\s*\d{1,4})?\W*$", re.IGNORECASE)
_HEAD_WORDS = 10  # a running head naming its page has few words besides
_SENTENCE_END = (".", ":", ";", "!", "?")
_WRAP_BEFORE_NUMBER = frozenset("""a an the of at in on to and or by from for with per than
    over under between about approximately total totaling totalling dated until since
    no no. section""".split())
_FULL = 0.8  # a line whose next word would have passed this share of the width was wrapped
_MIN_WIDTH = 50  # pages whose longest lines are shorter than this are tables or lists
_HYPHEN_END = re.compile(r"(\w+)-$")
_BROKEN_WORD = re.compile(r"[a-z]+-\n\s*[a-z]+")
_COMPOUND = re.compile(r"\b[a-z]+-[a-z]+\b")
_REPEATED = 0.6  # a head or foot stands on at least this share of the pages
_COLUMN_GAP = re.compile(r"\S {3,}\S")  # cells of a row, as a layout reading spaces them


def tidy_pages(pages: list[str]) -> list[str]:
    """Pages without running heads and page numbers, with wrapped lines and words joined,
    and a heading's large first letter put back on its word."""
    pages = drop_running_lines(pages)
    words = vocabulary("\n".join(pages))
    counts = Counter(re.findall(r"[a-z]+", "\n".join(pages).lower()))
    again = frozenset(word for word, n in counts.items() if n > 1)
    return [join_wrapped_lines(join_drop_capitals(page, again), words) for page in pages]


# A large first letter set on a line of its own: "H\nISTORIC DISTRICT COMMISSION".
_DROP_CAPITAL = re.compile(r"^([A-Z])\n([A-Z]{2,})\b", re.M)


def join_drop_capitals(page: str, again: frozenset[str]) -> str:
    """`page` with each letter alone on a line joined to the word after it ('M' + 'INUTES'),
    unless that word stands elsewhere in the paper too (`again`) and their join does not (a
    list's 'A' over 'NEW ITEM')."""
    def joined(match: re.Match[str]) -> str:
        word = match[1] + match[2]
        keep = match[2].lower() in again and word.lower() not in again
        return match[0] if keep else word
    return _DROP_CAPITAL.sub(joined, page)


def drop_running_lines(pages: list[str]) -> list[str]:
    """Pages without page numbers and without the heads and feet repeated on most pages.

    A repeated head is kept where it first stands; a head naming its page ("Page 2 -
    Minutes - 3 January 2023") is dropped, except on the first page where it is the title.
    """
    split = [page.split("\n") for page in pages]
    edges = [_edge_indexes(lines) for lines in split]
    repeated = _repeated_keys(split, edges)
    numbered = _numbered_pages(split, edges)
    seen: set[str] = set()
    out: list[str] = []
    for n, (lines, edge) in enumerate(zip(split, edges)):
        drop: set[int] = set()
        for i in edge:
            line = lines[i].strip()
            key = _key(line)
            if (n in numbered and _PAGE_NUMBER.match(line)) or (n and _names_its_page(line)):
                drop.add(i)
            elif key in repeated:
                if key in seen:
                    drop.add(i)
                seen.add(key)
        out.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return out


def _edge_indexes(lines: list[str]) -> list[int]:
    """The page's first and last lines: three each, fewer on a short page, whose body
    lines would otherwise count as heads."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    edge = min(_EDGE, max(1, len(filled) // 4))
    return sorted(set(filled[:edge] + filled[-edge:]))


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _slot(edge: list[int], i: int) -> int:
    """Where an edge line stands: 0, 1, 2 from the top; -1, -2, -3 from the bottom."""
    at = edge.index(i)
    return at if at < (len(edge) + 1) // 2 else at - len(edge)


def _repeated_keys(split: list[list[str]], edges: list[list[int]]) -> set[str]:
    """Heads and feet (numbers aside) in the same place on at least 3 pages and most pages."""
    if len(split) < 3:
        return set()  # two pages alike at an edge may be two minutes ending "Carried."
    counts = Counter((_slot(edge, i), _key(lines[i])) for lines, edge in zip(split, edges)
                     for i in edge if len(_key(lines[i])) > 1)
    return {key for (_, key), count in counts.items()
            if count >= max(3, _REPEATED * len(split))}


def _numbered_pages(split: list[list[str]], edges: list[list[int]]) -> set[int]:
    """The pages whose edge bears a lone number that counts up with the pages."""
    offsets: dict[int, list[int]] = {}
    for n, (lines, edge) in enumerate(zip(split, edges)):
        for i in edge:
            match = _PAGE_NUMBER.match(lines[i].strip())
            if match:
                offsets.setdefault(int(match.group(1)) - n, []).append(n)
    return {n for offset, found in offsets.items()
            if len(set(found)) >= 2 or offset == 1 for n in found}


def _names_its_page(line: str) -> bool:
    match = _PAGE_WORD.search(line)
    return (bool(match) and not line.endswith((".", ","))
            and len(_PAGE_WORD.sub("", line).split()) <= _HEAD_WORDS)


def join_wrapped_lines(page: str, words: frozenset[str] = frozenset()) -> str:
    """A page with each line wrapped mid-sentence joined to the next.

    A line is joined when it stops short of a sentence's end and the next line's first word
    would not have fitted on it; list items, and numbers opening a line after anything but
    a word that wants one ("at 6:30", "the 2021 Census"), stay on their own lines. A word
    hyphenated across the lines is made whole when `words` (the paper's) has it whole.
    """
    lines = page.split("\n")
    width = _width(lines)
    if width < _MIN_WIDTH:
        return page
    out = [lines[0]]
    for line in lines[1:]:
        before = out[-1]
        if _wrapped(before, line, width):
            out[-1] = _joined(before, line.lstrip(), words)
        else:
            out.append(line)
    return "\n".join(out)


def _width(lines: list[str]) -> int:
    """The length of the page's long lines: the longest but for a few stragglers."""
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def _wrapped(before: str, line: str, width: int) -> bool:
    before, line = before.rstrip(), line.strip()
    if not before or not line or before.endswith(_SENTENCE_END) or OWN_LINE.match(line):
        return False
    if before.lstrip().startswith("#") or line.startswith(("#", "|")) or "|" in before:
        return False  # markdown headings and table rows, as OCR or a text layer may give
    if _COLUMN_GAP.search(before) or _COLUMN_GAP.search(line):
        return False  # a table row: its cells are not a sentence
    if _capitals(before) or _capitals(line):
        return False  # a heading in capitals stays a heading
    last = before.rsplit(None, 1)[-1]
    first = line.split(None, 1)[0]
    if len(before) + 1 + len(first) < _FULL * width:
        return False  # the next word would have fitted: the line was ended on purpose
    if first[0].isdigit() or first[0] in "$£€":
        return last.lower() in _WRAP_BEFORE_NUMBER or last.endswith(",")
    if last[-1].isdigit():
        return first[0].islower()
    return first[0].isalpha() or first[0] in "(“\"‘'"


def _capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _joined(before: str, line: str, words: frozenset[str]) -> str:
    before = before.rstrip()
    match = _HYPHEN_END.search(before)
    if match:
        head, tail = match.group(1), re.match(r"\w*", line).group(0)  # type: ignore[union-attr]
        if tail and tail[0].islower() and _whole_word(head, tail, words):
            return before[:-1] + line
        return before + line  # a compound: "Administrator-Deputy", "well-being"
    return f"{before} {line}"


def _whole_word(head: str, tail: str, words: frozenset[str]) -> bool:
    """Whether 'head-' + 'tail' is one word broken at the line's end ("recom-mended")."""
    head, tail = head.lower(), tail.lower()
    if f"{head}-{tail}" in words:
        return False  # the paper writes it with a hyphen elsewhere
    return head + tail in words or not (head in words and tail in words)


def vocabulary(text: str) -> frozenset[str]:
    """The words of a paper, lower-cased, and its hyphenated compounds, but not the halves
    of words broken across lines: the dictionary a broken word is checked in."""
    text = _BROKEN_WORD.sub(" ", text.lower())
    return frozenset(re.findall(r"[a-z]+", text)) | frozenset(_COMPOUND.findall(text))
