"""The benchmark's made-up papers: the same for a seed, and read by the product as what they are."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from corpus import GeneratedPaper, make_paper, write_paper  # noqa: E402

from committee_qa.chunking import chunk_paper  # noqa: E402
from committee_qa.decisions import extract_decisions  # noqa: E402
from committee_qa.papers import read_paper  # noqa: E402
from committee_qa.structure import split_pack  # noqa: E402

SEED = 11
PAPERS = [make_paper(SEED, n) for n in range(24)]


def _first(kind: str, suffix: str = "txt") -> GeneratedPaper:
    return next(p for p in PAPERS if p.kind == kind and p.suffix == suffix)


def test_the_same_seed_makes_the_same_papers_and_another_seed_others(tmp_path: Path) -> None:
    assert [make_paper(SEED, n) for n in range(24)] == PAPERS
    assert make_paper(SEED + 1, 3).text != PAPERS[3].text
    pdf = _first("pack", "pdf")
    first = write_paper(pdf, tmp_path).read_bytes()
    (tmp_path / "again").mkdir()
    assert write_paper(pdf, tmp_path / "again").read_bytes() == first


def test_the_corpus_spans_councils_committees_kinds_and_years() -> None:
    assert len({p.council for p in PAPERS}) >= 6
    assert len({p.committee for p in PAPERS}) >= 6
    assert {p.kind for p in PAPERS} == {"pack", "minutes", "report"}
    assert {p.suffix for p in PAPERS} == {"txt", "pdf"}
    assert len({p.meeting_date[:4] for p in PAPERS}) >= 5


@pytest.mark.parametrize("suffix", ["txt", "pdf"])
def test_a_pack_is_read_as_agenda_minutes_and_reports_with_its_dates(
        tmp_path: Path, suffix: str) -> None:
    pack = _first("pack", suffix)
    paper = read_paper(write_paper(pack, tmp_path))
    documents = split_pack(paper.text)
    kinds = [d.doc_type for d in documents]
    assert kinds[:2] == ["agenda", "minutes"] and kinds.count("report") >= 2
    assert {d.meeting_date for d in documents} == {pack.meeting_date}
    assert {d.committee for d in documents} == {pack.committee}
    assert {d.council for d in documents} == {pack.council}
    minutes = documents[1]
    held = {f.meeting_date for f in pack.facts if f.doc_type == "minutes"}
    assert held == {minutes.minutes_of} and minutes.minutes_of < pack.meeting_date
    assert all(d.item for d in documents if d.doc_type == "report")  # matched to the agenda


def test_minutes_and_reports_on_their_own_carry_their_meeting(tmp_path: Path) -> None:
    minutes, report = _first("minutes"), _first("report")
    [document] = split_pack(read_paper(write_paper(minutes, tmp_path)).text)
    assert (document.doc_type, document.minutes_of) == ("minutes", minutes.meeting_date)
    documents = split_pack(read_paper(write_paper(report, tmp_path)).text)
    assert documents[0].doc_type == "report" and documents[0].item
    assert documents[0].meeting_date == report.meeting_date
    assert documents[0].council == report.council


@pytest.mark.parametrize("kind", ["pack", "minutes"])
def test_every_resolved_block_is_in_the_register(tmp_path: Path, kind: str) -> None:
    generated = _first(kind)
    chunks = chunk_paper(read_paper(write_paper(generated, tmp_path)), "doc")
    decisions = extract_decisions(chunks)
    assert generated.resolutions >= 2
    assert len(decisions) == generated.resolutions
    assert all(d.text.startswith("RESOLVED") and d.minute for d in decisions)
    held = {f.meeting_date for f in generated.facts if f.doc_type == "minutes"}
    assert {d.meeting_date for d in decisions} == held


def test_each_fact_is_stated_in_its_paper_and_asks_about_it() -> None:
    for paper in PAPERS:
        assert paper.facts
        for fact in paper.facts:
            assert fact.source == paper.name
            assert fact.answer in paper.text
            assert fact.question.endswith("?") and fact.answer not in fact.question
