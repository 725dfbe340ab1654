"""The gold set in evals/ is sound: its evidence really stands in its papers."""


from committee_qa.evaluation.gold import KINDS, load_gold
from conftest import ROOT, SAMPLES

GOLD = ROOT / "evals" / "questions.jsonl"


def test_every_must_contain_string_occurs_in_its_paper() -> None:
    for gold in load_gold(GOLD):
        if not gold.answerable:
            assert not gold.must_contain and not gold.doc, gold.id
            continue
        text = (SAMPLES / gold.doc).read_text(encoding="utf-8")
        for evidence in gold.must_contain:
            assert evidence in text, f"{gold.id}: {evidence!r} is not in {gold.doc}"


def test_gold_set_has_every_kind_and_followups_carry_history() -> None:
    questions = load_gold(GOLD)
    assert len(questions) >= 80
    assert {g.kind for g in questions} == set(KINDS)
    assert len({g.id for g in questions}) == len(questions)
    assert all(g.history for g in questions if g.kind == "followup")
    unanswerable = sum(1 for g in questions if not g.answerable)
    assert 0.08 <= unanswerable / len(questions) <= 0.15
