"""Files -> the index: read, chunk, embed and store each paper, one whole paper at a time."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from .chunking import chunk_paper
from .errors import PaperError
from .library import Library
from .meanings import is_current, openings, pack
from .papers import (
    MAX_PAPER_BYTES,
    check_supported,
    content_hash,
    read_paper,
    read_sidecar,
    sidecar_path,
)
from .schema import Chunk, IngestReport, PaperFailure, PaperRecord
from .store import Store

Progress = Callable[[str], None]  # told the name of each paper as it is finished
log = logging.getLogger(__name__)

_NOT_A_FILE = "is not a regular file (a pipe or a device?); copy the paper into a file"


class ChunkEmbedder(Protocol):
    def embed_texts(self, texts: Sequence[str]) -> list[list[float]]: ...


def find_papers(paths: Iterable[Path]) -> tuple[list[Path], list[PaperFailure]]:
    """The paper files named by `paths` (folders are searched), and the paths refused.

    Inside a folder, a link is followed only to a file or folder inside that folder: a
    link out of it (or one that is broken or loops) is refused, naming where it leads, so
    a link dropped in the inbox can never put a file from elsewhere into the index. A file
    named on its own is read wherever it lies.
    """
    files: list[Path] = []
    refused: list[PaperFailure] = []
    for path in paths:
        if path.is_dir():
            _search(path, files, refused)
        elif path.is_file():
            files.append(path)
        elif path.is_symlink():
            refused.append(_failure(path, _link_problem(path, None) or "is a broken link"))
        elif path.exists():
            refused.append(_failure(path, _NOT_A_FILE))
        else:
            refused.append(_failure(path, "no such file or folder; check the path"))
    return files, refused


def _search(root: Path, files: list[Path], refused: list[PaperFailure]) -> None:
    """Add the papers under the folder `root` to `files`; links out of it to `refused`."""
    inside = root.resolve()
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        refused.append(_failure(Path(error.filename or root), f"cannot be read: "
                                f"{error.strerror or error}; check committee-qa may read it"))

    # Links to folders are never walked into: one inside `root` is searched anyway, and
    # one outside is refused; so a link loop cannot make the search go round for ever.
    for folder, dirnames, filenames in os.walk(root, onerror=unreadable):
        for name in sorted(dirnames):
            path = Path(folder, name)
            problem = _link_problem(path, inside) if path.is_symlink() else None
            if problem:
                refused.append(_failure(path, problem))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(".json"):
                continue
            path = Path(folder, name)
            problem = _link_problem(path, inside) if path.is_symlink() else None
            if problem:
                refused.append(_failure(path, problem))
            elif path.is_file():
                found.append(path)
            elif not path.is_dir():  # never opened: reading a pipe would wait for ever
                refused.append(_failure(path, _NOT_A_FILE))
    files.extend(sorted(found))


def _link_problem(link: Path, inside: Path | None) -> str | None:
    """Why the link cannot be followed (broken, a loop, out of the folder `inside`), or None."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return (f"is a link to {os.readlink(link)}, which does not exist; remove the link, or "
                "copy the paper here")
    except (RuntimeError, OSError):  # Python 3.11 says RuntimeError for a loop; 3.13 OSError
        return "is a link that leads round in a loop; remove the link"
    if inside is not None and not target.is_relative_to(inside):
        return (f"is a link to {target}, outside the folder being ingested ({inside}); copy "
                "the paper into the folder instead of linking to it")
    return None


