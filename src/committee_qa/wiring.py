"""The composition root: settings -> the assembled assistant (model, store, retriever, answerer)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from .abstention import PACKAGED, AbstentionModel, load_model
from .answering import NOT_IN_PAPERS, Answerer, answer_from_register, idf_from
from .config import Settings
from .conversation import standalone, tidy_question
from .decisions import asks_for_register, extract_decisions, select
from .embedding import Embedder, load_embedder
from .errors import FilterError
from .filters import committees_named, councils_named, dates_asked_about, describe, prefer
from .ingestion import Progress, ingest
from .lease import IngestLease
from .retrieval import Access, HybridRetriever, Mode
from .schema import Answer, Chunk, Decision, Filters, IngestReport, PaperRecord, Passage
from .store import Store

SNAPSHOT_FOLDER = "keyword-snapshots"


class Assistant:
    """Answers questions from the index, and keeps the index up to date with the papers."""

    def __init__(self, settings: Settings, embedder: Embedder,
                 store: Store) -> None:
        self.settings, self.embedder, self.store = settings, embedder, store
        self._lock = threading.Lock()
        self._generation = store.generation()
        self._abstention = _abstention_model(settings.abstention)
        # An embedded index keeps keyword snapshots in its folder, for quick starts.
        snapshots = None if settings.chroma_url else Path(settings.index) / SNAPSHOT_FOLDER
        self.retriever = HybridRetriever(embedder, store, snapshots=snapshots)
        self._make_answerer()

    def ask(self, question: str, history: Sequence[str] = (),
            filters: Filters = Filters(), access: Access = "public") -> Answer:
        """Answer a question; `history` holds the earlier questions of the conversation, and
        `access` whether restricted papers may be used (never, unless the reader may)."""
        return self.ask_with_passages(question, history, filters=filters, access=access)[0]

    def ask_with_passages(self, question: str, history: Sequence[str] = (),
                          mode: Mode = "hybrid", filters: Filters = Filters(),
                          access: Access = "public") -> tuple[Answer, list[Passage]]:
        """The answer, and the ranked passages retrieval found for it.

        A date the question itself asks about ("decided in July 2017") narrows the search
        to meetings of that date and papers of unknown date, when the index knows a meeting
        then, unless `filters` already set dates.
        """
        self.refresh_if_stale()
        question, refusal = tidy_question(question)
        if refusal:
            return Answer(question, (), (), abstained=True, reason=refusal), []
        query, context = standalone(question, history)
        try:
            given, implied = filters, dates_asked_about(question)
            filters = prefer(given, implied, self.retriever.known("meeting_date", access))
        except FilterError as error:
            return Answer(question, (), (), abstained=True, reason=str(error)), []
        # A date that matches no known meeting is searched for as words, not in the register.
        unmatched = filters == given and not (given.since or given.until) and not implied.empty
        register = asks_for_register(question, self.retriever.known("committee", access))
        if register and unmatched and all(c.meeting_date for c in
                                          self.retriever.view(access).keyword.chunks):
            return Answer(question, (), (), abstained=True, reason=(
                f"{NOT_IN_PAPERS[:-1]}: they hold no {describe(implied)}.")), []
        if register and not unmatched:
            answered = self._from_register(question, filters, given, access)
            if not answered[0].abstained or filters == given:
                return answered  # otherwise the question's date was only a preference
        # The question is embedded once, for dense search and for weighing its sentences.
        vector = self.embedder.embed_query(query) if mode != "keyword" else None
        # A council or committee the question names is preferred, as its dates are.
        named = {"council": councils_named(query, self.retriever.known("council", access))}
        if not given.committees:
            named["committee"] = committees_named(
                query, self.retriever.known("committee", access))
        passages = self.retriever.retrieve(query, self.settings.top_k, mode, filters, access,
                                           vector, prefer=named)
        if not passages and not given.empty and not self.retriever.is_empty(access):
            return Answer(question, (), (), abstained=True,
                          reason="Nothing in the papers matches these filters: "
                                 f"{describe(given)}."), []
        return self._answerers[access].answer(
            question, passages, context=context,
            question_vector=vector if query == question else None), passages

    def _from_register(self, question: str, filters: Filters, given: Filters,
                       access: Access) -> tuple[Answer, list[Passage]]:
        """'What was decided in July 2017?' answered from the register of resolutions;
        `given` are the filters the person set, `filters` those with the question's dates."""
        chunks = self._register_chunks[access]
        found = [(d, chunks[d.chunk_id]) for d in select(self._registers[access], filters)]
        if not found:
            return Answer(question, (), (), abstained=True, reason=(
                f"No resolution in the minutes matches these filters: {describe(given)}."
                if not given.empty else "The minutes in the index record no resolution.")), []
        return answer_from_register(question, found), [Passage(c, 1.0) for _d, c in found]

    def decisions(self, filters: Filters = Filters(), search: str = "",
                  access: Access = "public") -> list[Decision]:
        """The register: resolutions in the minutes, newest first, inside `filters`."""
        self.refresh_if_stale()
        return select(self._registers[access], filters, search)

    def papers(self, access: Access = "public") -> dict[str, PaperRecord]:
        """The papers a reader with `access` may know of, by source name."""
        return {source: record for source, record in self.store.papers().items()
                if access == "restricted" or record.access == "public"}

    def refresh_if_stale(self) -> bool:
        """Re-derive the keyword index and the register when another process (an ingester,
        another replica) has changed the index since; True when it did."""
        if self.store.generation() == self._generation:
            return False
        # One thread rebuilds; the others, and questions asked during an ingest in this
        # process, keep answering from the old view rather than wait.
        if not self._lock.acquire(blocking=False):
            return False
        try:
            if self.store.generation() == self._generation:
                return False
            self._refresh()
        finally:
            self._lock.release()
        return True

    def _refresh(self) -> None:
        # Read the generation first: a commit landing during the rebuild changes it again,
        # so the next question rebuilds once more rather than keep a half-old view.
        self._generation = self.store.generation()
        self.retriever.refresh()
        self._make_answerer()

    def ingest(self, paths: Sequence[Path], prune: bool = False,
               progress: Progress | None = None) -> IngestReport:
        """Ingest papers, then let the next question see them. Raises IngestBusyError when
        another ingest is writing to the same index."""
        with self._lock, IngestLease(self.store) as lease:
            def advance(source: str) -> None:
                lease.keep()
                if progress is not None:
                    progress(source)

            report = ingest(paths, self.store, self.embedder, prune=prune, progress=advance,
                            max_paper_bytes=self.settings.max_paper_mb * 2**20)
            if report.changed:
                self._refresh()
            return report

    def _make_answerer(self) -> None:
        """An answerer and a register for each access level, from that level's view only:
        even word weights never carry restricted text into a public answer."""
        answerers: dict[str, Answerer] = {}
        registers: dict[str, list[Decision]] = {}
        register_chunks: dict[str, dict[str, Chunk]] = {}  # the passages resolutions stand in
        levels: tuple[Access, ...] = ("public", "restricted")
        for access in levels:
            view = self.retriever.view(access)
            if access == "restricted" and view is self.retriever.view("public"):
                answerers[access], registers[access] = answerers["public"], registers["public"]
                register_chunks[access] = register_chunks["public"]
                continue  # no restricted papers: the same view, the same answers
            keyword = view.keyword
            idf = idf_from(keyword.document_frequency, len(keyword.chunks))
            answerers[access] = Answerer(idf, embed=self.embedder.embed_texts,
                                         abstention=self._abstention)
            registers[access] = extract_decisions(keyword.chunks)
            register_chunks[access] = {d.chunk_id: view.by_id[d.chunk_id]
                                       for d in registers[access]}
        self._answerers, self._registers = answerers, registers
        self._register_chunks = register_chunks

    @property
    def answerer(self) -> Answerer:
        """The answerer of public papers."""
        return self._answerers["public"]


def _abstention_model(setting: str) -> AbstentionModel | None:
    """The model named by the setting: a file, the packaged one, or none at all."""
    if setting == "none":
        return None
    if not setting and not PACKAGED.exists():
        return None
    return load_model(Path(setting) if setting else PACKAGED)


def build_assistant(settings: Settings) -> Assistant:
    """Load the model and open the index named by `settings`: a folder, or a Chroma server."""
    embedder = load_embedder(settings.model, settings.backend, batch_size=settings.batch_size)
    if settings.chroma_url:
        store = Store.connect(settings.chroma_url, settings.collection, embedder.name,
                              embedder.dimension)
    else:
        store = Store.open(Path(settings.index), settings.collection, embedder.name,
                           embedder.dimension)
    return Assistant(settings, embedder, store)
