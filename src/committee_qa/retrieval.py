"""Question -> ranked passages: dense (Chroma) and keyword (BM25) search fused by score."""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from . import snapshot
from .filters import in_dates, matches_committee
from .keyword import KeywordIndex
from .schema import Chunk, Filters, Passage
from .store import Store
from .views import Signature, View, signature

Mode = Literal["hybrid", "dense", "keyword"]
Access = Literal["public", "restricted"]  # who is reading: anyone, or an officer signed in
LEVELS: dict[str, tuple[str, ...]] = {"public": ("public",),
                                      "restricted": ("public", "restricted")}
# How much closeness in meaning (cosine, -1..1) adds to a passage's keyword score, which is
# taken relative to the best keyword match of the question (0..1). Chosen on the councils
# tuning half, the two searches' own top 30 fused offline: hit@1 was 66.4% for keyword
# alone, 46.4% for dense alone, 67.8% fused with weights 0.5 to 1.0; reciprocal rank
# fusion, which rewards a passage for being middling in both lists, gave 59.2%. In
# committee papers the names, figures and acronyms a question asks about are its surest
# signal, and meaning breaks the ties.
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


class QueryEmbedder(Protocol):
    def embed_query(self, text: str) -> list[float]: ...


def fuse(dense: Sequence[tuple[Chunk, float]], keyword: Sequence[tuple[Chunk, float]],
         meaning_weight: float = MEANING_WEIGHT, preferred: Collection[str] = (),
         boost: float = NAMED_BOOST) -> list[tuple[Chunk, float]]:
    """Score fusion: a passage scores its BM25 score over the best one's, plus
    `meaning_weight` times its cosine similarity; a passage only one search found takes
    the other's lowest score. Best first, the chunk ids in `preferred` ranked as if they
    scored `boost` more (the score given is the fused one); ties in chunk-id order."""
    similarity = {c.chunk_id: s for c, s in dense}
    matched = {c.chunk_id: s for c, s in keyword}
    chunks = {c.chunk_id: c for c, _ in [*dense, *keyword]}
    best = max(matched.values(), default=0.0) or 1.0
    least_matched = min(matched.values(), default=0.0)
    least_similar = min(similarity.values(), default=0.0)
    scores = {cid: matched.get(cid, least_matched) / best
              + meaning_weight * similarity.get(cid, least_similar) for cid in chunks}
    order = sorted(scores, key=lambda cid: (-scores[cid] - boost * (cid in preferred), cid))
    return [(chunks[cid], scores[cid]) for cid in order]


