"""The question service: a question in, an `Answer` out. It tidies the question, reads
follow-ups, dates, councils and committees from its words, routes "what was decided"
to the register, and otherwise retrieves and answers, with what the reader's access
allows (readers.py); it also ingests papers under the index's lease."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from .answering import NOT_IN_PAPERS, Answerer, answer_from_register
from .config import Settings
from .conversation import standalone, tidy_question
from .decisions import asks_for_register, select
from .embedding import Embedder
from .errors import FilterError
from .filters import committees_named, councils_named, dates_asked_about, describe, prefer
from .ingestion import Progress, ingest
from .lease import IngestLease
from .library import Library
from .llm import ModelUnavailable, Writer
from .readers import Readers, Reading
from .retrieval import Mode
from .schema import Access, Answer, Decision, Filters, IngestReport, PaperRecord, Passage
from .store import Store
from .verify import written_answer

log = logging.getLogger(__name__)


class Assistant:
    """Answers questions from the index, and keeps the index up to date with the papers."""

    def __init__(self, settings: Settings, embedder: Embedder, store: Store,
                 readers: Readers, library: Library, writer: Writer | None = None) -> None:
        self.settings, self.embedder, self.store = settings, embedder, store
        self.readers, self.library, self.writer = readers, library, writer
        self.retriever = readers.retriever

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
        reader = self.readers(access)
        question, refusal = tidy_question(question)
        if refusal:
            return Answer(question, (), (), abstained=True, reason=refusal), []
        query, context = standalone(question, history)
        # A council the question names is preferred, and the date it names narrows the
        # search only where that council met then: "Nipissing's delegates to the April 2018
        # meeting" is not about another council's April 2018 meeting.
        councils = councils_named(query, reader.known("council"))
        try:
            given, implied = filters, dates_asked_about(question)
            # (a council's dates are counted only when the question names a date)
            known = reader.known("meeting_date", councils) if not implied.empty else []
            filters = prefer(given, implied, known)
        except FilterError as error:
            return Answer(question, (), (), abstained=True, reason=str(error)), []
        # A date that matches no known meeting is searched for as words, not in the register.
        unmatched = filters == given and not (given.since or given.until) and not implied.empty
        register = asks_for_register(question, reader.known("committee"))
        if register and unmatched and reader.dated():
            return Answer(question, (), (), abstained=True, reason=(
                f"{NOT_IN_PAPERS[:-1]}: they hold no {describe(implied)}. Check the date, or "
                "ask without it.")), []
        if register and not unmatched:
            answered = self._from_register(question, filters, given, reader)
            if not answered[0].abstained or filters == given:
                return answered  # otherwise the question's date was only a preference
        # The question is embedded once, for dense search and for weighing its sentences.
        vector = self.embedder.embed_query(query) if mode != "keyword" else None
        # A council or committee the question names is preferred, as its dates are.
        named = {"council": councils}
        if not given.committees:
            named["committee"] = committees_named(query, reader.known("committee"))
        passages = reader.retrieve(query, self.settings.top_k, mode, filters, vector,
                                   prefer=named)
        if not passages and not given.empty and not reader.is_empty():
            return Answer(question, (), (), abstained=True,
                          reason=f"No papers match the filters you set ({describe(given)}). "
                                 "Remove or widen a filter and ask again."), []
        quoted = reader.answerer.answer(
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
                raise ModelUnavailable("the language model gave an empty answer")
        except ModelUnavailable as error:
            why = str(error)
            log.warning("%s (server %s)", why, self.settings.llm_url)
            return replace(quoted, note=f"{why[:1].upper()}{why[1:]}: the answer below is quoted "
                                        "from the papers.")
        return written_answer(question, "".join(pieces), passages, quoted,
                              self.embedder.embed_texts)

    def _from_register(self, question: str, filters: Filters, given: Filters,
                       reader: Reading) -> tuple[Answer, list[Passage]]:
        """'What was decided in July 2017?' answered from the register of resolutions;
        `given` are the filters the person set, `filters` those with the question's dates."""
        chosen = select(reader.decisions(), filters)
        chunks = reader.chunks([d.chunk_id for d in chosen])
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
        return select(self.readers(access).decisions(), filters, search)

    def papers(self, access: Access = "public") -> dict[str, PaperRecord]:
        """The papers a reader with `access` may know of, by source name."""
        return self.readers(access).papers()

    def paper_names(self, doc_id: str, access: Access = "public") -> list[str]:
        """The file names a reader with `access` knows the paper `doc_id` by: none when the
        index does not hold it, or it is not theirs to read (the one answer for both)."""
        self.refresh_if_stale()
        return self.readers(access).paper_names(doc_id)

    def refresh_if_stale(self) -> bool:
        """Catch up with another process's changes to the index; True when it did."""
        return self.readers.refresh_if_stale()

    def ingest(self, paths: Sequence[Path], prune: bool = False,
               progress: Progress | None = None) -> IngestReport:
        """Ingest papers, then let the next question see them. Raises IngestBusyError when
        another ingest is writing to the same index."""
        with self.readers.lock, IngestLease(self.store) as lease:
            def advance(source: str) -> None:
                lease.keep()
                if progress is not None:
                    progress(source)

            report = ingest(paths, self.store, self.embedder, prune=prune, progress=advance,
                            max_paper_bytes=self.settings.max_paper_mb * 2**20,
                            library=self.library)
            if report.changed:
                self.readers.refresh()
            return report

    @property
    def answerer(self) -> Answerer:
        """The answerer of public papers."""
        return self.readers("public").answerer
