"""Paper -> chunks: paragraphs stay with their headings, no sentence is cut in half."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .marks import LIST_ITEM, PARAGRAPH_MARK, PARAGRAPH_OPENING, states_decision
from .schema import Chunk, Document, Paper
from .structure import split_pack, title_case
from .text import split_sentences

TARGET_CHARS = 800  # about 180 word pieces: the model reads up to 256
MAX_CHARS = 1100
MIN_CHARS = 250  # a shorter chunk takes the next piece even past the target
MAX_WHOLE_CHARS = 4000  # a resolution longer than this is split after all

_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_BOLD_LINE = re.compile(r"^\*\*(.+?)\*\*:?$")
_NUMBERED_HEADING = re.compile(r"^\d{1,3}\.?\s+\S")
_TERMINAL = (".", ";", ",", "?", "!")


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    heading_level: int = 0  # 0 for body text
    whole: bool = False  # a resolution with its numbered parts: never split


_MINUTE_HEADING = re.compile(r"^(\d{1,3})\s+(\S.*)$")
# A chunk opening with a numbered section heading ("7 Wards affected") or marker is that
# paragraph; markers inside it are lettered points and numbered sub-paragraphs.


def chunk_paper(paper: Paper, doc_id: str,
                overrides: dict[str, str] | None = None) -> list[Chunk]:
    """Cut a paper into passages, document by document of the pack; each passage carries
    its meeting, item, paragraph, heading path, page and span. No chunk crosses documents."""
    chunks: list[Chunk] = []
    for document in split_pack(paper.text, overrides, source=paper.source):
        chunker = _Chunker(paper, doc_id, first_index=len(chunks))
        for block in _blocks(paper.text, document.start, document.end):
            chunker.add(block)
        previous: Chunk | None = None
        for chunk in chunker.finish():
            previous = _placed(chunk, document, previous)
            chunks.append(previous)
    return chunks


def _placed(chunk: Chunk, document: Document, previous: Chunk | None) -> Chunk:
    """A chunk with its place in the pack: document, meeting, minute or item, paragraph."""
    item, item_title = document.item, document.item_title
    if document.doc_type == "minutes":
        item, item_title = "", ""
        for heading in reversed(chunk.heading.split(" > ")):
            minute = _MINUTE_HEADING.match(heading.split(" — ")[-1])
            if minute:
                item, item_title = minute.group(1), title_case(minute.group(2))
                break
    markers = PARAGRAPH_MARK.findall(chunk.text)
    opening = PARAGRAPH_OPENING.match(chunk.text) or PARAGRAPH_MARK.search(
        _first_lines(chunk.text, 3))
    if opening:
        paragraph = opening.group(1)
    elif previous is not None and previous.item == item and previous.last_paragraph:
        paragraph = previous.last_paragraph  # the chunk goes on with the paragraph before
    else:
        paragraph = markers[0] if markers else ""
    return replace(
        chunk, doc_type=document.doc_type, council=document.council,
        committee=document.committee,
        meeting_date=document.minutes_of or document.meeting_date, item=item,
        item_title=item_title, paragraph=paragraph.rstrip("."),
        last_paragraph=(markers[-1] if markers else paragraph).rstrip("."),
        title=document.title or chunk.title,
    )


class _Chunker:
    """Packs body blocks into chunks, flushing at every heading."""

    def __init__(self, paper: Paper, doc_id: str, first_index: int = 0) -> None:
        self.paper, self.doc_id, self.first_index = paper, doc_id, first_index
        self.chunks: list[Chunk] = []
        self.headings: list[tuple[int, str]] = []
        self.heading_start: int | None = None  # headings not yet followed by body text
        self.last_was_heading = False
        self.start = self.end = -1
        self.heading_end = -1

    def add(self, block: _Block) -> None:
        if block.heading_level:
            self._flush()
            self._push_heading(block)
            return
        self.last_was_heading = False
        for start, end in _pieces(self.paper.text, block):
            if self.start >= 0 and (
                _full(self.end - self.start, end - self.start)
                or self.paper.page_at(start) != self.paper.page_at(self.start)
            ):
                self._flush()
            if self.start < 0:
                self.start = self.heading_start if self.heading_start is not None else start
                self.heading_start = None
            self.end = end

    def finish(self) -> list[Chunk]:
        self._flush()
        if not self.chunks and self.heading_start is not None:  # a paper of headings only
            self.start, self.end = self.heading_start, self.heading_end
            self._flush()
        return self.chunks

    def _push_heading(self, block: _Block) -> None:
        text = " ".join(self.paper.text[block.start : block.end].split())
        text = _MARKDOWN_HEADING.sub(r"\2", text)
        text = " ".join(_BOLD_LINE.sub(r"\1", text).replace("**", " ").strip("*# ").split())
        if self.heading_start is None:
            self.heading_start = block.start
        self.heading_end = block.end
        level = block.heading_level
        if self.last_was_heading and self.headings and self.headings[-1][0] == level == 1:
            # A run of capitalised lines ("COMMITTEE", "19 SEPTEMBER 2017", "REPORT OF ...")
            # is one heading set over several lines.
            text = f"{self.headings[-1][1]} — {text}"[:240]
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, text))
        self.last_was_heading = True

    def _flush(self) -> None:
        if self.start < 0:
            return
        text = self.paper.text[self.start : self.end]
        self.chunks.append(
            Chunk(
                doc_id=self.doc_id,
                index=self.first_index + len(self.chunks),
                text=text,
                source=self.paper.source,
                title=self.paper.title,
                heading=" > ".join(h for _, h in self.headings),
                page=self.paper.page_at(self.start),
                start=self.start,
                end=self.end,
            )
        )
        self.start = self.end = -1


def _pieces(text: str, block: _Block) -> list[tuple[int, int]]:
    """A block, or for a long block runs of whole sentences of about TARGET_CHARS. A
    resolution stays whole up to MAX_WHOLE_CHARS; a "sentence" longer than MAX_CHARS (text
    with no full stops) is cut between words."""
    size = block.end - block.start
    if size <= MAX_CHARS or (block.whole and size <= MAX_WHOLE_CHARS):
        return [(block.start, block.end)]
    pieces: list[tuple[int, int]] = []
    start = end = -1
    sentences = [(s + block.start, e + block.start)
                 for s, e in split_sentences(text[block.start : block.end])]
    for s, e in (cut for span in sentences for cut in _between_words(text, *span)):
        if start >= 0 and _full(end - start, e - start):
            pieces.append((start, end))
            start = -1
        if start < 0:
            start = s
        end = e
    if start >= 0:
        pieces.append((start, end))
    return pieces


def _between_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span cut at spaces into parts of at most MAX_CHARS (hard cuts if it has none)."""
    parts = []
    while end - start > MAX_CHARS:
        cut = text.rfind(" ", start + TARGET_CHARS // 2, start + MAX_CHARS)
        cut = cut if cut > start else start + MAX_CHARS
        parts.append((start, cut))
        start = cut + 1 if text[cut] == " " else cut
    parts.append((start, end))
    return parts


def _first_lines(text: str, count: int) -> str:
    return "\n".join([line for line in text.split("\n") if line.strip()][:count])


def _full(size: int, size_with_next: int) -> bool:
    """Whether a chunk of `size` characters should close rather than take the next piece."""
    return size_with_next > MAX_CHARS or (size_with_next > TARGET_CHARS and size >= MIN_CHARS)


def _blocks(text: str, start: int = 0, end: int | None = None) -> list[_Block]:
    """Paragraphs, list items and headings of text[start:end], as spans of the text."""
    blocks: list[_Block] = []
    lines = _line_spans(text, start, len(text) if end is None else end)
    current: list[tuple[int, int]] = []

    def close() -> None:
        if current:
            blocks.append(_Block(current[0][0], current[-1][1]))
            current.clear()

    for i, (start, end) in enumerate(lines):
        line = text[start:end].strip()
        if not line:
            close()
            continue
        alone = not current and (i + 1 == len(lines) or not text[slice(*lines[i + 1])].strip())
        level = _heading_level(line, alone)
        if level:
            close()
            blocks.append(_Block(start, end, level))
        elif LIST_ITEM.match(text[start:end]):
            close()
            current.append((start, end))
        else:
            current.append((start, end))
    close()
    return _keep_resolutions(text, blocks)


def _keep_resolutions(text: str, blocks: list[_Block]) -> list[_Block]:
    """Join 'RESOLVED to:' and the numbered parts under it into one block."""
    joined: list[_Block] = []
    for block in blocks:
        body = text[block.start : block.end]
        previous = joined[-1] if joined else None
        if (previous is not None and previous.whole and not block.heading_level
                and LIST_ITEM.match(body) and _opens_list(text, previous)):
            joined[-1] = _Block(previous.start, block.end, whole=True)
        elif not block.heading_level and states_decision(body.lstrip("-•*> ")):
            joined.append(_Block(block.start, block.end, whole=True))
        else:
            joined.append(block)
    return joined


def _opens_list(text: str, block: _Block) -> bool:
    """Whether a resolution block still takes list items: it ends with ':' or a part."""
    last_line = text[block.start : block.end].rstrip().rsplit("\n", 1)[-1]
    return last_line.rstrip("*").rstrip().endswith(":") or bool(LIST_ITEM.match(last_line))


def _heading_level(line: str, alone: bool) -> int:
    """1 for a main heading, 2 for a sub-heading, 0 for body text."""
    match = _MARKDOWN_HEADING.match(line)
    if match:
        return len(match.group(1))
    if len(line) > 120 or line.endswith(_TERMINAL) or line.startswith(("-", "•", "|")):
        return 0
    if _BOLD_LINE.match(line):
        return 2
    letters = [c for c in line if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters) and len(line.split()) <= 16:
        return 1
    if alone and not states_decision(line) and _title_like(line):
        return 2
    return 0


def _title_like(line: str) -> bool:
    """Short, or mostly capitalised words: 'Commitment 2 – Children are kept safe (Recruitment)'."""
    words = line.split()
    if not (line[0].isupper() or _NUMBERED_HEADING.match(line)) or len(words) > 12:
        return False
    long_words = [w.strip("()") for w in words if len(w.strip("()")) > 3]
    capitals = sum(1 for w in long_words if w[:1].isupper())
    return len(words) <= 6 or capitals * 2 >= len(long_words)


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    for line in text[start:end].split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans
