"""The chat app in headless Chromium: answers with sources that unfold, paper text shown as
text (never run), the conversation downloaded as a cited briefing, the decisions
register, a citation opened at its page in the source viewer, and the Papers tab."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, Request, Route, expect

from committee_qa.embedding import Embedder
from conftest import (
    CITY,
    COUNTY,
    GRIT_QUESTION,
    HIGHWAYS,
    HIGHWAYS_PAGES,
    HIGHWAYS_PDF,
    ROOT,
    SAMPLES,
    make_assistant,
    make_text_pdf,
    markdown_quotes,
    serve_app,
    stop_server,
    word_quotes,
    write_minutes_pdf,
)

ARTIFACTS = ROOT / "test-artifacts"
SLOW = 60_000  # ms: the first answer on a slow two-core machine
HOSTILE = "hostile-minutes.txt"
# Minutes whose heading, text and resolution carry markup that would run if it were rendered.
HOSTILE_TEXT = """\
BARSETSHIRE COUNTY COUNCIL

PLANNING COMMITTEE

MINUTES of the meeting held at County Hall on 3 March 2021

1 LIBRARY HOURS <img src=x onerror="window.__pwned=1">

The committee considered a report on library opening hours \
<script>window.__pwned=2</script> and the markup budget of 12 pounds.

RESOLVED to extend library opening hours <img src=x onerror="window.__pwned=3"> from April 2021.
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory,
          embedder: Embedder) -> Path:
    """An index of the two sample papers, the hostile minutes, minutes in a PDF and a PDF
    of three pages."""
    inbox = tmp_path_factory.mktemp("browser") / "ingest"
    inbox.mkdir()
    for name in (COUNTY, f"{COUNTY}.json", CITY):
        shutil.copy(SAMPLES / name, inbox / name)
    (inbox / HOSTILE).write_text(HOSTILE_TEXT)
    write_minutes_pdf(inbox)
    make_text_pdf(inbox / HIGHWAYS_PDF, HIGHWAYS_PAGES)
    index = inbox.parent / "index"
    report = make_assistant(index, embedder).ingest([inbox])
    assert not report.failed and len(report.added) == 5
    return index


@dataclass
class Server:
    """The app served on loopback, and the file its output goes to."""

    url: str
    log: Path
    files: Path  # where Gradio keeps the files it serves (GRADIO_TEMP_DIR)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text().splitlines()[-lines:])


@pytest.fixture(scope="module")
def server(index: Path) -> Iterator[Server]:
    log, files = index.parent / "server.log", index.parent / "gradio-files"
    process, url = serve_app(index, log, env={"GRADIO_TEMP_DIR": str(files)})
    yield Server(url, log, files)
    stop_server(process)


@dataclass
class Visit:
    """A page of the app, and everything it did that it never should."""

    page: Page
    server: Server
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # requests off the app's own host

    def ask(self, question: str, expected: str) -> None:
        """Type `question`, press Enter and wait for an answer holding `expected`."""
        box = self.page.locator("#question textarea")
        box.fill(question)
        box.press("Enter")
        try:
            expect(self.page.locator("#chat")).to_contain_text(expected, timeout=SLOW)
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- server log ---\n{self.server.log_tail()}") from None
        expect(box).to_have_value("")

    def assert_no_paper_markup_ran(self) -> None:
        assert self.page.evaluate("typeof window.__pwned") == "undefined"
        assert self.dialogs == []
        assert self.page.locator("img[onerror], img[src='x']").count() == 0
        assert self.errors == []


@pytest.fixture
def visit(browser: Browser, server: Server) -> Iterator[Visit]:
    """A fresh page of the app: its own context, so no conversation carries over."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    seen = Visit(page, server)

    def record_dialog(dialog: Dialog) -> None:  # alert(), confirm(), prompt() from a paper
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record_dialog)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))

    def only_the_app(route: Route, request: Request) -> None:
        if request.url.startswith(server.url):
            route.continue_()
        else:  # fail fast, and say so, rather than wait on a network that is not there
            seen.outside.append(request.url)
            route.abort()

    context.route("**/*", only_the_app)
    page.goto(server.url)
    expect(page.locator("#question textarea")).to_be_visible(timeout=SLOW)
    yield seen
    context.close()


def screenshot(page: Page, name: str) -> None:
    """The whole page into test-artifacts/, with unfolding sources finished unfolding."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / name, full_page=True, animations="disabled")


