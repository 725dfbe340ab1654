"""The gold sets hold what they claim: every evidence string stands in the text the reader
extracts from its paper, ids are unique, and each paper has its metadata."""

import json
import re
from pathlib import Path

import pytest

from committee_qa.evaluation.gold import load_gold
from committee_qa.evaluation.metadata import load_metadata
from committee_qa.papers import read_paper

EVALS = Path(__file__).resolve().parent.parent / "evals"
SETS = [EVALS / "councils" / "tuning", EVALS / "councils" / "held-out"]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("’", "'")).strip().lower()


@pytest.mark.parametrize("folder", SETS, ids=lambda p: p.name)
def test_every_evidence_string_is_in_its_paper_as_read(folder: Path) -> None:
    questions = load_gold(folder / "questions.jsonl")
    papers = {p.name: _fold(read_paper(p).text) for p in (folder / "papers").iterdir()}
    assert len({q.id for q in questions}) == len(questions)
    missing = [(q.id, s) for q in questions for s in q.must_contain
               if _fold(s) not in papers.get(q.doc, "")]
    assert missing == []
    assert all(q.doc in papers for q in questions if q.answerable)
    assert {p.doc for p in load_metadata(folder / "metadata.jsonl")} == set(papers)


def test_no_council_is_in_both_halves() -> None:
    councils = [{json.loads(line)["council"].split(",")[0].split("(")[0].strip().lower()
                 for line in (folder / "metadata.jsonl").read_text().splitlines()}
                for folder in SETS]
    assert councils[0].isdisjoint(councils[1])
