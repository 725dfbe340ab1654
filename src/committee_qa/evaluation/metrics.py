"""Outcomes -> metrics: hit@k, MRR, answer accuracy, citation precision, abstention. Pure."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..schema import Answer, Chunk
from .gold import KINDS, GoldQuestion


@dataclass(frozen=True)
class Outcome:
    """How the assistant did on one gold question."""

    gold: GoldQuestion
    answer: Answer
    retrieved: tuple[Chunk, ...]  # the ranked passages retrieval found, best first
    seconds: float
    first_hit: int | None = None  # 1-based rank of the first relevant passage
    correct: bool = False  # the evidence is in the answer or the passages it cites
    states: bool = False  # the evidence is in the answer's own sentences
    citation_precision: float | None = None
    first_citation_right: bool | None = None


@dataclass
class Metrics:
    """The figures of one system on one gold set."""

    questions: int = 0
    hit_at_1: float = 0.0
    hit_at_5: float = 0.0
    mrr: float = 0.0
    answer_accuracy: float = 0.0
    answer_states: float = 0.0  # every evidence string in the answer's own sentences
    citation_precision: float = 0.0
    first_citation_right: float = 0.0
    abstention_rate: float = 0.0  # share of unanswerable questions declined
    false_abstention_rate: float = 0.0  # share of answerable questions declined
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    # How often ingest read each paper's council, committee, meeting date and document type
    # right (see metadata.py); None for systems that read no metadata.
    metadata: dict[str, float] | None = None
    metadata_misread: list[dict[str, str]] | None = None  # metadata.misread
    # With a language model writing the answers (None without one): the share of the
    # sentences it wrote that the papers support, and of its answers replaced by the quoted
    # one (the model failed, or its answer could not be checked).
    faithfulness: float | None = None
    fallback_rate: float | None = None


def _normal(text: str) -> str:
    return " ".join(text.replace("**", "").replace("’", "'").split()).lower()


def is_relevant(chunk_text: str, source: str, gold: GoldQuestion) -> bool:
    """A passage is relevant when it comes from the gold paper and holds every evidence string."""
    text = _normal(chunk_text)
    return source == gold.doc and all(_normal(s) in text for s in gold.must_contain)


def _supports(chunk_text: str, source: str, gold: GoldQuestion) -> bool:
    """A citation is right when it comes from the gold paper and holds some of the evidence."""
    text = _normal(chunk_text)
    return source == gold.doc and any(_normal(s) in text for s in gold.must_contain)


def score(gold: GoldQuestion, answer: Answer, retrieved: Sequence[Chunk],
          seconds: float) -> Outcome:
    """Judge one answer against its gold question."""
    if not gold.answerable:
        return Outcome(gold, answer, tuple(retrieved), seconds, correct=answer.abstained)
    first_hit = next((rank for rank, c in enumerate(retrieved, start=1)
                      if is_relevant(c.text, c.source, gold)), None)
    own = _normal(" ".join(s.text for s in answer.sentences))
    said = own + " " + _normal(" ".join(c.text for c in answer.citations))
    from_paper = any(c.source == gold.doc for c in answer.citations)
    correct = (not answer.abstained and from_paper
               and all(_normal(s) in said for s in gold.must_contain))
    states = correct and all(_normal(s) in own for s in gold.must_contain)
    precision = first_right = None
    if answer.citations:
        right = [_supports(c.text, c.source, gold) for c in answer.citations]
        precision = sum(right) / len(right)
        first_right = right[0]
    return Outcome(gold, answer, tuple(retrieved), seconds, first_hit, correct, states,
                   precision, first_right)


def aggregate(outcomes: Sequence[Outcome]) -> Metrics:
    """The metrics over a set of outcomes, overall and by kind of question."""
    metrics = _figures(outcomes)
    for kind in KINDS:
        subset = [o for o in outcomes if o.gold.kind == kind]
        if subset:
            m = _figures(subset)
            metrics.by_kind[kind] = {
                "questions": m.questions, "answer_accuracy": m.answer_accuracy,
                "answer_states": m.answer_states,
                "hit_at_5": m.hit_at_5, "abstention_rate": m.abstention_rate,
            }
    return metrics


def _figures(outcomes: Sequence[Outcome]) -> Metrics:
    answerable = [o for o in outcomes if o.gold.answerable]
    unanswerable = [o for o in outcomes if not o.gold.answerable]
    cited = [o for o in answerable if o.citation_precision is not None]
    seconds = sorted(o.seconds for o in outcomes) or [0.0]
    # The answers a language model was asked to write: its own, or quoted with a note.
    written = [o.answer for o in outcomes if o.answer.mode == "llm" or o.answer.note]
    kept = sum(len(a.sentences) for a in written if a.mode == "llm")
    wrote = kept + sum(len(a.dropped) for a in written)
    return Metrics(
        faithfulness=(kept / wrote if wrote else 0.0) if written else None,
        fallback_rate=_mean([float(a.mode != "llm") for a in written]) if written else None,
        questions=len(outcomes),
        hit_at_1=_share(answerable, lambda o: o.first_hit == 1),
        hit_at_5=_share(answerable, lambda o: o.first_hit is not None and o.first_hit <= 5),
        mrr=_mean([1.0 / o.first_hit if o.first_hit else 0.0 for o in answerable]),
        answer_accuracy=_share(answerable, lambda o: o.correct),
        answer_states=_share(answerable, lambda o: o.states),
        citation_precision=_mean([o.citation_precision or 0.0 for o in cited]),
        first_citation_right=_share(cited, lambda o: bool(o.first_citation_right)),
        abstention_rate=_share(unanswerable, lambda o: o.answer.abstained),
        false_abstention_rate=_share(answerable, lambda o: o.answer.abstained),
        latency_p50_ms=1000 * statistics.median(seconds),
        latency_p95_ms=1000 * seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))],
    )


def _share(items: Sequence[Outcome], test: Any) -> float:
    return sum(1 for o in items if test(o)) / len(items) if items else 0.0


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
