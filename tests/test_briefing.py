"""Cited briefings: every quote names its paper, meeting and page and links to it in the
app, in Markdown and in a Word document a screen reader can follow; `committee-qa brief`
from a file of questions; the register of decisions as a Word table."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from committee_qa.briefing import briefing_markdown, conversation_entries, make_briefing
from committee_qa.cli import main
from committee_qa.config import Settings
from committee_qa.export import TOO_LONG, briefing_docx, briefing_downloads, save
from committee_qa.render import DECISION_COLUMNS, export_html
from committee_qa.schema import Answer, AnswerSentence, Citation, PaperRecord
from committee_qa.turns import app_address
from conftest import (
    CITY,
    COUNTY,
    HIGHWAYS,
    SAMPLES,
    make_assistant,
    markdown_quotes,
    word_quotes,
    write_minutes_pdf,
)

MADE = datetime(2026, 12, 2, 14, 5, tzinfo=UTC)
BASE = "https://qa.barsetshire.gov.uk/committee-qa"
HOSTILE = '<img src=x onerror="alert(1)"> [click](javascript:alert(2)) ![x](http://evil/x.png)'


def a_citation(n: int = 1, **fields: object) -> Citation:
    base: dict[str, object] = dict(
        source=HIGHWAYS, title="Minutes of the meeting held on 4 May 2022", page=2,
        heading="7 POTHOLE REPAIRS", score=1.0, start=202, end=413, doc_type="minutes",
        text="7 POTHOLE REPAIRS\nThe council repaired 6,250 potholes.\n\nRESOLVED to note.",
        council="Barsetshire County Council", committee="Highways Committee",
        meeting_date="2022-05-04", item="7", paragraph="7", doc_id="d0c1d")
    return Citation(n=n, **{**base, **fields})  # type: ignore[arg-type]


POTHOLES = Answer("How many potholes were repaired?",
                  (AnswerSentence("The council repaired 6,250 potholes.", 1),),
                  (a_citation(),), abstained=False)
UNDATED = a_citation(2, source="notes.txt", title="notes.txt", page=None, doc_type="", heading="",
                     committee="", council="", meeting_date="", item="", paragraph="",
                     doc_id="0a7e5", text="Repairs continue.")
WRITTEN = Answer("And the cost?", (AnswerSentence("The repairs cost £412,000.", 1, also=(2,)),),
                 (a_citation(), UNDATED), abstained=False, mode="llm",
                 dropped=("The council also built a new bridge.",),
                 note="The model took 3 seconds.")
DECLINED = Answer("What is the capital of France?", (), (), abstained=True,
                  reason="The papers do not answer this question.")
ENTRIES = [(POTHOLES.question, (), POTHOLES),
           (WRITTEN.question, (POTHOLES.question,), WRITTEN),
           (DECLINED.question, (POTHOLES.question, WRITTEN.question), DECLINED)]


# --- the briefing laid out, on literal answers -------------------------------------------

def test_every_quote_names_its_paper_meeting_and_page_and_links_to_it() -> None:
    text = briefing_markdown(make_briefing(ENTRIES, BASE + "/", MADE))
    quotes = markdown_quotes(text)
    assert [q.name for q in quotes] == [
        "Source 1: Highways Committee, Barsetshire County Council, 4 May 2022, minute 7, "
        "page 2 (minutes)"] * 2 + ["Source 2: notes.txt"]
    assert quotes[0].details == {"Paper": f"Minutes of the meeting held on 4 May 2022 "
                                          f"({HIGHWAYS})",
                                 "Meeting": "Highways Committee, 4 May 2022", "Page": "2"}
    assert quotes[0].quote == ["7 POTHOLE REPAIRS", "The council repaired 6,250 potholes.",
                               "RESOLVED to note."]
    assert quotes[0].links == [f"{BASE}/papers/d0c1d?page=2&start=202&end=413"]
    # A paper without pages or a known meeting says so rather than leave a gap.
    assert quotes[2].details == {"Paper": "notes.txt", "Meeting": "not stated in the paper",
                                 "Page": "none (this paper has no page numbers)"}
    assert "Each link opens the quoted passage in the committee-qa app at " + BASE in text
    assert "Made by committee-qa on 2 December 2026 at 14:05 from 3 questions." in text


def test_a_declined_question_and_unsupported_sentences_are_never_given_as_fact() -> None:
    text = briefing_markdown(make_briefing(ENTRIES, BASE, MADE))
    sections = text.split("\n## ")[1:]
    assert [s.split("\n")[0] for s in sections] == [
        "1. How many potholes were repaired?", "2. And the cost?",
        "3. What is the capital of France?"]
    assert "**Quoted from the papers.**" in sections[0]
    assert "**Written by a language model from the papers; every sentence was checked " \
           "against the passage it cites.** Note: The model took 3 seconds." in sections[1]
    assert "The repairs cost £412,000. \\[1\\]\\[2\\]" in sections[1]
    answer, unsupported = sections[1].split("### Not supported by the papers")
    assert "bridge" not in answer and "- The council also built a new bridge." in unsupported
    assert "_Asked after: “How many potholes were repaired?”_" in sections[1]
    assert "**No answer in the papers**\n\nThe papers do not answer this question." in \
        sections[2] and "Sources" not in sections[2]


def test_paper_and_person_text_in_markdown_is_text_never_markup() -> None:
    hostile = Answer(f"Why {HOSTILE}?", (AnswerSentence(f"Because {HOSTILE}.", 1),),
                     (a_citation(text=f"- {HOSTILE}\n1. # not a heading"),), abstained=False)
    text = briefing_markdown(make_briefing([(hostile.question, (), hostile)], BASE, MADE))
    # Nothing that would make markup stands unescaped: no tag, link, image, list or heading.
    for markup in (r"<img", r"\[click\]\(", r"!\[x\]\(", r"^(> )?- ", r"^> 1\. ", r"# not"):
        assert not re.search(r"(?<!\\)" + markup, text, re.M), markup
    assert text.count("\\<img src=x onerror=\"alert(1)\"\\> \\[click\\](javascript:") == 3
    assert markdown_quotes(text)[0].quote == [f"- {HOSTILE}", "1. # not a heading"]


def test_a_quote_from_a_restricted_paper_is_marked_and_the_briefing_says_so() -> None:
    papers = [PaperRecord(HIGHWAYS, "d0c1d", "", 3, "", "restricted"),
              PaperRecord("notes.txt", "0a7e5", "", 1, "", "public")]
    briefing = make_briefing(ENTRIES, BASE, MADE, papers)
    assert [s.restricted for s in briefing.sections[1].sources] == [True, False]
    text = briefing_markdown(briefing)
    assert "**This briefing quotes restricted papers (exempt information). Share it only " \
           "with people entitled to read them.**" in text
    assert markdown_quotes(text)[0].name.endswith("(minutes) (restricted paper)")
    doc, _quotes = word_quotes(briefing_docx(briefing))
    assert doc.sections[0].header.paragraphs[0].text == "RESTRICTED: exempt information"
    public = make_briefing(ENTRIES, BASE, MADE, [PaperRecord(HIGHWAYS, "d0c1d", "", 3, "")])
    assert "restricted" not in briefing_markdown(public)


def test_the_word_briefing_has_headings_quotes_real_links_and_its_properties() -> None:
    doc, quotes = word_quotes(briefing_docx(make_briefing(ENTRIES, BASE, MADE)))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styles[0] == ("Title", "Briefing from the committee papers")
    assert [t for s, t in styles if s == "Heading 1"] == [
        "1. How many potholes were repaired?", "2. And the cost?",
        "3. What is the capital of France?"]
    assert [t for s, t in styles if s == "Heading 2"] == [
        "Sources", "Not supported by the papers (left out of the answer)", "Sources"]
    assert ("List Bullet", "The council also built a new bridge.") in styles
    assert len(quotes) == 3 and all(q.quote for q in quotes)
    assert quotes[0].details == {"Paper": f"Minutes of the meeting held on 4 May 2022 "
                                          f"({HIGHWAYS})",
                                 "Meeting": "Highways Committee, 4 May 2022", "Page": "2"}
    assert quotes[0].quote == ["7 POTHOLE REPAIRS\nThe council repaired 6,250 potholes.",
                               "RESOLVED to note."]
    assert quotes[0].links == [f"{BASE}/papers/d0c1d?page=2&start=202&end=413"]
    # A link is a w:hyperlink to an external target, shown in Word's Hyperlink style.
    link = doc.paragraphs[[t for _s, t in styles].index(
        f"Open the passage in committee-qa: {quotes[0].links[0]}")]._p
    [run_style] = link.findall(f"{qn('w:hyperlink')}/{qn('w:r')}/{qn('w:rPr')}/{qn('w:rStyle')}")
    assert run_style.get(qn("w:val")) == "Hyperlink" and "Hyperlink" in [
        s.name for s in doc.styles]
    props = doc.core_properties
    assert (props.title, props.author, props.language) == (
        "Briefing from the committee papers", "committee-qa", "en-GB")
    assert props.subject.startswith("How many potholes were repaired?; And the cost?")
    lang = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/"
                                   f"{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"


def test_characters_xml_cannot_hold_do_not_break_the_word_file() -> None:
    scanned = Answer("?", (AnswerSentence("Form\x0cfeed.", 1),),
                     (a_citation(text="Page one\x0cpage two\x00"),), abstained=False)
    _doc, quotes = word_quotes(briefing_docx(make_briefing([("?", (), scanned)], BASE, MADE)))
    assert quotes[0].quote == ["Page one page two "]


def test_the_chat_offers_its_conversation_once_a_question_is_answered() -> None:
    declined_only = [(DECLINED.question, DECLINED)]
    assert briefing_downloads(declined_only, BASE) == []
    turns = [(DECLINED.question, DECLINED), ("Since 2017-13?", "The since date is wrong."),
             (POTHOLES.question, POTHOLES)]
    assert [(q, list(h)) for q, h, _a in conversation_entries(turns)] == [
        (DECLINED.question, []), (POTHOLES.question, [DECLINED.question, "Since 2017-13?"])]
    (word_label, word_name, word_url), (md_label, md_name, md_url) = briefing_downloads(
        turns, BASE)
    assert (word_label, md_label) == ("Download briefing (Word)",
                                      "Download briefing (Markdown)")
    assert word_name.startswith("committee-qa-briefing-") and word_name.endswith(".docx")
    assert md_name == word_name[:-5] + ".md"
    prefix = "data:application/vnd.openxmlformats-officedocument.wordprocessingml.document;"
    assert word_url.startswith(prefix + "base64,")
    _doc, quotes = word_quotes(base64.b64decode(word_url.split(",", 1)[1]))
    assert [q.links for q in quotes] == [[f"{BASE}/papers/d0c1d?page=2&start=202&end=413"]]
    assert md_url.startswith("data:text/markdown;charset=utf-8;base64,")
    markdown = base64.b64decode(md_url.split(",", 1)[1]).decode("utf-8")
    assert "The since date is wrong" not in markdown  # a question never asked is left out
    assert "## 1. What is the capital of France?" in markdown


def test_a_conversation_too_long_for_the_page_says_so_rather_than_vanish() -> None:
    long = Answer("?", (AnswerSentence("Yes.", 1),), (a_citation(text="word " * 320_000),),
                  abstained=False)  # 1.6 MB of quote: more than 2 MB as a data: URL
    offered = briefing_downloads([("?", long)], BASE)
    assert offered == TOO_LONG
    shown = export_html(offered)
    assert "too long to save from the page" in shown and "<a " not in shown
    assert 'aria-labelledby="briefing-heading"' in shown and export_html([]) == ""


def test_the_apps_address_is_the_page_that_asked() -> None:
    assert app_address({"referer": "https://qa.example.gov.uk/committee-qa/?x=1#top",
                        "host": "10.0.0.5:7860"}) == "https://qa.example.gov.uk/committee-qa"
    assert app_address({"referer": "http://127.0.0.1:7860/"}) == "http://127.0.0.1:7860"
    assert app_address({"host": "127.0.0.1:7860"}) == "http://127.0.0.1:7860"
    assert app_address({"host": "10.0.0.5", "x-forwarded-host": "qa.example.gov.uk",
                        "x-forwarded-proto": "https"}) == "https://qa.example.gov.uk"
    assert app_address({}) == ""


def test_links_default_to_the_address_the_app_is_served_at() -> None:
    assert Settings.load({}).address == "http://127.0.0.1:7860"
    assert Settings.load({}, host="0.0.0.0", port=8080).address == "http://127.0.0.1:8080"
    assert Settings.load({}, host="::").address == "http://[::1]:7860"
    assert Settings.load({}, host="qa.example.gov.uk").address == "http://qa.example.gov.uk:7860"


# --- writing files -----------------------------------------------------------------------

def test_a_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "brief.md"
    save(target, b"first")
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    target.chmod(0o600)  # someone keeps their briefings to themselves
    save(target, b"second")
    assert target.read_bytes() == b"second" and oct(target.stat().st_mode & 0o777) == "0o600"
    blocked = tmp_path / "taken"
    (blocked / "inside").mkdir(parents=True)  # a folder where the file should go
    with pytest.raises(OSError):
        save(blocked, b"never")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.md", "taken"]  # no .tmp


# --- the command line, on a real index ---------------------------------------------------

@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The two sample papers and the Highways Committee's minutes, a PDF with pages."""
    papers = tmp_path_factory.mktemp("briefing") / "papers"
    write_minutes_pdf(papers)
    for name in (CITY, COUNTY, f"{COUNTY}.json"):
        shutil.copy(SAMPLES / name, papers / name)
    report = make_assistant(papers.parent / "index", embedder).ingest([papers])
    assert not report.failed and len(report.added) == 3
    return papers.parent / "index"


