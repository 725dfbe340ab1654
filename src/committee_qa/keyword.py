"""BM25 keyword search over the stored chunks: one tantivy index on disk per access level,
kept paper by paper beside the store. The only module that imports tantivy.

An index holds of each passage what search needs and no more: the words `text.terms` makes
of it (the one analyzer: stemmed, in one spelling, with phrase tokens and figures kept
whole), joined by spaces for tantivy's whitespace tokenizer to split again; its chunk and
paper ids; its length; and the fields filters read. Nothing is stored, and never its text:
passages are read from Chroma.

Tantivy finds the passages, inside the filters, by its own BM25 (k1 = 1.2, b = 0.75, fixed);
the best of them are scored again at K1 with their exact lengths, which gives the scores of
the BM25 this replaced (Lucene's, as bm25s scores it) to the last digit. Word statistics
count a deleted passage until tantivy merges its segment away, as Lucene's do.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import tantivy

from .errors import IndexUnavailableError
from .schema import Chunk
from .text import terms

FIELDS = ("council", "committee", "doc_type", "meeting_date", "access")  # filters read these
Where = Mapping[str, Sequence[str]]  # field -> the values a passage may have there
HEAP = 128_000_000  # the writer's memory for buffered passages, shared by its threads
LOCK_WAIT = 120.0  # seconds to wait for another process's writer to finish
# BM25's term saturation. Tantivy scores with k1 = 1.2 and b = 0.75, fixed; its best hits
# are scored again at K1, chosen by the eval: at 1.2 keyword search alone found more
# (hit@1 +2.1 points on the samples, +2.5 on the held-out half) but the abstention model,
# fitted on scores at 1.5, declined 2 of 13 unanswerable sample questions fewer (below its
# gate) and 1 of 47 held-out, and refitted on scores at 1.2 it declined fewer still; at 1.5
# every figure is as before (bench/NOTES.md).
K1, B = 1.5, 0.75
TANTIVY_K1 = 1.2
ONE_OF_TERMS = 1_000  # up to this many values, a field's "one of" is a clause per value
COUNTS_KEPT = 512  # filters whose passage count a searcher keeps
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("chunk_id", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("doc_id", tokenizer_name="raw", index_option="basic", fast=True)
    # A hit's chunk id is read back from two numbers, its paper's key and its index, in
    # columns: ten thousand of them in about a millisecond, where reading stored ids one
    # document at a time took 35 ms or more (bench/NOTES.md). Nothing is stored.
    builder.add_integer_field("paper", fast=True)
    builder.add_integer_field("index", fast=True)
    builder.add_integer_field("length", fast=True)  # its words: BM25's exact length
    # The meeting date as a number (20190324; 0: undated), so that a filter's dates are a
    # few ranges, not a clause per day: a year's two hundred meeting days as terms took
    # half the time of checking 300 passages against a filter at a million passages.
    builder.add_integer_field("day", indexed=True)
    for name in FIELDS:  # fast: their values are counted (`values`) without reading passages
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    return builder.build()


@functools.lru_cache(maxsize=1 << 20)  # every view maps each paper's number back to it
def paper_key(doc_id: str) -> int:
    """A number for a doc_id, kept in the index's columns (63 bits: that two of a million
    papers share one is a chance of about 1 in 20 million)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=8).digest()) >> 1


def document(chunk: Chunk) -> tantivy.Document:
    """What the index holds of a passage."""
    words = terms(chunk.search_text)
    return tantivy.Document(words=" ".join(words), chunk_id=chunk.chunk_id, doc_id=chunk.doc_id,
                            paper=paper_key(chunk.doc_id), index=chunk.index,
                            length=len(words), day=_day(chunk.meeting_date),
                            **{f: getattr(chunk, f) for f in FIELDS})