def test_page_loads_nothing_from_outside(visit: Visit) -> None:
    expect(visit.page.get_by_text("The index holds 5 papers")).to_be_visible()
    assert visit.outside == []


def test_chat_answers_and_its_source_unfolds_to_the_quoted_passage(visit: Visit) -> None:
    page = visit.page
    chat = page.locator("#chat")
    visit.ask("How many schools committed to joining the Education Trust?", "30 schools")

    first = chat.locator("summary").filter(has_text=re.compile(r"^Source 1: "))
    expect(first).to_contain_text("18 July 2017")
    quote = chat.locator("blockquote").filter(has_text="30 schools have committed")
    expect(quote).to_be_hidden()
    first.click()
    expect(quote).to_be_visible()
    expect(chat.get_by_text(CITY)).to_be_visible()

    screenshot(page, "browser-chat.png")
    visit.assert_no_paper_markup_ran()


def test_markup_in_a_paper_is_shown_as_text_and_never_runs(visit: Visit) -> None:
    page = visit.page
    chat = page.locator("#chat")
    visit.ask("What was the markup budget for library opening hours?", "12 pounds")
    expect(chat.get_by_text("<script>window.__pwned=2</script>").first).to_be_visible()

    cited = chat.locator("summary").filter(has_text=re.compile(r"^Source \d+: Planning Committee"))
    cited.first.click()
    quote = chat.locator("blockquote").filter(has_text="markup budget of 12 pounds")
    expect(quote).to_contain_text('1 LIBRARY HOURS <img src=x onerror="window.__pwned=1">')
    expect(quote).to_contain_text("<script>window.__pwned=2</script>")
    expect(quote).to_contain_text('<img src=x onerror="window.__pwned=3">')
    expect(chat.get_by_text(HOSTILE)).to_be_visible()

    screenshot(page, "browser-chat-markup.png")
    visit.assert_no_paper_markup_ran()


def download(page: Page, link: str) -> tuple[str, bytes]:
    """Click the link and return the file the browser saves: its name and its bytes."""
    with page.expect_download() as saving:
        page.get_by_role("link", name=link).click()
    return saving.value.suggested_filename, saving.value.path().read_bytes()


def test_the_conversation_downloads_as_a_briefing_whose_every_quote_is_placed(
        visit: Visit) -> None:
    page = visit.page
    export = page.locator("#briefing")
    expect(export).to_be_hidden()  # nothing to export before a question is answered
    visit.ask("How many potholes were repaired during the winter?", "6,250 potholes")
    visit.ask("What was the markup budget for library opening hours?", "12 pounds")
    expect(export.get_by_role("heading", name="Export briefing")).to_be_visible()
    screenshot(page, "browser-briefing.png")
    word_name, word = download(page, "Download briefing (Word)")
    markdown_name, markdown = download(page, "Download briefing (Markdown)")
    assert re.fullmatch(r"committee-qa-briefing-\d{4}-\d\d-\d\d-\d{4}\.docx", word_name)
    assert markdown_name == word_name.replace(".docx", ".md")

    doc, in_word = word_quotes(word)
    in_markdown = markdown_quotes(markdown.decode("utf-8"))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [
        "1. How many potholes were repaired during the winter?",
        "2. What was the markup budget for library opening hours?"]
    assert in_word and [q.name for q in in_word] == [q.name for q in in_markdown]
    for quote in in_word + in_markdown:  # every quote names its paper, meeting and page
        assert set(quote.details) == {"Paper", "Meeting", "Page"}, quote
        assert quote.quote and quote.links[0].startswith(f"{visit.server.url}papers/"), quote
    potholes = in_word[0]
    assert potholes.details == {"Paper": f"Minutes of the meeting held on 4 May 2022 "
                                         f"({HIGHWAYS})",
                                "Meeting": "Highways Committee, 4 May 2022", "Page": "2"}
    assert "page=2&" in potholes.links[0]
    hostile = [q for q in in_word if HOSTILE in q.details["Paper"]]
    assert hostile and any("<script>window.__pwned=2</script>" in line
                           for line in hostile[0].quote)  # paper text kept as text
    assert "<script>" not in markdown.decode("utf-8").replace("\\<script\\>", "")
    # Made for this reader in the page itself: no file of it is kept on the server.
    assert all(a.startswith("data:") for a in export.get_by_role("link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"))
    assert not [p for p in visit.server.files.rglob("*") if p.suffix in (".docx", ".md")]

    page.get_by_role("button", name="New conversation").click()
    expect(export).to_be_hidden()
    visit.assert_no_paper_markup_ran()


