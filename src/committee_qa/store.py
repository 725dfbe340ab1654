"""Chunks and vectors <-> Chroma. The only module that imports chromadb.

Two collections make one index:
- `<name>` holds the chunks, one record per chunk, id `<doc_id>:<n>`;
- `<name>_papers` holds one record per ingested file (source name -> doc_id): the ledger.

A paper becomes searchable only when its ledger record is written, after all of its
chunks are stored. Chunks whose doc_id no ledger record names (left by a crash, or by a
replaced paper) are never returned and are swept at the next ingest. So a crash at any
point leaves each paper wholly present or wholly absent, and loses nothing stored before.

The ledger also holds notes, records whose ids start with `note/`: `note/generation`, whose
token changes at every commit, so app replicas sharing a Chroma server (`Store.connect`)
know when to re-derive what they keep in memory (keyword index, decisions register). A
commit first empties the token, then writes the ledger, then sets a new one: a process
that finds it empty (a commit under way, or killed mid-way) trusts no ledger it kept, so a
copy of the ledger kept at a generation is always the ledger as it stands at it.

On a Chroma server, claims on the ingest lease (see `lease`) are collections of their own,
`<name>_lease_<n>`: creating a collection is the one write Chroma refuses when its name is
taken, so of two ingests claiming the same number only one succeeds.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError, NotFoundError

from .errors import IndexMismatchError, IndexUnavailableError
from .files import write_atomically
from .schema import ACCESS_LEVELS, Chunk, PaperRecord

SCHEMA_VERSION = "3"  # 3: passages are searched with their meeting's words (Chunk.search_text)
# The index's notes about itself share the ledger with papers; a "/" keeps their ids apart
# from every file name.
NOTE_PREFIX = "note/"
_GENERATION = NOTE_PREFIX + "generation"  # its token changes with every commit
# Kept while an ingest may leave passages no paper of the ledger names (written before
# their paper is committed, or of a paper replaced or pruned before they are swept).
_WRITING = NOTE_PREFIX + "writing"
_PAGE = 5000  # records fetched per call when reading a whole collection
_LEDGER_FORMAT = 1  # of `Store.ledger_file`
_FEW_PAPERS = 200  # up to this many papers are read by id (or doc_id), more in a full read
# Where a chunk sits in the papers, stored as metadata so filters can use it.
PLACE_FIELDS = ("doc_type", "council", "committee", "meeting_date", "item", "item_title",
                "paragraph")

log = logging.getLogger(__name__)


class _RefuseToEmbed(EmbeddingFunction[Documents]):
    """Stops Chroma from ever embedding with its own (downloaded) default model."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        raise RuntimeError("committee-qa embeds texts itself; pass embeddings to Chroma")

    @staticmethod
    def name() -> str:
        return "committee-qa-external"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> _RefuseToEmbed:
        return _RefuseToEmbed()


