"""Question -> ranked passages: dense (Chroma) and keyword (BM25) search fused by rank."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from .filters import in_dates, matches_committee
from .keyword import KeywordIndex
from .schema import Chunk, Filters, PaperRecord, Passage
from .store import Store

Mode = Literal["hybrid", "dense", "keyword"]
Access = Literal["public", "restricted"]  # who is reading: anyone, or an officer signed in
LEVELS: dict[str, tuple[str, ...]] = {"public": ("public",),
                                      "restricted": ("public", "restricted")}
RRF_K = 60  # the constant of reciprocal rank fusion (Cormack et al., 2009)
# Keyword evidence counts double: in council papers the names, acronyms and figures a
# question asks about are its surest signal. Measured with `committee-qa eval --baselines`:
# on the sample gold set, equal weights gave hit@5 76%, these 82-84%.
DENSE_WEIGHT, KEYWORD_WEIGHT = 0.5, 1.0
FILTER_FIELDS = ("committee", "doc_type", "meeting_date")


class QueryEmbedder(Protocol):
    def embed_query(self, text: str) -> list[float]: ...


def fuse(rankings: Sequence[Sequence[Chunk]], weights: Sequence[float] | None = None,
         k: int = RRF_K) -> list[tuple[Chunk, float]]:
    """Weighted reciprocal rank fusion: a chunk scores the sum of weight / (k + rank)."""
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, chunk in enumerate(ranking, start=1):
            scores[chunk.chunk_id] = scores.get(chunk.chunk_id, 0.0) + weight / (k + rank)
            chunks[chunk.chunk_id] = chunk
    order = sorted(scores, key=lambda cid: (-scores[cid], cid))
    return [(chunks[cid], scores[cid]) for cid in order]


@dataclass(frozen=True)
class _View:
    """What retrieval derives from the index: live papers, keyword index, filter columns."""

    live: set[str]
    keyword: KeywordIndex
    columns: dict[str, np.ndarray]  # each filterable field, one value per keyword slot
    known: dict[str, list[str]]  # the values each column takes, sorted, without ''

    def changed(self, live: set[str], added: list[Chunk], removed: set[str]) -> _View:
        """This view without the papers `removed`, with the chunks `added`."""
        keyword = self.keyword.changed(added, removed)
        if len(keyword.slot_chunks) == len(self.keyword.slot_chunks) + len(added):
            columns = {name: np.concatenate([column, _column(added, name)])
                       for name, column in self.columns.items()}  # slots were appended
        else:  # the keyword index was rebuilt with new slots
            columns = {name: _column(keyword.slot_chunks, name) for name in FILTER_FIELDS}
        return _View(live, keyword, columns, _known(columns, keyword))


def _column(chunks: Sequence[Chunk | None], name: str) -> np.ndarray:
    return np.array([getattr(c, name) if c is not None else "" for c in chunks], dtype=object)


def _known(columns: dict[str, np.ndarray], keyword: KeywordIndex) -> dict[str, list[str]]:
    alive = np.array([c is not None for c in keyword.slot_chunks], dtype=bool)
    return {name: sorted({str(v) for v in column[alive]} - {""})
            for name, column in columns.items()}


def _view(live: set[str], chunks: list[Chunk]) -> _View:
    keyword = KeywordIndex(chunks)
    columns = {name: _column(keyword.slot_chunks, name) for name in FILTER_FIELDS}
    return _View(live, keyword, columns, _known(columns, keyword))


class HybridRetriever:
    """Finds the passages of the live papers that best match a question."""

    def __init__(self, embedder: QueryEmbedder, store: Store, depth: int = 30) -> None:
        self.embedder, self.store, self.depth = embedder, store, depth
        self._views: dict[str, _View] = {}
        self._signature: dict[str, tuple[tuple[str, int], ...]] = {}
        self.refresh()

    def refresh(self) -> None:
        """Re-read the ledger and bring the keyword index up to date: call after an ingest.
        Only the papers added, removed or changed since the last refresh are read from the
        store. The new views replace the old in one step, so a search running meanwhile
        sees one or the other, never half of each. Each access level has a view of its own:
        what a public reader is shown, down to the keyword statistics, never depends on
        restricted text."""
        signature = _signature(self.store.papers().values())
        live = set(signature)
        if not self._views:
            every = list(self.store.chunks(live))
            public = [c for c in every if c.access == "public"]
            views = {"public": _view(live, public)}
            views["restricted"] = (views["public"] if len(public) == len(every)
                                   else _view(live, every))
        else:
            removed = {d for d, s in self._signature.items() if signature.get(d) != s}
            fresh = {d for d, s in signature.items() if self._signature.get(d) != s}
            added = list(self.store.chunks(fresh)) if fresh else []
            old = self._views
            views = {"public": old["public"].changed(
                live, [c for c in added if c.access == "public"], removed)}
            views["restricted"] = (views["public"] if old["restricted"] is old["public"]
                                   and all(c.access == "public" for c in added)
                                   else old["restricted"].changed(live, added, removed))
        self._views, self._signature = views, signature

    def view(self, access: Access = "public") -> _View:
        """What a reader with `access` may search: live papers, keyword index, columns."""
        return self._views[access]

    @property
    def live(self) -> set[str]:
        """The doc_ids of the papers in the ledger."""
        return self._views["public"].live

    @property
    def keyword(self) -> KeywordIndex:
        """The keyword index of the public papers."""
        return self._views["public"].keyword

    def is_empty(self, access: Access = "public") -> bool:
        return not self._views[access].keyword.chunks

    def known(self, field: str, access: Access = "public") -> list[str]:
        """The values a filterable field takes in the index, sorted, without the empty one."""
        return self._views[access].known[field]

    def retrieve(self, question: str, k: int = 6, mode: Mode = "hybrid",
                 filters: Filters = Filters(), access: Access = "public",
                 vector: Sequence[float] | None = None) -> list[Passage]:
        """The k best passages for `question`, best first; `mode` can switch a search off,
        `filters` limit both searches to some committees, document types and dates, and
        `access` says whether restricted papers may be searched too; `vector` is the
        question's, when the caller has embedded it already."""
        view = self._views[access]
        if not view.keyword.chunks or not question.strip():
            return []
        where, admitted = None, None
        if not filters.empty:
            where = self._where(filters, view)
            if where is None:
                return []  # no passage lies inside the filters
            admitted = np.ones(len(view.keyword.slot_chunks), dtype=bool)
            for name, values in where.items():
                admitted &= np.isin(view.columns[name], values)
        dense: list[tuple[Chunk, float]] = []
        keyword: list[tuple[Chunk, float]] = []
        if mode != "keyword":
            vector = vector if vector is not None else self.embedder.embed_query(question)
            dense = self.store.search(vector, self.depth, view.live, where, LEVELS[access])
        if mode != "dense":
            keyword = view.keyword.search(question, self.depth, admitted)
        similarity = {chunk.chunk_id: sim for chunk, sim in dense}
        fused = fuse([[c for c, _ in dense], [c for c, _ in keyword]],
                     [DENSE_WEIGHT, KEYWORD_WEIGHT])
        return [
            Passage(chunk=chunk, score=score, dense_similarity=similarity.get(chunk.chunk_id))
            for chunk, score in fused[:k]
        ]

    def _where(self, filters: Filters, view: _View) -> dict[str, list[str]] | None:
        """The filters as the stored values each field may take; None when none can."""
        where: dict[str, list[str]] = {}
        if filters.committees:
            where["committee"] = [c for c in view.known["committee"]
                                  if matches_committee(filters, c)]
        if filters.doc_types:
            where["doc_type"] = list(filters.doc_types)
        if filters.since or filters.until:
            where["meeting_date"] = [d for d in view.known["meeting_date"]
                                     if in_dates(filters, d)]
        return None if any(not values for values in where.values()) else where


def _signature(records: Iterable[PaperRecord]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Each live paper's doc_id, with the names and passage counts the ledger gives it: a
    paper whose passages were rewritten (renamed, say) reads differently."""
    named: dict[str, list[tuple[str, int]]] = {}
    for r in records:
        named.setdefault(r.doc_id, []).append((r.source, r.chunks))
    return {doc_id: tuple(sorted(names)) for doc_id, names in named.items()}
