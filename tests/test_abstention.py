"""Declining is fitted, not hand-set: the model, its file, and the answerer using it."""

import random
from pathlib import Path

import pytest

from committee_qa.abstention import FEATURES, PACKAGED, fit, load_model
from committee_qa.errors import CommitteeQAError


def rows(n: int, seed: int = 7) -> list[tuple[dict[str, float], bool]]:
    """Answerable questions cover more of their words; unanswerable ones less."""
    rng = random.Random(seed)
    made = []
    for i in range(n):
        answerable = i % 3 != 0
        signals = {f: rng.random() for f in FEATURES}
        signals["coverage"] = rng.uniform(0.5, 1.0) if answerable else rng.uniform(0.2, 0.7)
        made.append((signals, answerable, "a" if i % 2 else "b"))
    return made


def test_the_fitted_model_declines_what_covers_little_and_keeps_false_declines_low() -> None:
    data = rows(300)
    model = fit(data, max_false_declines=0.04)
    answerable = [s for s, a, _g in data if a]
    declined = sum(model.declines(s) for s in answerable) / len(answerable)
    assert declined <= 0.05
    low = {f: 0.5 for f in FEATURES} | {"coverage": 0.2}
    high = {f: 0.5 for f in FEATURES} | {"coverage": 0.95}
    assert model.chance(low) < model.chance(high) and model.declines(low)


def test_the_threshold_keeps_clear_of_every_question_so_rounding_cannot_flip_one() -> None:
    data = rows(300)
    model = fit(data, max_false_declines=0.045)
    for group in ("a", "b"):
        answerable = [s for s, a, g in data if a and g == group]
        chances = sorted(model.chance(s) for s in answerable)
        assert min(abs(c - model.threshold) for c in chances) > 1e-4
        assert sum(c < model.threshold for c in chances) <= int(0.045 * len(chances))


def test_a_model_survives_its_file_and_a_bad_file_is_named(tmp_path: Path) -> None:
    model = fit(rows(60), fitted_on="test")
    path = tmp_path / "abstention.json"
    model.save(path)
    assert load_model(path) == model
    path.write_text('{"features": ["coverage"]}')
    with pytest.raises(CommitteeQAError, match="abstention.json: not an abstention model"):
        load_model(path)


def test_fitting_needs_both_kinds_of_question() -> None:
    with pytest.raises(CommitteeQAError, match="answerable and unanswerable"):
        fit([(dict.fromkeys(FEATURES, 1.0), True, "a")] * 20)


def test_the_packaged_model_reads_and_knows_its_features() -> None:
    model = load_model(PACKAGED)
    assert len(model.weights) == len(FEATURES) and 0 < model.threshold < 1