class Store:
    """The persisted index: chunks with vectors, and the ledger of papers."""

    def __init__(self, client: Any, name: str, model: str, dimension: int) -> None:
        self._client = client
        self.location = name
        self.folder: Path | None = None  # the index folder; None for a Chroma server
        self._claim_prefix = f"{name}_lease_"
        meta = {"hnsw:space": "cosine", "embedding_model": model,
                "dimension": dimension, "schema_version": SCHEMA_VERSION}
        self._chunks = client.get_or_create_collection(
            name, metadata=meta, embedding_function=_RefuseToEmbed()
        )
        # Restricted papers' chunks live apart: a public search never even reads them.
        self._by_access = {"public": self._chunks, "restricted": client.get_or_create_collection(
            f"{name}_restricted", metadata=meta, embedding_function=_RefuseToEmbed())}
        self._papers = client.get_or_create_collection(
            f"{name}_papers", metadata={"schema_version": SCHEMA_VERSION},
            embedding_function=_RefuseToEmbed(),
        )
        _check_built_with(self._chunks.metadata or {}, model, dimension)
        # The ledger as last read or written, with the generation it was read at: read
        # again only when another process has moved the generation since.
        self._ledger: tuple[str, dict[str, PaperRecord]] | None = None
        # A copy of it on disk, with its generation, that a new process reads in place of
        # the ledger while the generation is the same (set by the caller; None: no copy).
        self.ledger_file: Path | None = None

    @classmethod
    def open(cls, path: Path, name: str, model: str, dimension: int) -> Store:
        """Open (or create) the index kept in the folder `path`."""
        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(
            path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
        )
        store = cls(client, name, model, dimension)
        store.location, store.folder = str(path), path
        return store

    @classmethod
    def connect(cls, url: str, name: str, model: str, dimension: int) -> Store:
        """Open (or create) the index kept by the Chroma server at `url` (`chroma run`)."""
        parts = urlsplit(url if "//" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise IndexUnavailableError(
                f"the Chroma URL {url!r} is not an http(s) address such as "
                "http://127.0.0.1:8000; fix --chroma-url or COMMITTEE_QA_CHROMA_URL")
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 8000)
        try:
            client = chromadb.HttpClient(
                host=parts.hostname, port=port, ssl=https,
                settings=ChromaSettings(anonymized_telemetry=False))
            store = cls(client, name, model, dimension)
        except IndexMismatchError:
            raise
        except Exception as error:  # chromadb raises ValueError, httpx and its own errors
            raise IndexUnavailableError(
                f"cannot reach the Chroma server at {url} ({_first_line(error)}); start it "
                f"with `chroma run --path DIR --host {parts.hostname} --port {port}` or fix "
                "--chroma-url / COMMITTEE_QA_CHROMA_URL") from None
        store.location = url
        return store

    def drop(self) -> None:
        """Delete the index's collections: for scratch indexes on a shared server."""
        for collection in [*self._by_access.values(), self._papers]:
            self._client.delete_collection(collection.name)
        for number in self.claims():
            self.drop_claim(number)

    # -- claims on the ingest lease, for an index in a Chroma server -----------------------

    def claims(self) -> dict[int, dict[str, Any]]:
        """The claims on the ingest lease, by number, with what each records."""
        found = {}
        for collection in self._client.list_collections():
            number = collection.name.removeprefix(self._claim_prefix)
            if collection.name.startswith(self._claim_prefix) and number.isdigit():
                found[int(number)] = dict(collection.metadata or {})
        return found

    def claim(self, number: int, values: dict[str, Any]) -> bool:
        """Create claim `number` recording `values`; False if it exists already."""
        name = f"{self._claim_prefix}{number}"
        try:
            self._client.create_collection(name, metadata=values,
                                           embedding_function=_RefuseToEmbed())
        except ChromaError:  # the server says InternalError or ChromaError, by version
            if self._claim_collection(number) is None:
                raise  # not taken: something else went wrong
            return False
        return True

    def renew_claim(self, number: int, values: dict[str, Any]) -> bool:
        """Record `values` in claim `number`; False if the claim is gone (taken over)."""
        collection = self._claim_collection(number)
        if collection is None:
            return False
        collection.modify(metadata=values)
        return True

    def drop_claim(self, number: int) -> None:
        try:
            self._client.delete_collection(f"{self._claim_prefix}{number}")
        except NotFoundError:
            pass  # dropped already, by another ingest taking over

    def _claim_collection(self, number: int) -> Any:
        try:
            return self._client.get_collection(f"{self._claim_prefix}{number}",
                                               embedding_function=_RefuseToEmbed())
        except NotFoundError:
            return None

    # -- the ledger of papers ------------------------------------------------------------

    def generation(self) -> str:
        """A token that changes whenever the ledger does: replicas compare it to know when
        another process has ingested, and refresh what they derive from the index. Empty
        while a commit is under way, or when one was killed before it ended."""
        return str((self.read_note(_GENERATION) or {}).get("token", ""))

    def _unsettle(self) -> None:
        """Announce a commit under way: no copy of the ledger kept before it is trusted."""
        self.write_note(_GENERATION, {"token": ""})

    def _bump_generation(self) -> str:
        token = uuid.uuid4().hex
        self.write_note(_GENERATION, {"token": token})
        return token

    def settle(self) -> None:
        """At the end of an ingest (under its lease): give the ledger a generation again if
        a commit was killed mid-way, so that processes may trust what they keep of it once
        more; and keep the ledger this store holds in `ledger_file`, once for the whole
        ingest rather than at each of its commits."""
        generation = self.generation()
        if not generation:
            self._ledger = None
            self._bump_generation()
            return
        kept = self._ledger
        if kept is not None and kept[0] == generation:
            self._keep(generation, kept[1])

    def begin_writing(self) -> None:
        """Mark the index as being written: a kill from now on may leave stray passages."""
        self.write_note(_WRITING, {"open": True})

    def left_writing(self) -> bool:
        """Whether an ingest was killed while it was writing (its mark is still there)."""
        return self.read_note(_WRITING) is not None

    def end_writing(self) -> None:
        """The ingest's writes are whole and its stray passages swept."""
        self.erase_note(_WRITING)

    def read_note(self, key: str) -> dict[str, Any] | None:
        """A small record the index keeps about itself (`note/...`), or None."""
        found = self._papers.get(ids=[key], include=["metadatas"])
        metas = found["metadatas"] or []
        return dict(metas[0]) if metas and metas[0] else None

    def write_note(self, key: str, values: dict[str, Any]) -> None:
        self._papers.upsert(ids=[key], embeddings=[[1.0]], documents=[""], metadatas=[values])

    def erase_note(self, key: str) -> None:
        self._papers.delete(ids=[key])

    def papers(self, fresh: bool = False) -> dict[str, PaperRecord]:
        """Every ingested paper by its source name. Read from the index (at a million
        passages some 26,000 records: over a second) only when neither the copy this store
        keeps nor the one in `ledger_file` was kept at the generation the index has now, or
        when `fresh` (a repair trusts no copy). Every commit empties the generation before
        it writes, so a copy kept at a generation is the ledger while that generation
        stands; and a read during which a commit began is kept nowhere."""
        generation = self.generation()  # before the ledger: a commit between shows next time
        if not fresh and generation:
            kept = self._ledger
            if kept is not None and kept[0] == generation:
                return dict(kept[1])
            on_disk = self._ledger_on_disk(generation)
            if on_disk is not None:
                self._ledger = (generation, on_disk)
                return dict(on_disk)
        records = self._read_ledger()
        if generation and self.generation() == generation:  # no commit began meanwhile
            self._keep(generation, records)
        else:
            self._ledger = None
        return dict(records)

    def _keep(self, generation: str, records: dict[str, PaperRecord],
              on_disk: bool = True) -> None:
        """Keep the ledger as it stands at `generation`, in memory, and if `on_disk` in
        `ledger_file` too."""
        self._ledger = (generation, records)
        if self.ledger_file is None or not on_disk:
            return
        data = json.dumps({"format": _LEDGER_FORMAT, "generation": generation, "papers": [
            [r.source, r.doc_id, r.title, r.chunks, r.ingested_at, r.access]
            for r in records.values()]},
            separators=(",", ":")).encode("utf-8")
        try:
            self.ledger_file.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.ledger_file, lambda f: f.write(data))
        except OSError as error:  # only a copy: the ledger is read from the index instead
            log.warning("could not keep a copy of the ledger in %s (%s)", self.ledger_file,
                        error)

    def _ledger_on_disk(self, generation: str) -> dict[str, PaperRecord] | None:
        """The ledger kept in `ledger_file`, if it was kept at `generation`."""
        if self.ledger_file is None:
            return None
        try:
            kept = json.loads(self.ledger_file.read_text(encoding="utf-8"))
            if kept.get("format") != _LEDGER_FORMAT or kept.get("generation") != generation:
                return None
            records = [PaperRecord(source=str(source), doc_id=str(doc_id), title=str(title),
                                   chunks=int(chunks), ingested_at=str(at), access=str(access))
                       for source, doc_id, title, chunks, at, access in kept["papers"]]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("the copy of the ledger in %s could not be read (%s); reading the "
                        "ledger from the index", self.ledger_file, error)
            return None
        return {r.source: r for r in records}

    def _read_ledger(self) -> dict[str, PaperRecord]:
        records = {}
        for id_, meta, _doc in self._read_all(self._papers, documents=False):
            if id_.startswith(NOTE_PREFIX) or "doc_id" not in meta:
                continue  # the index's notes about itself, not papers
            record = PaperRecord(
                source=str(meta["source"]), doc_id=str(meta["doc_id"]),
                title=str(meta.get("title", "")), chunks=int(meta.get("chunks", 0)),
                ingested_at=str(meta.get("ingested_at", "")),
                access=str(meta.get("access", "public")),
            )
            records[record.source] = record
        return records

    def commit_paper(self, record: PaperRecord) -> None:
        """Make a paper searchable: its chunks must already be stored."""
        self.commit_papers([record])

    def commit_papers(self, records: Sequence[PaperRecord]) -> None:
        """Make papers searchable, all in one write: their chunks must already be stored.
        Only an ingest writes the ledger, under the index's lease (lease.py)."""
        if not records:
            return
        before = self.generation()
        self._unsettle()
        self._papers.upsert(
            ids=[r.source for r in records], embeddings=[[1.0] for _ in records],
            documents=[r.title for r in records],
            metadatas=[{"source": r.source, "doc_id": r.doc_id, "title": r.title,
                        "chunks": r.chunks, "ingested_at": r.ingested_at, "access": r.access}
                       for r in records],
        )
        self._written(before, self._bump_generation(), {r.source: r for r in records})

    def forget_paper(self, source: str) -> None:
        """Remove a paper from the ledger; its chunks go when nothing else names them."""
        before = self.generation()
        self._unsettle()
        self._papers.delete(ids=[source])
        self._written(before, self._bump_generation(), {source: None})

    def _written(self, before: str, after: str,
                 changes: Mapping[str, PaperRecord | None]) -> None:
        """Keep the ledger read before in step with this write, if it was the ledger as it
        stood just before it (under the lease no other process writes between)."""
        kept = self._ledger
        if kept is None or not before or kept[0] != before:
            self._ledger = None
            return
        ledger = dict(kept[1])
        for source, record in changes.items():
            if record is None:
                ledger.pop(source, None)
            else:
                ledger[source] = record
        self._keep(after, ledger, on_disk=False)  # on disk once the ingest ends (`settle`)

    # -- chunks --------------------------------------------------------------------------

    def write_chunks(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        """Store chunks with their vectors (not yet searchable: see commit_paper)."""
        step = self._client.get_max_batch_size()
        for access, collection in self._by_access.items():
            kept = [(c, v) for c, v in zip(chunks, vectors) if c.access == access]
            for first in range(0, len(kept), step):
                batch = kept[first : first + step]
                collection.upsert(
                    ids=[c.chunk_id for c, _v in batch],
                    embeddings=[list(v) for _c, v in batch],
                    documents=[c.text for c, _v in batch],
                    metadatas=[_chunk_metadata(c) for c, _v in batch],
                )

    def sweep(self, candidates: Mapping[str, int] | None = None,
              live: set[str] | None = None) -> int:
        """Delete chunks that no paper in the ledger names; returns how many papers' worth.
        With `candidates` (doc_ids, each with the passages its record counted), only their
        chunks are deleted, by chunk id (no full read of the index, and at a million
        passages far sooner than by a doc_id filter); `live` is the ledger's doc_ids when
        the caller holds them (an ingest, under its lease), saving a read of the ledger;
        without it the ledger is read afresh, as a deletion must see it (`papers`)."""
        live = {r.doc_id for r in self.papers(fresh=True).values()} if live is None else live
        stale = (set(self.chunk_counts()) if candidates is None else set(candidates)) - live
        for doc_id in stale:
            for collection in self._by_access.values():
                if candidates is None:
                    collection.delete(where={"doc_id": doc_id})
                else:
                    collection.delete(ids=_chunk_ids(doc_id, candidates[doc_id]))
        return len(stale)

    def chunks(self, live: set[str] | None = None,
               access: Sequence[str] = ACCESS_LEVELS) -> Iterator[Chunk]:
        """Every stored chunk of the papers whose doc_id is in `live` (default: the ledger),
        among the access levels named."""
        counts = {r.doc_id: r.chunks for r in self.papers().values()}
        live = set(counts) if live is None else live
        if not live:
            return
        if len(live) <= _FEW_PAPERS and live <= counts.keys():
            # A few papers of the ledger are read by chunk id, in passage order: at a
            # million passages Chroma finds ids far sooner than it filters on doc_id.
            ids = [i for doc_id in sorted(live) for i in _chunk_ids(doc_id, counts[doc_id])]
            found = self.chunks_by_id(ids, access)
            yield from (found[i] for i in ids if i in found)
            return
        # Others by doc_id; many papers are read in one pass over everything.
        where = {"doc_id": {"$in": sorted(live)}} if len(live) <= _FEW_PAPERS else None
        for level in access:
            for _id, meta, text in self._read_all(self._by_access[level], where=where):
                if meta["doc_id"] in live:
                    yield _chunk_from(meta, text, level)

    def chunks_by_id(self, ids: Sequence[str],
                     access: Sequence[str] = ACCESS_LEVELS) -> dict[str, Chunk]:
        """The stored chunks of these ids among the access levels named, by id; an id no
        longer stored is left out, and an id named twice is read once (Chroma refuses it)."""
        found: dict[str, Chunk] = {}
        ids = list(dict.fromkeys(ids))
        for level in access:
            for first in range(0, len(ids), _PAGE):
                page = self._by_access[level].get(ids=list(ids[first : first + _PAGE]),
                                                  include=["metadatas", "documents"])
                found.update((i, _chunk_from(m, t, level)) for i, m, t in zip(
                    page["ids"], page["metadatas"], page["documents"]))
        return found

    def vectors(self, chunks: Sequence[Chunk]) -> list[list[float]]:
        """The vectors stored with `chunks`, in their order: read back, never embedded."""
        found: dict[str, list[float]] = {}
        for level, collection in self._by_access.items():
            ids = [c.chunk_id for c in chunks if c.access == level]
            for first in range(0, len(ids), _PAGE):
                page = collection.get(ids=ids[first : first + _PAGE], include=["embeddings"])
                found.update((i, [float(x) for x in v])
                             for i, v in zip(page["ids"], page["embeddings"]))
        return [found[c.chunk_id] for c in chunks]

    def embedded(self, records: Sequence[PaperRecord],
                 ) -> tuple[dict[str, list[float]], dict[str, str]]:
        """The vectors stored for the passages of these papers, by the text the model
        embedded for each (`Chunk.embedding_text`), and their sentences' vectors, packed,
        by passage text: what a corrected paper may reuse. Read by chunk id (`<doc_id>:<n>`
        for each of a record's passages): at a million passages Chroma finds ids far sooner
        than it filters on doc_id."""
        found: dict[str, list[float]] = {}
        meant: dict[str, str] = {}
        ids = [i for r in records for i in _chunk_ids(r.doc_id, r.chunks)]
        for level, collection in self._by_access.items():
            for first in range(0, len(ids), _PAGE):
                page = collection.get(ids=ids[first : first + _PAGE],
                                      include=["metadatas", "documents", "embeddings"])
                for meta, text, vector in zip(page["metadatas"], page["documents"],
                                              page["embeddings"]):
                    chunk = _chunk_from(meta, text, level)
                    found[chunk.embedding_text] = [float(x) for x in vector]
                    if chunk.meanings:
                        meant[chunk.text] = chunk.meanings
        return found, meant

    def count_chunks(self, access: Sequence[str] = ACCESS_LEVELS) -> int:
        return sum(int(self._by_access[level].count()) for level in access)

    def chunk_counts(self) -> dict[str, int]:
        """How many chunks are stored for each doc_id, live or not."""
        counts: dict[str, int] = {}
        for collection in self._by_access.values():
            for _id, meta, _doc in self._read_all(collection, documents=False):
                doc_id = str(meta["doc_id"])
                counts[doc_id] = counts.get(doc_id, 0) + 1
        return counts

    def built_with(self) -> dict[str, str]:
        """The embedding model, dimension and schema version the index records."""
        meta = self._chunks.metadata or {}
        return {k: str(meta.get(k, "")) for k in ("embedding_model", "dimension",
                                                  "schema_version")}

    def size_bytes(self) -> int | None:
        """The bytes of the index folder on disk; None for an index in a Chroma server."""
        folder = Path(self.location)
        if "://" in self.location or not folder.is_dir():
            return None
        return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())

    def search(self, vector: Sequence[float], k: int, access: Sequence[str] = ("public",),
               among: Mapping[str, Sequence[str]] | None = None) -> list[tuple[str, float]]:
        """The ids of the k chunks nearest to `vector`, with cosine similarity, best first.

        `access` names the levels searched: public only, unless the reader may see more.
        `among`, when given, limits each level's search to the chunk ids it lists there.
        """
        results: list[tuple[str, float]] = []
        for level in access:
            ids = None if among is None else list(among.get(level, ()))
            if ids is not None and not ids:
                continue
            collection = self._by_access[level]
            try:
                found = collection.query(query_embeddings=[list(vector)], n_results=k,
                                         include=["distances"], ids=ids)
            except ChromaError:
                if ids is None:
                    raise
                # An id deleted meanwhile (a paper replaced by another process): ask again
                # among the ids still stored.
                ids = collection.get(ids=ids, include=[])["ids"]
                if not ids:
                    continue
                found = collection.query(query_embeddings=[list(vector)], n_results=k,
                                         include=["distances"], ids=ids)
            results += [(i, 1.0 - float(d)) for i, d in zip(found["ids"][0],
                                                           found["distances"][0])]
        results.sort(key=lambda pair: -pair[1])
        return results[:k]

    def _read_all(self, collection: Any, documents: bool = True,
                  where: dict[str, Any] | None = None) -> Iterator[tuple[str, Any, str]]:
        include = ["metadatas", "documents"] if documents else ["metadatas"]
        offset = 0
        while True:
            page = collection.get(include=include, limit=_PAGE, offset=offset, where=where)
            ids = page["ids"]
            if not ids:
                return
            docs = page["documents"] if documents else [""] * len(ids)
            yield from zip(ids, page["metadatas"], docs)
            offset += len(ids)


