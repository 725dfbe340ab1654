"""Ingests killed with SIGKILL at random points, many times: every paper is wholly present
(all its passages, keyword entries and decisions) or wholly absent, and a re-run completes.
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
# councillor's question depends on.
CHECK = """
import json, sys
from pathlib import Path
from committee_qa.store import Store
from committee_qa.retrieval import HybridRetriever
from committee_qa.decisions import extract_decisions
store = Store.open(Path(sys.argv[1]), "committee_papers", "all-MiniLM-L6-v2-int8", 384)
papers = store.papers()
counts = store.chunk_counts()
chunks = list(store.chunks())
class NoEmbed:
    def embed_query(self, text): raise AssertionError("not used")
keyword = HybridRetriever(NoEmbed(), store).keyword
print(json.dumps({
    "papers": {s: [r.doc_id, r.chunks, counts.get(r.doc_id, 0)] for s, r in papers.items()},
    "live_chunks": len(chunks), "ids": len({c.chunk_id for c in chunks}),
    "keyword": len(keyword.chunks),
    "keyword_docs": sorted({c.doc_id for c in keyword.chunks}),
    "decision_docs": sorted({d.source for d in extract_decisions(chunks)}),
}))
"""


def check(index: Path) -> dict:
    """The index as a fresh process reads it, asserting every paper is whole."""
    done = subprocess.run([sys.executable, "-c", CHECK, str(index)], env=ENV,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout)
    live = {doc_id for doc_id, _n, _stored in state["papers"].values()}
    for source, (_doc_id, expected, stored) in state["papers"].items():
        assert stored == expected, f"{source}: {stored} of {expected} passages stored"
    whole = sum({d: n for d, n, _s in state["papers"].values()}.values())
    assert state["live_chunks"] == state["ids"] == state["keyword"] == whole
    assert set(state["keyword_docs"]) == live
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
