"""Results files -> docs/BENCHMARKS.md. Every figure in the document comes from a results file.

    python bench/report.py          # render again from bench/results/*.json
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
NOTES = BENCH / "NOTES.md"  # hand-written findings, rendered under the figures
# What any ingest that changes something costs whatever the paper and the corpus: one Chroma
# write and ledger commit, one short model call, the keyword update. "Proportional to that
# paper only" is read as: no more than the paper's share of a full ingest plus this.
FIXED_COST_S = 0.5
# The question kinds of bench/run.py that ask the same facts in words naming their council,
# committee and meeting year, plain and with filters.
NAMED = "names council, committee, year"
NAMED_FILTERED = "names council, committee, year + filters"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    return cmdline.exists() and b"bench/run.py" in cmdline.read_bytes()


def _get(results: dict[str, Any], *path: str) -> Any:
    value: Any = results.get("phases", {})
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        digits = 2 if value < 10 else 1 if value < 100 else 0
        value = f"{value:,.{digits}f}"
    return f"{value}{unit}"


def _verdict(ok: bool | None, applies: bool = True) -> str:
    if ok is None:
        return "not measured"
    if not applies:
        return ("within" if ok else "over") + " (target is set at 100k)"
    return "**met**" if ok else "**missed**"


def target_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(measure, target, measured, verdict) for one run."""
    rows = []
    at_100k = r["target_chunks"] >= 100_000
    raw = _get(r, "raw", "texts_per_second")
    ours = _get(r, "ingest", "chunks_per_second")
    ratio = ours / raw if raw and ours else None
    rows.append(("ingest throughput / raw model throughput (sentence-transformers, same texts)",
                 "≥ 0.85",
                 f"{_fmt(ours)} / {_fmt(raw)} chunks/s = {_fmt(ratio)}" if ratio else "—",
                 _verdict(None if ratio is None else ratio >= 0.85)))
    backend = next((k for k in (_get(r, "raw") or {}) if k.startswith("product backend")), None)
    own = _get(r, "raw", backend, "texts_per_second") if backend else None
    if own and ours:
        rows.append((f"ingest throughput / the backend it embeds with, alone "
                     f"{backend.removeprefix('product backend ')}: what the pipeline costs",
                     "(check)",
                     f"{_fmt(ours)} / {_fmt(own)} chunks/s = {_fmt(ours / own)}", ""))
    raw_cpu = _get(r, "raw", "process_cpu_seconds")
    ours_cpu = _get(r, "ingest", "process_cpu_seconds")
    if raw_cpu and ours_cpu and raw:
        # Other work shares the cores: per CPU-second of this process is steadier than wall.
        chunks_done = _get(r, "ingest", "chunks_embedded")
        texts = _get(r, "raw", "texts")
        rows.append(("ingest / raw sentence-transformers, per CPU-second of the process "
                     "(less sensitive to other load)",
                     "(check)", f"{_fmt(chunks_done / ours_cpu)} / {_fmt(texts / raw_cpu)} = "
                     f"{_fmt((chunks_done / ours_cpu) / (texts / raw_cpu))}", ""))
    if raw and _get(r, "raw", "texts") != _get(r, "ingest", "chunks_embedded"):
        rows.append(("(the raw model encoded a sample spread evenly over the corpus: "
                     f"{_fmt(_get(r, 'raw', 'texts'))} texts of mean length "
                     f"{_fmt(_get(r, 'raw', 'mean_chars'))} characters)", "", "", ""))
    full = _get(r, "ingest", "seconds")
    again = _get(r, "reingest", "seconds")
    share = again / full if full and again is not None else None
    rows.append(("re-ingest of the unchanged corpus / full ingest", "≤ 2%",
                 f"{_fmt(again)} s / {_fmt(full)} s = {share:.2%}" if share is not None else "—",
                 _verdict(None if share is None else share <= 0.02)))
    changed = _get(r, "change", "changed")
    chunks = _get(r, "ingest", "chunks_embedded")
    if changed and full and chunks and again is not None:
        own = full * changed["chunks_embedded"] / chunks  # the paper's share of the full ingest
        embedding = changed["stages"].get("embedder.embed_texts", {}).get("seconds", 0.0)
        rows.append(("changing one paper", "≤ its own share of the full ingest + the "
                     f"unchanged re-ingest + {FIXED_COST_S} s", f"{_fmt(changed['seconds'])} s "
                     f"for {changed['chunks_embedded']} chunks (its share {_fmt(own)} s + "
                     f"{_fmt(again)} s; its embedding took {_fmt(embedding)} s)",
                     _verdict(changed["seconds"] <= own + again + FIXED_COST_S)))
    else:
        rows.append(("changing one paper", "proportional to the paper", "—", "not measured"))
    for kind_label, key in (("all questions", None),):
        lat = _get(r, "questions", "latency_ms_all") if key is None else None
        rows.append((f"question latency p50, {kind_label}", "≤ 50 ms",
                     _fmt(lat and lat["p50"], " ms"),
                     _verdict(None if not lat else lat["p50"] <= 50, at_100k)))
        rows.append((f"question latency p95, {kind_label}", "≤ 150 ms",
                     _fmt(lat and lat["p95"], " ms"),
                     _verdict(None if not lat else lat["p95"] <= 150, at_100k)))
    quoted = _get(r, "questions", "answer_quotes_expected_figure") or {}
    if NAMED in quoted:
        plain, filtered = quoted[NAMED], quoted.get(NAMED_FILTERED, "—")
        found, asked = (int(x) for x in plain.split("/"))
        rows.append(("a question naming its council, committee and meeting year: answer "
                     "quotes the figure, plain / the same words with committee and year "
                     "filters", "plain ≥ 60 in 100", f"{plain} / {filtered}",
                     _verdict(found * 100 >= 60 * asked)))
    first = _get(r, "questions", "cold_start_marks_s", "first_answer")
    rows.append(("cold start to first answer (fresh process, library)", "≤ 15 s",
                 _fmt(first, " s"), _verdict(None if first is None else first <= 15, at_100k)))
    served = _get(r, "serve", "first_answer_s")
    rows.append(("cold start to first answer (`committee-qa serve`, over /ask)", "≤ 15 s",
                 _fmt(served, " s"), _verdict(None if served is None else served <= 15, at_100k)))
    peak = max([m for m in (_get(r, "questions", "peak_rss_mb"), _get(r, "serve", "peak_rss_mb"))
                if m is not None], default=None)
    rows.append(("peak memory (VmHWM) of the question process / the server", "≤ 2.5 GB",
                 f"{_fmt(_get(r, 'questions', 'peak_rss_mb'))} MB / "
                 f"{_fmt(_get(r, 'serve', 'peak_rss_mb'))} MB",
                 _verdict(None if peak is None else peak <= 2560, at_100k)))
    book = _get(r, "textbook")
    if book and full and _get(r, "questions", "latency_ms", "plain"):
        plain = _get(r, "questions", "latency_ms", "plain")
        rows.append(("textbook LangChain: its ingest time / ours", "(comparison)",
                     f"{_fmt(book['ingest_seconds'])} s / {_fmt(full)} s = "
                     f"{_fmt(book['ingest_seconds'] / full)}", ""))
        rows.append(("textbook LangChain: its p50 latency / ours (plain questions)",
                     "(comparison)", f"{_fmt(book['latency_ms']['p50'])} ms / "
                     f"{_fmt(plain['p50'])} ms = {_fmt(book['latency_ms']['p50'] / plain['p50'])}",
                     ""))
    return rows


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def _stages(title: str, figures: dict[str, Any] | None) -> list[str]:
    if not figures:
        return []
    rows = [(name, _fmt(s["seconds"], " s"), s["calls"]) for name, s in figures["stages"].items()]
    return [f"**{title}** — {_fmt(figures['seconds'])} s wall, "
            f"{_fmt(figures.get('process_cpu_seconds'))} s CPU of this process, "
            f"{figures['chunks_embedded']} chunks embedded "
            f"(stage times nest: `store.papers` runs inside `sweep` and `refresh`):", "",
            *_table(("stage", "time", "calls"), rows), ""]


