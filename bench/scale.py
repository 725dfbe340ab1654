"""The archive at scale (issue 14): everything after embedding, at 100k to 1M passages.

Embedding a million passages takes hours on this machine, so here the passages are the
generator's papers read and chunked by the product as ingest reads them, with synthetic
vectors (seeded, normalised random: Chroma's index works as hard as on real ones, but
dense search finds nothing by meaning, so answers rest on the keyword side), and each
passage's sentences' vectors (meanings.py) are synthetic too. Measured:
Chroma add, the keyword indexes built from Chroma, cold start and question latency in a
fresh process (with and without filters), one paper changed through the product's own
ingest (embedded for real), peak memory, and a replica of a real `chroma run` server
starting from nothing, then again from its own keyword index, then behind by one paper.

    nice -n 10 .venv/bin/python bench/scale.py --passages 1000000 --phases build --minutes 20
    nice -n 10 .venv/bin/python bench/scale.py --passages 1000000 --phases keyword,questions,change
    nice -n 10 .venv/bin/python bench/scale.py --passages 100000 --phases replica

`build` resumes where an earlier run stopped (papers already in the ledger are skipped), so
a large corpus can be stored over several runs of `--minutes` each. Corpora and indexes
live under --work (default /tmp/bench/scale-<label>); figures go to
bench/results/scale-<label>.json and docs/BENCHMARKS.md is rendered again.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from corpus import make_paper  # noqa: E402
from measure import T0_VARIABLE, Stages, cpu_and_load, machine, peak_rss_mb  # noqa: E402
from run import RESULTS, question_set  # noqa: E402

from committee_qa.chunking import chunk_paper  # noqa: E402
from committee_qa.config import Settings  # noqa: E402
from committee_qa.ingestion import paper_identity  # noqa: E402
from committee_qa.meanings import openings, pack  # noqa: E402
from committee_qa.papers import read_paper  # noqa: E402
from committee_qa.schema import PaperRecord  # noqa: E402
from committee_qa.store import Store  # noqa: E402
from committee_qa.wiring import ledger_file  # noqa: E402

PHASES = ("build", "keyword", "questions", "change", "replica")
MODEL, DIMENSION = "all-MiniLM-L6-v2-int8", 384  # what the product's default embedder is
BATCH = 5000  # passages per Chroma write, then one ledger commit for their papers
CHROMA = Path(sys.executable).with_name("chroma")


class Scale:
    """One scale run: its settings, its results so far, and where they are kept."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        size = args.passages
        self.label = args.label or (f"{size // 1_000_000}m" if size % 1_000_000 == 0 else
                                    f"{size // 1000}k")
        self.work = args.work / f"scale-{self.label}"
        self.papers = self.work / "papers"
        self.index = self.work / "index"
        self.file = args.results / f"scale-{self.label}.json"
        self.results: dict[str, Any] = (json.loads(self.file.read_text()) if self.file.exists()
                                        else {"label": f"scale-{self.label}", "kind": "scale",
                                              "target_passages": size, "seed": args.seed,
                                              "phases": {}})
        self.results.update(complete=False, pid=os.getpid(), machine=machine(),
                            started=datetime.now(UTC).isoformat(timespec="seconds"))
        self.results.setdefault("commands", []).append(
            (f"nice -n {os.nice(0)} " if os.nice(0) else "") + ".venv/bin/python bench/scale.py "
            + " ".join(sys.argv[1:]))

    def save(self, phase: str | None = None, figures: dict[str, Any] | None = None) -> None:
        if phase is not None:
            self.results["phases"][phase] = {**(figures or {}), "after": cpu_and_load()}
            print(f"[{time.strftime('%H:%M:%S')}] {phase}: {json.dumps(figures)[:800]}",
                  flush=True)
        self.file.parent.mkdir(parents=True, exist_ok=True)
        self.file.write_text(json.dumps(self.results, indent=1) + "\n", encoding="utf-8")
        import importlib

        import report

        out = (BENCH.parent / "docs" / "BENCHMARKS.md" if self.args.results == RESULTS
               else self.args.results / "BENCHMARKS.md")
        importlib.reload(report).render(self.args.results, out)


