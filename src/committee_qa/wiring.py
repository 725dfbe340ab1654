"""The composition root: settings -> the assembled assistant (model, store, retriever, answerer)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from .abstention import PACKAGED, AbstentionModel, load_model
from .answering import NOT_IN_PAPERS, Answerer, answer_from_register, idf_from
from .config import Settings
from .conversation import standalone, tidy_question
from .decisions import asks_for_register, select
from .embedding import Embedder, load_embedder
from .errors import FilterError
from .filters import committees_named, councils_named, dates_asked_about, describe, prefer
from .ingestion import Progress, ingest
from .lease import IngestLease
from .library import Library
from .llm import ModelSettings, ModelUnavailable, Writer
from .retrieval import Access, HybridRetriever, Mode
from .schema import Answer, Decision, Filters, IngestReport, PaperRecord, Passage
from .store import Store
from .text import read_phrases, use_phrases
from .verify import written_answer

# The keyword indexes (tantivy): beside Chroma in the index folder, or, for an index in a
# Chroma server, on this replica's own disk under the same setting, one folder per server.
KEYWORD_FOLDER = "keyword"
# The papers' originals and text as read, for the source viewer: kept the same way.
LIBRARY_FOLDER = "library"


class Assistant:
    """Answers questions from the index, and keeps the index up to date with the papers."""

    def __init__(self, settings: Settings, embedder: Embedder,
                 store: Store) -> None:
        self.settings, self.embedder, self.store = settings, embedder, store
        self._lock = threading.Lock()
        self._generation = store.generation()
        self._abstention = _abstention_model(settings.abstention)
        self.retriever = HybridRetriever(embedder, store, folder=keyword_folder(settings))
        self.library = Library(library_folder(settings))
        self._make_answerer()
        self.writer = Writer(ModelSettings(settings.llm_url, settings.llm_model,
                                           settings.llm_api_key, settings.llm_timeout)
                             ) if settings.llm_url else None

    def ask(self, question: str, history: Sequence[str] = (),
            filters: Filters = Filters(), access: Access = "public") -> Answer:
        """Answer a question; `history` holds the earlier questions of the conversation, and
        `access` whether restricted papers may be used (never, unless the reader may)."""
        return self.ask_with_passages(question, history, filters=filters, access=access)[0]

    def ask_with_passages(self, question: str, history: Sequence[str] = (),
                          mode: Mode = "hybrid", filters: Filters = Filters(),
                          access: Access = "public", on_text: Callable[[str], None] | None = None,
                          ) -> tuple[Answer, list[Passage]]:
        """The answer, and the ranked passages retrieval found for it. With a language
        model set, `on_text` is handed its answer piece by piece as it is written, before
        the verified answer is returned.

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
        if register and unmatched and self.retriever.dated(access):
            return Answer(question, (), (), abstained=True, reason=(
                f"{NOT_IN_PAPERS[:-1]}: they hold no {describe(implied)}. Check the date, or "
                "ask without it.")), []
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
                          reason=f"No papers match the filters you set ({describe(given)}). "
                                 "Remove or widen a filter and ask again."), []
        quoted = self._answerers[access].answer(
            question, passages, context=context,
            question_vector=vector if query == question else None)
        if self.writer is None or quoted.abstained:  # a model never answers what quoting declines
            return quoted, passages
        return self._written(query, quoted, passages, on_text), passages

    def _written(self, question: str, quoted: Answer, passages: Sequence[Passage],
                 on_text: Callable[[str], None] | None) -> Answer:
        """The language model's answer from `passages`, every sentence it keeps verified;
        the quoted answer, with a one-line note, when the model fails or loses its point."""
        assert self.writer is not None
        pieces = []
        try:
            for piece in self.writer.stream(question, passages):
                pieces.append(piece)
                if on_text is not None:
                    on_text(piece)
            if not "".join(pieces).strip():
                raise ModelUnavailable(f"the language model at {self.settings.llm_url} gave "
                                       "an empty answer")
        except ModelUnavailable as error:
            why = str(error)
            return replace(quoted, note=f"{why[:1].upper()}{why[1:]}: the answer below is quoted "
                                        "from the papers.")
        return written_answer(question, "".join(pieces), passages, quoted,
                              self.embedder.embed_texts)

    def _from_register(self, question: str, filters: Filters, given: Filters,
                       access: Access) -> tuple[Answer, list[Passage]]:
        """'What was decided in July 2017?' answered from the register of resolutions;
        `given` are the filters the person set, `filters` those with the question's dates."""
        chosen = select(self.retriever.decisions(access), filters)
        chunks = self.retriever.chunks([d.chunk_id for d in chosen], access)
        found = [(d, chunks[d.chunk_id]) for d in chosen if d.chunk_id in chunks]
        if not found:
            return Answer(question, (), (), abstained=True, reason=(
                f"No resolution in the minutes matches the filters you set "
                f"({describe(given)}). Remove or widen a filter and ask again."
                if not given.empty else "The minutes in the index record no resolution.")), []
        return answer_from_register(question, found), [Passage(c, 1.0) for _d, c in found]

    def decisions(self, filters: Filters = Filters(), search: str = "",
                  access: Access = "public") -> list[Decision]:
        """The register: resolutions in the minutes, newest first, inside `filters`."""
        self.refresh_if_stale()
        return select(self.retriever.decisions(access), filters, search)

    def papers(self, access: Access = "public") -> dict[str, PaperRecord]:
        """The papers a reader with `access` may know of, by source name."""
        return {source: record for source, record in self.store.papers().items()
                if access == "restricted" or record.access == "public"}

    def paper_names(self, doc_id: str, access: Access = "public") -> list[str]:
        """The file names a reader with `access` knows the paper `doc_id` by: none when the
        index does not hold it, or it is not theirs to read (the one answer for both)."""
        self.refresh_if_stale()
        names = self.retriever.view(access).papers.get(doc_id, [])
        if access != "restricted" and any(level != "public" for *_, level in names):
            return []
        return sorted(str(source) for source, *_ in names)

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
                            max_paper_bytes=self.settings.max_paper_mb * 2**20,
                            library=self.library)
            if report.changed:
                self._refresh()
            return report

    def _make_answerer(self) -> None:
        """An answerer for each access level, from that level's view only: even word
        weights never carry restricted text into a public answer. (The register is the
        view's, read when first asked for.)"""
        answerers: dict[str, Answerer] = {}
        levels: tuple[Access, ...] = ("public", "restricted")
        for access in levels:
            view = self.retriever.view(access)
            if access == "restricted" and view is self.retriever.view("public"):
                answerers[access] = answerers["public"]
                continue  # no restricted papers: the same view, the same answers
            idf = idf_from(view.keyword.document_frequency, view.keyword.passages)
            answerers[access] = Answerer(idf, embed=self.embedder.embed_texts,
                                         abstention=self._abstention)
        self._answerers = answerers

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


def keyword_folder(settings: Settings) -> Path:
    """Where the keyword indexes of the index named by `settings` are kept."""
    return _beside(settings, KEYWORD_FOLDER)


def library_folder(settings: Settings) -> Path:
    """Where the papers' originals and text as read are kept for the index of `settings`."""
    return _beside(settings, LIBRARY_FOLDER)


def _beside(settings: Settings, name: str) -> Path:
    folder = Path(settings.index) / name
    if settings.chroma_url:
        folder /= re.sub(r"[^A-Za-z0-9.]+", "-", settings.chroma_url.split("//")[-1]).strip("-")
    return folder / settings.collection


def build_assistant(settings: Settings) -> Assistant:
    """Load the model and open the index named by `settings`: a folder, or a Chroma server."""
    use_phrases(read_phrases(Path(settings.phrases)) if settings.phrases else read_phrases())
    embedder = load_embedder(settings.model, settings.backend, batch_size=settings.batch_size)
    if settings.chroma_url:
        store = Store.connect(settings.chroma_url, settings.collection, embedder.name,
                              embedder.dimension)
    else:
        store = Store.open(Path(settings.index), settings.collection, embedder.name,
                           embedder.dimension)
    return Assistant(settings, embedder, store)
