"""A cited briefing: questions and their answers, each quote with its paper, meeting, page
and a link to it in the app, laid out once and written as Markdown. Pure: no I/O."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .conversation import standalone
from .filters import describe
from .render import NOT_SUPPORTED, REPLY_HEADINGS, citation_name, long_date, meeting_label
from .schema import Answer, Citation, Filters, PaperRecord

TITLE = "Briefing from the committee papers"
FORMATS = {".docx": "Word", ".md": "Markdown"}  # what a briefing can be written as
Format = Literal[".docx", ".md"]
# A question asked, the questions asked before it in the conversation, and its answer.
Entry = tuple[str, Sequence[str], Answer]
QUOTED = "Quoted from the papers."
WRITTEN = ("Written by a language model from the papers; every sentence was checked against "
           "the passage it cites.")
UNSUPPORTED = ("The language model also wrote these sentences, but the papers it was given do "
               "not support them. They are not part of the answer:")
RESTRICTED = ("This briefing quotes restricted papers (exempt information). Share it only "
              "with people entitled to read them.")


@dataclass(frozen=True)
class Source:
    """A cited passage as the briefing gives it."""

    name: str  # "Source 1: Children and Young People Scrutiny Committee, ... (minutes)"
    paper: str  # "Agenda pack (nottingham-city-....txt)"
    meeting: str  # "Children and Young People Scrutiny Committee, 18 July 2017"
    page: str  # "7", or why there is none
    quote: tuple[str, ...]  # the passage's paragraphs, each keeping its lines
    link: str  # where the app opens the passage: absolute when the app's address is known
    restricted: bool = False

    @property
    def details(self) -> tuple[tuple[str, str], ...]:
        """(label, value) pairs that say where the quote is, in the order a reader wants."""
        return (("Paper", self.paper), ("Meeting", self.meeting), ("Page", self.page))


@dataclass(frozen=True)
class Section:
    """One question and its answer."""

    number: int
    question: str
    follows: str  # the earlier question this one leans on, or ""
    answered: bool
    how: str  # QUOTED or WRITTEN; for a declined question, the heading the chat gives it
    note: str
    sentences: tuple[tuple[str, str], ...]  # (meeting label or "", sentence with its marks)
    unsupported: tuple[str, ...]  # a language model's sentences the papers do not support
    sources: tuple[Source, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.question}"

    @property
    def sources_heading(self) -> str:
        return "Sources" if self.answered else "Passages found (they do not answer the question)"


@dataclass(frozen=True)
class Briefing:
    """A briefing laid out, ready to be written in any format."""

    title: str
    intro: tuple[str, ...]
    warning: str  # RESTRICTED when it quotes a restricted paper, else ""
    sections: tuple[Section, ...]
    made: datetime

    @property
    def stem(self) -> str:
        """The file name to save it under, without the suffix."""
        return f"committee-qa-briefing-{self.made:%Y-%m-%d-%H%M}"


def make_briefing(entries: Sequence[Entry], base_url: str, made: datetime,
                  papers: Iterable[PaperRecord] = (), filters: Filters = Filters()) -> Briefing:
    """The briefing of these questions and answers: `base_url` is the app's address (its
    links are paths without it), `papers` those the reader may know of (a quote from a
    restricted one is marked), `filters` those the answers were found within."""
    restricted = restricted_papers(papers)
    sections = tuple(_section(n, entry, base_url.rstrip("/"), restricted)
                     for n, entry in enumerate(entries, 1))
    where = (f"in the committee-qa app at {base_url.rstrip('/')}" if base_url else
             "in the committee-qa app (each link is a path on the app's address)")
    count = f"{len(entries)} question" + ("" if len(entries) == 1 else "s")
    intro = (f"Made by committee-qa on {made.day} {made:%B %Y at %H:%M} from {count}.",
             "Every quote names its paper, its meeting and its page. Each link opens the "
             f"quoted passage {where}; the app must be running, and you may need to sign in.",
             *([f"Only papers within these filters were searched: {describe(filters)}."]
               if not filters.empty else []))
    quotes_restricted = any(s.restricted for section in sections for s in section.sources)
    return Briefing(TITLE, intro, RESTRICTED if quotes_restricted else "", sections, made)


def conversation_entries(turns: Iterable[tuple[str, Answer | str]]) -> list[Entry]:
    """The chat's conversation as briefing entries: each answered or declined question with
    the questions before it; a question that could not be asked (a filter to put right)
    is left out, though it stays in the history as the chat kept it."""
    entries: list[Entry] = []
    earlier: list[str] = []
    for question, reply in turns:
        if isinstance(reply, Answer):
            entries.append((question, tuple(earlier), reply))
        earlier.append(question)
    return entries


def restricted_papers(records: Iterable[PaperRecord]) -> frozenset[str]:
    """The doc_ids of the restricted papers among `records`."""
    return frozenset(r.doc_id for r in records if r.access == "restricted")


def briefing_format(name: str) -> Format:
    """The format a file name asks for; ValueError naming the ones there are."""
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    if suffix == ".docx":
        return ".docx"
    if suffix == ".md":
        return ".md"
    raise ValueError(f"{name!r} is neither a Word (.docx) nor a Markdown (.md) file name")


def _section(n: int, entry: Entry, base_url: str, restricted: Collection[str]) -> Section:
    question, history, answer = entry
    follows = standalone(question, history)[1]
    sources = tuple(_source(c, base_url, c.doc_id in restricted) for c in answer.citations)
    if answer.abstained:
        return Section(n, question, follows, False, REPLY_HEADINGS["declined"], answer.note,
                       (("", answer.reason),), (), sources)
    by_n = {c.n: c for c in answer.citations}
    sentences = tuple((meeting_label(by_n[s.citation]) if answer.dated else "",
                       f"{s.text} {s.marks}") for s in answer.sentences)
    return Section(n, question, follows, True, WRITTEN if answer.mode == "llm" else QUOTED,
                   answer.note, sentences, answer.dropped, sources)


def _source(citation: Citation, base_url: str, restricted: bool) -> Source:
    paper = citation.source
    if citation.title and citation.title != citation.source:
        paper = f"{citation.title} ({citation.source})"
    body = citation.committee or citation.council
    when = long_date(citation.meeting_date) if citation.meeting_date else ""
    meeting = ", ".join(p for p in (body, when) if p) if when else (
        f"{body}, date not stated in the paper" if body else "not stated in the paper")
    page = str(citation.page) if citation.page is not None else \
        "none (this paper has no page numbers)"
    blocks = [block.strip("\n") for block in citation.text.split("\n\n") if block.strip()]
    link = f"{base_url}{citation.link}" if citation.link else ""
    name = citation_name(citation) + (" (restricted paper)" if restricted else "")
    return Source(name, paper, meeting, page, tuple(blocks), link, restricted)


def briefing_markdown(briefing: Briefing) -> str:
    """The briefing as Markdown, every piece of paper or person text escaped, so that it is
    read as text by any viewer and never as a link, an image or HTML."""
    out = [f"# {_md(briefing.title)}", *(_md(p) for p in briefing.intro)]
    if briefing.warning:
        out.append(f"**{_md(briefing.warning)}**")
    for section in briefing.sections:
        out.append(f"## {section.number}. {_md(section.question)}")
        if section.follows:
            out.append(f"_Asked after: “{_md(section.follows)}”_")
        out.append(f"**{_md(section.how)}**" + (f" Note: {_md(section.note)}"
                                               if section.note else ""))
        out += [(f"**{_md(label)}:** " if label else "") + _md(text)
                for label, text in section.sentences]
        if section.unsupported:
            out += [f"### {_md(NOT_SUPPORTED)}", _md(UNSUPPORTED),
                    "\n".join(f"- {_md(text)}" for text in section.unsupported)]
        if section.sources:
            out.append(f"### {section.sources_heading}")
        for source in section.sources:
            out.append(f"#### {_md(source.name)}")
            out.append("  \n".join(f"**{label}:** {_md(value)}"
                                   for label, value in source.details))
            out.append("\n>\n".join("  \n".join(f"> {_md(line)}" for line in block.split("\n"))
                                    for block in source.quote))
            if source.link:
                out.append(f"Open the passage in committee-qa: [{_md(source.link)}]"
                           f"(<{source.link}>)")
    return "\n\n".join(out) + "\n"


_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~&!])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))", re.M)  # a list or a heading's rule


def _md(text: str) -> str:
    """Text shown as itself in Markdown: every character that could make markup, a link
    or HTML (`<`, `[`, `&`, ...) escaped with a backslash, as CommonMark reads it."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    # "- x", "+ x" and "1. x" at a line's start would make a list: escape the mark itself.
    return _LINE_START.sub(lambda m: m[1] + (m[2] + "\\" if m[2][0].isdigit() else
                                             "\\" + m[2]), escaped)