def questions_file(folder: Path) -> Path:
    path = folder / "questions.jsonl"
    path.write_text("\n".join([
        json.dumps({"question": "How many potholes were repaired during the winter?"}),
        "{not json",
        json.dumps({"question": "How many schools committed to joining the Education Trust?"}),
        json.dumps({"id": 4}),
        json.dumps({"question": "and what was the target?",
                    "history": ["What was staff turnover in the hard to recruit teams?"]}),
        json.dumps({"question": "What is the capital of France?"}),
    ]) + "\n", encoding="utf-8")
    return path


def test_brief_writes_a_word_briefing_from_a_file_of_questions(index: Path,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "brief.docx"
    result = CliRunner().invoke(main, ["brief", str(questions_file(tmp_path)), "--out",
                                       str(out), "--base-url", BASE, "--index", str(index)])
    assert result.exit_code == 1  # two lines could not be asked; the rest is the briefing
    assert "questions.jsonl:2: not valid JSON" in result.stderr
    assert 'questions.jsonl:4: needs a "question" field' in result.stderr
    assert f"briefing: {out} (4 questions)" in result.stdout
    doc, quotes = word_quotes(out.read_bytes())
    questions = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert questions == ["1. How many potholes were repaired during the winter?",
                         "2. How many schools committed to joining the Education Trust?",
                         "3. and what was the target?", "4. What is the capital of France?"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "6,250 potholes" in text and "30 schools" in text and "5%" in text
    assert "Asked after: “What was staff turnover in the hard to recruit teams?”" in text
    assert "No answer in the papers" in text
    assert quotes and all(set(q.details) == {"Paper", "Meeting", "Page"} and q.quote
                          for q in quotes)
    potholes = quotes[0]
    assert potholes.details == {"Paper": f"Minutes of the meeting held on 4 May 2022 "
                                         f"({HIGHWAYS})",
                                "Meeting": "Highways Committee, 4 May 2022", "Page": "2"}
    assert all(q.links and q.links[0].startswith(f"{BASE}/papers/") for q in quotes)
    assert any("6,250 potholes" in line for line in potholes.quote)


def test_brief_links_to_the_configured_address_by_default_in_markdown(
        index: Path, tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    questions = tmp_path / "one.jsonl"
    questions.write_text(json.dumps({"question": "How many potholes were repaired?"}))
    result = CliRunner().invoke(main, ["brief", str(questions), "--out", str(out),
                                       "--index", str(index)],
                                env={"COMMITTEE_QA_PORT": "8123"})
    assert result.exit_code == 0, result.output
    [potholes, *_] = markdown_quotes(out.read_text(encoding="utf-8"))
    assert potholes.details["Page"] == "2"
    assert potholes.links[0].startswith("http://127.0.0.1:8123/papers/")


def test_brief_refuses_a_format_or_a_folder_it_cannot_write(index: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    result = CliRunner().invoke(main, ["brief", str(questions_file(tmp_path)), "--out",
                                       str(out), "--index", str(index)])
    assert result.exit_code == 2 and "--out" in result.output
    assert "neither a Word (.docx) nor a Markdown (.md) file name" in result.output
    assert not out.exists()
    nowhere = tmp_path / "no-such-folder" / "brief.md"
    result = CliRunner().invoke(main, ["brief", str(questions_file(tmp_path)), "--out",
                                       str(nowhere), "--index", str(index)])
    assert result.exit_code == 1
    assert f"cannot write {nowhere}: No such file or directory" in result.output


def test_a_brief_with_nothing_to_ask_leaves_an_earlier_briefing_whole(index: Path,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    out.write_text("an earlier briefing")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n" + json.dumps({"q": "no question field"}) + "\n")
    result = CliRunner().invoke(main, ["brief", str(bad), "--out", str(out),
                                       "--index", str(index)])
    assert result.exit_code == 1
    assert "bad.jsonl:1:" in result.stderr and "bad.jsonl:2:" in result.stderr
    assert f"holds no question that can be asked; {out} was not written" in result.output
    assert out.read_text() == "an earlier briefing"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", "brief.md"]


def test_the_register_exports_as_a_word_table_with_a_header_row(sample_index: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "register.docx"
    result = CliRunner().invoke(main, ["decisions", "--format", "docx", "--out", str(out),
                                       "--index", str(sample_index)])
    assert result.exit_code == 0, result.output
    assert f"register: {out} (4 decisions)" in result.output
    doc = Document(io.BytesIO(out.read_bytes()))
    assert doc.core_properties.title == "Register of decisions"
    [table] = doc.tables
    header, *rows = table.rows
    assert [c.text for c in header.cells] == list(DECISION_COLUMNS)
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated, read as headers
    assert [r.cells[2].text for r in rows] == ["13", "14", "15", "16"]
    nick_lee = rows[2].cells
    assert nick_lee[0].text == "2017-07-18"
    assert nick_lee[4].text.startswith("RESOLVED to thank Nick Lee")
    assert nick_lee[5].text.startswith(CITY)
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape

    refused = CliRunner().invoke(main, ["decisions", "--format", "docx",
                                        "--index", str(sample_index)])
    assert refused.exit_code == 2 and "--out FILE" in refused.output
    csv_out = tmp_path / "register.csv"
    CliRunner().invoke(main, ["decisions", "--format", "csv", "--out", str(csv_out),
                              "--index", str(sample_index)])
    assert csv_out.read_text().splitlines()[0] == ",".join(DECISION_COLUMNS)
