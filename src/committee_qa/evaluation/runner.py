"""Run systems over a gold set, time each question, and check the figures against gates."""

from __future__ import annotations

import tempfile
import time
import tomllib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import CommitteeQAError
from ..schema import Chunk, PaperFailure
from .gold import GoldQuestion, load_gold
from .metadata import GoldPaper, field_accuracy, load_metadata, misread, paper_values
from .metrics import Metrics, Outcome, aggregate, score
from .systems import System

if TYPE_CHECKING:
    from ..assistant import Assistant


def evaluate(system: System, questions: Sequence[GoldQuestion]) -> list[Outcome]:
    """Ask every gold question of `system` and judge each answer."""
    outcomes = []
    for gold in questions:
        started = time.perf_counter()
        answer, retrieved = system.run(gold)
        outcomes.append(score(gold, answer, retrieved, time.perf_counter() - started))
    return outcomes


def load_thresholds(path: Path, gates: str = "samples") -> dict[str, float]:
    """The minimum (or, for names ending in _max, maximum) each metric may reach, from the
    table `gates` of the file (one table per gold set)."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CommitteeQAError(f"{path}: cannot read the thresholds ({error})") from None
    if gates not in table:
        raise CommitteeQAError(f"{path}: no table [{gates}] of gates; it has "
                               f"{', '.join(table) or 'none'}")
    return {str(k): float(v) for k, v in table[gates].items()}


def check_gates(metrics: Metrics, thresholds: dict[str, float]) -> list[str]:
    """One line for each metric that misses its threshold; empty when all pass."""
    misses = []
    for name, limit in sorted(thresholds.items()):
        key = name.removesuffix("_max")
        if key.startswith("metadata_"):
            field = key.removeprefix("metadata_")
            if metrics.metadata is None or field not in metrics.metadata:
                raise CommitteeQAError(f"thresholds: {key} needs the set's metadata.jsonl")
            value = metrics.metadata[field]
        elif hasattr(metrics, key):
            value = float(getattr(metrics, key))
        else:
            raise CommitteeQAError(f"thresholds: no metric called {key!r}")
        if name.endswith("_max") and value > limit:
            misses.append(f"{key} is {value:.3f}, above its limit {limit:.3f}")
        elif not name.endswith("_max") and value < limit:
            misses.append(f"{key} is {value:.3f}, below its threshold {limit:.3f}")
    return misses


def evaluate_corpus(settings: Settings, questions: Sequence[GoldQuestion],
                    corpus: Sequence[Path], baselines: bool, scratch: bool = True,
                    metadata: Sequence[GoldPaper] = (),
                    ) -> tuple[dict[str, Metrics], list[Outcome], list[PaperFailure]]:
    """Ingest the papers of `corpus` (none given: the inbox) and measure `questions` on it, and with
    `metadata` how well each paper's meeting was read; and the papers that failed. With
    `scratch` the index is a temporary folder, or on a Chroma server collections of its
    own, removed at the end either way."""
    from ..wiring import build_assistant

    folder = tempfile.TemporaryDirectory(prefix="committee-qa-eval-") if scratch else None
    if folder is not None:
        settings = replace(settings, index=Path(folder.name))
    if scratch and settings.chroma_url:
        settings = replace(settings, collection=f"committee_eval_{uuid.uuid4().hex[:12]}")
    assistant = None
    try:
        assistant = build_assistant(settings)
        papers = list(corpus) or [settings.inbox]
        ingested = assistant.ingest(papers)
        results, outcomes = compare(assistant, questions, papers, baselines)
        if metadata:
            by_paper: dict[str, list[Chunk]] = {}
            for chunk in assistant.store.chunks():
                by_paper.setdefault(chunk.source, []).append(chunk)
            found = {source: paper_values(chunks) for source, chunks in by_paper.items()}
            results["committee-qa"].metadata = field_accuracy(metadata, found)
            results["committee-qa"].metadata_misread = misread(metadata, found)
        return results, outcomes, ingested.failed
    finally:
        if scratch and settings.chroma_url and assistant is not None:
            assistant.store.drop()
        if folder is not None:
            folder.cleanup()


def compare(assistant: Assistant, questions: Sequence[GoldQuestion], corpus: Sequence[Path],
            baselines: bool) -> tuple[dict[str, Metrics], list[Outcome]]:
    """Metrics of committee-qa (and of the baselines) on `questions`; and its outcomes."""
    from .systems import AssistantSystem, TextbookLangChain

    systems: list[System] = [AssistantSystem(assistant)]
    if baselines:
        systems += [AssistantSystem(assistant, "keyword"), AssistantSystem(assistant, "dense"),
                    TextbookLangChain(corpus, assistant.embedder.model_path)]
    results: dict[str, Metrics] = {}
    product: list[Outcome] = []
    for system in systems:
        outcomes = evaluate(system, questions)
        results[system.name] = aggregate(outcomes)
        product = product or outcomes
    return results, product


FittingRow = tuple[dict[str, float], bool, str]  # signals, answerable, gold set


def fitting_rows(outcomes: Sequence[Outcome]) -> list[FittingRow]:
    """(signals, answerable, gold set) for each question the answerer weighed."""
    return [(dict(o.answer.signals), o.gold.answerable, o.gold.gold_set)
            for o in outcomes if o.answer.signals]


@dataclass(frozen=True)
class GoldSource:
    """One gold set to measure: its questions, its papers, their metadata, its gates."""

    name: str
    questions: tuple[Path, ...]
    corpus: tuple[Path, ...] = ()  # none: the inbox
    metadata: Path | None = None
    gates: str = "samples"  # the table of the thresholds file that gates it

    @classmethod
    def folder(cls, path: Path, gates: str | None = None) -> GoldSource:
        """A set's folder: questions.jsonl, papers/, metadata.jsonl; evals/councils/held-out
        is gated by [councils-held-out]."""
        name = "-".join(path.resolve().parts[-2:])
        metadata = path / "metadata.jsonl"
        return cls(name, (path / "questions.jsonl",), (path / "papers",),
                   metadata if metadata.exists() else None, gates or name)


def evaluate_source(settings: Settings, source: GoldSource, baselines: bool, thresholds: Path,
                    scratch: bool = True) -> tuple[dict[str, Metrics], list[Outcome],
                                                   list[PaperFailure], list[str]]:
    """Measure one gold set on its own papers; its metrics, outcomes, failed papers and the
    gates it missed (none checked when the thresholds file is absent)."""
    questions = [q for path in source.questions for q in load_gold(path)]
    metadata = load_metadata(source.metadata) if source.metadata else ()
    results, outcomes, failed = evaluate_corpus(settings, questions, source.corpus, baselines,
                                                scratch, metadata)
    misses = check_gates(results["committee-qa"], load_thresholds(thresholds, source.gates)) \
        if thresholds.exists() else []
    return results, outcomes, failed, misses


def run_sets(settings: Settings, sources: Sequence[GoldSource], baselines: bool,
             thresholds: Path, report: Path | None, command: str, scratch: bool,
             say: Callable[[str, bool], None]) -> tuple[list[FittingRow], bool]:
    """Measure each set on its own papers: `say(line, is_error)` is told its table, failed
    papers and missed gates; reports are written at `report` (one per set, named after it,
    when there are several). The rows to fit abstention on, and whether a gate was missed."""
    from . import report as reporting

    rows: list[FittingRow] = []
    missed = False
    for source in sources:
        results, outcomes, failed, misses = evaluate_source(settings, source, baselines,
                                                            thresholds, scratch)
        for failure in failed:
            say(f"error: {failure.source}: {failure.reason}", True)
        if len(sources) > 1:
            say(f"\n{source.name}", False)
        say(reporting.text_table(results), False)
        for miss in misses:
            say(f"gate failed: {source.name}: {miss}", True)
        if report is not None:
            path = report if len(sources) == 1 else report.with_name(
                f"{report.stem}-{source.name}{report.suffix}")
            data = reporting.write_reports(path, results, outcomes, command, misses)
            say(f"report: {path} and {data}", False)
        rows += fitting_rows(outcomes)
        missed = missed or bool(misses)
    return rows, missed
