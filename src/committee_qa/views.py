"""What retrieval derives from the index for each access level, kept beside the store paper
by paper: the keyword indexes on disk (keyword.py), the papers they hold, the values the
filters can take, and the register of decisions.

The keyword indexes follow the ledger, never lead it. A state file beside them names the
papers they hold (doc_id, file names, passage counts, access), the ledger generation they
were brought up to, and the analyzer they were built with; a fresh process whose ledger is
of that generation reads nothing from the store. Bringing them up to date reads only the papers
whose entry differs, deletes those papers' passages by doc_id and adds them again: first the
papers about to change are written to the state as pending, then both indexes commit, then
the state is written whole. A crash anywhere leaves pending papers that the next refresh
deletes and adds again, so the indexes and Chroma always come to agree. A state that is
missing, unreadable, of another format or of another analyzer (`text.analyzer_key`: other
phrases make other words) means the indexes are built again from the store.

A view is never changed: `Views.refresh` returns new ones, each over a tantivy searcher of
its own, so a search running meanwhile sees the index before or after, never half of each.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .decisions import extract_decisions, ordered, resolutions
from .files import write_atomically
from .keyword import FIELDS, KeywordIndex, KeywordSearch, KeywordWriter, document
from .schema import ACCESS_LEVELS, Chunk, Decision, PaperRecord
from .store import Store
from .text import analyzer_key

# Bump when what the keyword indexes hold changes: older ones are then built again.
FORMAT = 2
STATE = "state.json"
# Words whose passages may hold a resolution: the stems of RESOLVED and AGREED.
_RESOLUTION_WORDS = ("resolv", "agre")
log = logging.getLogger(__name__)

Signature = dict[str, list[list[Any]]]  # doc_id -> its [source, passages, access], sorted


def signature(records: Iterable[PaperRecord]) -> Signature:
    """Each live paper's doc_id, with the names, passage counts and access the ledger gives
    it: a paper whose passages were rewritten (renamed, made restricted) reads differently."""
    named: Signature = {}
    for r in records:
        named.setdefault(r.doc_id, []).append([r.source, r.chunks, r.access])
    return {doc_id: sorted(names) for doc_id, names in named.items()}


class Register:
    """The decisions of the live papers by doc_id, for both levels; read from the store when
    first asked for, unless the refresh that made it had them already."""

    def __init__(self, read: Callable[[], dict[str, list[Decision]]],
                 public: set[str], by_doc: dict[str, list[Decision]] | None = None) -> None:
        self._read, self._public, self._by_doc = read, public, by_doc
        self._lists: dict[str, list[Decision]] = {}
        self._lock = threading.Lock()

    @property
    def by_doc(self) -> dict[str, list[Decision]] | None:
        """The decisions by doc_id, or None when not read yet."""
        return self._by_doc

    def decisions(self, level: str) -> list[Decision]:
        """The register of a level: newest meeting first, then by minute."""
        with self._lock:
            if self._by_doc is None:
                self._by_doc = self._read()
            if level not in self._lists:
                self._lists[level] = ordered(
                    d for doc_id, found in sorted(self._by_doc.items())  # ties: one order
                    if level == "restricted" or doc_id in self._public for d in found)
            return self._lists[level]


@dataclass(frozen=True)
class View:
    """What one access level may search: its papers, its keyword index, the values each
    filterable field takes, and its register."""

    level: str
    papers: Signature
    live: frozenset[str]  # the doc_ids of the papers in the ledger
    keyword: KeywordSearch
    known: dict[str, list[str]]  # the values each field takes, sorted, without ''
    dated: bool  # every passage has a meeting date
    register: Register
    _of_councils: dict[tuple[str, tuple[str, ...]], frozenset[str]] = field(
        default_factory=dict)

    def decisions(self) -> list[Decision]:
        return self.register.decisions(self.level)

    def of_councils(self, field: str, councils: Iterable[str]) -> frozenset[str]:
        """The values `field` takes in these councils' passages; counted once per view (at
        a million passages a council's are some 80,000 to count)."""
        key = (field, tuple(sorted(councils)))
        if key not in self._of_councils:  # two threads may both count: the same answer
            self._of_councils[key] = frozenset(self.keyword.values(
                field, {"council": list(key[1])}))
        return self._of_councils[key]


