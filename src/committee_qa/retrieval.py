"""Question -> ranked passages: dense (Chroma) and keyword (BM25) search fused by rank."""

from __future__ import annotations

from typing import Protocol, Sequence

from .keyword import KeywordIndex
from .schema import Chunk, Passage
from .store import Store

RRF_K = 60  # the constant of reciprocal rank fusion (Cormack et al., 2009)


class QueryEmbedder(Protocol):
    def embed_query(self, text: str) -> list[float]: ...


def fuse(rankings: Sequence[Sequence[Chunk]], k: int = RRF_K) -> list[tuple[Chunk, float]]:
    """Reciprocal rank fusion: a chunk scores the sum of 1 / (k + rank) over the rankings."""
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for ranking in rankings:
        for rank, chunk in enumerate(ranking, start=1):
            scores[chunk.chunk_id] = scores.get(chunk.chunk_id, 0.0) + 1.0 / (k + rank)
            chunks[chunk.chunk_id] = chunk
    order = sorted(scores, key=lambda cid: (-scores[cid], cid))
    return [(chunks[cid], scores[cid]) for cid in order]


class HybridRetriever:
    """Finds the passages of the live papers that best match a question."""

    def __init__(self, embedder: QueryEmbedder, store: Store, depth: int = 30) -> None:
        self.embedder, self.store, self.depth = embedder, store, depth
        self.refresh()

    def refresh(self) -> None:
        """Re-read the ledger and rebuild the keyword index: call after an ingest."""
        self.live = {r.doc_id for r in self.store.papers().values()}
        self.keyword = KeywordIndex(self.store.chunks(self.live))

    @property
    def is_empty(self) -> bool:
        return not self.keyword.chunks

    def retrieve(self, question: str, k: int = 6) -> list[Passage]:
        """The k best passages for `question`, best first."""
        if self.is_empty or not question.strip():
            return []
        dense = self.store.search(self.embedder.embed_query(question), self.depth, self.live)
        keyword = self.keyword.search(question, self.depth)
        similarity = {chunk.chunk_id: sim for chunk, sim in dense}
        fused = fuse([[c for c, _ in dense], [c for c, _ in keyword]])
        return [
            Passage(chunk=chunk, score=score, dense_similarity=similarity.get(chunk.chunk_id))
            for chunk, score in fused[:k]
        ]
