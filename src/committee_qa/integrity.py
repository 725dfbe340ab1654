"""The index checks itself: what it holds, what is wrong with it, and what can be mended.

Wrong can mean: a paper in the ledger whose passages are not all stored (the index was
copied half-way, or a store failed mid-write); passages no paper names (left by a crash,
swept at the next ingest anyway); an ingest lease left by a process that died.
"""

from __future__ import annotations

import time

from .decisions import extract_decisions
from .lease import LEASE, IngestLease, lapsed
from .schema import IndexStatus
from .store import Store


def inspect(store: Store) -> IndexStatus:
    """What the index holds, and a sentence for each thing wrong with it."""
    papers = store.papers(fresh=True)
    counts = store.chunk_counts()
    live = {r.doc_id for r in papers.values()}
    problems = []
    for record in sorted(papers.values(), key=lambda r: r.source):
        stored = counts.get(record.doc_id, 0)
        if stored != record.chunks:
            problems.append(
                f"{record.source}: {stored} of its {record.chunks} passages are stored; "
                "`status --repair` removes it, then ingest it again")
    orphans = {d: n for d, n in counts.items() if d not in live}
    if orphans:
        problems.append(
            f"{sum(orphans.values())} passages of {len(orphans)} unfinished or replaced "
            "papers are stored but never searched; `status --repair` (or the next ingest) "
            "deletes them")
    lease = store.read_note(LEASE)
    if lease and lapsed(lease, time.time()):
        problems.append(
            f"an ingest lease is left by process {lease.get('pid')} on {lease.get('host')}, "
            "which is no longer running; `status --repair` clears it")
    built = store.built_with()
    return IndexStatus(
        location=store.location, embedding_model=built["embedding_model"],
        schema_version=built["schema_version"], papers=len(papers), documents=len(live),
        chunks=sum(n for d, n in counts.items() if d in live),
        decisions=len(extract_decisions(store.chunks(live))), size_bytes=store.size_bytes(),
        problems=tuple(problems))


def repair(store: Store) -> list[str]:
    """Mend what `inspect` finds, under the ingest lease; a line for each thing done."""
    done = []
    lease = store.read_note(LEASE)
    if lease and lapsed(lease, time.time()):
        store.erase_note(LEASE)
        done.append(f"cleared the lease left by process {lease.get('pid')} on "
                    f"{lease.get('host')}")
    with IngestLease(store):
        counts = store.chunk_counts()
        for record in store.papers(fresh=True).values():
            if counts.get(record.doc_id, 0) != record.chunks:
                store.forget_paper(record.source)
                done.append(f"removed {record.source}, whose passages were not all stored: "
                            "ingest it again")
        swept = store.sweep()
        if swept:
            done.append(f"deleted the passages of {swept} papers that no ledger record names")
    return done
