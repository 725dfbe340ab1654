"""What the parts of a keyword refresh cost on a tantivy index of N passages, alone: the
filter fields' values, a paper deleted and added again and committed, and the state file
of the papers (issue 14). The passages are random words of a 50,000-word vocabulary, 40 to
a paper, in the product's schema; no Chroma, no analyzer.

    nice .venv/bin/python bench/keyword_parts.py --passages 1000000 \
        > bench/results/trials/keyword-parts-1m.json
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tantivy

from committee_qa.keyword import FIELDS, KeywordIndex, paper_key

PER_PAPER = 40
VOCABULARY = [f"w{i}" for i in range(50_000)]


def passage(rng: random.Random, paper: int, index: int) -> tantivy.Document:
    council = f"council {paper % 12}"
    return tantivy.Document(
        words=" ".join(rng.choices(VOCABULARY, k=150)), chunk_id=f"paper-{paper}:{index}",
        doc_id=f"paper-{paper}", paper=paper_key(f"paper-{paper}"), index=index, length=150,
        council=council, committee=f"{council} committee {paper % 7}",
        doc_type="minutes" if paper % 3 else "report",
        meeting_date=f"20{10 + paper % 15}-0{1 + paper % 9}-1{paper % 10}", access="public")


def timed(results: dict[str, float], label: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    value = work()
    results[label] = round(time.perf_counter() - started, 4)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/keyword-parts"))
    args = parser.parse_args()
    papers = args.passages // PER_PAPER
    shutil.rmtree(args.work, ignore_errors=True)
    index = KeywordIndex(args.work)
    rng = random.Random(1)
    results: dict[str, float] = {}
    writer = index.writer()

    def build() -> None:
        for p in range(papers):
            for i in range(PER_PAPER):
                writer.add(passage(rng, p, i))
        writer.commit()
        writer.close(True)

    timed(results, "build", build)
    state: dict[str, Any] = {"format": 1, "generation": "g", "pending": [],
             "papers": {f"paper-{p}": [[f"paper-{p}.txt", PER_PAPER, "public"]]
                        for p in range(papers)}}
    data = timed(results, "state file: dump", lambda: json.dumps(state, separators=(",", ":")))
    timed(results, "state file: load", lambda: json.loads(data))
    search = timed(results, "searcher with the papers", lambda: index.search(state["papers"]))
    for field in FIELDS:
        if field != "access":
            timed(results, f"values of {field}", functools.partial(search.values, field))
    writer = timed(results, "writer opened", index.writer)

    def change() -> None:
        writer.delete(["paper-77"])
        for i in range(PER_PAPER):
            writer.add(passage(rng, 77, i))
        writer.commit()

    timed(results, "one paper deleted, added, committed", change)
    timed(results, "writer closed (merges waited for)", lambda: writer.close(True))
    timed(results, "searcher again", lambda: index.search(state["papers"]))
    print(json.dumps({"passages": search.passages, "state_file_bytes": len(data),
                      "seconds": results}, indent=1))


if __name__ == "__main__":
    main()