def vectors(seed: int, count: int) -> np.ndarray:
    """Seeded random unit vectors of the product's dimension."""
    found = np.random.default_rng(seed).standard_normal((count, DIMENSION), dtype=np.float32)
    return found / np.linalg.norm(found, axis=1, keepdims=True)


def build(run: Scale) -> None:
    """Papers 0, 1, 2 ... of the seed written as text, read and chunked by the product,
    stored in Chroma with synthetic vectors, until the passages asked for are stored."""
    run.papers.mkdir(parents=True, exist_ok=True)
    store = Store.open(run.index, Settings().collection, MODEL, DIMENSION)
    # The copy of the ledger kept on disk, as the product's ingest leaves it (read once
    # at the end of the build).
    store.ledger_file = ledger_file(Settings.load(index=run.index))
    stages = Stages()
    known = {r.source for r in store.papers().values()}
    stored = store.count_chunks()
    facts: list[dict[str, Any]] = []
    facts_file = run.work / "facts.jsonl"
    before = dict(run.results["phases"].get("build", {}))
    started, cpu = time.perf_counter(), time.process_time()
    deadline = started + run.args.minutes * 60 if run.args.minutes else float("inf")
    batch: list[tuple[PaperRecord, list[Any]]] = []
    number = before.get("papers", 0)

    def flush() -> None:
        chunks = [c for _, cs in batch for c in cs]
        with stages.timed("sentence meanings (the product's sentences, synthetic vectors)"):
            # Each passage carries its weighed sentences' vectors, as ingest stores them.
            chunks = [replace(c, meanings=pack(c.text, vectors(
                run.args.seed * 1_000_003 + number + 7919 * i, len(openings(c.text)))))
                for i, c in enumerate(chunks)]
        with stages.timed("Chroma add (write_chunks)"):
            store.write_chunks(chunks, vectors(run.args.seed * 1_000_003 + number,
                                               len(chunks)).tolist())
        with stages.timed("ledger commit (commit_papers)"):
            store.commit_papers([r for r, _ in batch])
        batch.clear()

    with facts_file.open("a", encoding="utf-8") as out:
        while stored < run.args.passages and time.perf_counter() < deadline:
            with stages.timed("generate papers"):
                paper = make_paper(run.args.seed, number)
                path = run.papers / (paper.name.rsplit(".", 1)[0] + ".txt")
                if not path.exists():
                    path.write_text(paper.text, encoding="utf-8")
            number += 1
            if path.name in known:
                continue
            with stages.timed("read and chunk (the product's)"):
                doc_id = paper_identity(path)
                read = read_paper(path)
                chunks = chunk_paper(read, doc_id, {})
            record = PaperRecord(source=path.name, doc_id=doc_id, title=read.title,
                                 chunks=len(chunks), ingested_at=datetime.now(UTC).isoformat())
            batch.append((record, chunks))
            stored += len(chunks)
            for fact in paper.facts:
                out.write(json.dumps({**fact.__dict__, "source": path.name}) + "\n")
            facts.extend(paper.facts)
            if sum(len(cs) for _, cs in batch) >= BATCH:
                flush()
        if batch:
            flush()
    store.papers()  # read once and kept on disk, as the product's refresh after an ingest does
    spent = stages.snapshot()
    sums = {name: round(before.get("stages", {}).get(name, {}).get("seconds", 0.0)
                        + s["seconds"], 2) for name, s in spent.items()}
    run.save("build", {
        "papers": number, "passages": stored, "complete": stored >= run.args.passages,
        "seconds": round(before.get("seconds", 0.0) + time.perf_counter() - started, 1),
        "process_cpu_seconds": round(before.get("process_cpu_seconds", 0.0)
                                     + time.process_time() - cpu, 1),
        "stages": {name: {"seconds": s} for name, s in sums.items()},
        "chroma_megabytes": round(sum(f.stat().st_size for f in run.index.rglob("*")
                                      if f.is_file()) / 1e6),
        "peak_rss_mb_of_this_run": peak_rss_mb()})


