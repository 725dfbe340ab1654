"""The source viewer: a passage highlighted on its page (PDFs made here, with a text layer and
scanned), the papers' copies kept beside the index, and the viewer over real HTTP, where a
restricted paper, a guessed id and any path off the papers are refused alike."""

from __future__ import annotations

import http.client
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from committee_qa.catalogue import papers_html
from committee_qa.cli import main
from committee_qa.highlight import highlight, line_range, matched_share
from committee_qa.papers import ocr_available, read_paper
from committee_qa.papers.pages import ocr_words, text_layer_words, words_of_tsv
from committee_qa.schema import PageWord
from committee_qa.turns import paper_list
from committee_qa.viewer import MISSING_TEXT
from conftest import (
    CITY,
    EXEMPT_MINUTES,
    GRIT_QUESTION,
    GRIT_SENTENCE,
    HIGHWAYS_PAGES,
    HIGHWAYS_PDF,
    ROOT,
    SAMPLES,
    SCAN_HEIGHT,
    SCAN_SIZE,
    SCAN_STEP,
    SCAN_TOP,
    SECRET,
    make_assistant,
    make_scanned_pdf,
    make_text_pdf,
    serve_app,
    stop_server,
)

SCAN_LINES = ["Winter Maintenance", "", "The council filled 318 grit bins before",
              "the first frost of the winter, and gritted", "1,200 miles of road.", "",
              "Route 7 covers Hucknall and", "Bestwood Village."]


# --- where a passage stands on its page: literal data -----------------------------------

def word(text: str, line: int, left: float) -> PageWord:
    return PageWord(text, line, left, 0.1 * (line + 1), left + 0.05, 0.1 * (line + 1) + 0.03)


PAGE_WORDS = [word(t, line, 0.1 * n) for line, text in enumerate(
    ["7 WINTER GRITTING", "The council filled 318 grit", "bins before the first frost.",
     "RESOLVED to thank the crews."]) for n, t in enumerate(text.split())]
# As read: the heading kept, the wrapped lines joined into one.
READ = ("7 WINTER GRITTING\n\nThe council filled 318 grit bins before the first frost.\n\n"
        "RESOLVED to thank the crews.")


def test_a_passage_whose_lines_were_joined_is_found_on_each_of_its_lines() -> None:
    start, end = READ.index("318"), READ.index("frost.") + len("frost.")
    lines = highlight(READ, start, end, PAGE_WORDS)
    assert [(line.number, line.words) for line in lines] == [
        (2, ("318", "grit")), (3, ("bins", "before", "the", "first", "frost."))]
    # The first line's box starts at "318", not at the line's start.
    assert lines[0].left == pytest.approx(0.3) and lines[1].left == pytest.approx(0.0)
    assert line_range(lines) == "lines 2–3"


def test_a_misread_word_at_the_passages_edge_is_covered_and_nothing_beyond_it() -> None:
    misread = [PageWord("gnt", w.line, w.left, w.top, w.right, w.bottom) if w.text == "grit"
               else w for w in PAGE_WORDS]
    start, end = READ.index("318"), READ.index("grit") + len("grit")
    lines = highlight(READ, start, end, misread)
    assert [line.words for line in lines] == [("318", "gnt")]


def test_nothing_is_highlighted_when_the_page_does_not_hold_the_passage() -> None:
    stamp = [PageWord("Page", 0, 0.4, 0.9, 0.45, 0.92), PageWord("23", 0, 0.46, 0.9, 0.5, 0.92)]
    start, end = READ.index("The"), READ.index("frost.")
    assert highlight(READ, start, end, stamp) == []
    assert matched_share(READ, start, end, stamp) == 0.0


def test_tesseracts_word_boxes_are_read_as_shares_of_the_page_line_by_line() -> None:
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
           "\tconf\ttext\n"
           "1\t1\t0\t0\t0\t0\t0\t0\t2000\t1000\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t200\t100\t400\t50\t96\tWinter\n"
           "5\t1\t1\t1\t2\t1\t200\t200\t100\t50\t95\tRoute\n"
           "5\t1\t1\t1\t2\t2\t400\t200\t100\t50\t95\t7\n")
    assert words_of_tsv(tsv) == [PageWord("Winter", 0, 0.1, 0.1, 0.3, 0.15),
                                 PageWord("Route", 1, 0.1, 0.2, 0.15, 0.25),
                                 PageWord("7", 1, 0.2, 0.2, 0.25, 0.25)]


