"""The source viewer's pages as HTML: a paper at the cited place, its page image with the
passage's lines outlined (PDF) or its text with the passage marked, and the one page shown
for every paper a reader may not open. Pure: everything from a paper is escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from .highlight import HighlightedLine, line_range, text_line_range
from .render import DOC_TYPES, long_date
from .schema import Chunk, PaperCopy, PaperFacts

FORMATS = {".pdf": "PDF", ".docx": "Word document", ".html": "web page", ".htm": "web page",
           ".txt": "text file", ".md": "Markdown text file"}
SITE = "committee-qa"
# What every refused or missing paper gets, whatever was asked for: one body, so whether a
# paper exists cannot be told from it.
MISSING_TITLE = "No such paper"
MISSING_TEXT = ("There is no paper at this address that you may read. Check the link, or "
                "sign in as someone who may read it.")


@dataclass(frozen=True)
class Shown:
    """What a viewer page shows of a paper: which page (PDFs), which passage, its lines."""

    name: str  # the file name the reader knows the paper by
    page: int | None = None  # 1-based; None for formats without pages
    pages: int | None = None
    span: tuple[int, int] | None = None  # the passage, in the paper's text as read
    lines: tuple[HighlightedLine, ...] = ()  # the passage's lines on this page
    nonce: str = ""  # of the one script, which scrolls the passage into view


def paper_html(copy: PaperCopy, facts: PaperFacts, shown: Shown) -> str:
    """The viewer page: the paper's header, download, pages or text, with the passage."""
    passage = passage_at(copy, shown.span)
    title = copy.title or shown.name
    where = f"page {shown.page} of {shown.pages}" if shown.page else ""
    body = _pdf_html(copy, title, shown) if shown.page else _text_html(copy, shown)
    skip = ("#passage", "Skip to the highlighted passage") if shown.span else (
        "#paper", "Skip to the paper")
    head = (f"<h1>{_h(title)}</h1>{_facts_html(facts, passage, where)}"
            f'<p class="download"><a href="{_h(copy.doc_id)}/download" download>Download the '
            f"original paper: {_h(shown.name)} ({FORMATS.get(copy.suffix, 'file')}, "
            f"{file_size(copy.size)})</a></p>")
    return _page(f"{title} — {where or 'text'}", head + body, skip, shown.nonce)


def not_kept_html(title: str, name: str) -> str:
    """The page for a paper in the index of which no copy is kept here (ingested before
    copies were kept, or by another replica of a Chroma server)."""
    return _page(title or name, (
        f"<h1>{_h(title or name)}</h1><p>The index holds this paper ({_h(name)}), but no "
        "copy of it to show is kept here: it was ingested before committee-qa kept copies, "
        "or by another server. Ask whoever runs this service to ingest the papers again "
        "here (<code>committee-qa ingest</code>): the paper can then be opened.</p>"),
        ("#main", "Skip to the message"))


def missing_html() -> str:
    """The one page for a paper that is not there, or not the reader's to read."""
    return _page(MISSING_TITLE, f"<h1>{MISSING_TITLE}</h1><p>{MISSING_TEXT}</p>",
                 ("#main", "Skip to the message"), root="/")


def sign_in_html() -> str:
    """The page for anyone not signed in, when the service asks people to sign in."""
    return _page("Sign in to read the papers", (
        "<h1>Sign in to read the papers</h1><p>This service asks people to sign in before "
        'they read its papers. <a href="/">Sign in</a>, then open the link again.</p>'),
        ("#main", "Skip to the message"), root="/")


def passage_at(copy: PaperCopy, span: tuple[int, int] | None) -> Chunk | None:
    """The kept passage with this span, or else the one the span begins in."""
    if span is None:
        return None
    start, end = span
    exact = [c for c in copy.passages if (c.start, c.end) == (start, end)]
    holding = [c for c in copy.passages if c.start <= start < c.end]
    found = exact or holding
    return found[0] if found else None


