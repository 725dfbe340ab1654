"""The domain types of committee-qa: papers, chunks, citations, answers. Stdlib only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Who may read a paper, and who is reading: anyone ("public"), or officers signed in with
# restricted access (exempt information, "Part B" papers). The one list of access levels.
Access = Literal["public", "restricted"]
ACCESS_LEVELS: tuple[Access, ...] = ("public", "restricted")


def readable(access: Access) -> tuple[Access, ...]:
    """The access levels of the papers a reader with `access` may read."""
    return ACCESS_LEVELS if access == "restricted" else ("public",)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True)
class Paper:
    """A file of committee papers read into text.

    `page_starts` holds the character offset where each page begins (1-based pages:
    page 1 starts at page_starts[0]); it is empty for formats without pages.
    """

    source: str  # the file name as ingested
    title: str
    text: str
    page_starts: tuple[int, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding the character at `offset`, or None without pages."""
        if not self.page_starts:
            return None
        page = 1
        for number, start in enumerate(self.page_starts, start=1):
            if start <= offset:
                page = number
            else:
                break
        return page


@dataclass(frozen=True)
class Document:
    """One document of a paper: an agenda pack holds an agenda, minutes, reports, appendices.

    Dates are ISO (YYYY-MM-DD). `meeting_date` is the meeting the papers are for;
    `minutes_of` is, for minutes, the earlier meeting they record. Empty means not stated.
    """

    doc_type: str  # agenda | minutes | report | appendix | decision | other
    start: int  # character span in the paper's text
    end: int
    title: str = ""
    council: str = ""
    committee: str = ""
    meeting_date: str = ""
    minutes_of: str = ""
    item: str = ""  # agenda item number
    item_title: str = ""
    author: str = ""  # "Head of Legal and Governance"
    contact: str = ""  # the contact officer, as the paper names them


@dataclass(frozen=True)
class Chunk:
    """A passage of a paper: the unit that is embedded, searched and quoted."""

    doc_id: str  # content hash of the paper it comes from
    index: int  # position of the chunk within its paper
    text: str  # the passage exactly as it stands in the paper
    source: str
    title: str
    heading: str = ""  # heading path, outermost first, joined by " > "
    page: int | None = None
    start: int = 0  # character span in the paper's text
    end: int = 0
    doc_type: str = ""  # of the document of the pack it belongs to (see Document)
    council: str = ""
    committee: str = ""
    meeting_date: str = ""  # ISO; for minutes, the meeting they record
    item: str = ""  # agenda item, or minute number
    item_title: str = ""
    paragraph: str = ""  # "3.2", "(r)", "7": where the chunk starts
    last_paragraph: str = ""  # the last paragraph it reaches (not stored)
    access: str = "public"  # or "restricted": exempt information, a "Part B" paper
    # the vectors of the sentences the answerer weighs, packed (meanings.py); '' if not made
    meanings: str = field(default="", repr=False)

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}:{self.index}"

    @property
    def meeting_words(self) -> str:
        """The words that name the passage's meeting: council, committee, date, title and
        file name ("Foo Parish Council Parish Council 7 October 2014 Minutes foo pc 2014")."""
        when = ""
        if self.meeting_date:
            year, month, day = self.meeting_date.split("-")
            when = f"{int(day)} {_MONTHS[int(month) - 1]} {year}"
        source = " ".join(self.source.replace("_", " ").replace("-", " ").replace(
            ".", " ").split())
        return " ".join(w for w in (self.council, self.committee, when, self.title, source) if w)

    @property
    def search_text(self) -> str:
        """What both searches read: the passage's meeting and heading, then the passage.
        A question naming the council, the meeting's date or the heading finds it so."""
        return "\n".join(part for part in (self.meeting_words, self.heading, self.text) if part)

    @property
    def embedding_text(self) -> str:
        """What the model sees: the council and meeting date, the heading, the passage. (The
        committee, title and file name too weighed the passages of one paper alike and
        blurred them: measured on the councils tuning half and the samples.)"""
        meeting = " ".join(part for part in (self.council, self.meeting_date) if part)
        return "\n".join(part for part in (meeting, self.heading, self.text) if part)


@dataclass(frozen=True)
class Passage:
    """A chunk found for a question, with the score of its retrieval."""

    chunk: Chunk
    score: float
    dense_similarity: float | None = None  # cosine similarity, when dense search found it


@dataclass(frozen=True)
class Citation:
    """A numbered reference from an answer to the passage that supports it."""

    n: int
    source: str
    title: str
    page: int | None
    heading: str
    text: str
    score: float
    start: int = 0
    end: int = 0
    doc_type: str = ""
    council: str = ""
    committee: str = ""
    meeting_date: str = ""
    item: str = ""
    item_title: str = ""
    paragraph: str = ""
    doc_id: str = ""  # the paper's content hash: where the source viewer opens it

    @property
    def link(self) -> str:
        """The source viewer's path for this passage: its paper, page and span."""
        return viewer_link(self.doc_id, self.page, self.start, self.end)