def decision_rows(page: Page) -> list[dict[str, str]]:
    """The rows the decisions table shows, each as {column: cell text}."""
    table = page.locator("#decision-table")
    headers = [text.split("\n")[0].strip()
               for text in table.get_by_role("columnheader").all_inner_texts()]
    rows = table.get_by_role("row").filter(has=page.get_by_role("gridcell"))
    return [dict(zip(headers, (cell.strip() for cell in row.get_by_role("gridcell")
                               .all_inner_texts())))
            for row in rows.all()]


def test_decisions_tab_lists_and_searches_resolutions_as_text(visit: Visit) -> None:
    page = visit.page
    table = page.locator("#decision-table")
    expect(page.locator("#chat")).to_be_visible()
    expect(table, "the register shows before its tab is opened: a panel below the chat, "
                  "not a tab beside it").to_be_hidden()
    page.get_by_role("tab", name="Decisions").click()
    expect(page.locator("#chat")).to_be_hidden()
    expect(table).to_contain_text("RESOLVED to thank Nick Lee", timeout=SLOW)
    expect(table.get_by_text('RESOLVED to extend library opening hours <img src=x '
                             'onerror="window.__pwned=3"> from April 2021.')).to_be_visible()
    rows = decision_rows(page)
    expect(page.locator("#decision-count")).to_have_text(re.compile(rf"^\s*{len(rows)} decisions"))
    assert set(rows[0]) == {"Date", "Committee", "Minute", "Item", "Resolution", "Source"}
    nick_lee = [row for row in rows if "thank Nick Lee" in row["Resolution"]]
    assert len(nick_lee) == 1, rows
    assert nick_lee[0]["Date"] == "2017-07-18"
    assert nick_lee[0]["Minute"] == "15"
    assert nick_lee[0]["Committee"].startswith("Children and Young People Scrutiny Committee")
    assert nick_lee[0]["Source"].startswith(CITY)
    assert nick_lee[0]["Source"].endswith("Open in its paper")

    screenshot(page, "browser-decisions.png")

    # Each resolution opens in its paper, at the passage it stands in.
    row = table.get_by_role("row").filter(has_text="RESOLVED to thank Nick Lee")
    with page.context.expect_page() as opened:  # (the table keeps hidden copies of its cells)
        row.locator("a:visible").filter(has_text="Open in its paper").click()  # one click
    viewer = opened.value
    expect(viewer.locator("mark#passage")).to_contain_text("RESOLVED to thank Nick Lee")
    expect(viewer.locator("mark#passage")).to_be_in_viewport()
    viewer.close()

    search = page.locator("#decision-search").get_by_role("textbox")
    search.fill("Nick Lee")
    search.press("Enter")
    expect(page.locator("#decision-count")).to_have_text(re.compile(r"^\s*1 decision\b"))
    expect(table.get_by_role("row").filter(has=page.get_by_role("gridcell"))).to_have_count(1)
    expect(table).to_contain_text("RESOLVED to thank Nick Lee")
    visit.assert_no_paper_markup_ran()