def run_section(r: dict[str, Any]) -> list[str]:
    m = r["machine"]
    state = "complete" if r.get("complete") else (
        "**in progress**" if _alive(r.get("pid", 0)) else "**stopped before the end**")
    lines = [f"## {r['label']} chunks — run {state}", "",
             f"- command: `{r['command']}`",
             f"- started {r['started']}" + (f", finished {r['finished']}" if r.get("finished")
                                            else ""),
             f"- machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB, Python "
             f"{m['python']}, " + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
             + f"; commit {m['commit']}" + (
                 "" if "clean copy" in m["commit"] or "uncommitted" in m["commit"] else
                 " (package code as it stood in the shared working tree; this run did not "
                 "record whether others' uncommitted changes were in it)"),
             f"- load average when it started: {m['load_average_at_start']} (other work "
             "shares these cores; each phase's load is in the results file)", ""]
    if "--phases" in r["command"]:
        lines += ["Phases left out of this run (see `--phases` in its command) show "
                  "\"not measured\".", ""]
    corpus = _get(r, "corpus")
    chunked = _get(r, "read_and_chunk")
    if corpus:
        lines += [f"Corpus (seed {r['seed']}): {corpus['papers']} papers "
                  f"({corpus['kinds']['pack']} agenda packs, {corpus['kinds']['minutes']} "
                  f"minutes, {corpus['kinds']['report']} reports; {corpus['pdf_papers']} "
                  f"PDFs), {corpus['councils']} councils, {corpus['committees']} committees, "
                  f"meetings {corpus['first_meeting']} to {corpus['last_meeting']}, "
                  f"{corpus['megabytes']} MB"
                  + (f"; {chunked['chunks']} chunks of {chunked['mean_chars']} characters on "
                     f"average (reading and chunking them alone: {chunked['seconds']} s)."
                     if chunked else "."), ""]
    lines += _table(("measure", "target", "measured", ""), target_rows(r)) + [""]
    loads = [(name, figures["after"]["load_average"]) for name, figures in r["phases"].items()
             if isinstance(figures, dict) and "after" in figures]
    if loads:
        lines += ["Load average (1, 5, 15 min) at the end of each phase — the machine's 2 cores "
                  "were shared with other work, so wall-clock comparisons between phases carry "
                  "that noise: " + "; ".join(f"{n} {avg}" for n, avg in loads) + ".", ""]
    questions = _get(r, "questions")
    if questions:
        rows = [(kind, s["n"], _fmt(s["p50"]), _fmt(s["p95"]), _fmt(s["max"]),
                 questions["answer_quotes_expected_figure"].get(kind, ""))
                for kind, s in questions["latency_ms"].items()]
        lines += ["Question latency, retrieval plus offline answer, in a fresh process after "
                  "3 warm-up questions (ms):", "",
                  *_table(("questions", "n", "p50", "p95", "max",
                           "answer quotes the generator's figure"), rows), "",
                  "Median time per question in each stage (ms): " + ", ".join(
                      f"{k} {_fmt(v)}" for k, v in questions["stage_ms_p50"].items()) + ".", "",
                  "Cold start (seconds from process start): " + ", ".join(
                      f"{k} {v}" for k, v in questions["cold_start_marks_s"].items())
                  + f"; peak memory {questions['peak_rss_mb']} MB "
                  f"({questions['peak_rss_mb_after_first_answer']} MB at the first answer).",
                  ""]
    cli = _get(r, "cli")
    if cli:
        lines += [f"`committee-qa ask` from a fresh process, start to printed answer: "
                  f"{', '.join(map(str, cli['seconds']))} s.", ""]
    serve = _get(r, "serve")
    if serve:
        lines += [f"`committee-qa serve`: listening after {serve.get('listening_s')} s, first "
                  f"answer over /ask after {serve.get('first_answer_s')} s; 20 more questions "
                  f"over HTTP p50 {serve['over_http_ms']['p50']} ms, p95 "
                  f"{serve['over_http_ms']['p95']} ms; server peak memory "
                  f"{serve.get('peak_rss_mb')} MB.", ""]
    book = _get(r, "textbook")
    if book:
        lines += [f"Textbook LangChain pipeline on the same papers: {book['chunks']} chunks, "
                  f"ingest {book['ingest_seconds']} s ({book['chunks_per_second']} chunks/s), "
                  f"similarity search p50 {book['latency_ms']['p50']} ms, p95 "
                  f"{book['latency_ms']['p95']} ms (no answer step, no filters); the "
                  f"generator's figure is in its top 4 passages for "
                  f"{book['expected_figure_in_top4_passages']} plain questions.", ""]
    batches = _get(r, "batching")
    if batches:
        lines += [f"The product's embedder on the texts of the first {batches['papers']} papers "
                  f"({batches['texts']} chunks), CPU seconds, alternated: one call per paper "
                  + ", ".join(str(x["cpu_seconds"]) for x in batches["one call per paper"])
                  + "; all in one call "
                  + ", ".join(str(x["cpu_seconds"]) for x in batches["one call for all"]) + ".",
                  ""]
    lines += _stages("Full ingest", _get(r, "ingest"))
    lines += _stages("Re-ingest, nothing changed", _get(r, "reingest"))
    change = _get(r, "change")
    if change:
        lines += _stages(f"One paper changed ({change['paper']})", change["changed"])
        lines += _stages("The same paper changed back", change["restored"])
    profiles = _get(r, "profile")
    if profiles:
        for name, text in profiles.items():
            if name == "after":
                continue
            lines += [f"<details><summary>cProfile, {name} (cumulative)</summary>", "",
                      "```", text, "```", "</details>", ""]
    return lines


