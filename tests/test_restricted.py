"""Restricted papers (exempt information, "Part B") reach nobody without access: not in
answers, citations, the register, committees offered, counts, errors, the API or the page.
A restricted paper's distinctive words are searched for, everywhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from gradio_client import Client
from gradio_client.exceptions import AuthenticationError

from committee_qa.cli import main
from committee_qa.filters import parse_filters
from committee_qa.text import terms
from conftest import (
    CITY,
    COUNTY,
    EXEMPT_MINUTES,
    SAMPLES,
    SECRET,
    make_assistant,
    markdown_quotes,
    serve_app,
    stop_server,
    word_quotes,
)

PART_B_REPORT = f"""BARSETSHIRE COUNTY COUNCIL

FINANCE COMMITTEE

12 JULY 2022

REPORT OF THE DIRECTOR OF RESOURCES

1 Purpose

1.1 To report the redundancy costs of the {SECRET} depot closure, which were £312,000 \
for 14 staff.
"""


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("restricted") / "papers"
    (folder / "restricted").mkdir(parents=True)
    for name in (CITY, COUNTY, f"{COUNTY}.json"):
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "restricted" / "property-2022-06-09-minutes.txt").write_text(EXEMPT_MINUTES)
    (folder / "finance-2022-07-12-part-b.txt").write_text(PART_B_REPORT)
    (folder / "finance-2022-07-12-part-b.txt.json").write_text('{"access": "restricted"}')
    return folder


@pytest.fixture(scope="module")
def index(papers: Path, embedder) -> Path:
    index = papers.parent / "index"
    report = make_assistant(index, embedder).ingest([papers])
    assert not report.failed and len(report.added) == 4
    return index


@pytest.fixture(scope="module")
def assistant(index: Path, embedder):
    return make_assistant(index, embedder)


def test_the_ledger_knows_which_papers_are_restricted(assistant) -> None:
    access = {s: r.access for s, r in assistant.store.papers().items()}
    assert access == {CITY: "public", COUNTY: "public",
                      "property-2022-06-09-minutes.txt": "restricted",
                      "finance-2022-07-12-part-b.txt": "restricted"}
    assert set(assistant.papers("public")) == {CITY, COUNTY}


def test_each_reader_is_handed_the_tools_of_their_own_papers_only(assistant,
                                                                  sample_assistant) -> None:
    """readers.py: the one boundary. Restricted papers give officers an answerer of their
    own (word weights from every paper); a public reader's never saw them. An index with no
    restricted paper gives both the same tools; any other access reads as public."""
    public, officer = assistant.readers("public"), assistant.readers("restricted")
    assert public.answerer is not officer.answerer
    [word] = terms(SECRET)  # never seen by the public answerer: it weighs as the rarest
    assert public.answerer.idf(word) > officer.answerer.idf(word)
    assert set(public.papers()) == {CITY, COUNTY} < set(officer.papers())
    assert public.known("committee") != officer.known("committee")
    assert assistant.readers("anyone") is public  # type: ignore[arg-type]
    only_public = sample_assistant.readers
    assert only_public("public").answerer is only_public("restricted").answerer


QUESTIONS = [f"What was agreed on the sale of the {SECRET} depot?",
             f"How much were the redundancy costs of the {SECRET} depot closure?",
             "What did the Property Sub-Committee resolve in June 2022?",
             "What was decided in June 2022?", "Marchbank Holdings £2,400,000"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_public_reader_never_gets_a_restricted_passage(assistant, question: str) -> None:
    answer, passages = assistant.ask_with_passages(question)
    quoted = " ".join([*(s.text for s in answer.sentences),
                       *(c.text + c.title + c.committee for c in answer.citations)])
    assert SECRET not in quoted and "Marchbank" not in quoted  # the question aside
    assert all(p.chunk.access == "public" for p in passages)
    assert all(c.source in (CITY, COUNTY) for c in answer.citations)
    for mode in ("dense", "keyword"):
        _answer, found = assistant.ask_with_passages(question, mode=mode)
        assert all(SECRET not in p.chunk.text for p in found)


def test_what_a_public_reader_is_told_is_what_they_would_hear_of_a_word_never_written(
        assistant) -> None:
    about_secret = assistant.ask(f"What happened to the {SECRET} depot?")
    about_nothing = assistant.ask("What happened to the Zorblaxian depot?")
    assert about_secret.abstained and about_nothing.abstained
    assert about_secret.reason.replace(SECRET, "X") == about_nothing.reason.replace(
        "Zorblaxian", "X")
    secret_committee = assistant.ask("What was resolved?", filters=parse_filters("Property"))
    no_committee = assistant.ask("What was resolved?", filters=parse_filters("Zorblax"))
    assert secret_committee.reason.replace("Property", "X") == no_committee.reason.replace(
        "Zorblax", "X")


def test_the_public_register_and_choices_hold_nothing_restricted(assistant) -> None:
    public = assistant.decisions()
    assert public and all(SECRET not in d.text for d in public)
    assert assistant.decisions(search=SECRET) == []
    assert "Property Sub-Committee" not in assistant.retriever.known("committee")
    assert "Finance Committee" not in assistant.retriever.known("committee")
    assert assistant.store.count_chunks(("public",)) == sum(
        r.chunks for r in assistant.papers("public").values())


def test_a_reader_with_access_gets_the_restricted_papers(assistant) -> None:
    answer = assistant.ask(f"What was agreed on the sale of the {SECRET} depot?",
                           access="restricted")
    assert "RESOLVED to approve the sale of the Quillfeather depot" in answer.text
    assert answer.citations[0].source == "property-2022-06-09-minutes.txt"
    [sale] = assistant.decisions(search=SECRET, access="restricted")
    assert (sale.committee, sale.meeting_date, sale.minute) == (
        "Property Sub-Committee", "2022-06-09", "3")
    costs = assistant.ask(f"How much were the redundancy costs of the {SECRET} depot "
                          "closure?", access="restricted")
    assert "£312,000" in costs.text


def test_the_command_line_shows_restricted_papers_only_when_asked(index: Path) -> None:
    runner = CliRunner()
    question = f"What was agreed on the sale of the {SECRET} depot?"
    public = json.loads(runner.invoke(main, ["ask", "--json", question, "--index",
                                             str(index)]).stdout)
    assert public["abstained"] and SECRET not in json.dumps(public["citations"])
    full = json.loads(runner.invoke(main, ["ask", "--json", question, "--restricted",
                                           "--index", str(index)]).stdout)
    assert not full["abstained"] and "RESOLVED to approve the sale" in full["answer"]
    register = runner.invoke(main, ["decisions", "--format", "json", "--index", str(index)])
    assert SECRET not in register.stdout
    assert SECRET in runner.invoke(main, ["decisions", "--restricted", "--index",
                                          str(index)]).stdout


@pytest.fixture(scope="module")
def server(index: Path, papers: Path) -> Iterator[str]:
    users = papers.parent / "users.json"
    for name, extra in (("officer", ["--restricted"]), ("member", [])):
        added = CliRunner().invoke(main, ["user", "add", name, *extra, "--users", str(users),
                                          "--password", f"{name}-password"])
        assert added.exit_code == 0, added.output
    assert "officer-password" not in users.read_text()  # only hashes are kept
    assert oct(users.stat().st_mode & 0o777) == "0o600"
    process, url = serve_app(index, papers.parent / "server.log", "--users", str(users),
                             env={"GRADIO_TEMP_DIR": str(papers.parent / "gradio-files")})
    yield url
    stop_server(process)


def test_the_app_asks_people_to_sign_in_and_shows_each_what_they_may_read(
        server: str) -> None:
    with pytest.raises(AuthenticationError, match="as credentials were not provided"):
        Client(server, verbose=False).predict("anything", [], api_name="/ask")
    with pytest.raises(ValueError, match=r"^Could not login to http://127\.0\.0\.1:"):
        Client(server, auth=("member", "wrong-password"), verbose=False)
    question = f"What was agreed on the sale of the {SECRET} depot?"
    member = Client(server, auth=("member", "member-password"), verbose=False)
    officer = Client(server, auth=("officer", "officer-password"), verbose=False)
    told = member.predict(question, [], api_name="/ask")
    assert len(told) == 1 and "do not answer" in told[0]["content"]  # no sources at all
    shown = json.dumps(officer.predict(question, [], api_name="/ask"))
    assert "RESOLVED to approve the sale of the Quillfeather depot" in shown
    _box, chat = officer.predict(question, [], [], [], "", "", api_name="/chat")
    assert "RESOLVED to approve the sale" in json.dumps(chat)  # the chat box, as the page
    _box, chat = member.predict(question, [], [], [], "", "", api_name="/chat")
    assert "RESOLVED to approve the sale" not in json.dumps(chat)
    rows, count = member.predict("", [], "", "", api_name="/decisions")
    assert SECRET not in json.dumps(rows) and count == "4 decisions"
    rows, count = officer.predict(SECRET, [], "", "", api_name="/decisions")
    assert count == "1 decision" and SECRET in rows[0][4]


def test_the_page_itself_names_nothing_restricted(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as http:
        sign_in_page = http.get("")
        assert sign_in_page.status_code == 200 and SECRET not in sign_in_page.text
        for path in ("config", "gradio_api/info"):  # what the page is built from: refused
            refused = http.get(path)
            assert refused.status_code == 401, (path, refused.text[:200])
            assert refused.json()["detail"]["error"] == "Not authenticated"
        wrong = http.post("login", data={"username": "officer", "password": "not-it"})
        assert (wrong.status_code, wrong.json()) == (400, {"detail": "Incorrect credentials."})
        assert http.get("config").status_code == 401
        signed_in = http.post("login", data={"username": "officer",
                                             "password": "officer-password"})
        assert (signed_in.status_code, signed_in.json()) == (200, {"success": True})
        page = http.get("config").text + http.get("").text
    assert SECRET not in page and "Property Sub-Committee" not in page
    assert "The index holds 2 papers" in page


def test_a_briefing_quotes_restricted_papers_only_when_asked_and_marks_them(
        index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    questions.write_text(json.dumps({"question": f"What was agreed on the sale of the {SECRET} "
                                                 "depot?"}) + "\n" + json.dumps(
        {"question": "How many schools committed to joining the Education Trust?"}) + "\n")
    for extra, name in (([], "public.md"), (["--restricted"], "full.md")):
        result = CliRunner().invoke(main, ["brief", str(questions), "--out",
                                           str(tmp_path / name), *extra, "--index", str(index)])
        assert result.exit_code == 0, result.output
    public, full = (markdown_quotes((tmp_path / n).read_text()) for n in ("public.md",
                                                                          "full.md"))
    # The public briefing says what a public reader is told of any unknown word, no more.
    assert "Marchbank" not in (tmp_path / "public.md").read_text()
    assert public and all(SECRET not in " ".join(q.quote) and "restricted" not in q.name
                          for q in public)
    assert "This briefing quotes restricted papers" not in (tmp_path / "public.md").read_text()
    marked = [q for q in full if q.name.endswith("(restricted paper)")]
    assert marked and all("property-2022-06-09-minutes.txt" in q.details["Paper"]
                          for q in marked)
    assert any(SECRET in line for line in marked[0].quote)
    assert [q.name for q in full if "Scrutiny" in q.name] and not [
        q for q in full if "Scrutiny" in q.name and "restricted" in q.name]
    assert "This briefing quotes restricted papers" in (tmp_path / "full.md").read_text()


def test_a_restricted_readers_briefing_is_theirs_alone(browser, server: str,
                                                      papers: Path) -> None:
    from playwright.sync_api import expect

    question = f"What was agreed on the sale of the {SECRET} depot?"
    made = {}
    for name in ("officer", "member"):
        context = browser.new_context()
        page = context.new_page()
        page.goto(server)
        page.get_by_label("username").fill(name)
        page.get_by_label("password").fill(f"{name}-password")
        page.get_by_label("password").press("Enter")
        box = page.locator("#question textarea")
        box.fill(question)
        box.press("Enter")
        expect(page.locator("#chat .chat-reply")).to_have_count(1, timeout=60_000)
        links = page.locator("#briefing a")
        made[name] = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        if made[name]:
            with page.expect_download() as saving:
                links.first.click()
            _doc, quotes = word_quotes(saving.value.path().read_bytes())
            assert quotes[0].name.endswith("(restricted paper)")
            assert any(SECRET in line for line in quotes[0].quote)
        context.close()
    # The officer's briefing is made in their page and handed to it alone: no URL of the
    # server's holds it for anyone else to fetch, and no file of it is left on the server.
    assert made["officer"] and all(href.startswith("data:") for href in made["officer"])
    assert made["member"] == []  # the member was told the papers do not answer
    kept = [p for p in (papers.parent / "gradio-files").rglob("*") if p.is_file()]
    assert not [p for p in kept if SECRET.encode() in p.read_bytes()
                or p.suffix in (".docx", ".md")]


def test_serving_beyond_loopback_needs_sign_in_or_a_plain_no(index: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "committee_qa", "serve", "--host", "0.0.0.0", "--index",
         str(index)], capture_output=True, text=True, timeout=120,
        env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 1
    assert "Error: --host 0.0.0.0 lets anyone who can reach this machine use the chat; give " \
           "a users file" in result.stderr
