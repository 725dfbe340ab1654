"""Question -> ranked passages: dense (Chroma) and keyword (BM25 in tantivy) search fused by
score. Both searches give chunk ids; the passages ranked first are read from the store."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Literal, Protocol

from .filters import matches_committee
from .keyword import KeywordSearch
from .schema import Access, Chunk, Decision, Filters, Passage, readable
from .store import Store
from .views import View, Views

Mode = Literal["hybrid", "dense", "keyword"]
# How much closeness in meaning (cosine, -1..1) adds to a passage's keyword score, which is
# taken relative to the best keyword match of the question (0..1). Chosen on the councils
# tuning half, the two searches' own top 30 fused offline: hit@1 was 66.4% for keyword
# alone, 46.4% for dense alone, 67.8% fused with weights 0.5 to 1.0; reciprocal rank
# fusion, which rewards a passage for being middling in both lists, gave 59.2%. In
# committee papers the names, figures and acronyms a question asks about are its surest
# signal, and meaning breaks the ties. (Weighing a passage keyword search alone found by
# its own stored vector's closeness, not the least similar one's, gained a little on the
# tuning half and the samples and lost on the held-out half: hit@1 66.9 -> 66.5%,
# declines unanswerable 51.1 -> 48.9%. Not kept. Nor was ranking the first 10 fused again
# by their closest sentence's meaning, from the vectors stored with them (meanings.py), at
# weight 0.5: hit@1 61.5 -> 62.4% on the tuning half (where declines answerable rose 4.9 ->
# 5.0%, over its gate) and 64.2 -> 68.4% on the samples; on the held-out half hit@1 66.5 ->
# 66.9%, still below keyword alone (68.2%), while answer correct fell 82.9 -> 82.4%.)
MEANING_WEIGHT = 0.75
# What a passage of the council or committee a question names (or of one unknown) adds to
# its fused score, which otherwise lies in about -0.75..1.75: enough to rank the named
# body's passages first, without shutting out a far better match elsewhere. Chosen on
# bench/run.py at 10k (questions naming council, committee and year, answered with the
# generator's figure): 52/100 with no boost, 64 at 0.25, 67 at 0.5, 68 at 1.0 and at 3.0;
# the councils tuning half did not move between them.
NAMED_BOOST = 1.0
# A filter that admits this share of the passages or more is checked on the nearest of all
# passages; a narrower one names its passages to Chroma.
BROAD_FILTER = 0.25
# Except in an index this large: Chroma's search among named ids walks its graph until it
# meets enough of them, so the fewer they are the longer it takes (at 300k passages,
# 100-600 ms for 3,000 down to 100 ids, where the nearest 300 of all take 5 ms:
# bench/NOTES.md). There a narrow filter is checked on the nearest NEAREST_AT_SCALE of all,
# and keyword search, which holds every filter exactly, finds the rest.
LARGE_INDEX = 50_000
NEAREST_AT_SCALE = 300
# Keyword searches run in these threads while Chroma searches in the asking one: both
# release the GIL, so on two cores they overlap (bench/scale.py at a million passages:
# question p50 57.0 -> 50.8 ms, the same answers). The model embedding the question uses
# both cores already, so it is not overlapped.
_WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="keyword-search")


class QueryEmbedder(Protocol):
    def embed_query(self, text: str) -> list[float]: ...


Found = list[tuple[str, float]]  # chunk ids with their scores, best first


def fuse(dense: Sequence[tuple[str, float]], keyword: Sequence[tuple[str, float]],
         meaning_weight: float = MEANING_WEIGHT, preferred: Collection[str] = (),
         boost: float = NAMED_BOOST) -> Found:
    """Score fusion of two searches' chunk ids: a passage scores its BM25 score over the
    best one's, plus `meaning_weight` times its cosine similarity; a passage only one search
    found takes the other's lowest score. Best first, the chunk ids in `preferred` ranked as
    if they scored `boost` more (the score given is the fused one); ties in chunk-id order."""
    similarity, matched = dict(dense), dict(keyword)
    best = max(matched.values(), default=0.0) or 1.0
    least_matched = min(matched.values(), default=0.0)
    least_similar = min(similarity.values(), default=0.0)
    scores = {cid: matched.get(cid, least_matched) / best
              + meaning_weight * similarity.get(cid, least_similar)
              for cid in {**similarity, **matched}}
    order = sorted(scores, key=lambda cid: (-scores[cid] - boost * (cid in preferred), cid))
    return [(cid, scores[cid]) for cid in order]


class HybridRetriever:
    """Finds the passages of the live papers that best match a question."""

    def __init__(self, embedder: QueryEmbedder, store: Store, depth: int = 30,
                 folder: Path | None = None) -> None:
        """`folder`: where the keyword indexes are kept (None: in memory, built at start)."""
        self.embedder, self.store, self.depth = embedder, store, depth
        self._derived = Views(folder)
        self._views: dict[str, View] = {}
        self.refresh()

    def refresh(self) -> None:
        """Bring the keyword indexes up to the ledger: call after an ingest. Only the papers
        added, removed or changed since are read from the store. The new views replace the
        old in one step, so a search running meanwhile sees one or the other, never half of
        each. Each access level has a view of its own: what a public reader is shown, down
        to the keyword statistics, never depends on restricted text."""
        self._views = self._derived.refresh(self.store, self._views or None)

    def view(self, access: Access = "public") -> View:
        """What a reader with `access` may search: live papers, keyword index, known values."""
        return self._views[access]

    @property
    def live(self) -> frozenset[str]:
        """The doc_ids of the papers in the ledger."""
        return self._views["public"].live

    @property
    def keyword(self) -> KeywordSearch:
        """The keyword index of the public papers."""
        return self._views["public"].keyword

    def is_empty(self, access: Access = "public") -> bool:
        return not self._views[access].keyword.passages

    def known(self, field: str, access: Access = "public",
              councils: Sequence[str] = ()) -> list[str]:
        """The values a filterable field takes in the index (in these councils' papers, when
        named), sorted, without the empty one."""
        view = self._views[access]
        if councils:
            return sorted(v for v in view.of_councils(field, councils) if v)
        return view.known[field]

    def dated(self, access: Access = "public") -> bool:
        """Whether every passage a reader with `access` may search has a meeting date."""
        return self._views[access].dated

    def decisions(self, access: Access = "public") -> list[Decision]:
        """The register of the papers a reader with `access` may read."""
        return self._views[access].decisions()

    def chunks(self, ids: Sequence[str], access: Access = "public") -> dict[str, Chunk]:
        """The passages of these chunk ids that a reader with `access` may read, by id."""
        return self.store.chunks_by_id(ids, readable(access))

    def retrieve(self, question: str, k: int = 6, mode: Mode = "hybrid",
                 filters: Filters = Filters(), access: Access = "public",
                 vector: Sequence[float] | None = None,
                 prefer: Mapping[str, Sequence[str]] | None = None) -> list[Passage]:
        """The k best passages for `question`, best first; `mode` can switch a search off,
        `filters` limit both searches to some committees, document types and dates, and
        `access` says whether restricted papers may be searched too; `vector` is the
        question's, when the caller has embedded it already. `prefer` names councils and
        committees (by field) whose passages, and those of papers whose council or
        committee is unknown, rank first: a preference, not a filter."""
        view = self._views[access]
        if not view.keyword.passages or not question.strip():
            return []
        wanted: dict[str, list[str]] = {}
        if not filters.empty:
            inside_filters = self._wanted(filters, view)
            if inside_filters is None:
                return []  # no passage lies inside the filters
            wanted = inside_filters
        if mode != "keyword":
            vector = vector if vector is not None else self.embedder.embed_query(question)
        liked = self._liked(prefer or {}, view)
        inside = {**wanted, **{field: [v for v in values if v in wanted.get(field, values)]
                               for field, values in liked.items()}}
        preferred: set[str] = set()
        # (with mode "keyword" there is no vector, and no dense search asks for one)
        nearest = _Nearest(self.store, vector if vector is not None else (), readable(access))
        dense: Found = []
        # Without filters some passage is inside: each value liked is one the view holds,
        # and a committee is liked only with a council that has it (`_liked`).
        if not liked or (wanted and not view.keyword.count(inside)):
            keyword = self._keyword(question, mode, view, wanted)
            if mode != "keyword":
                dense = self._dense(nearest, view, wanted)
            found = keyword.result()
        else:
            # The preferred passages are searched on their own, so that they are found even
            # where other councils' papers would fill the searches' depth. The others are
            # still found by their words, and by meaning when too few preferred are near.
            keyword = self._keyword(question, mode, view, inside)
            more_keyword = self._keyword(question, mode, view, wanted)
            if mode != "keyword":
                dense = self._dense(nearest, view, inside)
            found = keyword.result()
            # What these searches found lies inside the preferred values.
            preferred = {i for i, _ in [*dense, *found]}
            more_dense = (self._dense(nearest, view, wanted)
                          if mode != "keyword" and len(dense) < self.depth else [])
            more_found = more_keyword.result()
            dense, found = _merged(dense, more_dense), _merged(found, more_found)
            preferred |= view.keyword.inside(
                {i for i, _ in [*more_dense, *more_found]} - preferred, liked)
        similarity = dict(dense)
        best = fuse(dense, found, preferred=preferred, boost=NAMED_BOOST)[:k]
        # Only the passages handed on are read from the store.
        chunks = self.chunks([cid for cid, _ in best], access)
        return [Passage(chunk=chunks[cid], score=score, dense_similarity=similarity.get(cid))
                for cid, score in best if cid in chunks]

    def _keyword(self, question: str, mode: Mode, view: View,
                 where: dict[str, list[str]]) -> Future[Found]:
        """The keyword search inside `where` (none if `mode` is "dense"), started in a
        worker thread: tantivy searches while Chroma does, on the other core."""
        if mode == "dense":
            done: Future[Found] = Future()
            done.set_result([])
            return done

        def search() -> Found:
            # A paper replaced by another process since the view was made drops out.
            return [(cid, s) for cid, s in view.keyword.search(question, self.depth, where)
                    if _paper(cid) in view.live]

        return _WORKERS.submit(search)

    def _liked(self, prefer: Mapping[str, Sequence[str]], view: View,
               ) -> dict[str, list[str]]:
        """The preferred values the index knows, by field, each with the unknown value ''.
        With a council named too, a committee is preferred only if that council has it:
        "Sligo's ordinary meeting" must not favour another council's "Ordinary Meeting"."""
        liked = {}
        for field, values in prefer.items():
            stored = set(view.known.get(field, ()))
            known = [v for v in values if v in stored]
            if known:
                liked[field] = known
        if "council" in liked and "committee" in liked:
            held = view.of_councils("committee", liked["council"])
            liked["committee"] = [c for c in liked["committee"] if c in held]
        return {field: [*values, ""] for field, values in liked.items() if values}

    def _dense(self, nearest: _Nearest, view: View, where: dict[str, list[str]]) -> Found:
        """Chroma's nearest passages of the view's live papers, inside `where` when given;
        Chroma gives ids and similarities only."""
        if not where:  # a few more than needed: passages of papers no longer live
            found = nearest(self.depth * 2 + 8)
            return [(i, s) for i, s in found if _paper(i) in view.live][: self.depth]
        share = view.keyword.count(where) / max(1, view.keyword.passages)
        if not share:
            return []
        large = view.keyword.passages >= LARGE_INDEX
        if share >= BROAD_FILTER or large:
            # Most passages are inside: the nearest of all, checked against the filters,
            # hold enough of them (naming 60,000 ids to Chroma would take 40 ms).
            wide = int(self.depth / share * 2) + 8
            found = nearest(min(wide, NEAREST_AT_SCALE) if large else wide)
            # (only passages of the view's live papers lie inside)
            inside = view.keyword.inside([i for i, _ in found], where)
            held = [(i, s) for i, s in found if i in inside]
            if len(held) >= self.depth or large:
                return held[: self.depth]
        # Chroma searches only the admitted passages, named by id: faster than its
        # metadata filter (measured in bench/NOTES.md), and never short of passages.
        found = nearest.among({level: view.keyword.ids({**where, "access": [level]})
                               for level in nearest.levels}, self.depth)
        return [(i, s) for i, s in found if _paper(i) in view.live][: self.depth]

    def _wanted(self, filters: Filters, view: View) -> dict[str, list[str]] | None:
        """The filters as the stored values each field may take; None when none can."""
        where: dict[str, list[str]] = {}
        if filters.committees:
            where["committee"] = [c for c in view.known["committee"]
                                  if matches_committee(filters, c)]
        if filters.doc_types:
            where["doc_type"] = list(filters.doc_types)
        if filters.since or filters.until:
            dates = view.known["meeting_date"]  # sorted: those in the dates are a run
            first = bisect_left(dates, filters.since) if filters.since else 0
            last = bisect_right(dates, filters.until) if filters.until else len(dates)
            where["meeting_date"] = dates[first:last] + [""] * filters.undated
        return None if any(not values for values in where.values()) else where