def file_size(size: int) -> str:
    """'812 bytes', '34 KB', '1.2 MB'."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / 2**20:.1f} MB"


def _facts_html(facts: PaperFacts, passage: Chunk | None, where: str) -> str:
    """Council, committee, meeting date, document type, item and page, as a list of terms."""
    source = passage or facts
    council, committee = source.council or facts.council, source.committee or facts.committee
    meeting = source.meeting_date or facts.meeting_date
    if passage is not None and passage.doc_type:
        kind = DOC_TYPES.get(passage.doc_type, passage.doc_type.title())
    else:
        kind = ", ".join(DOC_TYPES.get(t, t.title()) for t in facts.doc_types)
    item = ""
    if passage is not None and passage.item:
        word = "Minute" if passage.doc_type == "minutes" else "Item"
        item = f"{word} {passage.item}" + (f": {passage.item_title}" if passage.item_title
                                            else "")
    rows = [("Council", council), ("Committee", committee),
            ("Meeting date", long_date(meeting) if meeting else ""), ("Document", kind),
            ("Item", item), ("Page", where[:1].upper() + where[1:])]
    return '<dl class="facts">' + "".join(
        f"<div><dt>{term}</dt><dd>{_h(value)}</dd></div>" for term, value in rows if value
    ) + "</dl>"


def _pdf_html(copy: PaperCopy, title: str, shown: Shown) -> str:
    """A page image with the passage's lines outlined, the pages either side one link away,
    and the passage's text below it."""
    page, pages = shown.page or 1, shown.pages or 1
    span = f"&start={shown.span[0]}&end={shown.span[1]}" if shown.span else ""
    near = []
    if page > 1:
        near.append(f'<a href="?page={page - 1}{span}" rel="prev">Previous page '
                    f"(page {page - 1})</a>")
    near.append(f'<span aria-current="page">Page {page} of {pages}</span>')
    if page < pages:
        near.append(f'<a href="?page={page + 1}{span}" rel="next">Next page (page {page + 1})</a>')
    nav = f'<nav class="pages" aria-label="Pages of the paper">{" ".join(near)}</nav>'
    marks = "".join(
        f'<span class="highlight" aria-hidden="true" style="left:{_pct(line.left)};'
        f"top:{_pct(line.top)};width:{_pct(line.right - line.left)};"
        f'height:{_pct(line.bottom - line.top)}"></span>' for line in _padded(shown.lines))
    note, alt = _pdf_note(copy, shown), f"Page {page} of {pages} of {title}."
    if shown.lines:
        alt += f" The cited passage, {line_range(shown.lines)}, is outlined."
    image = (f'<figure class="page" id="paper"><div class="page-image">'
             f'<img src="{_h(copy.doc_id)}/pages/{page}.png" alt="{_h(alt)}" width="1000">'
             f"{marks}</div><figcaption>Page {page} of {pages}</figcaption></figure>")
    quote = ""
    if shown.span:
        start, end = shown.span
        quote = ('<section aria-labelledby="quote-heading"><h2 id="quote-heading">The cited '
                 f'passage</h2><blockquote class="quote">{_h(copy.text[start:end])}'
                 "</blockquote></section>")
    return nav + note + image + quote


def _pdf_note(copy: PaperCopy, shown: Shown) -> str:
    """Says in words what the outline shows, or where the passage is when not on this page."""
    if not shown.span:
        return ""
    start, end = shown.span
    first = page_of(copy, start)
    last = page_of(copy, max(start, end - 1))
    if shown.lines:
        said = f"Highlighted: {line_range(shown.lines)} of page {shown.page}, the cited passage"
        if last > (shown.page or 1):
            said += f" (it goes on on page {last})"
        said += "."
    elif first <= (shown.page or 1) <= last:
        said = ("The cited passage is on this page, but its lines could not be found on the "
                "page image. Its text is below.")
    else:
        said = (f'The cited passage is on page {first}: <a href="?page={first}&start={start}'
                f'&end={end}">go to page {first}</a>.')
    return f'<p class="note" id="passage" tabindex="-1">{said}</p>'


def _text_html(copy: PaperCopy, shown: Shown) -> str:
    """The paper's text as read, the passage marked (a mark, an outline and words)."""
    if not shown.span:
        return (f'<section id="paper" aria-labelledby="text-heading"><h2 id="text-heading">'
                f'The paper\'s text</h2><div class="paper-text">{_h(copy.text)}</div></section>')
    start, end = shown.span
    lines = text_line_range(copy.text, start, end)
    return (f'<section id="paper" aria-labelledby="text-heading"><h2 id="text-heading">'
            f"The paper's text</h2><p class=\"note\">Highlighted: {lines} of the text, the "
            f'cited passage.</p><div class="paper-text">{_h(copy.text[:start])}'
            f'<mark id="passage" tabindex="-1"><span class="visually-hidden">Start of the '
            f"cited passage. </span>{_h(copy.text[start:end])}<span class=\"visually-hidden\">"
            f" End of the cited passage.</span></mark>{_h(copy.text[end:])}</div></section>")


def page_of(copy: PaperCopy, offset: int) -> int:
    """The 1-based page of a kept PDF paper on which the character at `offset` stands."""
    return sum(1 for begins in copy.page_starts[1:] if begins <= offset) + 1


def _padded(lines: Sequence[HighlightedLine]) -> list[HighlightedLine]:
    """Lines a little larger than their words, so the outline does not touch the letters."""
    pad = 0.004
    return [HighlightedLine(line.number, max(0.0, line.left - pad), max(0.0, line.top - pad),
                            min(1.0, line.right + pad), min(1.0, line.bottom + pad), line.words)
            for line in lines]


def _page(title: str, main: str, skip: tuple[str, str], nonce: str = "",
          root: str = "../") -> str:
    script = ('<script nonce="' + _h(nonce) + '">const mark = document.querySelector('
              '".highlight, mark#passage"); if (mark && !location.hash) '
              'mark.scrollIntoView({block: "center"});</script>') if nonce else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta '
            f'name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_h(title)} — {SITE}</title><style>{_css()}</style></head><body>"
            f'<a class="skip" href="{skip[0]}">{skip[1]}</a>'
            f'<header class="site"><a href="{root}">{SITE} — back to the chat</a></header>'
            f'<main id="main" tabindex="-1">{main}</main>'
            f'<footer class="site"><a href="{root}">Back to the chat</a> '
            f'<a href="{root}accessibility">Accessibility statement</a></footer>'
            f"{script}</body></html>")


def _css() -> str:
    return resources.files(__package__).joinpath("viewer.css").read_text("utf-8")


def _pct(share: float) -> str:
    return f"{share * 100:.3f}%"


def _h(text: str) -> str:
    return html.escape(text, quote=True)