# --- on PDFs made here: the highlight covers exactly the passage ------------------------

def page_text(path: Path, number: int) -> tuple[str, int]:
    """The text as read of page `number` of a PDF, and where it starts in the paper's text."""
    paper = read_paper(path)
    starts = [*paper.page_starts, len(paper.text)]
    return paper.text[starts[number - 1]:starts[number]], starts[number - 1]


def test_on_a_pdfs_text_layer_the_highlight_covers_exactly_the_passages_words(
        tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / HIGHWAYS_PDF, HIGHWAYS_PAGES)
    text, _begins = page_text(path, 2)
    start = text.index(GRIT_SENTENCE)
    words = text_layer_words(path, 2)
    lines = highlight(text, start, start + len(GRIT_SENTENCE), words)
    assert [w for line in lines for w in line.words] == GRIT_SENTENCE.split()
    assert len(lines) >= 2  # the sentence wraps on the page, and each line is outlined
    numbers = [line.number for line in lines]
    assert numbers == list(range(numbers[0], numbers[0] + len(lines)))
    assert numbers[0] == 2  # the heading is line 1
    for above, below in zip(lines, lines[1:]):
        assert above.bottom <= below.top  # one box a line, in order down the page
    # Starting mid-sentence, the box starts at the passage's first word, not the line's.
    middle = text.index("318 grit bins")
    first = highlight(text, middle, middle + len("318 grit bins"), words)
    assert [line.words for line in first] == [("318", "grit", "bins")]
    assert first[0].left > lines[0].left


def test_on_a_scanned_pdf_the_highlight_covers_exactly_the_passages_lines(
        tmp_path: Path) -> None:
    if not ocr_available():
        pytest.fail("OCR is not installed: run `make ocr`", pytrace=False)
    path = make_scanned_pdf(tmp_path / "scan.pdf", SCAN_LINES)
    text, _begins = page_text(path, 1)
    passage = ("318 grit bins before\nthe first frost of the winter, and gritted\n"
               "1,200 miles of road.")
    start = text.index(passage)
    assert text_layer_words(path, 1) == []  # no text layer: only OCR can place it
    lines = highlight(text, start, start + len(passage), ocr_words(path, 1))
    assert [w for line in lines for w in line.words] == passage.split()
    assert [line.number for line in lines] == [2, 3, 4]
    for line, drawn in zip(lines, (2, 3, 4)):  # each box on the band its line was drawn in
        top = (SCAN_TOP + SCAN_STEP * drawn) / SCAN_HEIGHT
        assert top - 0.01 <= line.top and line.bottom <= top + (SCAN_SIZE + 20) / SCAN_HEIGHT


# --- copies kept beside the index -------------------------------------------------------

def test_ingest_keeps_each_papers_copy_and_removes_it_when_the_paper_goes(
        tmp_path: Path, embedder) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    pdf = make_text_pdf(inbox / HIGHWAYS_PDF, HIGHWAYS_PAGES)
    shutil.copy(SAMPLES / CITY, inbox / CITY)
    assistant = make_assistant(tmp_path / "index", embedder)
    assistant.ingest([inbox])
    records = assistant.store.papers()
    library = assistant.library
    for source, record in records.items():
        original = library.original(record.doc_id)
        assert original is not None and original.read_bytes() == (inbox / source).read_bytes()
    copy = library.copy(records[HIGHWAYS_PDF].doc_id)
    assert copy is not None and copy.text == read_paper(pdf).text and len(copy.page_starts) == 3
    assert all(copy.text[p.start:p.end] == p.text for p in copy.passages)
    facts = library.facts(records[HIGHWAYS_PDF].doc_id)
    assert facts is not None
    assert (facts.committee, facts.meeting_date, facts.pages) == (
        "Highways Committee", "2022-05-05", 3)

    old = records[HIGHWAYS_PDF].doc_id
    make_text_pdf(pdf, [*HIGHWAYS_PAGES, "9 ANY OTHER BUSINESS\n\nThere was none."])
    assistant.ingest([inbox])
    new = assistant.store.papers()[HIGHWAYS_PDF].doc_id
    assert new != old and library.holds(new) and not library.holds(old)
    assert not (library.folder / old).exists()  # the replaced paper's copy is gone

    (inbox / CITY).unlink()
    assistant.ingest([inbox], prune=True)
    assert not library.holds(records[CITY].doc_id)
    assert sorted(p.name for p in library.folder.iterdir()) == [new]


