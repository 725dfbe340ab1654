"""The benchmark of issue 5: ingest throughput against the raw model, re-ingest, question
latency, cold start, peak memory and the textbook LangChain pipeline, measured in one run.

    nice -n 10 .venv/bin/python bench/run.py --chunks 10000

Corpora and indexes go under --work (default /tmp/bench); the figures go to
bench/results/<label>.json, written after every phase (marked complete at the end), and
docs/BENCHMARKS.md is rendered again from every results file there.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from corpus import Fact, GeneratedPaper, make_paper, write_paper  # noqa: E402
from measure import (  # noqa: E402
    T0_VARIABLE,
    Stages,
    cpu_and_load,
    machine,
    peak_rss_mb,
    summary_ms,
)
from report import NAMED, NAMED_FILTERED  # noqa: E402

from committee_qa.chunking import chunk_paper  # noqa: E402
from committee_qa.papers import read_paper  # noqa: E402
from committee_qa.schema import Paper  # noqa: E402

PHASES = ("raw", "batching", "ingest", "reingest", "change", "questions", "cli", "serve",
          "textbook", "profile")
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent


class Run:
    """One benchmark run: its settings, its results so far, and where they are kept."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.label = args.label or (f"{args.chunks // 1000}k" if args.chunks >= 1000
                                    else str(args.chunks))
        self.work = args.work / self.label
        self.papers_dir = self.work / "papers"
        self.index = self.work / "index"
        self.results_dir = args.results
        self.file = args.results / f"{self.label}.json"
        self.results: dict[str, Any] = {
            "label": self.label, "complete": False,
            "command": (f"PYTHONPATH={os.environ['PYTHONPATH']} " if os.environ.get(
                "PYTHONPATH") else "") + (f"nice -n {os.nice(0)} " if os.nice(0) else "")
            + ".venv/bin/python bench/run.py "
            + " ".join(sys.argv[1:]),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "pid": os.getpid(), "machine": machine(), "seed": args.seed,
            "target_chunks": args.chunks, "phases": {},
        }

    def save(self, phase: str | None = None, figures: dict[str, Any] | None = None) -> None:
        if phase is not None:
            self.results["phases"][phase] = {**(figures or {}), "after": cpu_and_load()}
            print(f"[{time.strftime('%H:%M:%S')}] {phase}: "
                  f"{json.dumps(figures)[:600]}", flush=True)
        self.results_dir.mkdir(parents=True, exist_ok=True)
        self.file.write_text(json.dumps(self.results, indent=1) + "\n", encoding="utf-8")
        import importlib

        import report  # read afresh: a run of hours should render with the latest renderer

        # A trial run elsewhere renders its own document beside its results.
        out = (ROOT / "docs" / "BENCHMARKS.md" if self.results_dir == RESULTS
               else self.results_dir / "BENCHMARKS.md")
        importlib.reload(report).render(self.results_dir, out)


# -- the corpus ---------------------------------------------------------------------------

def build_corpus(run: Run) -> list[GeneratedPaper]:
    """Papers 0, 1, 2 ... of the seed until the product's chunker makes the chunks asked for."""
    started = time.perf_counter()
    made: list[GeneratedPaper] = []
    chunks = 0
    while chunks < run.args.chunks:
        paper = make_paper(run.args.seed, len(made))
        chunks += len(chunk_paper(Paper(paper.name, "", paper.text), "estimate"))
        made.append(paper)
    manifest = run.work / "manifest.json"
    wanted = {"seed": run.args.seed, "papers": len(made)}
    if not (manifest.exists() and json.loads(manifest.read_text()) == wanted):
        shutil.rmtree(run.papers_dir, ignore_errors=True)
        run.papers_dir.mkdir(parents=True)
        for paper in made:
            write_paper(paper, run.papers_dir)
        manifest.write_text(json.dumps(wanted))
    run.save("corpus", {
        "papers": len(made), "pdf_papers": sum(p.suffix == "pdf" for p in made),
        "kinds": {k: sum(p.kind == k for p in made) for k in ("pack", "minutes", "report")},
        "councils": len({p.council for p in made}), "committees": len({p.committee for p in made}),
        "first_meeting": min(p.meeting_date for p in made),
        "last_meeting": max(p.meeting_date for p in made),
        "megabytes": round(sum(f.stat().st_size for f in run.papers_dir.iterdir()) / 1e6, 1),
        "seconds": round(time.perf_counter() - started, 1)})
    return made


