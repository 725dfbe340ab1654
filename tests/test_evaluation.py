"""The evaluation harness: metrics on literal data, gates, and `committee-qa eval` for real."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from committee_qa.cli import main
from committee_qa.evaluation.gold import GoldQuestion
from committee_qa.evaluation.metrics import aggregate, score
from committee_qa.evaluation.runner import check_gates
from committee_qa.schema import Answer, AnswerSentence, Chunk, Citation

GOLD = GoldQuestion(id="q1", question="How many?", kind="fact",
                    must_contain=("38 new staff",), doc="a.txt")
UNANSWERABLE = GoldQuestion(id="u1", question="Who won?", kind="unanswerable")


def chunk(text: str, source: str = "a.txt") -> Chunk:
    return Chunk(doc_id="d", index=0, text=text, source=source, title="A")


def cite(n: int, text: str, source: str = "a.txt") -> Citation:
    return Citation(n=n, source=source, title="A", page=None, heading="", text=text, score=1)


def test_a_right_answer_scores_hit_accuracy_and_precision() -> None:
    answer = Answer("How many?", (AnswerSentence("We recruited 38 new staff.", 1),),
                    (cite(1, "We recruited 38 new staff."), cite(2, "Other text.")), False)
    outcome = score(GOLD, answer, [chunk("Other."), chunk("We recruited 38 new staff.")], 0.1)
    assert outcome.first_hit == 2 and outcome.correct
    assert outcome.citation_precision == 0.5 and outcome.first_citation_right


def test_a_citation_from_another_paper_is_not_a_hit() -> None:
    answer = Answer("How many?", (), (cite(1, "38 new staff", "b.txt"),), False)
    outcome = score(GOLD, answer, [chunk("38 new staff", "b.txt")], 0.1)
    assert outcome.first_hit is None and not outcome.correct


def test_declining_is_right_only_for_unanswerable_questions() -> None:
    declined = Answer("?", (), (), True, "The papers do not answer this question.")
    metrics = aggregate([score(UNANSWERABLE, declined, [], 0.2),
                         score(GOLD, declined, [], 0.4)])
    assert metrics.abstention_rate == 1.0 and metrics.false_abstention_rate == 1.0
    assert metrics.answer_accuracy == 0.0 and metrics.latency_p50_ms == pytest.approx(300.0)


def test_gates_name_each_missed_threshold() -> None:
    metrics = aggregate([score(UNANSWERABLE, Answer("?", (), (), False), [], 0.1)])
    misses = check_gates(metrics, {"abstention_rate": 0.5, "false_abstention_rate_max": 0.1})
    assert misses == ["abstention_rate is 0.000, below its threshold 0.500"]


def test_eval_runs_on_any_folder_of_papers(tmp_path: Path) -> None:
    corpus = tmp_path / "papers"
    corpus.mkdir()
    (corpus / "highways.md").write_text(
        "# Highways Committee, 3 March 2024\n\n## 4 Potholes\n\nThe council repaired 6,250 "
        "potholes over the winter.\n\nRESOLVED to note the report.\n", encoding="utf-8")
    (corpus / "parks.txt").write_text(
        "Parks Committee\n\nAllotments\n\nThe allotment waiting list stands at 412 people.\n",
        encoding="utf-8")
    questions = tmp_path / "gold.jsonl"
    questions.write_text("\n".join(json.dumps(q) for q in [
        {"id": "1", "question": "How many potholes were repaired?", "kind": "fact",
         "answer": "6,250", "must_contain": ["6,250"], "doc": "highways.md"},
        {"id": "2", "question": "How long is the allotment waiting list?", "kind": "fact",
         "answer": "412", "must_contain": ["412 people"], "doc": "parks.txt"},
        {"id": "3", "question": "What is the capital of France?", "kind": "unanswerable"},
    ]) + "\n")
    gates = tmp_path / "gates.toml"
    gates.write_text("[samples]\nanswer_accuracy = 1.0\nabstention_rate = 1.0\n")
    report = tmp_path / "out" / "report.md"
    result = CliRunner().invoke(main, ["eval", "--questions", str(questions), "--corpus",
                                       str(corpus), "--thresholds", str(gates),
                                       "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "answer correct" in result.stdout and "100.0%" in result.stdout
    data = json.loads(report.with_suffix(".json").read_text())
    assert data["systems"]["committee-qa"]["answer_accuracy"] == 1.0
    assert data["gates_failed"] == [] and "# Evaluation report" in report.read_text()
    gates.write_text("[samples]\nlatency_p50_ms_max = 0.001\n")
    failed = CliRunner().invoke(main, ["eval", "--questions", str(questions), "--corpus",
                                       str(corpus), "--thresholds", str(gates)])
    assert failed.exit_code == 1 and "latency_p50_ms" in failed.stderr


def test_an_answer_states_it_only_when_its_own_sentences_hold_the_evidence() -> None:
    cited = Answer("How many?", (AnswerSentence("Recruitment went well.", 1),),
                   (cite(1, "Recruitment went well. We recruited 38 new staff."),), False)
    stated = Answer("How many?", (AnswerSentence("We recruited 38 new staff.", 1),),
                    (cite(1, "We recruited 38 new staff."),), False)
    metrics = aggregate([score(GOLD, cited, [], 0.1), score(GOLD, stated, [], 0.1)])
    assert metrics.answer_accuracy == 1.0 and metrics.answer_states == 0.5


def test_metadata_accuracy_counts_right_wrong_and_rightly_empty_fields() -> None:
    from committee_qa.evaluation.metadata import GoldPaper, field_accuracy, misread, paper_values
    from committee_qa.evaluation.metrics import Metrics
    from committee_qa.evaluation.report import markdown

    gold = [GoldPaper("a.txt", {"council": "Foo Parish Council (Norfolk)",
                                "meeting_date": "2019-03-04", "doc_type": "minutes"}, {}),
            GoldPaper("b.txt", {"council": "Bar Town Council", "meeting_date": None}, {}),
            GoldPaper("c.txt", {"council": "Baz County Council"}, {"council": False})]
    a = [Chunk(doc_id="d", index=i, text="", source="a.txt", title="", council="FOO PARISH "
               "COUNCIL", meeting_date=date, doc_type="minutes")
         for i, date in enumerate(["2019-03-04", "2019-03-04", "2019-02-01"])]
    found = {"a.txt": paper_values(a),
             "b.txt": {"council": "Barton Town Council", "meeting_date": "2018-01-01"},
             "c.txt": {"council": ""}}
    accuracy = field_accuracy(gold, found)
    assert accuracy["council"] == 0.5  # Barton is not Bar; c states none
    assert accuracy["meeting_date"] == 1.0 and accuracy["meeting_date_wrong"] == 1 / 3
    assert accuracy["doc_type"] == 1.0 and accuracy["council_wrong"] == 1 / 3
    # what a council reads to see where its template is not read
    wrong = {(w["doc"], w["field"]): (w["stated"], w["read"]) for w in misread(gold, found)}
    assert wrong == {("b.txt", "council"): ("Bar Town Council", "Barton Town Council"),
                     ("b.txt", "meeting_date"): ("", "2018-01-01")}
    metrics = Metrics(questions=1, metadata=accuracy, metadata_misread=misread(gold, found))
    report = markdown({"committee-qa": metrics}, [], "committee-qa eval", [])
    assert "## Meeting details ingest read wrong (2)" in report
    assert "**b.txt** council: read “Barton Town Council”, the paper states “Bar Town " \
        "Council”" in report
    assert "**b.txt** meeting_date: read “2018-01-01”, the paper states none" in report


def test_eval_of_a_set_folder_reports_metadata_and_checks_its_own_gates(
        tmp_path: Path) -> None:
    folder = tmp_path / "councils" / "held-out"
    (folder / "papers").mkdir(parents=True)
    (folder / "papers" / "minutes.txt").write_text(
        "Minutes of the meeting of Foo Parish Council held on 4 March 2019\n\n"
        "1 Allotments\n\nThe clerk reported that the allotment rent will be £45 a year.\n",
        encoding="utf-8")
    (folder / "questions.jsonl").write_text(json.dumps(
        {"id": "1", "question": "What is the allotment rent?", "kind": "fact",
         "answer": "£45", "must_contain": ["£45 a year"], "doc": "minutes.txt"}) + "\n")
    (folder / "metadata.jsonl").write_text(json.dumps(
        {"doc": "minutes.txt", "council": "Foo Parish Council", "committee": None,
         "meeting_date": "2019-03-04", "doc_type": "minutes"}) + "\n")
    gates = tmp_path / "gates.toml"
    gates.write_text("[councils-held-out]\nanswer_states = 1.0\nmetadata_meeting_date = 1.0\n")
    result = CliRunner().invoke(main, ["eval", "--set", str(folder), "--thresholds",
                                       str(gates)])
    assert "metadata: meeting date right" in result.stdout, result.output
    assert "answer states it" in result.stdout
    gates.write_text("[samples]\nanswer_states = 1.0\n")
    missing = CliRunner().invoke(main, ["eval", "--set", str(folder), "--thresholds",
                                        str(gates)])
    assert missing.exit_code == 1 and "[councils-held-out]" in missing.output


def test_a_note_in_brackets_is_no_part_of_a_name_even_with_a_comma_in_it() -> None:
    from committee_qa.evaluation.metadata import agrees

    gold = "Historic District Commission (special called meeting, remote online)"
    assert agrees("committee", gold, "Historic District Commission")
    assert not agrees("committee", gold, "Planning Commission")
    assert agrees("council", "City of Yakima, Washington", "Yakima City Council")