def test_a_paper_ingested_before_copies_were_kept_is_kept_by_the_next_ingest(
        tmp_path: Path, embedder) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / CITY, inbox / CITY)
    assistant = make_assistant(tmp_path / "index", embedder)
    assistant.ingest([inbox])
    doc_id = assistant.store.papers()[CITY].doc_id
    shutil.rmtree(assistant.library.folder)  # as an index made before this version
    fresh = make_assistant(tmp_path / "index", embedder)
    assert not fresh.library.holds(doc_id)
    report = fresh.ingest([inbox])
    assert report.unchanged == [CITY] and report.chunks_embedded == 0  # nothing embedded
    assert fresh.library.holds(doc_id)


def test_the_papers_list_names_restricted_papers_only_to_readers_with_access(
        index: Path, embedder) -> None:
    assistant = make_assistant(index, embedder)
    public = papers_html(paper_list(assistant, "public"))
    everything = papers_html(paper_list(assistant, "restricted"))
    assert SECRET not in public and "property-2022-06-09-minutes" not in public
    assert "property-2022-06-09-minutes.txt" in everything and "Restricted" in everything
    assert "Highways Committee" in public and "5 May 2022" in public  # newest meeting shown
    assert "4 of 4 papers shown" in public  # the restricted two are not counted either


# --- the viewer over HTTP ---------------------------------------------------------------

@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """Public: the city's agenda pack (text), the highways minutes (PDF), a scan, and an old
    paper whose copy was never kept; restricted: exempt minutes (text) and a PDF."""
    root = tmp_path_factory.mktemp("viewer")
    inbox = root / "papers"
    (inbox / "restricted").mkdir(parents=True)
    shutil.copy(SAMPLES / CITY, inbox / CITY)
    make_text_pdf(inbox / HIGHWAYS_PDF, HIGHWAYS_PAGES)
    make_scanned_pdf(inbox / "winter-maintenance-scan.pdf", SCAN_LINES)
    (inbox / "old-libraries-minutes.txt").write_text(
        "LIBRARIES COMMITTEE\n\nRESOLVED to keep Hogglestock branch library open.\n")
    (inbox / "restricted" / "property-2022-06-09-minutes.txt").write_text(EXEMPT_MINUTES)
    make_text_pdf(inbox / "restricted" / "property-valuation.pdf",
                  [f"VALUATION OF THE {SECRET.upper()} DEPOT\n\nThe depot is valued at "
                   "£2,400,000 by the district valuer."])
    assistant = make_assistant(root / "index", embedder)
    report = assistant.ingest([inbox])
    assert not report.failed and len(report.added) == 6
    old = assistant.store.papers()["old-libraries-minutes.txt"].doc_id
    shutil.rmtree(assistant.library.folder / old)  # as if ingested before copies were kept
    return root / "index"


def ids(index: Path, embedder) -> dict[str, str]:
    return {s: r.doc_id for s, r in make_assistant(index, embedder).store.papers().items()}


@pytest.fixture(scope="module")
def open_server(index: Path) -> Iterator[str]:
    process, url = serve_app(index, index.parent / "open.log")
    yield url
    stop_server(process)


