"""Who may read what: for each access level, the papers it may search, know of and quote,
and the answerer that weighs words by those papers alone. The one boundary between public
and restricted papers: the question service asks it for a reader's tools, and nothing else
decides what a reader may see. It also keeps them current when the index changes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .answering import Answerer
from .retrieval import HybridRetriever, Mode
from .schema import ACCESS_LEVELS, Access, Chunk, Decision, Filters, PaperRecord, Passage, readable
from .store import Store
from .views import View

MakeAnswerer = Callable[[View], Answerer]  # an answerer weighing words by a view's papers


@dataclass(frozen=True)
class Reading:
    """What one reader may use: search, known values, the register, passages and papers,
    each of the papers their access admits, and an answerer fitted to those papers only."""

    access: Access
    retriever: HybridRetriever
    store: Store
    answerer: Answerer

    def retrieve(self, query: str, k: int, mode: Mode, filters: Filters,
                 vector: Sequence[float] | None,
                 prefer: Mapping[str, Sequence[str]] | None = None) -> list[Passage]:
        return self.retriever.retrieve(query, k, mode, filters, self.access, vector,
                                       prefer=prefer)

    def known(self, field: str, councils: Sequence[str] = ()) -> list[str]:
        return self.retriever.known(field, self.access, councils)

    def dated(self) -> bool:
        return self.retriever.dated(self.access)

    def is_empty(self) -> bool:
        return self.retriever.is_empty(self.access)

    def decisions(self) -> list[Decision]:
        return self.retriever.decisions(self.access)

    def chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        return self.retriever.chunks(ids, self.access)

    def paper_names(self, doc_id: str) -> list[str]:
        """The file names this reader knows the paper `doc_id` by: none when the index does
        not hold it, or it is not theirs to read (the one answer for both)."""
        names = self.retriever.view(self.access).papers.get(doc_id, [])
        if any(level not in readable(self.access) for *_, level in names):
            return []
        return sorted(str(source) for source, *_ in names)

    def papers(self) -> dict[str, PaperRecord]:
        """The papers this reader may know of, by source name."""
        levels = readable(self.access)
        return {source: record for source, record in self.store.papers().items()
                if record.access in levels}


class Readers:
    """Hands out each access level's `Reading`, and rebuilds them when the index changes
    (an ingest here, or another process writing to the same index)."""

    def __init__(self, retriever: HybridRetriever, store: Store,
                 make_answerer: MakeAnswerer) -> None:
        self.retriever, self.store, self._make_answerer = retriever, store, make_answerer
        self.lock = threading.Lock()  # held by an ingest, and by one rebuild at a time
        self._generation = store.generation()
        self._readings = self._read()

    def __call__(self, access: Access) -> Reading:
        """The tools of a reader with `access`; anything else is read as public."""
        return self._readings["restricted" if access == "restricted" else "public"]

    def refresh(self) -> None:
        """Re-derive the keyword indexes, the register and the answerers from the index.
        The generation is read first: a commit landing during the rebuild changes it again,
        so the next question rebuilds once more rather than keep a half-old view."""
        self._generation = self.store.generation()
        self.retriever.refresh()
        self._readings = self._read()

    def refresh_if_stale(self) -> bool:
        """Refresh when another process has changed the index since; True when it did. One
        thread rebuilds; the others, and questions asked during an ingest in this process,
        keep answering from the old readings rather than wait."""
        if self.store.generation() == self._generation:
            return False
        if not self.lock.acquire(blocking=False):
            return False
        try:
            if self.store.generation() == self._generation:
                return False
            self.refresh()
        finally:
            self.lock.release()
        return True

    def _read(self) -> dict[Access, Reading]:
        """A reading per level, each from that level's view only: even word weights never
        carry restricted text into a public answer. Where no paper is restricted the two
        levels see one view, and share one reading."""
        readings: dict[Access, Reading] = {}
        by_view: dict[int, Answerer] = {}
        for access in ACCESS_LEVELS:
            view = self.retriever.view(access)
            if id(view) not in by_view:
                by_view[id(view)] = self._make_answerer(view)
            readings[access] = Reading(access, self.retriever, self.store, by_view[id(view)])
        return readings