def _ms(figures: dict[str, Any] | None, key: str) -> float | None:
    return (figures or {}).get("latency_ms_all", {}).get(key)


def scale_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(measure, target, measured, verdict) for a run of bench/scale.py."""
    asked, change = _get(r, "questions"), _get(r, "change")
    first = (asked or {}).get("cold_start_marks_s", {}).get("first_answer")
    peak = max([m for m in ((asked or {}).get("peak_rss_mb"), (change or {}).get("peak_rss_mb"))
                if m is not None], default=None)
    changed = (change or {}).get("changed", {}).get("to_next_answer_seconds")
    rows = [("question latency p50 (retrieval + answer), all questions", "≤ 50 ms",
             _fmt(_ms(asked, "p50"), " ms"),
             _verdict(None if asked is None else _ms(asked, "p50") <= 50)),
            ("question latency p95", "≤ 150 ms", _fmt(_ms(asked, "p95"), " ms"),
             _verdict(None if asked is None else _ms(asked, "p95") <= 150)),
            ("cold start to first answer (fresh process)", "≤ 10 s", _fmt(first, " s"),
             _verdict(None if first is None else first <= 10)),
            ("peak memory (VmHWM) of the question process / of the change process", "≤ 4 GB",
             f"{_fmt((asked or {}).get('peak_rss_mb'))} MB / "
             f"{_fmt((change or {}).get('peak_rss_mb'))} MB",
             _verdict(None if peak is None else peak <= 4096)),
            ("one paper changed: its ingest (embedded for real) to the next answer", "≤ 2 s",
             _fmt(changed, " s"), _verdict(None if changed is None else changed <= 2))]
    for label, figures in (_get(r, "replica") or {}).items():
        if isinstance(figures, dict) and "cold_start_marks_s" in figures:
            start = figures["cold_start_marks_s"]["first_answer"]
            rows.append((f"replica of `chroma run`, {label}: to first answer",
                         "≤ 5 s" if label.startswith("restart") else "(was 18.6 s at 100k)",
                         _fmt(start, " s"), _verdict(start <= 5) if label.startswith(
                             "restart") else ""))
    return rows


def scale_section(r: dict[str, Any]) -> list[str]:
    m = r["machine"]
    state = "complete" if r.get("complete") else (
        "**in progress**" if _alive(r.get("pid", 0)) else "**not finished**")
    built, keyword = _get(r, "build"), _get(r, "keyword")
    lines = [f"## {r['label']}: {r['target_passages']:,} passages — run {state}", "",
             *[f"- command: `{c}`" for c in r.get("commands", [])],
             f"- last started {r['started']}" + (f", finished {r['finished']}"
                                                 if r.get("finished") else ""),
             f"- machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB, Python "
             f"{m['python']}, " + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
             + f"; commit {m['commit']}",
             f"- load average when it last started: {m['load_average_at_start']}", ""]
    lines += _table(("measure", "target", "measured", ""), scale_rows(r)) + [""]
    if built:
        lines += [f"Stored: {built['passages']:,} passages of {built['papers']:,} papers in "
                  f"{_fmt(built['seconds'])} s ({_fmt(built['process_cpu_seconds'])} s CPU; "
                  f"Chroma on disk {built['chroma_megabytes']:,} MB); where the time went: "
                  + ", ".join(f"{k} {_fmt(v['seconds'], ' s')}" for k, v in
                              built["stages"].items()) + ".", ""]
    if keyword:
        stages = {k: v for k, v in keyword["stages"].items() if not k.startswith("read ")}
        timed = sum(v["seconds"] for k, v in stages.items() if not k.startswith("  of which")
                    and not k.startswith("analyse"))
        analysed = stages.get("  of which: analyse and make the tantivy document",
                              {"seconds": 0.0})["seconds"]
        stages["the rest: reading the passages back from Chroma, as Chunks"] = {
            "seconds": round(keyword["seconds"] - timed - analysed, 1), "calls": ""}
        lines += [f"Keyword indexes built from Chroma (no index on disk): "
                  f"{_fmt(keyword['seconds'])} s ({_fmt(keyword['process_cpu_seconds'])} s "
                  f"CPU), {keyword['passages']:,} public passages, "
                  f"{keyword['megabytes_on_disk']:,} MB on disk for both levels, peak memory "
                  f"{_fmt(keyword['peak_rss_mb'])} MB:", "",
                  *_table(("stage", "time", "calls"), [
                      (k, _fmt(v["seconds"], " s"), v["calls"])
                      for k, v in stages.items()]), ""]
    for name, figures in (("questions", _get(r, "questions")),
                          *((f"replica: {k}", v) for k, v in (_get(r, "replica") or {}).items()
                            if isinstance(v, dict) and "latency_ms" in v)):
        if not figures:
            continue
        rows = [(kind, s["n"], _fmt(s["p50"]), _fmt(s["p95"]), _fmt(s["max"]),
                 figures["answer_quotes_expected_figure"].get(kind, ""))
                for kind, s in figures["latency_ms"].items()]
        lines += [f"**{name}** — cold start (s from process start): " + ", ".join(
                      f"{k} {v}" for k, v in figures["cold_start_marks_s"].items())
                  + f"; peak memory {figures['peak_rss_mb']} MB "
                  f"({figures['peak_rss_mb_after_first_answer']} MB at the first answer). "
                  "Latency after 3 warm-up questions (ms):", "",
                  *_table(("questions", "n", "p50", "p95", "max",
                           "answer quotes the generator's figure"), rows), "",
                  "Median per question in each stage (ms): " + ", ".join(
                      f"{k} {_fmt(v)}" for k, v in figures["stage_ms_p50"].items()) + ".", ""]
    for name, figures in (("one paper changed", _get(r, "change")),
                          ("replica: one paper changed by another process",
                           (_get(r, "replica") or {}).get(
                               "one paper changed by another process"))):
        for way in ("changed", "restored"):
            done = (figures or {}).get(way)
            if done:
                lines += [f"**{name} ({way}, {figures['paper']})** — ingest "
                          f"{done['ingest_seconds']} s, to the next answer "
                          f"{done['to_next_answer_seconds']} s, {done['chunks_embedded']} "
                          "passages embedded:", "",
                          *_table(("stage", "time", "calls"), [
                              (k, _fmt(v["seconds"], " s"), v["calls"])
                              for k, v in done["stages"].items()]), ""]
    return lines


def render(results: Path, out: Path) -> None:
    runs, scaled = [], []
    for path in sorted(results.glob("*.json")):
        found = json.loads(path.read_text(encoding="utf-8"))
        (scaled if found.get("kind") == "scale" else runs).append(found)
    runs.sort(key=lambda r: r["started"], reverse=True)  # newest first
    scaled.sort(key=lambda r: -r["target_passages"])
    lines = [
        "# Benchmarks", "",
        "Ingest throughput, re-ingest, question latency, cold start and memory of "
        "committee-qa on a made-up corpus of committee papers (`bench/corpus.py`: twelve "
        "councils, ten committees, meetings from 2015 to 2024, agenda packs, minutes and "
        "reports, one paper in ten a PDF), beside the raw embedding model and the textbook "
        "LangChain pipeline, all measured in one run. Reproduce with:", "",
        "```bash",
        "nice -n 10 .venv/bin/python bench/run.py --chunks 10000      # about 15 minutes",
        "nice -n 10 .venv/bin/python bench/run.py --chunks 100000 --raw-sample 10000 \\",
        "    --phases raw,ingest,reingest,change,profile,questions,cli,serve,textbook",
        "                                                              # about 75 minutes",
        "nice -n 10 .venv/bin/python bench/scale.py --passages 1000000 --phases build "
        "--minutes 20",
        "                            # again until stored, then --phases keyword,questions,change",
        ".venv/bin/python bench/report.py                             # renders this file",
        "```", "",
        "Every figure below is copied by `bench/report.py` from `bench/results/<label>.json`, "
        "written by that run. Targets set at 100k chunks (latency, cold start, memory) are "
        "shown at 10k for information only.", ""]
    latest: dict[str, dict[str, Any]] = {}
    partial: dict[str, list[dict[str, Any]]] = {}  # newer runs of only some phases
    for r in runs:
        size = "100k" if r["target_chunks"] >= 100_000 else f"{r['target_chunks']:,}"
        if r.get("complete") or _alive(r.get("pid", 0)):
            if not {"raw", "ingest"} <= set(r["phases"]):  # not the whole benchmark
                if size not in latest:
                    partial.setdefault(size, []).append(r)
                continue
            latest.setdefault(size, r)
    if "100k" not in latest:
        lines += ["**100k chunks: no complete run yet in this environment.**", ""]
    for size in ("100k", "10,000"):
        if size in latest:
            r = latest[size]
            lines += [f"## The targets at {size} chunks (run `{r['label']}`, commit "
                      f"{r['machine']['commit'].split()[0]})", "",
                      *_table(("measure", "target", "measured", ""), target_rows(r)), ""]
        for newer in partial.get(size, []):
            measured = [row for row in target_rows(newer)
                        if row[2] not in ("—", "— MB / — MB") and row[3] != "not measured"]
            if measured:
                lines += [f"Measured since by run `{newer['label']}` (only the phases in "
                          "its command):", "",
                          *_table(("measure", "target", "measured", ""), measured), ""]
    if scaled:
        lines += ["# The archive at scale: everything after embedding (`bench/scale.py`)", "",
                  "Passages are the generator's papers, read and chunked by the product as "
                  "ingest reads them, stored with synthetic vectors (seeded, normalised "
                  "random): embedding a million passages takes hours here. Chroma stores and "
                  "searches them as it would real ones (random vectors are its worst case for "
                  "a search inside a filter: see the notes below), but dense search finds "
                  "nothing by meaning, so answers rest on the keyword side; the one paper "
                  "changed is embedded for real. Reproduce with the commands of each run.",
                  ""]
        for r in scaled:
            lines += scale_section(r)
    if NOTES.exists():
        lines += [NOTES.read_text(encoding="utf-8").rstrip(), ""]
    lines += ["# Every run, newest first", ""]
    for r in runs:
        lines += run_section(r)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    render(BENCH / "results", BENCH.parent / "docs" / "BENCHMARKS.md")