def _chunk_ids(doc_id: str, count: int) -> list[str]:
    """The ids of a paper's `count` stored passages (`Chunk.chunk_id`)."""
    return [f"{doc_id}:{n}" for n in range(count)]


def _first_line(error: Exception) -> str:
    text = str(error).strip().split("\n")[0]
    return text[:160] or type(error).__name__


def _check_built_with(meta: dict[str, Any], model: str, dimension: int) -> None:
    if str(meta.get("schema_version")) != SCHEMA_VERSION:
        raise IndexMismatchError(
            f"the index was written by another version of committee-qa (schema "
            f"{meta.get('schema_version')}, this one reads {SCHEMA_VERSION}); "
            "ingest the papers into a new --index folder"
        )
    if meta.get("embedding_model") != model or int(meta.get("dimension", 0)) != dimension:
        raise IndexMismatchError(
            f"the index was built with the embedding model {meta.get('embedding_model')!r} "
            f"but this run uses {model!r}; its answers would be wrong. Use the same model, "
            "or ingest the papers into a new --index folder"
        )


def _chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": chunk.doc_id, "index": chunk.index, "source": chunk.source,
        "title": chunk.title, "heading": chunk.heading, "start": chunk.start, "end": chunk.end,
    }
    meta.update({name: getattr(chunk, name) for name in PLACE_FIELDS})
    if chunk.page is not None:
        meta["page"] = chunk.page
    if chunk.meanings:
        meta["meanings"] = chunk.meanings
    return meta


def _chunk_from(meta: dict[str, Any], text: str, access: str) -> Chunk:
    return Chunk(
        doc_id=str(meta["doc_id"]), index=int(meta["index"]), text=text,
        source=str(meta["source"]), title=str(meta.get("title", "")),
        heading=str(meta.get("heading", "")),
        page=int(meta["page"]) if meta.get("page") is not None else None,
        start=int(meta.get("start", 0)), end=int(meta.get("end", 0)),
        **{name: str(meta.get(name, "")) for name in PLACE_FIELDS}, access=access,
        meanings=str(meta.get("meanings", "")),
    )
