"""Ingests killed with SIGKILL at random points, many times: every paper is wholly present
(all its passages, keyword entries and decisions) or wholly absent, the keyword indexes on
disk hold what their state says (or are made to), and a re-run completes.
Real processes on a real index; the seed of the kill times is printed for a rerun."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import CITY, COUNTY, SAMPLES, write_minutes

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
KILLS = 6

# Run in a process of its own, as a fresh reader of the index would be: the facts a
# councillor's question depends on. The keyword indexes are read first as the killed
# process left them (under their writers' lock: an ingest may be running), then as a
# reader brings them up to the ledger.
CHECK = """
import json, sys
from pathlib import Path
from committee_qa.config import Settings
from committee_qa.keyword import KeywordIndex
from committee_qa.store import Store
from committee_qa.retrieval import HybridRetriever
from committee_qa.decisions import extract_decisions
from committee_qa.schema import ACCESS_LEVELS as LEVELS
from committee_qa.views import STATE
from committee_qa.wiring import keyword_folder
index = Path(sys.argv[1])
folder = keyword_folder(Settings.load(index=index))
indexes = [KeywordIndex(folder / level) for level in LEVELS]
writers = [i.writer() for i in indexes]
left = json.loads((folder / STATE).read_text()) if (folder / STATE).exists() else None
held = {level: i.search().values("doc_id") for level, i in zip(LEVELS, indexes)}
for w in writers:
    w.close(committed=False)
store = Store.open(index, "committee_papers", "all-MiniLM-L6-v2-int8", 384)
class NoEmbed:
    def embed_query(self, text): raise AssertionError("not used")
# One reading of the ledger for everything: an ingest committing a paper between two reads
# would compare one moment's ledger with another's passages.
while True:
    papers = store.papers()
    counts = store.chunk_counts()
    chunks = list(store.chunks(live={r.doc_id for r in papers.values()}))
    retriever = HybridRetriever(NoEmbed(), store, folder=folder)
    keyword = retriever.view("restricted").keyword
    if store.papers() == papers:
        break
print(json.dumps({
    "papers": {s: [r.doc_id, r.chunks, counts.get(r.doc_id, 0)] for s, r in papers.items()},
    "live_chunks": len(chunks), "ids": len({c.chunk_id for c in chunks}),
    "left": left, "held": held,
    "keyword": sorted(keyword.ids()),
    "chunk_ids": sorted(c.chunk_id for c in chunks),
    "keyword_docs": sorted(keyword.values("doc_id")),
    "decision_docs": sorted({d.source for d in extract_decisions(chunks)}),
    "register_docs": sorted({d.source for d in retriever.decisions("restricted")}),
}))
"""


def check(index: Path) -> dict:
    """The index as a fresh process reads it, asserting every paper is whole, and that the
    keyword indexes held no more and no less than their state said, pending papers aside."""
    done = subprocess.run([sys.executable, "-c", CHECK, str(index)], env=ENV,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout)
    live = {doc_id for doc_id, _n, _stored in state["papers"].values()}
    for source, (_doc_id, expected, stored) in state["papers"].items():
        assert stored == expected, f"{source}: {stored} of {expected} passages stored"
    whole = sum({d: n for d, n, _s in state["papers"].values()}.values())
    assert state["live_chunks"] == state["ids"] == len(state["keyword"]) == whole
    assert state["keyword"] == state["chunk_ids"] and set(state["keyword_docs"]) == live
    assert state["register_docs"] == state["decision_docs"]
    left = state["left"]
    if left is not None:  # None: killed before the indexes were first built, or mid-build
        pending = set(left["pending"])
        for level, held in state["held"].items():
            named = {d: names[0][1] for d, names in left["papers"].items() if d not in pending
                     and (level == "restricted" or all(a == "public" for *_, a in names))}
            assert {d: n for d, n in held.items() if d not in pending} == named, level
    return state
def ingest(papers: Path, index: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "committee_qa", "ingest", str(papers),
                             "--index", str(index)], env=ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_ingests_killed_at_random_points_leave_papers_whole_or_absent(tmp_path: Path) -> None:
    papers = tmp_path / "papers"
    for year, visits in ((2019, "398,000"), (2020, "301,500"), (2021, "412,000")):
        write_minutes(papers, f"libraries-{year}.txt", f"3 March {year}", visits,
                      f"RESOLVED to note the report for {year}.")
    for name in (CITY, COUNTY, f"{COUNTY}.json"):
        shutil.copy(SAMPLES / name, papers / name)
    index = tmp_path / "index"
    seed = int(os.environ.get("CRASH_SEED", time.time()))
    print(f"kill times seeded with CRASH_SEED={seed}")
    chance = random.Random(seed)
    seen_partial = False
    for n in range(KILLS):
        if n == KILLS // 2:  # later kills land while an earlier run's papers are replaced
            (papers / "libraries-2019.txt").write_text(
                (papers / "libraries-2019.txt").read_text().replace("398,000", "399,000"))
        run = ingest(papers, index)
        time.sleep(chance.uniform(1.0, 10.0))
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=60)
        if not index.exists():
            continue  # killed before the index was first opened
        state = check(index)
        seen_partial |= 0 < len(state["papers"]) < 5
    final = ingest(papers, index)
    out, err = final.communicate(timeout=600)
    assert final.returncode == 0, err
    state = check(index)
    assert sorted(state["papers"]) == sorted(
        [CITY, COUNTY, "libraries-2019.txt", "libraries-2020.txt", "libraries-2021.txt"])
    assert len(state["decision_docs"]) == 4  # the city minutes and three libraries papers
    status = subprocess.run([sys.executable, "-m", "committee_qa", "status", "--index",
                             str(index)], env=ENV, capture_output=True, text=True, timeout=300)
    assert status.returncode == 0, status.stdout + status.stderr  # nothing left over
    print(f"partial states checked: {seen_partial}")


def test_a_reader_during_an_ingest_never_sees_half_a_paper(tmp_path: Path) -> None:
    papers = tmp_path / "papers"
    for name in (CITY, COUNTY, f"{COUNTY}.json"):
        shutil.copy(SAMPLES / name, papers.mkdir(exist_ok=True) or papers / name)
    index = tmp_path / "index"
    run = ingest(papers, index)
    looks = 0
    while run.poll() is None and looks < 40:
        if index.exists():
            check(index)
            looks += 1
        else:
            time.sleep(0.5)
    run.wait(timeout=600)
    assert run.returncode == 0, run.stderr.read() if run.stderr else ""
    assert len(check(index)["papers"]) == 2