class _Nearest:
    """The passages nearest in meaning to one question, of the levels a reader may search,
    asked of Chroma once for the most that any of the question's searches needs: searching
    a named council's papers first and the rest after reads one list (at a million passages
    a Chroma query took some 8 ms)."""

    def __init__(self, store: Store, vector: Sequence[float], levels: Sequence[str]) -> None:
        self.store, self.vector, self.levels = store, vector, levels
        self._found: Found = []
        self._asked = 0

    def __call__(self, k: int) -> Found:
        """The k nearest passages with their cosine similarity, best first."""
        if k > self._asked:
            self._found, self._asked = self.store.search(self.vector, k, self.levels), k
        return self._found[:k]

    def among(self, ids: Mapping[str, Sequence[str]], k: int) -> Found:
        """The k nearest of the chunk ids `ids` names by level (asked of Chroma each time)."""
        return self.store.search(self.vector, k, self.levels, among=ids)


def _paper(chunk_id: str) -> str:
    """The doc_id of a chunk id ('<doc_id>:<n>')."""
    return chunk_id.rsplit(":", 1)[0]


def _merged(first: Found, second: Found) -> Found:
    """Two result lists of the same search as one, each passage once."""
    seen = {cid for cid, _ in first}
    return [*first, *((cid, s) for cid, s in second if cid not in seen)]
