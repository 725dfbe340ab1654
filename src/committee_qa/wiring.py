"""The composition root: settings -> the assembled assistant (model, store, retriever, answerer)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from .answering import Answerer, idf_from
from .config import Settings
from .conversation import standalone
from .embedding import SentenceTransformerEmbedder
from .ingestion import Progress, ingest
from .retrieval import HybridRetriever, Mode
from .schema import Answer, IngestReport, Passage
from .store import Store


class Assistant:
    """Answers questions from the index, and keeps the index up to date with the papers."""

    def __init__(self, settings: Settings, embedder: SentenceTransformerEmbedder,
                 store: Store) -> None:
        self.settings, self.embedder, self.store = settings, embedder, store
        self.retriever = HybridRetriever(embedder, store)
        self._lock = threading.Lock()
        self._make_answerer()

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer a question; `history` holds the earlier questions of the conversation."""
        return self.ask_with_passages(question, history)[0]

    def ask_with_passages(self, question: str, history: Sequence[str] = (),
                          mode: Mode = "hybrid") -> tuple[Answer, list[Passage]]:
        """The answer, and the ranked passages retrieval found for it."""
        question = " ".join(question.split())
        query, context = standalone(question, history)
        passages = self.retriever.retrieve(query, self.settings.top_k, mode)
        return self.answerer.answer(question, passages, context=context), passages

    def ingest(self, paths: Sequence[Path], prune: bool = False,
               progress: Progress | None = None) -> IngestReport:
        """Ingest papers, then let the next question see them."""
        with self._lock:
            report = ingest(paths, self.store, self.embedder, prune=prune, progress=progress)
            if report.changed:
                self.retriever.refresh()
                self._make_answerer()
            return report

    def _make_answerer(self) -> None:
        keyword = self.retriever.keyword
        idf = idf_from(keyword.document_frequency, len(keyword.chunks))
        self.answerer = Answerer(idf, embed=self.embedder.embed_texts)


def build_assistant(settings: Settings) -> Assistant:
    """Load the model and open the index named by `settings`."""
    embedder = SentenceTransformerEmbedder(settings.model, batch_size=settings.batch_size)
    store = Store.open(Path(settings.index), settings.collection, embedder.name,
                       embedder.dimension)
    return Assistant(settings, embedder, store)