def chunk_texts(run: Run) -> list[str]:
    """What the pipeline will embed: every chunk's text, read and chunked by the product."""
    started = time.perf_counter()
    texts = []
    for path in sorted(run.papers_dir.iterdir()):
        texts += [c.embedding_text for c in chunk_paper(read_paper(path), "bench")]
    run.save("read_and_chunk", {"chunks": len(texts),
                                "mean_chars": round(statistics.fmean(map(len, texts))),
                                "seconds": round(time.perf_counter() - started, 1)})
    return texts


# -- ingest ---------------------------------------------------------------------------------

def raw_model(run: Run, texts: list[str]) -> None:
    """The model alone on the same texts, each in one call: sentence-transformers on
    PyTorch (the reference), and the backend the product embeds with. With --raw-sample N,
    every k-th text, N in all: throughput is per text, so a sample spread evenly over the
    corpus measures it without encoding 100,000 texts twice more."""
    from sentence_transformers import SentenceTransformer

    from committee_qa.embedding import load_embedder, packaged_model_path

    sample = run.args.raw_sample
    if sample and sample < len(texts):
        texts = texts[:: len(texts) // sample][:sample]
    figures: dict[str, Any] = {"texts": len(texts),
                               "mean_chars": round(statistics.fmean(map(len, texts)))}
    model = SentenceTransformer(str(packaged_model_path()), device="cpu", local_files_only=True)
    product = load_embedder()
    encoders = {
        "sentence-transformers": lambda batch: model.encode(
            batch, batch_size=32, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False),
        f"product backend ({product.name})": product.embed_texts,
    }
    for name, encode in encoders.items():
        encode(texts[:64])  # warm-up, not timed
        cpu, started = time.process_time(), time.perf_counter()
        encode(texts)
        seconds = time.perf_counter() - started
        figures[name] = {"seconds": round(seconds, 1),
                         "texts_per_second": round(len(texts) / seconds, 2),
                         "process_cpu_seconds": round(time.process_time() - cpu, 1)}
    # the reference is what the issue measures the pipeline against
    figures.update(figures["sentence-transformers"], batch_size=32)
    run.save("raw", figures)


def batching(run: Run, papers: int = 15) -> None:
    """The product's embedder given one paper per call (as ingestion calls it) or all the
    same texts in one call (as the raw model is), alternated twice: CPU seconds."""
    from committee_qa.embedding import load_embedder

    per_paper = [[c.embedding_text for c in chunk_paper(read_paper(path), "bench")]
                 for path in sorted(run.papers_dir.iterdir())[:papers]]
    together = [t for texts in per_paper for t in texts]
    embedder = load_embedder()
    embedder.embed_texts(together[:64])
    figures: dict[str, Any] = {"papers": len(per_paper), "texts": len(together)}
    for label, calls in (("one call per paper", per_paper), ("one call for all", [together])) * 2:
        cpu, started = time.process_time(), time.perf_counter()
        for texts in calls:
            embedder.embed_texts(texts)
        figures.setdefault(label, []).append(
            {"cpu_seconds": round(time.process_time() - cpu, 1),
             "wall_seconds": round(time.perf_counter() - started, 1)})
    run.save("batching", figures)


def instrument(assistant: Any, stages: Stages) -> None:
    """Time each stage of the ingest pipeline where the product calls it."""
    from committee_qa import ingestion

    for name in ("content_hash", "read_sidecar", "read_paper", "chunk_paper"):
        stages.wrap(ingestion, name, f"ingestion: {name}")
    stages.wrap(assistant.embedder, "embed_texts", "embedder.embed_texts")
    for name in ("write_chunks", "commit_papers", "sweep", "papers", "chunks"):
        stages.wrap(assistant.store, name, f"store.{name}")
    stages.wrap(assistant.retriever, "refresh", "retriever.refresh (keyword index update)")
    stages.wrap(assistant.readers, "_make_answerer", "readers._make_answerer (register, idf)")


def timed_ingest(assistant: Any, stages: Stages, papers: Path) -> dict[str, Any]:
    stages.reset()
    cpu = time.process_time()
    started = time.perf_counter()
    report = assistant.ingest([papers])
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2),
            "process_cpu_seconds": round(time.process_time() - cpu, 1),
            "added": len(report.added), "replaced": len(report.replaced),
            "unchanged": len(report.unchanged), "failed": [f.source for f in report.failed],
            "chunks_embedded": report.chunks_embedded, "stages": stages.snapshot()}