def fresh(run: Scale, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """bench/scale.py's own measurements in a process of its own; its RESULT line."""
    environ = {**os.environ, T0_VARIABLE: repr(time.time()), **(env or {}),
               "PYTHONPATH": ":".join([str(BENCH), *filter(None, [os.environ.get(
                   "PYTHONPATH")])])}
    done = subprocess.run([sys.executable, str(BENCH / "scale.py"), "--inner", *args],
                          env=environ, capture_output=True, text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"{args[0]} failed: {done.stderr[-3000:]}")
    return dict(json.loads(line[len("RESULT "):]))


def inner_keyword(index: str) -> dict[str, Any]:
    """The keyword indexes built from Chroma as the product builds them (none on disk)."""
    from committee_qa import keyword, views
    from committee_qa.retrieval import HybridRetriever
    from committee_qa.wiring import keyword_folder

    settings = Settings.load(index=Path(index))
    folder = keyword_folder(settings)
    shutil.rmtree(folder, ignore_errors=True)
    store = Store.open(Path(index), settings.collection, MODEL, DIMENSION)
    stages = Stages()
    stages.wrap(keyword, "terms", "analyse (text.terms)")  # as keyword.document calls it
    stages.wrap(views, "document", "  of which: analyse and make the tantivy document")
    for name in ("add", "commit", "close", "clear"):
        stages.wrap(keyword.KeywordWriter, name, f"tantivy writer.{name}")
    started, cpu = time.perf_counter(), time.process_time()

    class NoEmbed:
        def embed_query(self, text: str) -> list[float]:
            raise AssertionError("not used")

    retriever = HybridRetriever(NoEmbed(), store, folder=folder)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 1), "process_cpu_seconds": round(
        time.process_time() - cpu, 1), "passages": retriever.keyword.passages,
        "stages": stages.snapshot(), "peak_rss_mb": peak_rss_mb(),
        "megabytes_on_disk": round(sum(f.stat().st_size for f in folder.rglob("*")
                                       if f.is_file()) / 1e6)}


def inner_change(index: str, paper: str) -> dict[str, Any]:
    """One paper corrected, through the product's ingest of that file (embedded for real),
    in a process that has answered a question first: the time to the next answer."""
    from committee_qa.wiring import build_assistant

    settings = Settings.load(index=Path(index))
    assistant = build_assistant(settings)
    assistant.ask("How many library visits were there?")
    stages = Stages()
    for name in ("write_chunks", "commit_papers", "sweep", "papers", "_read_ledger", "chunks",
                 "count_chunks", "embedded"):
        stages.wrap(assistant.store, name, f"store.{name}")
    stages.wrap(assistant.embedder, "embed_texts", "embedder.embed_texts")
    stages.wrap(assistant.retriever, "refresh", "retriever.refresh (keyword indexes)")
    stages.wrap(assistant.readers, "_read", "readers._read (answerers)")
    source = Path(paper)
    corrected = source.parent.parent / "corrected" / source.name
    corrected.parent.mkdir(exist_ok=True)
    results = {}
    for label, text in (("changed", source.read_text(encoding="utf-8") + "\nThis paper was "
                         "corrected on 3 March 2025 to add the name of the Chair.\n"),
                        ("restored", source.read_text(encoding="utf-8"))):
        corrected.write_text(text, encoding="utf-8")
        stages.reset()
        started = time.perf_counter()
        report = assistant.ingest([corrected])
        ingested = time.perf_counter() - started
        assistant.ask("How many library visits were there?")
        results[label] = {"ingest_seconds": round(ingested, 2),
                          "to_next_answer_seconds": round(time.perf_counter() - started, 2),
                          "replaced": report.replaced, "chunks_embedded": report.chunks_embedded,
                          "stages": stages.snapshot()}
    return {**results, "paper": source.name, "peak_rss_mb": peak_rss_mb()}