def ingest(paths: Sequence[Path], store: Store, embedder: ChunkEmbedder, *,
           prune: bool = False, progress: Progress | None = None,
           max_paper_bytes: int = MAX_PAPER_BYTES,
           library: Library | None = None) -> IngestReport:
    """Bring the index up to date with the papers at `paths`; unchanged papers cost a hash.

    A file that cannot be ingested is reported in `failed` and the batch goes on; nothing
    stored before is lost, and a paper is stored once however many names it comes under.
    With a `library`, each paper's original and text as read are kept there for the source
    viewer (an unchanged paper kept by no earlier ingest is read once to keep them), and the
    copies of papers the index no longer holds are removed.
    """
    report = IngestReport()
    files, refused = find_papers(paths)
    report.failed.extend(refused)
    # Under the lease, so no other commit is under way: a copy kept at this generation is
    # the ledger as it stands (store.py), and an empty generation reads it afresh.
    known = store.papers()
    before = set(known)
    # An ingest killed while writing left its mark: the whole index is swept at the end.
    interrupted = store.left_writing()
    marked = False

    def mark() -> None:  # before the first write that can leave stray passages
        nonlocal marked
        if not marked:
            store.begin_writing()
            marked = True

    seen: set[str] = set()
    left: list[PaperRecord] = []  # records replaced or pruned: their chunks may need a name
    pending: list[_Pending] = []  # read and chunked, waiting to be embedded together

    def settle(source: str, record: PaperRecord | None, embedded: int) -> None:
        outcome = report.unchanged if record is None else (
            report.replaced if source in known else report.added)
        outcome.append(source)
        report.chunks_embedded += embedded
        if record is not None:
            if source in known:
                left.append(known[source])
            known[source] = record
        if progress:
            progress(source)

    def flush() -> None:
        if not pending:
            return
        # A corrected paper keeps the vectors of the passages it shares with the version
        # it replaces: only the passages whose text changed are embedded again.
        earlier, meant = store.embedded([known[p.record.source] for p in pending
                                         if p.record.source in known])
        embedded, fresh = _embed_together(pending, embedder, earlier, meant)
        mark()
        # One write for the passages of all these papers, then one for their ledger
        # records: a paper is searchable only once all its passages are stored.
        store.write_chunks([c for paper, _ in embedded for c in paper.chunks],
                           [v for _, vectors in embedded for v in vectors])
        store.commit_papers([paper.record for paper, _ in embedded])
        for paper, _ in embedded:
            settle(paper.record.source, paper.record, fresh[paper.record.doc_id])
        pending.clear()

    for path in files:
        source = path.name
        if source in seen:
            report.failed.append(_failure(
                path, f"another file named {source} is in this batch; rename one of them"))
            continue
        seen.add(source)
        try:
            doc_id = paper_identity(path)
            if any(p.record.doc_id == doc_id for p in pending):
                flush()  # the same paper under a second name: store the first one first
            read = _ingest_one(path, doc_id, known, store, max_paper_bytes, library)
        except PaperError as error:
            report.failed.append(_failure(path, error.reason))
            if progress:
                progress(source)
            continue
        if isinstance(read, _Pending):
            pending.append(read)
            if sum(len(p.chunks) for p in pending) >= EMBED_BATCH:
                flush()
        else:
            settle(source, read, 0)
    flush()
    if prune:
        for source in sorted(before - seen):
            mark()
            store.forget_paper(source)
            left.append(known.pop(source))
            report.pruned.append(source)
    _rename_orphaned_chunks(left, known, store)
    # The passages of papers replaced or pruned go. Then, after an ingest that was killed
    # while writing, if more passages are stored than the ledger counts, the whole index is
    # swept: counting is one call (a second, cold, at a million passages), where a sweep
    # reads every passage's metadata.
    ledger = {r.doc_id: r.chunks for r in known.values()}  # `known` is the ledger now
    store.sweep(candidates={r.doc_id: r.chunks for r in left}, live=set(ledger))
    if interrupted and store.count_chunks() != sum(ledger.values()):
        store.sweep(live=set(ledger))
    if marked or interrupted:
        store.end_writing()
    store.settle()  # a generation again if a commit was killed; the ledger's copy on disk
    if library is not None:
        library.keep_only(set(ledger))
    return report


# Chunks embedded in one model call, across papers: the model pads each batch to its
# longest text, and one call per paper ends every paper with a short, padded batch
# (measured in bench/: 33 CPU-s against 41 for the same 670 chunks).
EMBED_BATCH = 256


@dataclass(frozen=True)
class _Pending:
    """A paper read and chunked, whose record is committed once its chunks are stored."""

    record: PaperRecord
    chunks: list[Chunk]


def _embed_together(papers: Sequence[_Pending], embedder: ChunkEmbedder,
                    known: Mapping[str, list[float]], meant: Mapping[str, str],
                    ) -> tuple[list[tuple[_Pending, list[list[float]]]], dict[str, int]]:
    """Each paper with its chunks' vectors and its chunks carrying their sentences' vectors
    (meanings.py), from one call of the model for all the texts not known already: `known`
    holds stored vectors by the text embedded, `meant` stored sentences' vectors by passage
    text; a text twice among them is embedded once. And how many chunks of each paper (by
    doc_id) took a vector from the model rather than from `known`."""
    meant = {text: packed for text, packed in meant.items() if is_current(text, packed)}
    passages = list(dict.fromkeys(c.text for p in papers for c in p.chunks
                                  if c.text not in meant))
    new = list(dict.fromkeys([*(c.embedding_text for p in papers for c in p.chunks
                                if c.embedding_text not in known),
                              *(o for text in passages for o in openings(text))]))
    vectors = {**known, **dict(zip(new, embedder.embed_texts(new) if new else []))}
    packed = {**meant, **{text: pack(text, [vectors[o] for o in openings(text)])
                          for text in passages}}
    out, fresh = [], {}
    for paper in papers:
        chunks = [replace(c, meanings=packed[c.text]) for c in paper.chunks]
        out.append((replace(paper, chunks=chunks),
                    [vectors[c.embedding_text] for c in paper.chunks]))
        fresh[paper.record.doc_id] = sum(c.embedding_text not in known for c in paper.chunks)
    return out, fresh