def test_a_citation_opens_its_paper_at_the_cited_page_with_the_passage_outlined(
        visit: Visit) -> None:
    page = visit.page
    visit.ask(GRIT_QUESTION, "318 grit bins")
    opener = page.get_by_role("link", name=re.compile(r"^Open source 1 in its paper"))
    expect(opener).to_be_visible()  # one click from the answer: the source need not unfold
    with page.context.expect_page() as opened:
        opener.click()
    viewer = opened.value
    viewer.on("pageerror", lambda error: visit.errors.append(str(error)))
    expect(viewer.get_by_role("heading", level=1)).to_have_text("Highways 2022-05-05 minutes")
    expect(viewer.locator('[aria-current="page"]')).to_have_text("Page 2 of 3")
    image = viewer.get_by_role("img", name=re.compile(r"^Page 2 of 3 of .*The cited passage, "
                                                      r"lines \d+–\d+, is outlined\.$"))
    expect(image).to_be_visible()
    assert image.evaluate("e => e.complete && e.naturalWidth") == 1000  # the page did load
    marks = viewer.locator(".highlight")
    expect(marks.first).to_be_in_viewport()  # scrolled to the passage, and drawn
    assert marks.count() >= 2  # the sentence wraps over lines: each is outlined
    outline = marks.first.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"  # shown by an outline, not by colour alone
    picture = image.bounding_box()
    boxes = [mark.bounding_box() for mark in marks.all()]
    assert picture and all(box and picture["y"] <= box["y"] <= picture["y"] + picture["height"] / 2
                           for box in boxes)  # on the page, in its upper half where it stands
    assert max(box["width"] for box in boxes if box) > 0.3 * picture["width"]  # whole lines
    expect(viewer.locator(".note")).to_contain_text("Highlighted: lines")
    expect(viewer.get_by_role("link", name=re.compile(rf"^Download the original paper: "
                                                      rf"{re.escape(HIGHWAYS_PDF)} \(PDF, "))
           ).to_be_visible()
    screenshot(viewer, "browser-viewer.png")

    viewer.get_by_role("link", name="Next page (page 3)").click()
    expect(viewer.locator('[aria-current="page"]')).to_have_text("Page 3 of 3")
    expect(viewer.locator(".highlight")).to_have_count(0)
    expect(viewer.locator(".note")).to_contain_text("The cited passage is on page 2")
    viewer.get_by_role("link", name="Previous page (page 2)").click()
    expect(viewer.locator(".highlight").first).to_be_visible()
    assert visit.outside == [] and visit.errors == []


def test_papers_tab_lists_what_the_library_holds_and_opens_each_paper(visit: Visit) -> None:
    page = visit.page
    page.get_by_role("tab", name="Papers").click()
    papers = page.locator("#papers")
    table = papers.locator("table.papers-table")
    expect(table.locator("tbody tr")).to_have_count(5, timeout=SLOW)
    expect(papers.locator(".papers-count")).to_contain_text("The library holds 5 papers")
    expect(papers.locator(".papers-count")).to_contain_text(
        "The newest meeting they are for was on 5 May 2022")
    summary = papers.locator("table.papers-summary")
    expect(summary.get_by_role("row", name=re.compile("^Planning Committee"))).to_contain_text(
        "3 March 2021")  # each committee's newest meeting: how current its papers are
    first = table.locator("tbody tr").first  # newest meeting first
    expect(first).to_contain_text("5 May 2022")
    expect(first).to_contain_text(HIGHWAYS_PDF)
    screenshot(page, "browser-papers.png")

    search = papers.get_by_role("searchbox", name="Search the papers")
    search.fill("highways")  # the two Highways Committee minutes, 4 and 5 May 2022
    expect(table.locator("tbody tr:visible")).to_have_count(2)
    expect(papers.locator("#papers-shown")).to_have_text("2 of 5 papers shown")
    search.fill("")
    papers.get_by_label("Sort by").select_option(label="Most pages first")
    expect(table.locator("tbody tr").first).to_contain_text(HIGHWAYS_PDF)
    expect(table.locator('th[aria-sort="descending"]')).to_have_text("Pages")
    papers.get_by_label("Sort by").select_option(label="Title, A to Z")
    expect(table.locator('th[aria-sort="ascending"]')).to_have_text("Title")

    with page.context.expect_page() as opened:
        table.get_by_role("link", name=re.compile("^Highways 2022-05-05 minutes")).click()
    viewer = opened.value
    expect(viewer.get_by_role("heading", level=1)).to_have_text("Highways 2022-05-05 minutes")
    expect(viewer.locator('[aria-current="page"]')).to_have_text("Page 1 of 3")
    assert visit.outside == [] and visit.errors == []
