"""What the library holds, as the Papers tab shows it: how many papers, the newest meeting
of each committee (how current the papers are), and every paper, each opening in the source
viewer. Pure: rows in, escaped HTML out; papers.js sorts and searches the rows in place."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from .render import DOC_TYPES, long_date
from .schema import PaperFacts, PaperRecord

NOT_KEPT = "ingest again to show"  # a paper ingested before copies were kept
NEW_TAB = '<span class="visually-hidden"> (opens in a new tab)</span>'
# How the list can be sorted: (value of the choice, its words, the column it sorts).
SORTS = (("meeting-desc", "Newest meeting first", "meeting"),
         ("meeting-asc", "Oldest meeting first", "meeting"),
         ("title-asc", "Title, A to Z", "title"), ("council-asc", "Council, A to Z", "council"),
         ("committee-asc", "Committee, A to Z", "committee"),
         ("type-asc", "Type, A to Z", "type"), ("pages-desc", "Most pages first", "pages"),
         ("passages-desc", "Most passages first", "passages"),
         ("access-desc", "Restricted first", "access"),
         ("ingested-desc", "Most recently ingested first", "ingested"))
COLUMNS = (("title", "Title"), ("council", "Council"), ("committee", "Committee"),
           ("meeting", "Meeting date"), ("type", "Type"), ("pages", "Pages"),
           ("passages", "Passages"), ("access", "Access"), ("ingested", "Ingested"))


@dataclass(frozen=True)
class Listed:
    """A paper in the list: its ledger record, and what its kept copy says (None: no copy)."""

    record: PaperRecord
    facts: PaperFacts | None


def papers_html(papers: Sequence[Listed]) -> str:
    """The Papers tab: the count and newest meeting per committee, then the sortable,
    searchable table of papers, newest meeting first."""
    if not papers:
        return ('<section class="papers" aria-labelledby="papers-heading"><h2 id="papers-'
                'heading">Papers in the library</h2><p>The library holds no papers yet.</p>'
                "</section>")
    ordered = sorted(papers, key=lambda p: (p.facts.meeting_date if p.facts else "",
                                            p.record.source), reverse=True)
    rows = "".join(_row(p) for p in ordered)
    header = "".join(
        f'<th scope="col" data-key="{key}"'
        + (' aria-sort="descending"' if key == "meeting" else "") + f">{name}</th>"
        for key, name in COLUMNS)
    choices = "".join(f'<option value="{value}">{words}</option>' for value, words, _ in SORTS)
    return ('<section class="papers" aria-labelledby="papers-heading">'
            '<h2 id="papers-heading">Papers in the library</h2>'
            f"{_summary_html(papers)}"
            '<h3 id="papers-list-heading">Every paper</h3>'
            '<div class="papers-controls"><div><label for="papers-search">Search the papers'
            '</label><input type="search" id="papers-search" autocomplete="off" '
            'placeholder="a word of the title, council or committee"></div>'
            f'<div><label for="papers-sort">Sort by</label><select id="papers-sort">{choices}'
            "</select></div></div>"
            f'<p id="papers-shown" role="status">{len(papers)} of {len(papers)} papers shown</p>'
            '<table class="papers-table" aria-labelledby="papers-list-heading">'
            f"<thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></section>")


def _summary_html(papers: Sequence[Listed]) -> str:
    """How many papers and passages, the newest meeting, and each committee's newest."""
    passages = sum(p.record.chunks for p in papers)
    dates = [p.facts.meeting_date for p in papers if p.facts and p.facts.meeting_date]
    newest = f" The newest meeting they are for was on {long_date(max(dates))}." if dates else ""
    count = f"{len(papers)} paper" + ("" if len(papers) == 1 else "s")
    lines = [f'<p class="papers-count">The library holds {count} ({passages} passages).'
             f"{newest}</p>"]
    groups: dict[tuple[str, str], list[str]] = {}
    for p in papers:
        if p.facts is not None:
            key = (p.facts.committee or "Committee not known", p.facts.council)
            groups.setdefault(key, []).append(p.facts.meeting_date)
    if groups:
        body = "".join(
            f"<tr><th scope=\"row\">{_h(committee)}</th><td>{_h(council)}</td>"
            f"<td>{len(held)}</td><td>{_h(_date(max(held)))}</td></tr>"
            for (committee, council), held in sorted(
                groups.items(), key=lambda g: (max(g[1]), g[0]), reverse=True))
        lines.append('<table class="papers-summary"><caption>Newest meeting of each '
                     'committee</caption><thead><tr><th scope="col">Committee</th><th '
                     'scope="col">Council</th><th scope="col">Papers</th><th scope="col">'
                     f"Newest meeting</th></tr></thead><tbody>{body}</tbody></table>")
    missing = sum(p.facts is None for p in papers)
    if missing:
        lines.append(f"<p>{missing} of the papers were ingested before committee-qa kept "
                     "copies of papers: ingest them again to show their committee and "
                     "meeting, and to open them.</p>")
    return "".join(lines)


def _row(paper: Listed) -> str:
    record, facts = paper.record, paper.facts
    kinds = ", ".join(DOC_TYPES.get(t, t.title()) for t in facts.doc_types) if facts else ""
    restricted = record.access == "restricted"
    values = {
        "title": record.title or record.source,
        "council": facts.council if facts else "",
        "committee": facts.committee if facts else "",
        "meeting": facts.meeting_date if facts else "",
        "type": kinds,
        "pages": str(facts.pages) if facts and facts.pages is not None else "",
        "passages": str(record.chunks),
        "access": "1" if restricted else "0",
        "ingested": record.ingested_at,
    }
    data = "".join(f' data-{key}="{_h(value)}"' for key, value in values.items())
    cells = [
        f'<a href="papers/{_h(record.doc_id)}" target="_blank" rel="noopener">'
        f"{_h(values['title'])}{NEW_TAB}</a><br><span class=\"papers-file\">"
        f"{_h(record.source)}</span>",
        _h(values["council"]), _h(values["committee"]),
        _h(_date(values["meeting"]) if facts else NOT_KEPT),
        _h(kinds), _h(values["pages"] or ("" if facts else NOT_KEPT)), values["passages"],
        "Restricted" if restricted else "Public",
        _h(long_date(record.ingested_at[:10]) if record.ingested_at else ""),
    ]
    return f"<tr{data}>" + "".join(
        f'<td data-label="{name}">{cell}</td>' for (_key, name), cell in zip(COLUMNS, cells)
    ) + "</tr>"


def _date(iso: str) -> str:
    return long_date(iso) if iso else "not known"


def _h(text: str) -> str:
    return html.escape(text, quote=True)