@pytest.fixture(scope="module")
def signed_server(index: Path) -> Iterator[str]:
    users = index.parent / "users.json"
    for name, extra in (("officer", ["--restricted"]), ("member", [])):
        added = CliRunner().invoke(main, ["user", "add", name, *extra, "--users", str(users),
                                          "--password", f"{name}-password"])
        assert added.exit_code == 0, added.output
    process, url = serve_app(index, index.parent / "signed.log", "--users", str(users))
    yield url
    stop_server(process)


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as written: no client tidies its dots or its escapes."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_a_citations_link_opens_its_paper_with_the_passage_marked(index: Path,
                                                                 open_server: str) -> None:
    answer = json.loads(CliRunner().invoke(main, ["ask", "--json", GRIT_QUESTION, "--index",
                                                  str(index)]).stdout)
    cited = answer["citations"][0]
    assert cited["source"] == HIGHWAYS_PDF and cited["page"] == 2
    assert cited["link"] == (f"/papers/{cited['doc_id']}?page=2&start={cited['start']}"
                             f"&end={cited['end']}")
    with httpx.Client(base_url=open_server, timeout=60) as http_:
        page = http_.get(cited["link"])
        assert page.status_code == 200
        shown = page.text
        assert 'aria-current="page">Page 2 of 3</span>' in shown
        assert "Highlighted: lines" in shown and 'class="highlight"' in shown
        assert "<dt>Committee</dt><dd>Highways Committee</dd>" in shown
        assert "<dt>Meeting date</dt><dd>5 May 2022</dd>" in shown
        assert f"{HIGHWAYS_PDF} (PDF, " in shown
        image = http_.get(f"/papers/{cited['doc_id']}/pages/2.png")
        assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
        original = http_.get(f"/papers/{cited['doc_id']}/download")
        assert original.content == (index.parent / "papers" / HIGHWAYS_PDF).read_bytes()
        assert original.headers["content-disposition"].startswith("attachment;")


def test_a_text_paper_is_shown_with_the_passage_marked_and_a_scan_is_outlined_by_ocr(
        index: Path, embedder, open_server: str) -> None:
    known = ids(index, embedder)
    text = read_paper(index.parent / "papers" / CITY).text
    start = text.index("30 schools have committed")
    with httpx.Client(base_url=open_server, timeout=120) as http_:
        shown = http_.get(f"/papers/{known[CITY]}?start={start}&end={start + 40}").text
        assert ('<mark id="passage" tabindex="-1"><span class="visually-hidden">Start of the '
                "cited passage. </span>30 schools have committed") in shown
        scan = read_paper(index.parent / "papers" / "winter-maintenance-scan.pdf").text
        s = scan.index("Route 7")
        page = http_.get(f"/papers/{known['winter-maintenance-scan.pdf']}?page=1&start={s}"
                         f"&end={s + len('Route 7 covers Hucknall and')}").text
        assert "Highlighted: line 5 of page 1" in page and page.count('class="highlight"') == 1
        old = http_.get(f"/papers/{known['old-libraries-minutes.txt']}")
        assert old.status_code == 200 and "ingest the papers again" in old.text


def refusals(http_: httpx.Client, known: dict[str, str]) -> dict[str, tuple[int, str]]:
    """What each refused address answers: its status and its body."""
    restricted = known["property-2022-06-09-minutes.txt"]
    pdf = known["property-valuation.pdf"]
    made_up = "0123456789abcdef0123456789abcdef"
    paths = [f"/papers/{restricted}", f"/papers/{restricted}?start=0&end=40",
             f"/papers/{restricted}/download", f"/papers/{pdf}", f"/papers/{pdf}/pages/1.png",
             f"/papers/{pdf}/download", f"/papers/{made_up}", f"/papers/{made_up}/download",
             f"/papers/{restricted.upper()}", "/papers/zzz", "/papers", "/papers/",
             f"/papers/{known[CITY]}/original", f"/papers/{known[CITY]}/pages/1.png"]
    return {path: (r.status_code, r.text) for path in paths for r in [http_.get(path)]}


def test_a_restricted_paper_looks_exactly_like_a_missing_one_to_a_public_reader(
        index: Path, embedder, open_server: str) -> None:
    with httpx.Client(base_url=open_server, timeout=30) as http_:
        answers = refusals(http_, ids(index, embedder))
    assert {status for status, _body in answers.values()} == {404}
    assert len({body for _status, body in answers.values()}) == 1  # one body for all
    body = next(iter(answers.values()))[1]
    assert MISSING_TEXT in body and SECRET not in body and "property" not in body


TRAVERSALS = ["/papers/../../etc/passwd", "/papers/%2e%2e/%2e%2e/etc/passwd",
              "/papers/..%2f..%2f..%2fetc%2fpasswd", "/papers/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
              "/papers/{id}/../../../etc/passwd", "/papers/{id}/pages/..%2f..%2fpaper.json",
              "/papers/{id}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
              "/papers/{id}%00/download", "/papers/{id}/download/../../paper.json"]