class HybridRetriever:
    """Finds the passages of the live papers that best match a question."""

    def __init__(self, embedder: QueryEmbedder, store: Store, depth: int = 30,
                 snapshots: Path | None = None) -> None:
        """`snapshots`: a folder where keyword indexes are saved for the next start."""
        self.embedder, self.store, self.depth = embedder, store, depth
        self.snapshots = snapshots
        self._views: dict[str, View] = {}
        self._signature: Signature = {}
        self._saving = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        """Re-read the ledger and bring the keyword index up to date: call after an ingest.
        Only the papers added, removed or changed since the last refresh are read from the
        store. The new views replace the old in one step, so a search running meanwhile
        sees one or the other, never half of each. Each access level has a view of its own:
        what a public reader is shown, down to the keyword statistics, never depends on
        restricted text."""
        generation = self.store.generation() if self.snapshots else ""
        ledger = signature(self.store.papers().values())
        live = set(ledger)
        saved = (snapshot.load(self.snapshots, generation)
                 if self.snapshots and not self._views else None)
        if saved is not None and all(index.doc_ids <= live for index in saved.values()):
            views = {"public": View.of(live, saved["public"])}
            views["restricted"] = (views["public"] if saved["restricted"] is saved["public"]
                                   else View.of(live, saved["restricted"]))
        elif not self._views:
            saved = None
            every = list(self.store.chunks(live))
            public = [c for c in every if c.access == "public"]
            views = {"public": View.built(live, public)}
            views["restricted"] = (views["public"] if len(public) == len(every)
                                   else View.built(live, every))
        else:
            removed = {d for d, s in self._signature.items() if ledger.get(d) != s}
            fresh = {d for d, s in ledger.items() if self._signature.get(d) != s}
            added = list(self.store.chunks(fresh)) if fresh else []
            old = self._views
            views = {"public": old["public"].changed(
                live, [c for c in added if c.access == "public"], removed)}
            views["restricted"] = (views["public"] if old["restricted"] is old["public"]
                                   and all(c.access == "public" for c in added)
                                   else old["restricted"].changed(live, added, removed))
        self._views, self._signature = views, ledger
        if self.snapshots and saved is None and generation:
            threading.Thread(target=self._save, args=(generation, views),
                             name="keyword-snapshot").start()

    def _save(self, generation: str, views: dict[str, View]) -> None:
        # In a thread of its own, not a daemon: a process ending (`committee-qa ingest`)
        # waits for the file, and nothing else waits for it.
        assert self.snapshots is not None
        with self._saving:
            try:
                snapshot.save(self.snapshots, generation,
                              {level: view.keyword for level, view in views.items()})
            except OSError as error:
                snapshot.log.warning("the keyword snapshot was not saved: %s", error)

    def view(self, access: Access = "public") -> View:
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
                 vector: Sequence[float] | None = None,
                 prefer: Mapping[str, Sequence[str]] | None = None) -> list[Passage]:
        """The k best passages for `question`, best first; `mode` can switch a search off,
        `filters` limit both searches to some committees, document types and dates, and
        `access` says whether restricted papers may be searched too; `vector` is the
        question's, when the caller has embedded it already. `prefer` names councils and
        committees (by field) whose passages, and those of papers whose council or
        committee is unknown, rank first: a preference, not a filter."""
        view = self._views[access]
        if not view.keyword.chunks or not question.strip():
            return []
        wanted: dict[str, list[str]] | None = {}
        admitted = None
        if not filters.empty:
            wanted = self._wanted(filters, view)
            if wanted is None:
                return []  # no passage lies inside the filters
            admitted = view.admitted(wanted)
        if mode != "keyword":
            vector = vector if vector is not None else self.embedder.embed_query(question)
        liked = self._liked(prefer or {}, view)
        inside = {**(wanted or {}), **{field: [v for v in values if v in (wanted or {}).get(
            field, values)] for field, values in liked.items()}}
        among = view.admitted(inside) if liked else None
        if among is not None and admitted is not None:
            among &= admitted
        preferred: set[str] = set()
        if among is None or not among.any():
            dense, keyword = self._search(question, vector, mode, view, access, wanted or {},
                                          admitted)
        else:
            # The preferred passages are searched on their own, so that they are found even
            # where other councils' papers would fill the searches' depth. The others are
            # still found by their words, and by meaning when too few preferred are near
            # (searching them by meaning too changed no answer in bench/run.py, and cost a
            # second Chroma query).
            dense, keyword = self._search(question, vector, mode, view, access, inside, among)
            elsewhere: Mode | None = mode if len(dense) < self.depth else (
                None if mode == "dense" else "keyword")
            if elsewhere is not None:
                more_dense, more_keyword = self._search(question, vector, elsewhere, view,
                                                        access, wanted or {}, admitted)
                dense, keyword = _merged(dense, more_dense), _merged(keyword, more_keyword)
            fields = {field: set(values) for field, values in liked.items()}
            preferred = {c.chunk_id for c, _ in [*dense, *keyword]
                         if all(getattr(c, f) in v for f, v in fields.items())}
        similarity = {chunk.chunk_id: sim for chunk, sim in dense}
        fused = fuse(dense, keyword, preferred=preferred, boost=NAMED_BOOST)
        return [
            Passage(chunk=chunk, score=score, dense_similarity=similarity.get(chunk.chunk_id))
            for chunk, score in fused[:k]
        ]

    def _search(self, question: str, vector: Sequence[float] | None, mode: Mode, view: View,
                access: Access, wanted: dict[str, list[str]], admitted: np.ndarray | None,
                ) -> tuple[list[tuple[Chunk, float]], list[tuple[Chunk, float]]]:
        """Both searches, each switched off by `mode`, inside `admitted` when given."""
        dense: list[tuple[Chunk, float]] = []
        keyword: list[tuple[Chunk, float]] = []
        if mode != "keyword" and vector is not None:
            dense = self._dense(vector, view, access, wanted, admitted)
        if mode != "dense":
            keyword = view.keyword.search(question, self.depth, admitted)
        return dense, keyword

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
            held = set(view.columns["committee"].present(
                view.admitted({"council": liked["council"]})))
            liked["committee"] = [c for c in liked["committee"] if c in held]
        return {field: [*values, ""] for field, values in liked.items() if values}

    def _dense(self, vector: Sequence[float], view: View, access: Access,
               wanted: dict[str, list[str]], admitted: np.ndarray | None,
               ) -> list[tuple[Chunk, float]]:
        """Chroma's nearest passages that the view holds, inside the filters when there
        are any. Passages come from the view; Chroma gives ids and distances only."""
        levels = LEVELS[access]
        if admitted is None:  # a few more than needed: passages of papers no longer live
            found = self.store.search(vector, self.depth * 2 + 8, levels)
            return [(view.by_id[i], s) for i, s in found if i in view.by_id][: self.depth]
        share = int(admitted.sum()) / max(1, len(view.keyword.chunks))
        if share >= BROAD_FILTER:
            # Most passages are inside: the nearest of all, checked against the filters,
            # hold enough of them (naming 60,000 ids to Chroma would take 40 ms).
            fields = {name: set(values) for name, values in wanted.items()}
            found = self.store.search(vector, int(self.depth / share * 2) + 8, levels)
            held = [(view.by_id[i], s) for i, s in found if i in view.by_id
                    and all(getattr(view.by_id[i], f) in v for f, v in fields.items())]
            if len(held) >= self.depth:
                return held[: self.depth]
        # Chroma searches only the admitted passages, named by id: faster than its
        # metadata filter (measured in bench/NOTES.md), and never short of passages.
        found = self.store.search(vector, self.depth, levels,
                                  among={level: view.ids_of(admitted, level)
                                         for level in levels})
        return [(view.by_id[i], s) for i, s in found if i in view.by_id][: self.depth]

    def _wanted(self, filters: Filters, view: View) -> dict[str, list[str]] | None:
        """The filters as the stored values each field may take; None when none can."""
        where: dict[str, list[str]] = {}
        if filters.committees:
            where["committee"] = [c for c in view.known["committee"]
                                  if matches_committee(filters, c)]
        if filters.doc_types:
            where["doc_type"] = list(filters.doc_types)
        if filters.since or filters.until:
            where["meeting_date"] = [d for d in view.known["meeting_date"]
                                     if in_dates(filters, d)] + [""] * filters.undated
        return None if any(not values for values in where.values()) else where


def _merged(first: Sequence[tuple[Chunk, float]], second: Sequence[tuple[Chunk, float]],
            ) -> list[tuple[Chunk, float]]:
    """Two result lists of the same search as one, each passage once."""
    seen = {c.chunk_id for c, _ in first}
    return [*first, *((c, s) for c, s in second if c.chunk_id not in seen)]
