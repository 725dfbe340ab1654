"""BM25 keyword search over the stored chunks, kept up to date paper by paper.

The keyword index is derived from the store, never a second copy of the papers: it is
built from the chunks Chroma holds, so it cannot drift from what dense search sees.

It is kept as Lucene keeps its own: postings in segments that are never changed once
made. Adding papers adds a segment holding only their chunks; removing papers marks their
slots dead. So an ingest of one paper costs in proportion to that paper, not to the whole
archive. Word statistics (document frequencies, mean length) are kept exact all along,
and scores are computed at query time from them: Lucene's BM25 (the bm25s package's default).
When small segments pile up they are merged into one (the first, largest, stays); when a
quarter of the slots are dead, the index is rebuilt from its live chunks.

An index is never changed in place: `changed` returns a new one sharing the old segments,
so a search running meanwhile sees the index before or after, never half of each.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .schema import Chunk
from .text import terms

K1, B = 1.5, 0.75  # BM25's usual constants (and bm25s's defaults)
MAX_SEGMENTS = 8  # more than this: all but the first are merged into one
MAX_DEAD_SHARE = 0.25  # more than this share of slots dead: rebuilt from the live chunks


@dataclass(frozen=True)
class _Segment:
    """term -> (slots holding it, how often each holds it), for a run of slots."""

    postings: dict[str, tuple[np.ndarray, np.ndarray]]


def _merged(segments: Sequence[_Segment], alive: np.ndarray) -> _Segment:
    """One segment holding the live postings of `segments`."""
    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for segment in segments:
        for word, posting in segment.postings.items():
            parts.setdefault(word, []).append(posting)
    postings = {}
    for word, held in parts.items():
        slots = np.concatenate([s for s, _ in held])
        counts = np.concatenate([c for _, c in held])
        keep = alive[slots]
        if keep.any():
            postings[word] = (slots[keep], counts[keep])
    return _Segment(postings)


def _segment(first: int, counted: Sequence[Counter[str]]) -> _Segment:
    slots: dict[str, list[int]] = {}
    counts: dict[str, list[int]] = {}
    for offset, words in enumerate(counted):
        for word, n in words.items():
            slots.setdefault(word, []).append(first + offset)
            counts.setdefault(word, []).append(n)
    return _Segment({w: (np.array(s, dtype=np.int64), np.array(counts[w], dtype=np.float32))
                     for w, s in slots.items()})


class KeywordIndex:
    """Names, acronyms and figures that embeddings blur: found by their exact words.

    Each chunk has a slot, in the order chunks were added; `slot_chunks` holds None for
    the slots of removed papers. Filters and masks passed to `search` are one per slot.
    """

    def __init__(self, chunks: Iterable[Chunk] = ()) -> None:
        self.slot_chunks: list[Chunk | None] = []
        self._lengths = np.zeros(0, dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._segments: list[_Segment] = []
        self._slots_of: dict[str, list[int]] = {}
        self.document_frequency: dict[str, int] = {}
        self._total_length = 0.0
        self._add(list(chunks))
        self.chunks = self._live_chunks()

    @property
    def doc_ids(self) -> set[str]:
        """The papers whose chunks the index holds."""
        return set(self._slots_of)

    def changed(self, added: Sequence[Chunk] = (), removed: Iterable[str] = ()) -> KeywordIndex:
        """A new index: this one without the chunks of the papers `removed` (doc_ids), and
        with the chunks `added`. This one is left as it was."""
        new = object.__new__(KeywordIndex)
        new.slot_chunks = list(self.slot_chunks)
        new._lengths, new._alive = self._lengths, self._alive.copy()
        new._segments = list(self._segments)
        new._slots_of = dict(self._slots_of)
        new.document_frequency = dict(self.document_frequency)
        new._total_length = self._total_length
        for doc_id in set(removed):
            new._remove(doc_id)
        new._add(list(added))
        dead = len(new.slot_chunks) - int(new._alive.sum())
        if dead > MAX_DEAD_SHARE * len(new.slot_chunks):
            return KeywordIndex(c for c in new.slot_chunks if c is not None)
        if len(new._segments) > MAX_SEGMENTS:
            new._segments = [new._segments[0], _merged(new._segments[1:], new._alive)]
        new.chunks = new._live_chunks()
        return new

    def search(self, question: str, k: int,
               admitted: np.ndarray | None = None) -> list[tuple[Chunk, float]]:
        """Up to k chunks sharing words with the question, best first, with BM25 scores.

        `admitted`, one 0/1 per slot, limits the search to the chunks marked 1.
        """
        words = [w for w in terms(question) if self.document_frequency.get(w, 0) > 0]
        if not words or not self.chunks:
            return []
        documents = len(self.chunks)
        mean_length = self._total_length / documents
        scores = np.zeros(len(self.slot_chunks), dtype=np.float32)
        for word in words:
            df = self.document_frequency[word]
            idf = math.log(1 + (documents - df + 0.5) / (df + 0.5))
            for segment in self._segments:
                posting = segment.postings.get(word)
                if posting is None:
                    continue
                slots, tf = posting
                norm = tf + K1 * (1 - B + B * self._lengths[slots] / mean_length)
                scores[slots] += idf * tf / norm
        keep = self._alive if admitted is None else self._alive & admitted.astype(bool)
        scores[~keep] = 0.0
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(chunk, float(scores[i])) for i in top
                if scores[i] > 0 and (chunk := self.slot_chunks[i]) is not None]

    def packed(self) -> tuple[list[Chunk | None], list[str], dict[str, np.ndarray]]:
        """The index as its slots, its words and flat arrays (one segment): `unpacked`
        makes the same index again. Postings of word i are slots[start:start + sizes[i]]."""
        merged = _merged(self._segments, self._alive)
        words = list(merged.postings)
        held = [merged.postings[w] for w in words]
        arrays = {
            "sizes": np.array([len(s) for s, _ in held], dtype=np.int64),
            "slots": np.concatenate([s for s, _ in held]) if held else np.zeros(0, np.int64),
            "counts": np.concatenate([c for _, c in held]) if held else np.zeros(0, np.float32),
            "lengths": self._lengths, "alive": self._alive,
        }
        return list(self.slot_chunks), words, arrays

    @classmethod
    def unpacked(cls, slot_chunks: list[Chunk | None], words: list[str],
                 arrays: dict[str, np.ndarray]) -> KeywordIndex:
        """The index `packed` gave these parts of."""
        sizes, slots, counts = arrays["sizes"], arrays["slots"], arrays["counts"]
        if not (len(words) == len(sizes) and int(sizes.sum()) == len(slots) == len(counts)
                and len(slot_chunks) == len(arrays["lengths"]) == len(arrays["alive"])):
            raise ValueError("the parts of a keyword index do not fit together")
        new = object.__new__(cls)
        new.slot_chunks = slot_chunks
        new._lengths, new._alive = arrays["lengths"], arrays["alive"].astype(bool)
        ends = np.cumsum(sizes)
        new._segments = [_Segment({w: (slots[e - n:e], counts[e - n:e])
                                   for w, n, e in zip(words, sizes.tolist(), ends.tolist())})]
        new.document_frequency = dict(zip(words, sizes.tolist()))  # the live slots only
        new._slots_of = {}
        for slot, chunk in enumerate(slot_chunks):
            if chunk is not None:
                new._slots_of.setdefault(chunk.doc_id, []).append(slot)
        new._total_length = float(new._lengths[new._alive].sum())
        new.chunks = new._live_chunks()
        return new

    def _add(self, chunks: list[Chunk]) -> None:
        if not chunks:
            return
        first = len(self.slot_chunks)
        counted = [Counter(terms(c.search_text)) for c in chunks]
        lengths = np.array([sum(c.values()) for c in counted], dtype=np.float32)
        slots_of: dict[str, list[int]] = {}
        for offset, (chunk, words) in enumerate(zip(chunks, counted)):
            slots_of.setdefault(chunk.doc_id, []).append(first + offset)
            for word in words:
                self.document_frequency[word] = self.document_frequency.get(word, 0) + 1
        for doc_id, slots in slots_of.items():  # new lists: an older index shares the old
            self._slots_of[doc_id] = self._slots_of.get(doc_id, []) + slots
        self.slot_chunks.extend(chunks)
        self._lengths = np.concatenate([self._lengths, lengths])
        self._alive = np.concatenate([self._alive, np.ones(len(chunks), dtype=bool)])
        self._total_length += float(lengths.sum())
        self._segments.append(_segment(first, counted))

    def _remove(self, doc_id: str) -> None:
        for slot in self._slots_of.pop(doc_id, []):
            chunk = self.slot_chunks[slot]
            assert chunk is not None
            for word in set(terms(chunk.search_text)):  # tokenised again: costs no memory
                left = self.document_frequency[word] - 1
                if left:
                    self.document_frequency[word] = left
                else:
                    del self.document_frequency[word]
            self._total_length -= float(self._lengths[slot])
            self._alive[slot] = False
            self.slot_chunks[slot] = None

    def _live_chunks(self) -> list[Chunk]:
        return [c for c in self.slot_chunks if c is not None]
