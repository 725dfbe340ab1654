"""BM25 keyword search over the stored chunks. The only module that imports bm25s.

The keyword index is derived from the store, never a second copy of the papers: it is
built from the chunks Chroma holds, so it cannot drift from what dense search sees.
"""

from __future__ import annotations

from collections.abc import Iterable

import bm25s
import numpy as np

from .schema import Chunk
from .text import terms


class KeywordIndex:
    """Names, acronyms and figures that embeddings blur: found by their exact words."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self.chunks: list[Chunk] = list(chunks)
        self.document_frequency: dict[str, int] = {}
        corpus = []
        for chunk in self.chunks:
            words = terms(chunk.embedding_text)
            corpus.append(words)
            for word in set(words):
                self.document_frequency[word] = self.document_frequency.get(word, 0) + 1
        self._bm25 = bm25s.BM25()
        if self.chunks:
            self._bm25.index(corpus, show_progress=False)

    def search(self, question: str, k: int,
               admitted: np.ndarray | None = None) -> list[tuple[Chunk, float]]:
        """Up to k chunks sharing words with the question, best first, with BM25 scores.

        `admitted`, one 0/1 per chunk, limits the search to the chunks marked 1.
        """
        words = [w for w in terms(question) if w in self.document_frequency]
        if not words or not self.chunks:
            return []
        found, scores = self._bm25.retrieve(
            [words], k=min(k, len(self.chunks)), show_progress=False,
            weight_mask=None if admitted is None else admitted.astype(np.float32),
        )
        return [
            (self.chunks[int(i)], float(s)) for i, s in zip(found[0], scores[0]) if s > 0
        ]
