"""Agenda packs split into their documents, with the meeting each belongs to."""

import json
from pathlib import Path

import pytest

from committee_qa.chunking import chunk_paper
from committee_qa.errors import PaperError
from committee_qa.papers import read_paper, read_sidecar
from committee_qa.render import answer_dict, place
from committee_qa.structure import iso_date, split_pack
from conftest import CITY, COUNTY, SAMPLES


def test_the_sample_pack_splits_into_agenda_minutes_reports_and_their_papers() -> None:
    paper = read_paper(SAMPLES / CITY)
    documents = split_pack(paper.text)
    assert [(d.doc_type, d.item) for d in documents] == [
        ("agenda", ""), ("minutes", ""),
        ("report", "4"), ("appendix", "4"),
        ("report", "5"), ("appendix", "5"),
        ("report", "6"), ("appendix", "6"),
    ]
    agenda, minutes, *_ = documents
    assert {d.council for d in documents} == {"Nottingham City Council"}
    assert {d.committee for d in documents} == {"Children and Young People Scrutiny Committee"}
    assert {d.meeting_date for d in documents} == {"2017-09-19"}
    assert minutes.minutes_of == "2017-07-18"
    assert minutes.title == "Minutes of the meeting held on 18 July 2017"
    assert paper.text[minutes.start:].startswith("NOTTINGHAM CITY COUNCIL\n\nCHILDREN AND")
    assert "RESOLVED to note the work programme" in paper.text[minutes.start:minutes.end]
    reports = [d for d in documents if d.doc_type == "report"]
    assert [r.item_title for r in reports] == [
        "Ofsted Pilot Inspection of Children's Services – Follow Up Focus on Support for "
        "Care Leavers",
        "Social Worker Recruitment, Retention and Caseload Management",
        "Work Programme 2017/18",
    ]
    assert {r.author for r in reports} == {"Head of Legal and Governance"}
    assert reports[0].contact == "Jane Garrard, Senior Governance Officer"
    appendices = [d for d in documents if d.doc_type == "appendix"]
    assert [a.title for a in appendices] == [
        "Ofsted Inspection of Children's Social Care Services (Pilot)",
        "Social work caseloads and retention",
        "Children and Young People Scrutiny Committee 2017/18 Work Programme",
    ]
    assert appendices[1].contact == "Helen Blackman"
    for before, after in zip(documents, documents[1:]):
        assert before.end <= after.start  # no overlaps
        assert "intentionally left blank" not in paper.text[before.start:before.end]


def test_a_single_report_reads_its_item_date_and_author() -> None:
    [report] = split_pack(read_paper(SAMPLES / COUNTY).text)
    assert (report.doc_type, report.item, report.meeting_date) == ("report", "5", "2020-02-10")
    assert report.author == "Corporate Director, Children and Families"
    assert report.item_title.startswith("Your Nottinghamshire Your Future – Departmental")
    assert report.contact == "Matthew Garrard"
    assert report.council == "" and report.committee == ""  # not in its text: never guessed


def test_sidecar_states_what_the_text_does_not() -> None:
    overrides = read_sidecar(SAMPLES / COUNTY)
    [report] = split_pack(read_paper(SAMPLES / COUNTY).text, overrides)
    assert report.council == "Nottinghamshire County Council"
    assert report.committee == "Children and Young People's Committee"


def test_bad_sidecar_names_the_paper_and_the_file(tmp_path: Path) -> None:
    paper = tmp_path / "minutes.txt"
    paper.write_text("Minutes")
    (tmp_path / "minutes.txt.json").write_text('{"meeting_date": "18/07/2017"}')
    with pytest.raises(PaperError, match=r"minutes.txt: its metadata file minutes.txt.json "
                                         r"gives meeting_date '18/07/2017'; write the date as "
                                         r"YYYY-MM-DD"):
        read_sidecar(paper)
    (tmp_path / "minutes.txt.json").write_text(json.dumps({"comittee": "Typo"}))
    with pytest.raises(PaperError, match="unknown field.*comittee"):
        read_sidecar(paper)


def test_minute_chunks_know_their_minute_and_point() -> None:
    chunks = chunk_paper(read_paper(SAMPLES / CITY), "d")
    exam = next(c for c in chunks if "Exam results are improving" in c.text)
    assert (exam.doc_type, exam.meeting_date, exam.item) == ("minutes", "2017-07-18", "13")
    assert exam.item_title == "Post Ofsted Improvement Journey"
    trust = next(c for c in chunks if "RESOLVED to thank Nick Lee" in c.text)
    assert trust.item == "15" and trust.item_title == "Education Trust Update"
    care = next(c for c in chunks if "tenacious enough" in c.text)
    assert (care.doc_type, care.item, care.paragraph) == ("report", "4", "3.2")
    assert all(c.doc_type for c in chunks)


def test_citations_name_the_place(sample_assistant) -> None:
    answer = sample_assistant.ask("What did the committee resolve on the Education Trust?")
    assert answer.sentences[0].text.startswith("RESOLVED to thank Nick Lee")
    first = answer.citations[0]
    assert place(first).startswith("Minutes — Children and Young People Scrutiny Committee "
                                   "(Nottingham City Council), 18 July 2017, minute 15")
    data = answer_dict(answer)["citations"][0]
    assert (data["doc_type"], data["meeting_date"], data["item"]) == (
        "minutes", "2017-07-18", "15")
    county = sample_assistant.ask("How many new social work staff were recruited?")
    cited = next(c for c in county.citations if c.source == COUNTY)
    assert place(cited).startswith("Report — Children and Young People's Committee "
                                   "(Nottinghamshire County Council), 10 February 2020, item 5")


def test_dates_are_read_as_written_in_papers() -> None:
    assert iso_date("Tuesday, 19 September 2017") == "2017-09-19"
    assert iso_date("10th February 2020") == "2020-02-10"
    assert iso_date("on 31 February 2020") == ""
    assert iso_date("no date here") == ""
