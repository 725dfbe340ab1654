"""The register of decisions: every RESOLVED in the minutes, with its meeting and minute."""

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from committee_qa.chunking import chunk_paper
from committee_qa.cli import main
from committee_qa.decisions import asks_for_register, extract_decisions, resolutions
from committee_qa.filters import parse_filters
from committee_qa.papers import read_paper
from committee_qa.render import place
from committee_qa.schema import Paper
from conftest import CITY, SAMPLES

EDUCATION_TRUST = "RESOLVED to thank Nick Lee for his attendance and to note the content of " \
                  "his report."


def test_the_sample_minutes_give_the_four_resolutions_of_18_july_2017() -> None:
    decisions = extract_decisions(chunk_paper(read_paper(SAMPLES / CITY), "d"))
    assert [(d.meeting_date, d.minute, d.item_title) for d in decisions] == [
        ("2017-07-18", "13", "Post Ofsted Improvement Journey"),
        ("2017-07-18", "14", "Regional Schools Commissioner"),
        ("2017-07-18", "15", "Education Trust Update"),
        ("2017-07-18", "16", "Children and Young People Scrutiny Committee Work Programme"),
    ]
    assert decisions[0].text == (
        "RESOLVED to:\n"
        "(1) thank Bluecoat Beechdale Academy and Farnborough Academy for their attendance "
        "and for engaging with the Committee\n"
        "(2) note the content of the presentations")
    assert decisions[2].text == EDUCATION_TRUST
    assert decisions[3].text == "RESOLVED to note the work programme for the municipal year " \
                                "2017/18"
    assert {(d.council, d.committee) for d in decisions} == {
        ("Nottingham City Council", "Children and Young People Scrutiny Committee")}


def test_a_resolution_with_its_parts_is_never_split_across_chunks() -> None:
    body = "\n\n".join(f"- ({chr(97 + i)}) Members discussed point {i} of the library "
                       f"strategy at some length, with questions on staffing and budgets;"
                       for i in range(12))
    parts = "\n".join(f"- ({n}) agree recommendation {n} of the library strategy, as "
                      f"amended in debate by the Chair and the Vice-Chair;" for n in range(1, 15))
    text = ("BARSETSHIRE COUNTY COUNCIL\n\nLIBRARIES COMMITTEE\n\nMINUTES of the meeting "
            f"held on 3 March 2021\n\n7 LIBRARY STRATEGY\n\n{body}\n\nRESOLVED to:\n\n{parts}\n")
    paper = read_paper_text(text)
    chunks = chunk_paper(paper, "d")
    holding = [c for c in chunks if "RESOLVED to:" in c.text]
    assert len(holding) == 1 and len(chunks) > 2
    assert all(f"({n}) agree recommendation {n}" in holding[0].text for n in range(1, 15))
    assert not any("agree recommendation" in c.text for c in chunks if c is not holding[0])
    [decision] = extract_decisions(chunks)
    assert (decision.minute, decision.meeting_date) == ("7", "2021-03-03")
    assert decision.text.count("\n") == 14


def read_paper_text(text: str) -> Paper:
    return Paper(source="minutes.txt", title="Minutes", text=text)


def test_resolutions_are_read_with_their_lettered_or_numbered_parts() -> None:
    text = ("Members noted the report.\n\nRESOLVED to:\n\n- (a) note the report;\n"
            "- (b) agree the plan;\n\nThe meeting closed at 12.30pm.")
    assert resolutions(text) == ["RESOLVED to:\n(a) note the report\n(b) agree the plan"]


def test_the_register_is_filtered_by_committee_date_and_words(meetings_assistant) -> None:
    everything = meetings_assistant.decisions()
    assert [(d.meeting_date, d.minute) for d in everything] == [
        ("2022-03-02", "5"), ("2021-03-03", "5"),
        ("2017-07-18", "13"), ("2017-07-18", "14"), ("2017-07-18", "15"), ("2017-07-18", "16")]
    libraries = meetings_assistant.decisions(parse_filters("libraries"))
    assert {d.committee for d in libraries} == {"Libraries Committee"}
    assert [d.meeting_date for d in meetings_assistant.decisions(
        parse_filters(since="2021-06", until="2022-12"))] == ["2022-03-02"]
    [trust] = meetings_assistant.decisions(search="Nick Lee")
    assert trust.text == EDUCATION_TRUST and trust.minute == "15"
    assert meetings_assistant.decisions(parse_filters(doc_type="report")) == []
    assert len(meetings_assistant.decisions(search="review opening hours")) == 1
    assert meetings_assistant.decisions(search="opening hours unicorns") == []