class KeywordIndex:
    """One access level's passages, in a tantivy index in `folder` (in memory if None)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        if folder is None:
            self._index = tantivy.Index(_schema())
        else:
            folder.mkdir(parents=True, exist_ok=True)
            try:
                self._index = tantivy.Index(_schema(), path=str(folder))
            except ValueError as error:  # another layout, or damaged files: derived data
                log.warning("the keyword index in %s could not be opened (%s); it is built "
                            "again from the store", folder, error)
                shutil.rmtree(folder)
                folder.mkdir(parents=True)
                self._index = tantivy.Index(_schema(), path=str(folder))
        # Reloaded when we say: a view must not change under a question.
        self._index.config_reader(reload_policy="manual")

    def writer(self) -> KeywordWriter:
        """The index's one writer, waiting while another process holds it."""
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                return KeywordWriter(self._index.writer(heap_size=HEAP))
            except ValueError as error:
                if "LockBusy" not in str(error):
                    raise
                if time.monotonic() > deadline:
                    raise IndexUnavailableError(
                        f"the keyword index in {self.folder} is being written by another "
                        f"process for over {LOCK_WAIT:.0f} s; if none runs, delete "
                        f"{self.folder} and it is built again") from None
                time.sleep(0.1)

    def search(self, papers: Iterable[str] | None = None) -> KeywordSearch:
        """The index as last committed: a snapshot that later commits leave as it is.
        `papers` are the doc_ids whose passages it may return (default: those it holds)."""
        self._index.reload()
        return KeywordSearch(self._index.searcher(), papers)


class KeywordWriter:
    """Deletes and adds to one index, seen by searches once committed. Deletes apply to
    the passages added before them: delete a paper first, then add it again."""

    def __init__(self, writer: tantivy.IndexWriter) -> None:
        self._writer = writer

    def delete(self, doc_ids: Iterable[str]) -> None:
        for doc_id in doc_ids:
            self._writer.delete_documents_by_term("doc_id", doc_id)

    def clear(self) -> None:
        self._writer.delete_all_documents()

    def add(self, doc: tantivy.Document) -> None:
        self._writer.add_document(doc)

    def commit(self) -> None:
        self._writer.commit()

    def close(self, committed: bool) -> None:
        """Let the merges a commit started finish (dropped, they would be abandoned and
        small segments pile up), then give up the lock. Uncommitted changes are dropped."""
        if not committed:
            self._writer.rollback()
        self._writer.wait_merging_threads()


class _Frequencies(dict[str, int]):
    """Each word's document frequency, looked up in the index as it is asked for (the
    answerer's idf reads it with `get`)."""

    def __init__(self, searcher: tantivy.Searcher) -> None:
        super().__init__()
        self._searcher = searcher

    def get(self, word: str, default: int = 0) -> int:  # type: ignore[override]
        return self._searcher.doc_freq("words", word) or default

    def __getitem__(self, word: str) -> int:
        return self.get(word)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) > 0