def viewer_link(doc_id: str, page: int | None, start: int, end: int) -> str:
    """The source viewer's path for a passage: `/papers/<doc_id>?page=N&start=S&end=E`."""
    if not doc_id:
        return ""
    on_page = f"page={page}&" if page is not None else ""
    return f"/papers/{doc_id}?{on_page}start={start}&end={end}"


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer, with the citation supporting it (and any others it cites):
    quoted from the papers, or written by a language model and verified against them."""

    text: str
    citation: int
    also: tuple[int, ...] = ()  # further citations of a written sentence

    @property
    def marks(self) -> str:
        return "".join(f"[{n}]" for n in (self.citation, *self.also))


@dataclass(frozen=True)
class Answer:
    """The reply to a question: quoted sentences with citations, or an abstention."""

    question: str
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    abstained: bool
    reason: str = ""  # why it abstained, in a councillor's words
    dated: bool = False  # show each sentence's meeting: the question asks when, or they differ
    # What the answerer measured to decide whether to answer (abstention.FEATURES).
    signals: tuple[tuple[str, float], ...] = ()
    mode: str = "quoted"  # "quoted" from the papers, or "llm": written by a language model
    # A written answer's sentences that the papers did not support: never shown as fact.
    dropped: tuple[str, ...] = ()
    note: str = ""  # one line about how it was made ("the language model did not answer ...")

    @property
    def text(self) -> str:
        if self.abstained:
            return self.reason
        return " ".join(f"{s.text} {s.marks}" for s in self.sentences)


@dataclass(frozen=True)
class Decision:
    """A resolution recorded in minutes: what the committee RESOLVED, when, under which minute."""

    council: str
    committee: str
    meeting_date: str  # ISO: the meeting that made the decision
    minute: str
    item_title: str
    text: str  # the full resolution with its numbered parts, one a line
    source: str
    title: str
    page: int | None = None
    chunk_id: str = ""  # the passage it stands in
    start: int = 0  # that passage's character span in the paper's text
    end: int = 0

    @property
    def link(self) -> str:
        """The source viewer's path for the passage the resolution stands in."""
        doc_id = self.chunk_id.rsplit(":", 1)[0] if self.chunk_id else ""
        return viewer_link(doc_id, self.page, self.start, self.end)


@dataclass(frozen=True)
class Filters:
    """Which passages a search looks at; an empty field admits everything.

    `committees` match any committee whose name contains one of them; `since` and `until`
    are ISO dates, inclusive, of the meeting a passage belongs to.
    """

    committees: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()  # agenda | minutes | report | appendix | decision | other
    since: str = ""
    until: str = ""
    # Papers whose meeting date is unknown are searched too: set when the dates are only a
    # preference read from the question's words, never for dates a person set as filters.
    undated: bool = False

    @property
    def empty(self) -> bool:
        return not (self.committees or self.doc_types or self.since or self.until)


@dataclass(frozen=True)
class PaperRecord:
    """A paper the index holds: the file name it came in under and the content it had."""

    source: str
    doc_id: str
    title: str
    chunks: int
    ingested_at: str  # ISO 8601, UTC
    access: str = "public"  # or "restricted"


@dataclass(frozen=True)
class PaperCopy:
    """A paper as the index keeps it for the source viewer: its text as read (what passages'
    spans count in), where its pages start, and the place of each passage."""

    doc_id: str
    suffix: str  # ".pdf", ".docx", ...: the format of the original kept beside it
    size: int  # bytes of the original
    title: str
    text: str
    page_starts: tuple[int, ...] = ()
    passages: tuple[Chunk, ...] = ()


@dataclass(frozen=True)
class PaperFacts:
    """What the list of papers says of a paper beside its ledger record, read from its
    passages at ingest: the council and committee most of them name, the newest meeting."""

    suffix: str
    size: int
    pages: int | None  # None for formats without pages
    council: str = ""
    committee: str = ""
    meeting_date: str = ""  # ISO: the newest meeting the paper's passages belong to
    doc_types: tuple[str, ...] = ()  # in the order the documents come in the paper


@dataclass(frozen=True)
class PageWord:
    """A word where it stands on a page of a PDF, as its text layer or OCR gives it: its box
    in shares of the page's width and height, from the top left; `line` counts the page's
    lines from 0 in reading order."""

    text: str
    line: int
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class PaperFailure:
    """A file that could not be ingested, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class IndexStatus:
    """What an index holds, and anything found wrong with it."""

    location: str
    embedding_model: str
    schema_version: str
    papers: int
    documents: int  # papers counted once when stored under several names
    chunks: int
    decisions: int
    size_bytes: int | None
    problems: tuple[str, ...] = ()  # each a sentence naming what is wrong and the cure

    @property
    def healthy(self) -> bool:
        return not self.problems


@dataclass
class IngestReport:
    """What an ingest did, paper by paper."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    failed: list[PaperFailure] = field(default_factory=list)
    chunks_embedded: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.pruned)