class Views:
    """The two levels' keyword indexes in `folder` (in memory if None) and their state."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._indexes = {level: KeywordIndex(folder / level if folder else None)
                         for level in ACCESS_LEVELS}
        self._memory: dict[str, Any] | None = None  # the state, when not on disk

    def refresh(self, store: Store, old: dict[str, View] | None = None) -> dict[str, View]:
        """Bring the indexes up to the ledger, reading only the papers changed since they
        were last brought up (by this process or another), and return a view of each level."""
        state = self._state()
        generation = store.generation()
        read: Read = Read({}, set(), everything=False)
        if not (state and generation and state["generation"] == generation
                and not state["pending"]):
            state, read = self._update(store)
        papers: Signature = state["papers"]
        public = {d for d, names in papers.items() if all(a == "public" for *_, a in names)}
        searches = {level: index.search(papers) for level, index in self._indexes.items()}

        def everything() -> dict[str, list[Decision]]:
            return _read_register(store, searches["restricted"], set(papers))

        register = Register(everything, public, _known_decisions(old, papers, read))
        views = {"public": _view("public", papers, searches["public"], register)}
        views["restricted"] = (views["public"] if len(public) == len(papers) else
                               _view("restricted", papers, searches["restricted"], register))
        return views

    def _update(self, store: Store) -> tuple[dict[str, Any], Read]:
        """Under both writers: the indexes made to hold what the ledger names. Returns the
        new state and what was read of the papers to get there."""
        writers: dict[str, KeywordWriter] = {}
        committed = False
        try:
            for level in ACCESS_LEVELS:  # always in this order: two processes never deadlock
                writers[level] = self._indexes[level].writer()
            state = self._state()  # again: another process may have brought them up
            generation = store.generation()  # before the ledger: a commit between shows
            ledger = signature(store.papers().values())
            rebuild = state is None
            if state is None:
                self._write_state(None)  # a crash mid-way builds them again
                for writer in writers.values():
                    writer.clear()
                removed, fresh = set(), set(ledger)
                log.info("building the keyword indexes from the store (%d papers)",
                         len(ledger))
            else:
                held, pending = state["papers"], set(state["pending"])
                removed = {d for d in held.keys() | pending
                           if d in pending or ledger.get(d) != held.get(d)}
                fresh = {d for d in ledger if d in pending or held.get(d) != ledger[d]}
                if removed or fresh:
                    self._write_state({**state, "pending": sorted(removed | fresh)})
            decisions = _write(writers, removed, store.chunks(fresh) if fresh else ())
            committed = True
            state = {"format": FORMAT, "analyzer": analyzer_key(), "generation": generation,
                     "papers": ledger, "pending": []}
            self._write_state(state)
        finally:
            for writer in writers.values():
                writer.close(committed)
        return state, Read(decisions, fresh, everything=rebuild)

    def _state(self) -> dict[str, Any] | None:
        """The state, if it describes these indexes as this version builds them."""
        if self.folder is None:
            return self._memory
        path = self.folder / STATE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            log.warning("the keyword index state %s could not be read (%s); the indexes are "
                        "built again from the store", path, error)
            return None
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            log.warning("the keyword indexes in %s are of another format; building them "
                        "again from the store", self.folder)
            return None
        if state.get("analyzer") != analyzer_key():
            log.warning("the keyword indexes in %s were built with other phrases; building "
                        "them again from the store", self.folder)
            return None
        held = {level: index.search(()).passages for level, index in self._indexes.items()}
        if not state["pending"] and held != _passages(state["papers"]):
            log.warning("the keyword indexes in %s do not hold the passages their state "
                        "names (%s); building them again from the store", self.folder, held)
            return None
        return state

    def _write_state(self, state: dict[str, Any] | None) -> None:
        if self.folder is None:
            self._memory = state
            return
        path = self.folder / STATE
        if state is None:
            path.unlink(missing_ok=True)
            return
        data = json.dumps(state, separators=(",", ":")).encode("utf-8")
        write_atomically(path, lambda f: f.write(data))


def _passages(papers: Signature) -> dict[str, int]:
    """How many passages each level's index holds when it holds `papers`."""
    counts = {doc_id: names[0][1] for doc_id, names in papers.items()}
    return {"public": sum(n for d, n in counts.items()
                          if all(a == "public" for *_, a in papers[d])),
            "restricted": sum(counts.values())}