def questions(run: Scale) -> Path:
    """The generator's questions about the stored papers (bench/run.py's kinds)."""
    from corpus import Fact

    made = [SimpleNamespace(facts=[])]
    for line in (run.work / "facts.jsonl").read_text(encoding="utf-8").splitlines():
        made[0].facts.append(Fact(**json.loads(line)))
    return question_set(SimpleNamespace(args=SimpleNamespace(seed=run.args.seed,
                                                             questions=run.args.questions),
                                        work=run.work), made)  # type: ignore[arg-type]


def replica(run: Scale, asked: Path) -> None:
    """A replica of `chroma run` over the index: first start (no keyword index of its own),
    restart (its own index on disk), restart behind one paper ingested by another process."""
    sys.path.insert(0, str(BENCH.parent / "tests"))
    from conftest import free_port, start_server, stop_server

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server([str(CHROMA), "run", "--path", str(run.index), "--host", "127.0.0.1",
                           "--port", str(port)], run.work / "chroma-server.log",
                          f"{url}/api/v2/heartbeat", {**os.environ,
                                                      "ANONYMIZED_TELEMETRY": "False"}, 300)
    local = run.work / "replica-disk"
    shutil.rmtree(local, ignore_errors=True)
    env = {"COMMITTEE_QA_CHROMA_URL": url}  # and the replica's own disk as its --index
    figures: dict[str, Any] = {"server": f"chroma run --path {run.index} --port {port}"}
    try:
        for label in ("first start (builds its keyword index from the server)",
                      "restart (reads its own keyword index)"):
            figures[label] = fresh(run, "questions", str(local), str(asked), "20", env=env)
        paper = next(run.papers.glob("*minutes*.txt"))
        figures["one paper changed by another process"] = fresh(
            run, "change", str(run.work / "ingester-disk"), str(paper), env=env)
        figures["restart behind that change"] = fresh(run, "questions", str(local),
                                                      str(asked), "20", env=env)
    finally:
        stop_server(server)
    run.save("replica", figures)


def main() -> None:
    if sys.argv[1:2] == ["--inner"]:
        what, *args = sys.argv[2:]
        if what == "keyword":
            found = inner_keyword(*args)
        elif what == "change":
            found = inner_change(*args)
        else:
            from measure import run_questions

            found = run_questions(Path(args[0]), Path(args[1]), limit=int(args[2]))
        print("RESULT " + json.dumps(found), flush=True)
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--questions", type=int, default=100, help="questions of each kind")
    parser.add_argument("--minutes", type=float, default=0,
                        help="stop storing papers after this long (build resumes later)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench"))
    parser.add_argument("--label", default="")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--phases", default="build,keyword,questions,change",
                        help="comma-separated subset of " + ",".join(PHASES))
    args = parser.parse_args()
    run = Scale(args)
    phases = args.phases.split(",")
    run.save()
    if "build" in phases:
        build(run)
    if not run.results["phases"].get("build", {}).get("complete"):
        print("the corpus is not all stored yet: run --phases build again", flush=True)
        return
    if "keyword" in phases:
        run.save("keyword", fresh(run, "keyword", str(run.index)))
    asked = questions(run)
    if "questions" in phases:
        run.save("questions", fresh(run, "questions", str(run.index), str(asked), "0"))
    if "change" in phases:
        paper = next(run.papers.glob("*pack*.txt"))
        run.save("change", fresh(run, "change", str(run.index), str(paper)))
    if "replica" in phases:
        replica(run, asked)
    run.results.update(complete=True, finished=datetime.now(UTC).isoformat(timespec="seconds"))
    run.save()


if __name__ == "__main__":
    main()