def ingest_phases(run: Run, made: list[GeneratedPaper]) -> Any:
    from committee_qa.config import Settings
    from committee_qa.wiring import build_assistant

    phases = run.args.phases
    if "ingest" in phases:
        shutil.rmtree(run.index, ignore_errors=True)
    assistant = build_assistant(Settings.load(index=run.index))
    assistant.embedder.embed_texts(["warm-up"] * 64)
    stages = Stages()
    instrument(assistant, stages)
    if "ingest" in phases:
        figures = timed_ingest(assistant, stages, run.papers_dir)
        figures["chunks_per_second"] = round(figures["chunks_embedded"] / figures["seconds"], 2)
        run.save("ingest", figures)
    if "reingest" in phases:
        run.save("reingest", timed_ingest(assistant, stages, run.papers_dir))
    if "change" in phases:
        paper = next(p for p in made[len(made) // 2:] if p.kind == "pack" and p.suffix == "txt")
        path = run.papers_dir / paper.name
        original = path.read_text(encoding="utf-8")
        path.write_text(original + "\nThis paper was corrected on 3 March 2025 to add the "
                        "name of the Chair.\n", encoding="utf-8")
        try:
            changed = timed_ingest(assistant, stages, run.papers_dir)
        finally:
            path.write_text(original, encoding="utf-8")
        restored = timed_ingest(assistant, stages, run.papers_dir)
        run.save("change", {"paper": paper.name, "changed": changed, "restored": restored})
    return assistant


# -- questions ------------------------------------------------------------------------------

def question_set(run: Run, made: list[GeneratedPaper]) -> Path:
    """Questions the generator knows the answers to, asked once in the whole corpus;
    the same number plain, with committee and year filters, and with a document type too."""
    facts = [f for p in made for f in p.facts]
    asked: dict[str, int] = {}
    for fact in facts:
        asked[fact.question] = asked.get(fact.question, 0) + 1
    unique = [f for f in facts if asked[f.question] == 1]
    rng = random.Random(run.args.seed)
    rng.shuffle(unique)
    n = run.args.questions
    questions = []
    for fact in unique[:n]:
        questions.append({"kind": "plain", "question": fact.question, "answer": fact.answer})
    for fact in unique[n : 2 * n]:
        year = fact.meeting_date[:4]
        questions.append({"kind": "committee + year", "question": fact.question,
                          "answer": fact.answer, "committee": fact.keyword, "since": year,
                          "until": year})
    for fact in unique[2 * n : 3 * n]:
        questions.append({"kind": "committee + type + since", "question": fact.question,
                          "answer": fact.answer, "committee": fact.keyword,
                          "doc_type": fact.doc_type, "since": str(int(fact.meeting_date[:4]) - 2)})
    rng.shuffle(questions)
    # The same facts asked twice: in words that name their council, committee and meeting
    # year, plain, and with that committee and year set as filters too (appended after the
    # shuffle, so the kinds above are asked as in earlier runs).
    named = []
    for fact in unique[3 * n : 4 * n]:
        words = naming(fact, rng)
        year = fact.meeting_date[:4]
        named.append({"kind": NAMED, "question": words, "answer": fact.answer})
        named.append({"kind": NAMED_FILTERED, "question": words, "answer": fact.answer,
                      "committee": fact.keyword, "since": year, "until": year})
    rng.shuffle(named)
    questions += named
    path = run.work / "questions.json"
    path.write_text(json.dumps(questions, indent=1), encoding="utf-8")
    return path


_COUNCIL_KINDS = {"County", "City", "Borough", "District", "Metropolitan", "Council"}


def naming(fact: Fact, rng: random.Random) -> str:
    """The fact's question led by its council, committee and meeting year, as a person might
    write them: the full names, or the council's own words and the committee's keyword."""
    year = fact.meeting_date[:4]
    words = fact.council.split()
    while words and words[-1] in _COUNCIL_KINDS:
        words.pop()
    short = " ".join(words)
    committee = f"{fact.keyword} Committee"
    lead = rng.choice((
        f"{fact.council}, {fact.committee}, meetings in {year}:",
        f"At the {year} meetings of {short}'s {committee}:",
        f"{short} {committee}, minutes and reports of {year}:",
        f"In the {fact.committee} of {fact.council}, at its meetings in {year}:",
    ))
    return f"{lead} {fact.question}"


def child_env() -> dict[str, str]:
    path = [str(BENCH)] + [p for p in os.environ.get("PYTHONPATH", "").split(":") if p]
    return {**os.environ, T0_VARIABLE: repr(time.time()), "PYTHONPATH": ":".join(path)}


def questions_in_fresh_process(run: Run, questions: Path) -> None:
    """Cold start, latency and peak memory, in a process that starts as the app does."""
    env = child_env()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(BENCH / "measure.py"), "questions",
                           str(run.index), str(questions)], env=env, capture_output=True,
                          text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"question run failed: {done.stderr[-2000:]}")
    figures = json.loads(line[len("RESULT "):])
    figures["process_seconds"] = round(time.perf_counter() - started, 1)
    run.save("questions", figures)