def test_no_path_reaches_a_file_beside_the_papers_or_elsewhere_on_the_machine(
        index: Path, embedder, open_server: str) -> None:
    known = ids(index, embedder)
    kept = index / "library" / "committee_papers" / known[CITY]
    assert (kept / "original").exists()
    for template in TRAVERSALS:
        status, body = raw_get(open_server, template.format(id=known[CITY]))
        assert status in (400, 404), (template, status)
        assert b"root:" not in body and b'"passages"' not in body, template
    # Gradio's own file route serves none of the kept copies, nor the machine's files.
    for path in (f"/gradio_api/file={kept / 'original'}", f"/gradio_api/file={kept}/paper.json",
                 "/gradio_api/file=/etc/passwd", "/file=/etc/passwd"):
        status, body = raw_get(open_server, path)
        assert status >= 400 and b"root:" not in body and b"Hogglestock" not in body, path


def sign_in(http_: httpx.Client, name: str) -> None:
    signed = http_.post("login", data={"username": name, "password": f"{name}-password"})
    assert signed.status_code == 200, signed.text


def test_with_sign_in_only_those_with_access_open_a_restricted_paper(
        index: Path, embedder, signed_server: str) -> None:
    known = ids(index, embedder)
    restricted = known["property-2022-06-09-minutes.txt"]
    with httpx.Client(base_url=signed_server, timeout=30) as anyone:
        answers = {p: anyone.get(p) for p in (f"/papers/{known[CITY]}", f"/papers/{restricted}",
                                               "/papers/zzz", f"/papers/{restricted}/download")}
        assert {r.status_code for r in answers.values()} == {401}
        assert len({r.text for r in answers.values()}) == 1 and SECRET not in answers[
            "/papers/zzz"].text
    with httpx.Client(base_url=signed_server, timeout=30) as member:
        sign_in(member, "member")
        assert member.get(f"/papers/{known[CITY]}").status_code == 200
        refused = refusals(member, known)
        assert {status for status, _body in refused.values()} == {404}
        assert len({body for _status, body in refused.values()}) == 1
    with httpx.Client(base_url=signed_server, timeout=30) as officer:
        sign_in(officer, "officer")
        page = officer.get(f"/papers/{restricted}")
        assert page.status_code == 200 and SECRET in page.text
        pdf = known["property-valuation.pdf"]
        assert officer.get(f"/papers/{pdf}/pages/1.png").status_code == 200
        assert officer.get(f"/papers/{pdf}/download").content[:5] == b"%PDF-"


def test_in_the_browser_a_member_never_meets_a_restricted_paper_and_an_officer_does(
        browser, index: Path, embedder, signed_server: str) -> None:
    restricted = ids(index, embedder)["property-2022-06-09-minutes.txt"]
    for name, allowed in (("member", False), ("officer", True)):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda route, request: route.continue_()
                      if request.url.startswith(signed_server) else route.abort())
        page = context.new_page()
        page.goto(f"{signed_server}papers/{restricted}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to read the papers")
        page.goto(signed_server)
        page.get_by_label("username").fill(name)
        page.get_by_label("password").fill(f"{name}-password")
        page.get_by_label("password").press("Enter")
        expect(page.locator("#question textarea")).to_be_visible(timeout=60_000)
        page.get_by_role("tab", name="Papers").click()
        rows = page.locator("#papers table.papers-table tbody tr")
        expect(rows).to_have_count(6 if allowed else 4, timeout=60_000)
        expect(page.locator("#papers")).to_contain_text(
            "property-2022-06-09-minutes.txt" if allowed else "4 of 4 papers shown")
        if not allowed:
            expect(page.locator("#papers")).not_to_contain_text("Property")
        page.goto(f"{signed_server}papers/{restricted}")
        heading = page.get_by_role("heading", level=1)
        if allowed:
            expect(heading).not_to_have_text("No such paper")
            expect(page.locator("body")).to_contain_text(SECRET)
        else:
            expect(heading).to_have_text("No such paper")
            expect(page.locator("body")).not_to_contain_text(SECRET)
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        page.screenshot(path=ROOT / "test-artifacts" / f"viewer-restricted-{name}.png")
        context.close()
