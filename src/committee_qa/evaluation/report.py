"""Metrics of several systems -> a terminal table, Markdown and JSON reports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .gold import KINDS
from .metrics import Metrics, Outcome

# (metric, label, format) in the order the report shows them.
ROWS = [
    ("hit_at_1", "retrieval hit@1", "pct"),
    ("hit_at_5", "retrieval hit@5", "pct"),
    ("mrr", "retrieval MRR", "num"),
    ("answer_accuracy", "answer correct", "pct"),
    ("answer_states", "answer states it", "pct"),
    ("citation_precision", "citation precision", "pct"),
    ("first_citation_right", "first citation right", "pct"),
    ("abstention_rate", "declines unanswerable", "pct"),
    ("false_abstention_rate", "declines answerable", "pct"),
    ("latency_p50_ms", "latency p50 (ms)", "ms"),
    ("latency_p95_ms", "latency p95 (ms)", "ms"),
]
# Read at ingest, so shown for committee-qa only: right where the paper states it.
METADATA_ROWS = [
    ("council", "metadata: council right"),
    ("committee", "metadata: committee right"),
    ("meeting_date", "metadata: meeting date right"),
    ("doc_type", "metadata: document type right"),
]


def _cell(value: float, kind: str) -> str:
    return {"pct": f"{100 * value:.1f}%", "num": f"{value:.3f}", "ms": f"{value:.0f}"}[kind]


# Shown when a language model wrote the answers (--llm-url).
MODEL_ROWS = [
    ("faithfulness", "model sentences verified"),
    ("fallback_rate", "model answers replaced by quotes"),
]


def comparison_rows(results: dict[str, Metrics]) -> list[list[str]]:
    """A header row, then one row per metric with a column per system."""
    rows = [["metric", *results]]
    for key, label, kind in ROWS:
        rows.append([label, *(_cell(getattr(m, key), kind) for m in results.values())])
    for key, label in MODEL_ROWS:
        if any(getattr(m, key) is not None for m in results.values()):
            rows.append([label, *(_cell(getattr(m, key), "pct") if getattr(m, key) is not None
                                  else "–" for m in results.values())])
    if any(m.metadata for m in results.values()):
        for key, label in METADATA_ROWS:
            rows.append([label, *(_cell(m.metadata[key], "pct") if m.metadata else "–"
                                  for m in results.values())])
    return rows


def text_table(results: dict[str, Metrics]) -> str:
    rows = comparison_rows(results)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                       enumerate(zip(row, widths))) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(results: dict[str, Metrics], outcomes: Sequence[Outcome], command: str,
             misses: Sequence[str]) -> str:
    rows = comparison_rows(results)
    out = [f"# Evaluation report\n\nMeasured by `{command}` on "
           f"{next(iter(results.values())).questions} gold questions.\n",
           "| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    product = next(iter(results.values()))
    out += ["", "## committee-qa by kind of question", "",
            "| kind | questions | answer correct | answer states it | hit@5 | declined |",
            "|---|---|---|---|---|---|"]
    for kind in KINDS:
        k = product.by_kind.get(kind)
        if k:
            out.append(f"| {kind} | {k['questions']:.0f} | {100 * k['answer_accuracy']:.1f}% "
                       f"| {100 * k['answer_states']:.1f}% | {100 * k['hit_at_5']:.1f}% "
                       f"| {100 * k['abstention_rate']:.1f}% |")
    out += ["", "## Gates", ""] + ([f"- FAILED: {m}" for m in misses] or ["All gates pass."])
    if product.metadata_misread is not None:
        wrong = product.metadata_misread
        out += ["", f"## Meeting details ingest read wrong ({len(wrong)})", ""]
        out += [f"- **{w['doc']}** {w['field']}: read {_quoted(w['read'])}, the paper "
                f"states {_quoted(w['stated'])}" for w in wrong]
    failed = failures(outcomes)
    out += ["", f"## Questions committee-qa got wrong or did not state ({len(failed)})", ""]
    for f in failed:
        out.append(f"- **{f['id']}** ({f['kind']}, {f['verdict']}) {f['question']}  \n  expected: "
                   f"{f['expected']}  \n  answered: {f['answered'][:200]}  \n  retrieved: "
                   f"{'; '.join(f['retrieved'])}")
    return "\n".join(out) + "\n"


def _quoted(value: str) -> str:
    return f"“{value}”" if value else "none"


def failures(outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
    """The questions answered wrongly, with what was retrieved for them."""
    rows = []
    for o in outcomes:
        if o.correct and (o.states or not o.gold.answerable):
            continue
        rows.append({
            "id": o.gold.id, "kind": o.gold.kind, "question": o.gold.question,
            "verdict": "cited, not stated" if o.correct else "wrong",
            "expected": o.gold.answer or "(decline: the papers do not say)",
            "must_contain": list(o.gold.must_contain),
            "answered": o.answer.text,
            "retrieved": [f"{c.source}#{c.index}: {' '.join(c.text.split())[:80]}"
                          for c in o.retrieved[:5]],
        })
    return rows


def json_report(results: dict[str, Metrics], outcomes: Sequence[Outcome],
                misses: Sequence[str]) -> dict[str, Any]:
    return {"systems": {name: asdict(m) for name, m in results.items()},
            "gates_failed": list(misses), "failures": failures(outcomes)}


def write_reports(path: Path, results: dict[str, Metrics], outcomes: Sequence[Outcome],
                  command: str, misses: Sequence[str]) -> Path:
    """The Markdown report at `path` and the JSON one beside it; the JSON one's path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(results, outcomes, command, misses), "utf-8")
    data = path.with_suffix(".json")
    data.write_text(json.dumps(json_report(results, outcomes, misses), indent=2,
                               ensure_ascii=False), "utf-8")
    return data