def cli_cold_start(run: Run, questions: Path) -> None:
    """`committee-qa ask` from a fresh process: start to printed answer."""
    question = json.loads(questions.read_text())[0]["question"]
    times = []
    for _ in range(2):
        started = time.perf_counter()
        subprocess.run([str(VENV_BIN / "committee-qa"), "ask", question, "--index",
                        str(run.index)], capture_output=True, check=True, env=child_env())
        times.append(round(time.perf_counter() - started, 2))
    run.save("cli", {"seconds": times, "question": question})


def serve_cold_start(run: Run, questions: Path) -> None:
    """`committee-qa serve` from a fresh process to its first answer over /ask."""
    from gradio_client import Client

    question = json.loads(questions.read_text())[0]["question"]
    port = 7900 + os.getpid() % 90
    started = time.perf_counter()
    log = (run.work / "serve.log").open("wb")
    server = subprocess.Popen([str(VENV_BIN / "committee-qa"), "serve", "--index",
                               str(run.index), "--port", str(port)], env=child_env(),
                              stdout=log, stderr=subprocess.STDOUT)
    figures: dict[str, Any] = {"question": question}
    try:
        while time.perf_counter() - started < 600:
            if server.poll() is not None:
                raise RuntimeError(f"serve exited ({server.returncode}); see {log.name}")
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            except Exception:  # not listening yet
                time.sleep(0.2)
                continue
            figures["listening_s"] = round(time.perf_counter() - started, 2)
            client.predict(question, [], api_name="/ask")
            figures["first_answer_s"] = round(time.perf_counter() - started, 2)
            latencies = []
            for q in json.loads(questions.read_text())[1:21]:
                asked = time.perf_counter()
                client.predict(q["question"], [], api_name="/ask")
                latencies.append(time.perf_counter() - asked)
            figures["over_http_ms"] = summary_ms(latencies)
            figures["peak_rss_mb"] = peak_rss_mb(server.pid)
            break
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    run.save("serve", figures)


# -- the textbook pipeline ------------------------------------------------------------------

