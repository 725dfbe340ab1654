"""Stopwatches for the benchmark: stage timers wrapped around the product's own calls, the
machine's description, peak memory, and the question run done in a fresh process.

    python bench/measure.py questions INDEX QUESTIONS.json   # run by bench/run.py
"""

from __future__ import annotations

import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

T0_VARIABLE = "COMMITTEE_QA_BENCH_T0"  # wall-clock time the parent started the process


class Stages:
    """Seconds spent in named calls, summed; wrap the calls with `wrap` or time with `timed`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.last: dict[str, float] = {}

    def wrap(self, owner: Any, attribute: str, name: str | None = None) -> None:
        """Replace owner.attribute by a timed version of itself."""
        original = getattr(owner, attribute)
        label = name or attribute

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                self.seconds[label] += spent
                self.calls[label] += 1
                self.last[label] = spent

        setattr(owner, attribute, timed)

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - started
            self.calls[name] += 1

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()

    def snapshot(self) -> dict[str, dict[str, float]]:
        return {name: {"seconds": round(s, 4), "calls": self.calls[name]}
                for name, s in sorted(self.seconds.items(), key=lambda kv: -kv[1])}


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with `share` of the values at or below."""
    ordered = sorted(values)
    rank = max(1, int(-(-share * len(ordered) // 1)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50": round(statistics.median(ms), 1),
            "p95": round(percentile(ms, 0.95), 1), "max": round(max(ms), 1),
            "mean": round(statistics.fmean(ms), 1)}


def peak_rss_mb(pid: int | str = "self") -> float:
    """The high-water mark of a process's resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def source_commit() -> str:
    """The commit of the package code this process runs, and whether it is a clean copy."""
    import committee_qa

    here = Path(__file__).resolve().parent
    source = Path(committee_qa.__file__).resolve().parent.parent.parent
    if (source / "COMMIT").exists():  # a clean copy of src/ on PYTHONPATH, as run.py makes
        commit = (source / "COMMIT").read_text().strip()
        return f"{commit} (clean copy of its src/ in {source}, on PYTHONPATH)"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=here).stdout.strip()
    # Others edit the working tree too: name the package files that differ from the commit.
    dirty = subprocess.run(["git", "status", "--short", "--", "../src"], capture_output=True,
                           text=True, cwd=here).stdout.split("\n")
    if any(line.strip() for line in dirty):
        commit += " + uncommitted changes to " + ", ".join(
            line[3:].strip() for line in dirty if line.strip())
    return commit


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    from importlib.metadata import PackageNotFoundError, version

    versions: dict[str, str] = {}
    for package in ("torch", "sentence-transformers", "onnxruntime", "chromadb",
                    "langchain-chroma"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    commit = source_commit()
    return {"nproc": os.cpu_count(), "memory_gb": round(int(memory.split()[1]) / 1024**2, 1),
            "cpu": cpu, "python": platform.python_version(), "versions": versions,
            "commit": commit, "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def cpu_and_load() -> dict[str, Any]:
    """This process's CPU seconds so far and the machine's load: other work shares the cores."""
    times = os.times()
    return {"cpu_seconds": round(times.user + times.system, 1),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


# -- the question run, in a fresh process ----------------------------------------------------

def run_questions(index: Path, questions_file: Path, limit: int = 0) -> dict[str, Any]:
    """Build the assistant over `index` as the app does (over the Chroma server
    COMMITTEE_QA_CHROMA_URL names, if set), answer the first question (cold start), then
    time every question (the first `limit`, if given): retrieval plus the offline answer."""
    t0 = float(os.environ.get(T0_VARIABLE, time.time()))
    marks: dict[str, float] = {"python_started": round(time.time() - t0, 3)}
    from committee_qa.config import Settings
    from committee_qa.filters import parse_filters
    from committee_qa.wiring import build_assistant

    marks["imported"] = round(time.time() - t0, 3)
    assistant = build_assistant(Settings.load(index=index))
    marks["assistant_built"] = round(time.time() - t0, 3)
    questions = json.loads(questions_file.read_text())
    questions = questions[:limit] if limit else questions
    first = questions[0]
    answer, _ = assistant.ask_with_passages(first["question"])
    marks["first_answer"] = round(time.time() - t0, 3)
    memory_after_start = peak_rss_mb()

    stages = Stages()
    retriever = assistant.retriever
    stages.wrap(retriever.embedder, "embed_query", "embed question")
    stages.wrap(retriever.store, "search", "dense search (Chroma)")
    stages.wrap(retriever.keyword, "search", "keyword search (BM25, tantivy)")
    stages.wrap(retriever, "chunks", "passages read from Chroma")
    stages.wrap(retriever, "known", "known values (filters)")
    stages.wrap(assistant.answerer, "answer", "answer from passages")
    stages.wrap(assistant.answerer, "_similarities", "  of which: embed sentences")

    for q in questions[:3]:  # warm caches the way a running app has them
        assistant.ask_with_passages(q["question"])
    stages.reset()
    by_kind: dict[str, list[float]] = defaultdict(list)
    per_stage: dict[str, list[float]] = defaultdict(list)
    found: dict[str, int] = defaultdict(int)
    for q in questions:
        filters = parse_filters(q.get("committee", ()), q.get("doc_type", ()),
                                q.get("since", ""), q.get("until", ""))
        before = dict(stages.seconds)
        started = time.perf_counter()
        answer, _passages = assistant.ask_with_passages(q["question"], filters=filters)
        spent = time.perf_counter() - started
        by_kind[q["kind"]].append(spent)
        for name, total in stages.seconds.items():
            per_stage[name].append(total - before.get(name, 0.0))
        if q["answer"] in answer.text:
            found[q["kind"]] += 1
    result = {
        "cold_start_marks_s": marks,
        "first_answer_abstained": answer.abstained,
        "latency_ms": {kind: summary_ms(times) for kind, times in by_kind.items()},
        "latency_ms_all": summary_ms([t for times in by_kind.values() for t in times]),
        "stage_ms_p50": {name: round(statistics.median(v) * 1000, 1)
                         for name, v in per_stage.items()},
        "answer_quotes_expected_figure": {kind: f"{found[kind]}/{len(by_kind[kind])}"
                                          for kind in by_kind},
        "chunks": retriever.keyword.passages,
        "peak_rss_mb_after_first_answer": memory_after_start,
        "peak_rss_mb": peak_rss_mb(),
    }
    return result


def main() -> None:
    if sys.argv[1] == "questions":
        print("RESULT " + json.dumps(run_questions(Path(sys.argv[2]), Path(sys.argv[3]))))


if __name__ == "__main__":
    main()
