"""What retrieval derives from the index for one access level, kept paper by paper: the
keyword index, each passage by id, and the filterable fields as columns.

A view is never changed in place: `View.changed` returns a new one, so a search running
meanwhile sees the view before or after an ingest, never half of each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .keyword import KeywordIndex
from .schema import Chunk, PaperRecord

FILTER_FIELDS = ("council", "committee", "doc_type", "meeting_date", "access")


@dataclass(frozen=True)
class Column:
    """One field of every slot, as a code per slot and the value of each code: a filter
    becomes a lookup table over the codes (0.1 ms at 100k slots, where comparing the
    strings themselves took 200 ms)."""

    values: tuple[str, ...]
    codes: np.ndarray

    @classmethod
    def of(cls, values: Iterable[str]) -> Column:
        return cls((), np.zeros(0, dtype=np.int32)).appended(values)

    def appended(self, values: Iterable[str]) -> Column:
        """This column with `values` for the slots that follow."""
        known = {v: i for i, v in enumerate(self.values)}
        codes = [known.setdefault(v, len(known)) for v in values]
        return Column(tuple(known), np.concatenate([self.codes, np.array(codes, np.int32)]))

    def mask(self, wanted: Iterable[str]) -> np.ndarray:
        """One bool per slot: whether its value is one of `wanted`."""
        table = np.zeros(len(self.values) + 1, dtype=bool)
        index = {v: i for i, v in enumerate(self.values)}
        table[[index[v] for v in wanted if v in index]] = True
        return table[self.codes]

    def present(self, alive: np.ndarray) -> list[str]:
        """The values the live slots take, sorted, without the empty one."""
        return sorted({self.values[i] for i in np.unique(self.codes[alive])} - {""})


@dataclass(frozen=True)
class View:
    """The live papers, the keyword index over their passages, the passages by id, and the
    filterable fields as one column each, slot by slot with the keyword index."""

    live: set[str]
    keyword: KeywordIndex
    by_id: dict[str, Chunk]
    ids: np.ndarray  # each slot's chunk id ('' for the slot of a removed passage)
    alive: np.ndarray
    columns: dict[str, Column]
    known: dict[str, list[str]]  # the values each field takes, sorted, without ''

    @classmethod
    def of(cls, live: set[str], keyword: KeywordIndex) -> View:
        slots = keyword.slot_chunks
        columns = {name: Column.of(_values(slots, name)) for name in FILTER_FIELDS}
        ids = np.array([c.chunk_id if c is not None else "" for c in slots], dtype=object)
        return cls._made(live, keyword, ids, columns)

    @classmethod
    def built(cls, live: set[str], chunks: list[Chunk]) -> View:
        return cls.of(live, KeywordIndex(chunks))

    def changed(self, live: set[str], added: list[Chunk], removed: set[str]) -> View:
        """This view without the papers `removed`, with the chunks `added`."""
        keyword = self.keyword.changed(added, removed)
        if len(keyword.slot_chunks) != len(self.keyword.slot_chunks) + len(added):
            return View.of(live, keyword)  # the keyword index was rebuilt with new slots
        columns = {name: column.appended(_values(added, name))
                   for name, column in self.columns.items()}
        ids = np.concatenate([self.ids, np.array([c.chunk_id for c in added], dtype=object)])
        return View._made(live, keyword, ids, columns)

    @classmethod
    def _made(cls, live: set[str], keyword: KeywordIndex, ids: np.ndarray,
              columns: dict[str, Column]) -> View:
        alive = np.array([c is not None for c in keyword.slot_chunks], dtype=bool)
        known = {name: column.present(alive) for name, column in columns.items()}
        return cls(live, keyword, {c.chunk_id: c for c in keyword.chunks}, ids, alive,
                   columns, known)

    def admitted(self, wanted: Mapping[str, Sequence[str]]) -> np.ndarray:
        """One bool per slot: live, and each field named in `wanted` one of its values."""
        admitted = self.alive.copy()
        for name, values in wanted.items():
            admitted &= self.columns[name].mask(values)
        return admitted

    def ids_of(self, admitted: np.ndarray, level: str) -> list[str]:
        """The chunk ids of the admitted slots of one access level."""
        return list(self.ids[admitted & self.columns["access"].mask([level])])


def _values(chunks: Sequence[Chunk | None], name: str) -> list[str]:
    return [str(getattr(c, name)) if c is not None else "" for c in chunks]


Signature = dict[str, tuple[tuple[str, int], ...]]


def signature(records: Iterable[PaperRecord]) -> Signature:
    """Each live paper's doc_id, with the names and passage counts the ledger gives it: a
    paper whose passages were rewritten (renamed, say) reads differently."""
    named: dict[str, list[tuple[str, int]]] = {}
    for r in records:
        named.setdefault(r.doc_id, []).append((r.source, r.chunks))
    return {doc_id: tuple(sorted(names)) for doc_id, names in named.items()}