class KeywordSearch:
    """A committed state of one level's index: BM25 search, counts and values, inside
    filters. Chunk ids come back, never passages."""

    def __init__(self, searcher: tantivy.Searcher, papers: Iterable[str] | None = None) -> None:
        self._searcher = searcher
        self.passages: int = searcher.num_docs
        self._values: dict[str, dict[str, int]] = {}  # each field's values, once counted
        # the meeting dates held, sorted, and each one's place among them
        self._held_dates: tuple[list[str], dict[str, int]] | None = None
        self.document_frequency: dict[str, int] = _Frequencies(searcher)
        self._papers = {paper_key(d): d for d in (
            self.values("doc_id") if papers is None else papers)}
        self._mean: float | None = None  # the mean passage length, once asked for
        # How many passages lie inside a filter, by filter: this state never changes, and
        # the same few committees, councils and years are asked about again and again
        # (a count took 6.8 ms on average at a million passages, in bench/scale.py's questions).
        self._counts: dict[tuple[tuple[str, tuple[str, ...]], ...], int] = {}

    def search(self, question: str, k: int, where: Where | None = None,
               ) -> list[tuple[str, float]]:
        """Up to k chunk ids sharing words with the question, best first (ties in chunk-id
        order), with BM25 scores at K1; inside `where` when given. A word asked twice
        weighs twice."""
        words = terms(question)
        if not words or not self.passages:
            return []
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, _word(w)) for w in words])
        # Tantivy's own scores (its k1) choose twice the passages asked for; each is then
        # scored again at K1, from what tantivy scores each word of it.
        hits = self._searcher.search(self._inside(query, where), 2 * k, count=False).hits
        ids = self._chunk_ids(hits)
        scores = self._rescored(Counter(words), [a for _, a in hits], ids)
        found = [(cid, scores[n]) for n, cid in enumerate(ids) if cid]
        return sorted(found, key=lambda hit: (-hit[1], hit[0]))[:k]

    def _rescored(self, words: Counter[str], addresses: list[tantivy.DocAddress],
                  ids: list[str]) -> list[float]:
        """Lucene's BM25 at K1 (as bm25s scores it) of each passage at `addresses`, from the
        exact length kept in its column and each word's count in it. Tantivy gives the
        count only inside its score, idf * (k1 + 1) * tf / (tf + k1 * L) with L from a
        length rounded to one byte: solved for tf with the exact length, then rounded to
        the whole number it is."""
        if not addresses:
            return []
        at = {(a.segment_ord, a.doc): n for n, a in enumerate(addresses)}
        lengths = [float(n or 0) for n in self._searcher.fast_field_values("length", addresses)]
        mean = self._mean_length()
        norms = [1 - B + B * length / mean for length in lengths]
        among = _no_score(_one_of("chunk_id", [i for i in ids if i]))
        scores = [0.0] * len(addresses)
        for word, times in words.items():
            frequency = self._searcher.doc_freq("words", word)
            if not frequency:
                continue
            idf = math.log(1 + (self.passages - frequency + 0.5) / (frequency + 0.5))
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, _word(word)),
                                                 (tantivy.Occur.Must, among)])
            for score, address in self._searcher.search(query, len(addresses),
                                                        count=False).hits:
                n = at[(address.segment_ord, address.doc)]
                part = min(score / (idf * (TANTIVY_K1 + 1)), 0.999)  # tf / (tf + k1 L)
                tf = max(1.0, round(TANTIVY_K1 * norms[n] * part / (1 - part)))
                scores[n] += times * idf * tf / (tf + K1 * norms[n])
        return scores

    def _mean_length(self) -> float:
        if self._mean is None:
            found = self._searcher.aggregate(tantivy.Query.all_query(),
                                             {"m": {"avg": {"field": "length"}}})
            self._mean = float(found["m"]["value"] or 1.0)
        return self._mean

    def count(self, where: Where | None = None) -> int:
        """How many passages lie inside `where`."""
        if not self.passages:
            return 0
        key = tuple(sorted((field, tuple(sorted(set(values))))
                           for field, values in (where or {}).items()))
        if key not in self._counts:
            if len(self._counts) >= COUNTS_KEPT:
                self._counts.clear()
            self._counts[key] = self._count(self._inside(None, where))
        return self._counts[key]

    def ids(self, where: Where | None = None, words: Sequence[str] = ()) -> list[str]:
        """The chunk ids of every passage inside `where` (using one of `words`, if given)."""
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, _word(w)) for w in words]) if words else None
        query = self._inside(query, where)
        return [i for i, _ in self._ids(query, self._count(query) if self.passages else 0)]

    def inside(self, ids: Iterable[str], where: Where) -> set[str]:
        """Those of the chunk ids `ids` that lie inside `where`."""
        ids = list(ids)
        if not ids:
            return set()
        return {i for i, _ in self._ids(self._inside(_one_of("chunk_id", ids), where), len(ids))}

    def values(self, field: str, where: Where | None = None) -> dict[str, int]:
        """The values `field` takes inside `where`, each with how many passages have it."""
        if not self.passages:
            return {}
        if not where and field in self._values:
            return self._values[field]
        found = self._searcher.aggregate(self._inside(None, where), {
            "v": {"terms": {"field": field, "size": 10_000_000}}})
        counted = {str(b["key"]): int(b["doc_count"]) for b in found["v"]["buckets"]}
        if not where:
            self._values[field] = counted
        return counted

    def _inside(self, query: tantivy.Query | None, where: Where | None) -> tantivy.Query:
        """`query` (None: every passage) limited to `where`; the limits add no score."""
        clauses = [(tantivy.Occur.Must, _no_score(
            self._days(values) if field == "meeting_date" else _one_of(field, list(values))))
            for field, values in (where or {}).items()]
        if query is None and not clauses:
            return tantivy.Query.all_query()
        if query is not None:
            clauses.append((tantivy.Occur.Must, query))
        return tantivy.Query.boolean_query(clauses)

    def _days(self, dates: Sequence[str]) -> tantivy.Query:
        """The passages whose meeting date is one of `dates` ('': undated), as ranges of
        days: dates next to each other among those the index holds make one range."""
        if self._held_dates is None:
            held = sorted(d for d in self.values("meeting_date") if d)
            self._held_dates = (held, {d: n for n, d in enumerate(held)})
        held, place = self._held_dates
        runs: list[list[int]] = []  # first and last place of each run of dates
        for n in sorted({place[d] for d in dates if d in place}):
            if runs and runs[-1][1] == n - 1:
                runs[-1][1] = n
            else:
                runs.append([n, n])
        days = [(_day(held[first]), _day(held[last])) for first, last in runs]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.range_query(
            _schema(), "day", tantivy.FieldType.Integer, low, high, use_inverted_index=True))
            for low, high in days + [(0, 0)] * ("" in dates)])

    def _count(self, query: tantivy.Query) -> int:
        found = self._searcher.search(query, 1, count=True)
        return int(found.count)  # type: ignore[attr-defined]  # missing from tantivy's stubs

    def _ids(self, query: tantivy.Query, k: int) -> list[tuple[str, float]]:
        if k <= 0:
            return []
        hits = self._searcher.search(query, k, count=False).hits
        return [(cid, float(score)) for (score, _), cid in zip(hits, self._chunk_ids(hits))
                if cid]

    def _chunk_ids(self, hits: list[tuple[Any, tantivy.DocAddress]]) -> list[str]:
        """The chunk id of each hit ('' for a paper this search does not know)."""
        found = [address for _, address in hits]
        papers = [self._papers.get(int(p or 0), "")
                  for p in self._searcher.fast_field_values("paper", found)]
        numbers = self._searcher.fast_field_values("index", found)
        return [f"{p}:{int(n or 0)}" if p else "" for p, n in zip(papers, numbers)]


def _day(date: str) -> int:
    """An ISO date as the number the index keeps (2019-03-24: 20190324; '': 0)."""
    return int(date.replace("-", "")) if date else 0


def _word(word: str) -> tantivy.Query:
    return tantivy.Query.term_query(_schema(), "words", word)


def _one_of(field: str, values: Sequence[str]) -> tantivy.Query:
    """The passages whose `field` is one of `values`. Up to ONE_OF_TERMS values, a clause
    each: tantivy finds 300 chunk ids that way in a third of the time its term-set query
    takes, which is faster only past about 1,500 (bench/NOTES.md)."""
    if len(values) > ONE_OF_TERMS:
        return tantivy.Query.term_set_query(_schema(), field, list(values))
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, tantivy.Query.term_query(_schema(), field, v)) for v in values])


def _no_score(query: tantivy.Query) -> tantivy.Query:
    """`query` as a limit that adds nothing to the score."""
    return tantivy.Query.const_score_query(query, 0.0)
