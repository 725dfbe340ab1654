"""Bytes -> clean text: decoding, normalising, joining pages, and titles from text or names."""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import PaperError

_BINARY = ("looks like a binary file, not text; check it is the paper you meant, or export it "
           "again as text")
# Bytes of plain text: tab, newline, carriage return, form feed and printable ASCII.
_TEXT_BYTES = bytes([9, 10, 12, 13, *range(32, 127)])
# Zero-width characters and the soft hyphen vanish, as do control characters other than tab
# and newline; form feeds, vertical tabs (Word's manual line break) and Unicode line
# separators become newlines.
_INVISIBLE: dict[int, str | None] = {
    **dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x7F, 0x180E], None),
    # bidirectional marks, embeddings and isolates, and invisible operators, all unseen
    **dict.fromkeys([0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2061, 0x206A)],
                    None),
    **dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20)], None),
    **dict.fromkeys([0x0B, 0x0C, 0x2028, 0x2029], "\n"),
}
_BLANK_LINES = re.compile(r"\n{3,}")
# A soft hyphen ending a line marks a word broken there: the word is made whole.
_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad[ \t]*\n[ \t]*(?=\w)")
ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_MARKDOWN_TITLE = re.compile(r"^#[ \t]+(\S.*)$", re.MULTILINE)
# Producer boilerplate that is no title at all: fall back to the file name instead.
_JUNK_TITLE = re.compile(r"^(?:microsoft \w+ - .*|untitled\W*\d*|.*\.(?:docx?|pdf|rtf|odt))$", re.I)


def decode(data: bytes, source: str, encoding: str | None = None) -> str:
    """Text from bytes: UTF-8 (BOM or not), else Windows-1252, as Windows exports with £ are.

    A file of UTF-8 with some lines in Windows-1252 (two exports pasted together) has each
    line decoded as what it is.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")  # Notepad's "Unicode"
    if b"\x00" in data[:8192]:
        raise PaperError(source, _BINARY)
    if encoding:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    if len(sample.translate(None, _TEXT_BYTES)) > 0.3 * len(sample):
        raise PaperError(source, _BINARY)  # text in any Western language is mostly ASCII
    return "\n".join(_decode_line(line)
                     for line in data.removeprefix(codecs.BOM_UTF8).split(b"\n"))


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def normalise(text: str) -> str:
    """Text with one kind of newline, no invisible characters, NFKC forms, no runs of blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT_HYPHEN_BREAK.sub("", text).translate(_INVISIBLE)
    text = unicodedata.normalize("NFKC", text)  # ligatures such as "ﬁ" become "fi"
    text = text.replace("\u2044", "/")  # and "½" "1⁄2", with a slash anyone can type
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text)


def join_pages(pages: list[str]) -> tuple[str, list[int]]:
    """Pages joined by blank lines, and where each starts; an empty page starts with the next.

    A page that ends mid-sentence, the next going on in small letters, is joined by a line
    break only, so that the sentence is not cut at the page's end.
    """
    text = ""
    starts: list[int] = []
    for page in pages:
        gap = ("\n" if _flows_on(text, page) else "\n\n") if text else ""
        starts.append(len(text) + len(gap))
        if page:
            text += gap + page
    return text, starts


def _flows_on(before: str, after: str) -> bool:
    last = before.rstrip().rsplit("\n", 1)[-1].strip()
    first = after.lstrip()[:1]
    return bool(last) and not last.endswith((".", ":", ";", "!", "?")) and first.islower()


def short_error(error: Exception) -> str:
    """The first line of an error's message, at most 100 characters, for a one-line message."""
    lines = str(error).strip().splitlines()
    return lines[0][:100] if lines else type(error).__name__


def clean_title(title: str) -> str:
    """A stated title on one line, or empty when it is producer boilerplate."""
    title = " ".join(normalise(title).split())
    return "" if _JUNK_TITLE.match(title) else title


def markdown_title(text: str) -> str:
    """The text of the first '# heading' in markdown, or empty."""
    match = _MARKDOWN_TITLE.search(text)
    return match.group(1).strip().rstrip("#").strip() if match else ""


def title_from_name(stem: str) -> str:
    """'city-cyp-scrutiny-2017-09-19-agenda-pack' -> 'City cyp scrutiny 2017-09-19 agenda pack'."""
    parts = ISO_DATE.split(stem)  # odd positions hold the dates, kept whole
    words = " ".join(part if i % 2 else re.sub(r"[-_]+", " ", part)
                     for i, part in enumerate(parts))
    words = " ".join(words.split())
    return words[:1].upper() + words[1:]