def test_what_was_decided_at_a_meeting_is_answered_from_the_register(sample_assistant) -> None:
    answer = sample_assistant.ask("What was decided in July 2017?")
    assert not answer.abstained and answer.dated
    assert [s.text for s in answer.sentences][2] == EDUCATION_TRUST
    assert [c.item for c in answer.citations] == ["13", "14", "15", "16"]
    assert all(place(c).startswith("Minutes — Children and Young People Scrutiny Committee "
                                   "(Nottingham City Council), 18 July 2017, minute 1")
               for c in answer.citations)
    for sentence in answer.sentences:  # the trust rule: quoted word for word
        cited = answer.citations[sentence.citation - 1]
        assert sentence.text in " ".join(cited.text.replace("**", "").replace("- ", "").split())
    none = sample_assistant.ask("What was resolved in March 2019?")
    assert none.abstained and none.reason == (
        "The papers do not answer this question: they hold no meetings from 1 March 2019 to "
        "31 March 2019. Check the date, or ask without it.")


def test_questions_on_a_topic_are_not_sent_to_the_register() -> None:
    committees = ["Children and Young People Scrutiny Committee"]
    assert asks_for_register("Which decisions did the scrutiny committee make in 2017?",
                             committees)
    assert not asks_for_register("What did the committee resolve on the Education Trust?",
                                 committees)
    assert not asks_for_register("How many social workers were recruited?", committees)


def test_decisions_command_prints_table_csv_and_json(meetings_index: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(main, ["decisions", "--index", str(meetings_index),
                                 "--committee", "scrutiny"])
    assert table.exit_code == 0, table.output
    assert "18 July 2017 — Children and Young People Scrutiny Committee, minute 15: " \
           "Education Trust Update" in table.output
    assert table.output.rstrip().endswith("4 decisions") and "Libraries" not in table.output
    rows = list(csv.reader(io.StringIO(runner.invoke(main, [
        "decisions", "--index", str(meetings_index), "--format", "csv",
        "--since", "2021"]).output)))
    assert rows[0] == ["Date", "Committee", "Minute", "Item", "Resolution", "Source"]
    assert [r[0] for r in rows[1:]] == ["2022-03-02", "2021-03-03"]
    assert rows[1][1] == "Libraries Committee (Barsetshire County Council)"
    data = json.loads(runner.invoke(main, ["decisions", "--index", str(meetings_index),
                                           "--format", "json", "--search", "Nick Lee"]).output)
    assert [(d["minute"], d["meeting_date"], d["text"]) for d in data] == [
        ("15", "2017-07-18", EDUCATION_TRUST)]
    bad = runner.invoke(main, ["decisions", "--index", str(meetings_index),
                               "--until", "July 2017"])
    assert bad.exit_code == 2 and "the until date 'July 2017' is not a date" in bad.output


def test_a_resolution_quoted_as_a_block_in_markdown_is_in_the_register_answer(
        fresh_assistant, tmp_path) -> None:
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "parks.md").write_text(
        "Minutes of the meeting of the Parks Committee held on 4 March 2019\n\n"
        "## 3 Allotments\n\nThe clerk reported on the waiting list.\n\n"
        "> RESOLVED that the allotment rent be raised to £45 a year.\n", encoding="utf-8")
    fresh_assistant.ingest([papers])
    answer = fresh_assistant.ask("What was decided in March 2019?")
    assert not answer.abstained, answer.reason
    assert "RESOLVED that the allotment rent be raised to £45 a year" in answer.text


def test_two_resolutions_in_one_passage_are_both_in_the_register_answer(
        fresh_assistant, tmp_path: Path) -> None:
    """One passage holding two resolutions (RESOLVED and AGREED) is read once, not twice:
    Chroma refuses an id asked for twice, which once crashed the register's answer."""
    from conftest import write_minutes

    write_minutes(tmp_path / "inbox", "libraries-2023-03-01-minutes.txt", "1 March 2023",
                  "470,000", "RESOLVED to note the report.\n\nAGREED to meet again in June.")
    assert not fresh_assistant.ingest([tmp_path / "inbox"]).failed
    answer = fresh_assistant.ask("What was decided in March 2023?")
    assert not answer.abstained
    assert [s.text for s in answer.sentences] == ["RESOLVED to note the report.",
                                                  "AGREED to meet again in June."]
    assert len({c.text for c in answer.citations}) == 1