def _write(writers: dict[str, KeywordWriter], removed: set[str],
           chunks: Iterable[Chunk]) -> dict[str, list[Decision]]:
    """Delete the papers `removed` from both indexes, then add `chunks` (each analysed once,
    a public one to both), and commit both; the decisions of the chunks by doc_id."""
    for writer in writers.values():
        writer.delete(removed)
    decisions: dict[str, list[Decision]] = {}
    for chunk in chunks:
        if chunk.doc_type == "minutes" and resolutions(chunk.text):
            decisions.setdefault(chunk.doc_id, []).extend(extract_decisions([chunk]))
        doc = document(chunk)
        writers["restricted"].add(doc)
        if chunk.access == "public":
            writers["public"].add(doc)
    for writer in writers.values():
        writer.commit()
    return {doc_id: _distinct(found) for doc_id, found in decisions.items()}


def _distinct(found: list[Decision]) -> list[Decision]:
    """A paper's decisions each once: a resolution quoted again in a later passage of the
    same minute counts once, as `extract_decisions` counts it."""
    seen: dict[tuple[str, str], Decision] = {}
    for d in sorted(found, key=lambda d: int(d.chunk_id.rsplit(":", 1)[1])):  # passage order
        seen.setdefault((d.minute, d.text), d)
    return list(seen.values())


@dataclass(frozen=True)
class Read:
    """What an update read of the store: the decisions of the papers `read`, by doc_id."""

    decisions: dict[str, list[Decision]]
    papers: set[str]
    everything: bool  # every live paper was read (the indexes were built again)


def _known_decisions(old: dict[str, View] | None, papers: Signature,
                     read: Read) -> dict[str, list[Decision]] | None:
    """The register's decisions by doc_id, where they are known without reading the store:
    every paper was read just now, or the old register was read and every paper changed
    since was read just now. None: the register is read from the store when asked for."""
    if read.everything or not papers:
        return read.decisions
    before = old["public"].register.by_doc if old else None
    if old is None or before is None:
        return None
    changed = {d for d in papers if old["public"].papers.get(d) != papers[d]}
    if not changed <= read.papers:  # another process brought the indexes up meanwhile
        return None
    return {**{d: v for d, v in before.items() if d in papers and d not in changed},
            **{d: v for d, v in read.decisions.items() if d in papers}}


def _view(level: str, papers: Signature, keyword: KeywordSearch, register: Register) -> View:
    values = {field: keyword.values(field) for field in FIELDS if field != "access"}
    known = {field: sorted(v for v in found if v) for field, found in values.items()}
    return View(level, papers, frozenset(papers), keyword, known,
                "" not in values["meeting_date"], register)


def _read_register(store: Store, keyword: KeywordSearch,
                   live: set[str]) -> dict[str, list[Decision]]:
    """Every live paper's decisions, read from the passages of minutes that use the words
    of a resolution (found by the keyword index, read from the store)."""
    ids = keyword.ids({"doc_type": ["minutes"]}, words=_RESOLUTION_WORDS)
    by_doc: dict[str, list[Decision]] = {}
    for chunk in store.chunks_by_id(ids).values():
        if chunk.doc_id in live:
            by_doc.setdefault(chunk.doc_id, []).extend(extract_decisions([chunk]))
    return {doc_id: _distinct(found) for doc_id, found in by_doc.items()}
