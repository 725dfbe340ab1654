"""The committee-qa command, through click's runner and as a real process."""

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from committee_qa.cli import main
from conftest import COUNTY


def run(*args: str) -> "object":
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_ingest_reports_a_summary_and_failures(tmp_path: Path, inbox: Path) -> None:
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    result = run("ingest", str(inbox), "--index", str(tmp_path / "idx"))
    assert result.exit_code == 1
    assert "2 added, 0 unchanged, 0 replaced, 1 failed" in result.output
    assert "broken.pdf" in result.stderr
    again = run("ingest", str(inbox / COUNTY), "--index", str(tmp_path / "idx"))
    assert again.exit_code == 0 and "0 added, 1 unchanged" in again.output


def test_ask_prints_answer_with_sources(sample_index: Path) -> None:
    result = run("ask", "How many ASYEs has the programme attracted?",
                 "--index", str(sample_index))
    assert result.exit_code == 0
    assert "78 ASYE" in result.output and "Sources:" in result.output and "[1]" in result.output


def test_ask_json_gives_citation_objects(sample_index: Path) -> None:
    result = run("ask", "--json", "How many schools committed to joining the trust?",
                 "--index", str(sample_index))
    data = json.loads(result.stdout)
    assert data["abstained"] is False and "30 schools" in data["answer"]
    citation = data["citations"][0]
    assert {"n", "source", "title", "page", "heading", "text", "score"} <= set(citation)
    assert citation["n"] == 1 and "30 schools" in citation["text"]


def test_ask_jsonl_keeps_fields_and_reports_bad_lines(sample_index: Path,
                                                      tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join([
        json.dumps({"id": "a", "question": "What is the capital of France?"}),
        "{not json",
        json.dumps({"id": "b", "question": "and what was the target?",
                    "history": ["What was turnover in the hard to recruit teams?"]}),
        json.dumps({"id": "c"}),
    ]) + "\n")
    result = run("ask", "--jsonl", str(questions), "--index", str(sample_index))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["abstained"] is True and rows[0]["citations"] == []
    assert rows[1]["abstained"] is False and "5%" in rows[1]["answer"]
    assert rows[1]["history"] == ["What was turnover in the hard to recruit teams?"]
    assert "q.jsonl:2" in result.stderr and "q.jsonl:4" in result.stderr
    assert result.exit_code == 1


def test_cli_runs_as_a_real_process(sample_index: Path) -> None:
    env = {**os.environ, "COMMITTEE_QA_INDEX": str(sample_index)}
    done = subprocess.run(
        [sys.executable, "-m", "committee_qa", "ask", "--json",
         "Who is the Director of Children's Integrated Services?"],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Helen Blackman" in json.loads(done.stdout)["answer"]


def test_ask_takes_filters_and_refuses_a_bad_date(sample_index: Path) -> None:
    scrutiny = run("ask", "--json", "How many social workers were recruited?",
                   "--committee", "Scrutiny", "--index", str(sample_index))
    data = json.loads(scrutiny.stdout)
    assert data["citations"] and {c["committee"] for c in data["citations"]} == {
        "Children and Young People Scrutiny Committee"}
    reports = json.loads(run("ask", "--json", "How many social workers were recruited?",
                             "--type", "report", "--since", "2020",
                             "--index", str(sample_index)).stdout)
    assert "38 new social work staff" in reports["answer"]
    assert {(c["doc_type"], c["meeting_date"]) for c in reports["citations"]} == {
        ("report", "2020-02-10")}
    bad = CliRunner().invoke(main, ["ask", "x", "--since", "18/07/2017",
                                    "--index", str(sample_index)])
    assert bad.exit_code == 2
    assert "the since date '18/07/2017' is not a date; write it as YYYY-MM-DD" in bad.output


def test_a_councils_phrases_file_is_read_and_a_bad_one_refused_by_name(
        sample_index: Path, tmp_path: Path) -> None:
    phrases = tmp_path / "our-phrases.txt"
    phrases.write_text("year-end | end of the year\nsocial workers\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ask", "How many social workers were recruited?",
                                       "--index", str(sample_index)],
                                env={"COMMITTEE_QA_PHRASES": str(phrases)})
    assert result.exit_code == 1
    assert "our-phrases.txt:2: a class needs two or more phrases separated by '|'" in \
        result.output
