"""Files -> the index: read, chunk, embed and store each paper, one whole paper at a time."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from .chunking import chunk_paper
from .errors import PaperError
from .papers import SUPPORTED_SUFFIXES, content_hash, read_paper, read_sidecar, sidecar_path
from .schema import IngestReport, PaperFailure, PaperRecord
from .store import Store

Progress = Callable[[str], None]  # told the name of each paper as it is finished


class ChunkEmbedder(Protocol):
    def embed_texts(self, texts: Sequence[str]) -> list[list[float]]: ...


def find_papers(paths: Iterable[Path]) -> tuple[list[Path], list[PaperFailure]]:
    """The paper files named by `paths` (folders are searched), and paths that do not exist."""
    files: list[Path] = []
    missing: list[PaperFailure] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".json")
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append(PaperFailure(str(path), "no such file or folder"))
    return files, missing


def ingest(paths: Sequence[Path], store: Store, embedder: ChunkEmbedder, *,
           prune: bool = False, progress: Progress | None = None) -> IngestReport:
    """Bring the index up to date with the papers at `paths`; unchanged papers cost a hash."""
    report = IngestReport()
    files, missing = find_papers(paths)
    report.failed.extend(missing)
    known = store.papers()
    before = set(known)
    seen: set[str] = set()
    for path in files:
        source = path.name
        if source in seen:
            report.failed.append(PaperFailure(
                str(path), f"another file named {source} is in this batch; rename one of them"))
            continue
        seen.add(source)
        try:
            record, embedded = _ingest_one(path, known, store, embedder)
        except PaperError as error:
            report.failed.append(PaperFailure(str(path), error.reason))
        else:
            outcome = report.unchanged if record is None else (
                report.replaced if source in known else report.added)
            outcome.append(source)
            report.chunks_embedded += embedded
            if record is not None:
                known[source] = record
        if progress:
            progress(source)
    if prune:
        for source in sorted(before - seen):
            store.forget_paper(source)
            report.pruned.append(source)
    store.sweep()
    return report


def _ingest_one(path: Path, known: dict[str, PaperRecord], store: Store,
                embedder: ChunkEmbedder) -> tuple[PaperRecord | None, int]:
    """Ingest one paper: its new ledger record (None if unchanged) and the chunks embedded."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise PaperError(path.name, f"unsupported file type '{path.suffix}'; committee-qa reads "
                                    ".txt, .md, .pdf, .docx, .html")
    try:
        doc_id = content_hash(path)[:32]
        overrides = read_sidecar(path)
        if overrides:  # what a sidecar states is part of the paper's identity
            doc_id = hashlib.sha256(
                (doc_id + content_hash(sidecar_path(path))).encode()).hexdigest()[:32]
    except OSError as error:
        raise PaperError(path.name, f"cannot be read: {error.strerror or error}") from None
    previous = known.get(path.name)
    if previous is not None and previous.doc_id == doc_id:
        return None, 0
    twin = next((r for r in known.values() if r.doc_id == doc_id), None)
    if twin is not None:  # the same paper under another name: its chunks are stored already
        record = replace(twin, source=path.name, ingested_at=_now())
        store.commit_paper(record)
        return record, 0
    paper = read_paper(path)
    chunks = chunk_paper(paper, doc_id, overrides)
    vectors = embedder.embed_texts([c.embedding_text for c in chunks])
    store.write_chunks(chunks, vectors)
    record = PaperRecord(source=path.name, doc_id=doc_id, title=paper.title,
                         chunks=len(chunks), ingested_at=_now())
    store.commit_paper(record)
    return record, len(chunks)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