def paper_identity(path: Path) -> str:
    """A paper's doc_id: the hash of its bytes, its sidecar's and its access level."""
    check_supported(path)
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in the name: the index cannot hold it
        raise PaperError(path.name, "its file name is not valid UTF-8 (from an old Windows or "
                                    "zip export?); rename the file") from None
    try:
        doc_id = content_hash(path)[:32]
        overrides = read_sidecar(path)
        if overrides:  # what a sidecar states is part of the paper's identity
            doc_id = hashlib.sha256(
                (doc_id + content_hash(sidecar_path(path))).encode()).hexdigest()[:32]
        access = access_of(path, overrides.get("access", ""))
        if access != "public":  # never the twin of a public copy: stored apart
            doc_id = hashlib.sha256(f"{doc_id}:{access}".encode()).hexdigest()[:32]
    except OSError as error:
        raise PaperError(path.name, f"cannot be read: {error.strerror or error}; check the "
                                    "file is there and committee-qa may read it") from None
    return doc_id


def _ingest_one(path: Path, doc_id: str, known: dict[str, PaperRecord], store: Store,
                max_bytes: int, library: Library | None) -> PaperRecord | None | _Pending:
    """One paper: None if unchanged, the record of a twin (committed: its chunks are stored
    already), or the paper read and chunked, to be embedded with others."""
    previous = known.get(path.name)
    twin = next((r for r in known.values() if r.doc_id == doc_id), None)
    if twin is not None and library is not None and not library.holds(doc_id):
        _keep_copy(path, doc_id, store, library, max_bytes)
    if previous is not None and previous.doc_id == doc_id:
        return None
    if twin is not None:  # the same paper under another name: its chunks are stored already
        record = replace(twin, source=path.name, ingested_at=_now())
        store.commit_paper(record)
        return record
    overrides = read_sidecar(path)
    access = access_of(path, overrides.pop("access", ""))
    try:
        paper = read_paper(path, max_bytes=max_bytes)
        chunks = [replace(c, access=access) for c in chunk_paper(paper, doc_id, overrides)]
    except PaperError:
        raise
    except Exception as error:  # a file no reader foresaw must not stop the batch
        detail = (str(error).strip().splitlines() or [""])[0][:100]
        raise PaperError(path.name, f"could not be read ({type(error).__name__}: {detail}); "
                                    "report it to the committee-qa maintainers with the "
                                    "file") from error
    if library is not None:
        library.keep(doc_id, path, paper, chunks)
    record = PaperRecord(source=path.name, doc_id=doc_id, title=paper.title,
                         chunks=len(chunks), ingested_at=_now(), access=access)
    return _Pending(record, chunks)


def _keep_copy(path: Path, doc_id: str, store: Store, library: Library, max_bytes: int) -> None:
    """Keep the copy of a paper stored by an ingest that kept none: read it again, and keep
    it if it reads as its stored passages say (their spans count in the text as read)."""
    try:
        paper = read_paper(path, max_bytes=max_bytes)
    except Exception as error:  # it was read once: the stored paper stays, without a copy
        log.warning("%s: kept no copy for the source viewer (%s)", path.name, error)
        return
    stored = list(store.chunks(live={doc_id}))
    if stored and all(paper.text[c.start : c.end] == c.text for c in stored):
        library.keep(doc_id, path, paper, stored)
    else:  # read differently by this version than by the one that stored it
        log.warning("%s reads differently now than when it was ingested: the source viewer "
                    "cannot show it; ingest the papers into a new --index folder", path.name)


RESTRICTED_FOLDER = "restricted"


def access_of(path: Path, stated: str = "") -> str:
    """Who may read a paper: what its sidecar states, else "restricted" for a paper in a
    folder named `restricted` (exempt information, "Part B"), else "public"."""
    if stated:
        return stated
    return "restricted" if path.parent.name.lower() == RESTRICTED_FOLDER else "public"


def _rename_orphaned_chunks(left: list[PaperRecord], known: dict[str, PaperRecord],
                            store: Store) -> None:
    """Passages keep the name of the file they were first read from; when that name leaves
    the index but the same paper stays under another, cite them by the name that stays."""
    for old in left:
        names = sorted(s for s, r in known.items() if r.doc_id == old.doc_id)
        if not names:
            continue  # the paper has gone: sweep deletes its chunks
        chunks = [c for c in store.chunks(live={old.doc_id}) if c.source not in names]
        if chunks:  # the model never sees the file name: the stored vectors stand as they are
            store.write_chunks([replace(c, source=names[0]) for c in chunks],
                               store.vectors(chunks))


def _failure(path: Path, reason: str) -> PaperFailure:
    """A failure whose message stays on one line whatever the file is called."""
    return PaperFailure(_one_line(str(path)), _one_line(reason))


def _one_line(text: str) -> str:
    return "".join(c if c.isprintable() or c == " " else _escaped(c) for c in text)


def _escaped(char: str) -> str:
    if "\udc80" <= char <= "\udcff":  # a byte of a file name that is not UTF-8
        return f"\\x{ord(char) - 0xDC00:02x}"
    return repr(char)[1:-1]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