def textbook(run: Run, questions: Path) -> None:
    """RecursiveCharacterTextSplitter(1000, 200) -> Chroma.from_documents -> similarity
    search (k=4), as committee_qa.evaluation.systems.TextbookLangChain builds it, timed."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from committee_qa.embedding import packaged_model_path

    folder = run.work / "textbook"
    shutil.rmtree(folder, ignore_errors=True)
    embeddings = HuggingFaceEmbeddings(model_name=str(packaged_model_path()))
    embeddings.embed_documents(["warm-up"] * 64)
    cpu = time.process_time()
    started = time.perf_counter()
    documents = []
    for path in sorted(run.papers_dir.iterdir()):
        paper = read_paper(path)
        documents.append(Document(page_content=paper.text,
                                  metadata={"source": paper.source, "title": paper.title}))
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        documents)
    store = Chroma.from_documents(chunks, embeddings, persist_directory=str(folder))
    ingest_seconds = time.perf_counter() - started
    ingest_cpu = time.process_time() - cpu
    asked = [q for q in json.loads(questions.read_text()) if q["kind"] == "plain"]
    for q in asked[:3]:
        store.similarity_search_with_score(q["question"], k=4)
    latencies, found = [], 0
    for q in asked:
        t = time.perf_counter()
        hits = store.similarity_search_with_score(q["question"], k=4)
        latencies.append(time.perf_counter() - t)
        found += any(q["answer"] in d.page_content for d, _s in hits)
    run.save("textbook", {"chunks": len(chunks), "ingest_seconds": round(ingest_seconds, 1),
                          "chunks_per_second": round(len(chunks) / ingest_seconds, 2),
                          "ingest_process_cpu_seconds": round(ingest_cpu, 1),
                          "latency_ms": summary_ms(latencies),
                          "expected_figure_in_top4_passages": f"{found}/{len(asked)}",
                          "peak_rss_mb_of_bench_process": peak_rss_mb()})


# -- profiles -------------------------------------------------------------------------------

def profile(run: Run, assistant: Any, questions: Path) -> None:
    """Where the time of a question and of a re-ingest goes (cProfile, cumulative)."""
    from committee_qa.filters import parse_filters

    asked = json.loads(questions.read_text())[:40]
    texts = {}
    profiler = cProfile.Profile()
    profiler.enable()
    for q in asked:
        assistant.ask_with_passages(q["question"], filters=parse_filters(
            q.get("committee", ()), q.get("doc_type", ()), q.get("since", ""),
            q.get("until", "")))
    profiler.disable()
    texts["40 questions"] = _top(profiler)
    profiler = cProfile.Profile()
    profiler.enable()
    assistant.ingest([run.papers_dir])
    profiler.disable()
    texts["re-ingest of the unchanged corpus"] = _top(profiler)
    run.save("profile", texts)


def _top(profiler: cProfile.Profile, lines: int = 25) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    text = out.getvalue()
    return text[text.find("   ncalls"):].replace(str(ROOT) + "/", "").rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=10000, help="size of the corpus")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--questions", type=int, default=100, help="questions of each kind")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench"))
    parser.add_argument("--label", default="")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="folder of results files [default: bench/results]")
    parser.add_argument("--raw-sample", type=int, default=0,
                        help="texts the raw model encodes, spread over the corpus [default: all]")
    parser.add_argument("--phases", default=",".join(PHASES),
                        help="comma-separated subset of " + ",".join(PHASES))
    args = parser.parse_args()
    args.phases = set(args.phases.split(","))
    run = Run(args)
    run.save()
    made = build_corpus(run)
    texts = chunk_texts(run)
    if "raw" in args.phases:
        raw_model(run, texts)
    del texts
    if "batching" in args.phases:
        batching(run)
    assistant = ingest_phases(run, made)
    questions = question_set(run, made)
    if "profile" in args.phases:
        profile(run, assistant, questions)
    del assistant
    if "questions" in args.phases:
        questions_in_fresh_process(run, questions)
    if "cli" in args.phases:
        cli_cold_start(run, questions)
    if "serve" in args.phases:
        serve_cold_start(run, questions)
    if "textbook" in args.phases:
        textbook(run, questions)
    run.results["complete"] = True
    run.results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    run.results["peak_rss_mb_of_bench_process"] = peak_rss_mb()
    run.save()


if __name__ == "__main__":
    main()
