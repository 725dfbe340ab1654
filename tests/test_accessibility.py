"""Every councillor can use the chat: WCAG 2.2 A and AA as axe-core checks them in Debian's
Chromium, in every state of every page the app serves (the chat, the register, the Papers
tab, the source viewer and the statement), light and dark; by keyboard alone;
at 320 px wide and at 200 % zoom; and as a screen reader reads it (roles, names, and each
reply announced once). Screenshots of every state go to test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from click.testing import CliRunner
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from committee_qa.cli import main
from committee_qa.render import citation_name, conversation_html
from committee_qa.schema import Answer, AnswerSentence, Citation
from conftest import (
    CITY,
    GRIT_QUESTION,
    HIGHWAYS_PAGES,
    HIGHWAYS_PDF,
    ROOT,
    SAMPLES,
    FakeModel,
    make_assistant,
    make_text_pdf,
    serve_app,
    stop_server,
)

ARTIFACTS = ROOT / "test-artifacts"
STATEMENT = ROOT / "docs" / "ACCESSIBILITY.md"
SLOW = 60_000  # ms: an answer on a busy two-core machine
# The WCAG 2.0, 2.1 and 2.2 level A and AA rules; best practices are not the law.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe-core as axe-playwright-python carries it, or a newer axe.min.js named by AXE_JS.
AXE = Axe.from_file(os.environ["AXE_JS"]) if os.environ.get("AXE_JS") else Axe()
AXE_VERSION = re.search(r"axe v([\d.]+)", AXE.axe_script[:200])[1]  # type: ignore[index]

SCHOOLS = "How many schools committed to joining the Education Trust?"
SCHOOLS_SOURCE = ("Source 1: Children and Young People Scrutiny Committee, Nottingham City "
                  "Council, 18 July 2017, minute 15(d) (minutes)")
OFF_TOPIC = "What is the capital of France?"
RECRUITED = "How many social workers were recruited in the six-month period?"
# What the FAKE language model writes: a sentence the papers state, and one they never say.
WRITTEN = ("During the six-month period 38 social workers were recruited [1]. "
           "The council also opened 12 new children's homes [1].")


# --- the names and roles render.py gives, on literal data --------------------------------

def a_citation(n: int = 1, **fields: str) -> Citation:
    base = dict(source="cyp-2020-02-10.txt", title="Departmental strategy", page=None,
                heading="", text="Turnover stood at 4.82%.\n\nThe target is 5%.", score=1.0,
                doc_type="report", council="Nottinghamshire County Council",
                committee="Children and Young People Committee", meeting_date="2020-02-10",
                item="", paragraph="7")
    return Citation(n=n, **{**base, **fields})  # type: ignore[arg-type]


def test_a_citation_is_named_by_what_it_opens_in_words_not_abbreviations() -> None:
    assert citation_name(a_citation()) == (
        "Source 1: Children and Young People Committee, Nottinghamshire County Council, "
        "10 February 2020, paragraph 7 (report)")
    minutes = a_citation(2, doc_type="minutes", item="15", paragraph="(d)", page=7,  # type: ignore[arg-type]
                         council="Nottingham City Council",
                         committee="Children and Young People Scrutiny Committee")
    assert citation_name(minutes) == (
        "Source 2: Children and Young People Scrutiny Committee, Nottingham City Council, "
        "10 February 2020, minute 15(d), page 7 (minutes)")
    untyped = a_citation(3, doc_type="", page=4, heading="Staffing")  # type: ignore[arg-type]
    assert citation_name(untyped) == "Source 3: Departmental strategy, page 4, Staffing"


def test_the_conversation_is_articles_named_by_headings_with_text_escaped() -> None:
    hostile = '<img src=x onerror="alert(1)">'
    answer = Answer(f"How many? {hostile}", (AnswerSentence(f"Turnover was 4.82% {hostile}", 1),),
                    (a_citation(text=f"Turnover {hostile}"),), abstained=False)
    declined = Answer(OFF_TOPIC, (), (), abstained=True,
                      reason="The papers do not answer this question.")
    shown = conversation_html([(answer.question, answer), (OFF_TOPIC, declined),
                               ("Anything?", "The since date '2017-13' is not a date.")])
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert "<img" not in shown and shown.count(escaped) == 3
    headings = re.findall(r'<article class="chat-message ([a-z -]+)" '
                          r'aria-labelledby="(turn-\d-[qa])"><h3 id="\2"[^>]*>([^<]+)</h3>',
                          shown)
    assert [(kind, text) for kind, _id, text in headings] == [
        ("chat-question", "You asked"), ("chat-reply chat-answer", "Answer from the papers"),
        ("chat-question", "You asked"), ("chat-reply chat-declined", "No answer in the papers"),
        ("chat-question", "You asked"), ("chat-reply chat-problem", "Could not search the papers")]
    # A declined answer is plain text like an answer: no emphasis that a reader skips.
    assert "<p>The papers do not answer this question.</p>" in shown
    assert f"<summary>{citation_name(a_citation())}</summary>" in shown
    assert '<span class="visually-hidden">(source 1)</span>' in shown
    twice = Answer("?", (AnswerSentence("Both say so.", 1, also=(2,)),),
                   (a_citation(1), a_citation(2)), abstained=False)
    assert ('<span aria-hidden="true">[1][2]</span><span class="visually-hidden">(sources 1 '
            'and 2)</span>') in conversation_html([("?", twice)])


# --- the app in Chromium ----------------------------------------------------------------

@dataclass
class Served:
    url: str
    log: Path


@pytest.fixture(scope="module")
def open_app(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app as `make run` serves it: no sign-in, public papers."""
    log = tmp_path_factory.mktemp("a11y-open") / "server.log"
    process, url = serve_app(sample_index, log)
    yield Served(url, log)
    stop_server(process)


@pytest.fixture(scope="module")
def signed_app(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app with sign-in, and one member who may use it."""
    folder = tmp_path_factory.mktemp("a11y-signed")
    users = folder / "users.json"
    added = CliRunner().invoke(main, ["user", "add", "member", "--users", str(users),
                                      "--password", "member-password"])
    assert added.exit_code == 0, added.output
    process, url = serve_app(sample_index, folder / "server.log", "--users", str(users))
    yield Served(url, folder / "server.log")
    stop_server(process)


@pytest.fixture(scope="module")
def model_app(sample_index: Path, fake_model: FakeModel,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app with a language model: the FAKE remote service of conftest."""
    log = tmp_path_factory.mktemp("a11y-model") / "server.log"
    process, url = serve_app(sample_index, log, "--llm-url", fake_model.url,
                             "--llm-model", "test")
    yield Served(url, log)
    stop_server(process)


@dataclass
class Audit:
    """axe-core's WCAG 2.2 A/AA violations in each state seen, with a screenshot of each."""

    name: str
    found: list[str] = field(default_factory=list)

    def check(self, page: Page, state: str) -> None:
        page.wait_for_timeout(300)  # let Gradio's fade-ins finish before colours are read
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"a11y-{self.name}-{state}.png", full_page=True,
                        animations="disabled")
        results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                         "resultTypes": ["violations"]})
        for rule in results.response["violations"]:
            targets = "; ".join(" ".join(node["target"]) for node in rule["nodes"])
            self.found.append(f"{state}: {rule['id']} ({rule['impact']}) at {targets}")

    def assert_clean(self) -> None:
        assert not self.found, (f"axe-core {AXE_VERSION} found WCAG 2.2 A/AA violations:\n"
                                + "\n".join(self.found))


def new_page(browser: Browser, url: str, width: int = 1280, scheme: str = "light",
             **options: object) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=scheme, **options)  # type: ignore[arg-type]
    context.route("**/*", lambda route, request: route.continue_()
                  if request.url.startswith(url) else route.abort())
    page = context.new_page()
    page.goto(url)
    return context, page


def open_chat(browser: Browser, url: str, **options: object) -> tuple[BrowserContext, Page]:
    context, page = new_page(browser, url, **options)  # type: ignore[arg-type]
    expect(page.locator("#question textarea")).to_be_visible(timeout=SLOW)
    return context, page


def replies(page: Page) -> Locator:
    return page.locator("#chat .chat-reply")


def ask(page: Page, question: str) -> Locator:
    """Ask in the question box and wait for the reply; the reply."""
    before = replies(page).count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    expect(replies(page)).to_have_count(before + 1, timeout=SLOW)
    return replies(page).last


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_state_of_the_chat_passes_axe(browser: Browser, open_app: Served,
                                            scheme: str) -> None:
    context, page = open_chat(browser, open_app.url, scheme=scheme)
    audit = Audit(scheme)
    export = page.locator("#briefing")
    expect(export).to_be_hidden()
    audit.check(page, "loaded")
    answered = ask(page, SCHOOLS)
    expect(answered).to_contain_text("30 schools")
    # The export: a named region with a heading, and links that say what they save.
    region = page.get_by_role("region", name="Export briefing")
    for kind in ("Word", "Markdown"):
        expect(region.get_by_role("link", name=f"Download briefing ({kind})")).to_be_visible()
    audit.check(page, "answered-with-export")
    for summary in answered.locator("summary").all():
        summary.click()
    expect(answered.locator("blockquote").first).to_be_visible()
    audit.check(page, "sources-open")
    expect(ask(page, OFF_TOPIC)).to_contain_text("No answer in the papers")
    audit.check(page, "declined")
    page.locator("#filter-since textarea").fill("2017-13")
    expect(ask(page, SCHOOLS)).to_contain_text("is not a date")
    audit.check(page, "filter-error")

    page.get_by_role("tab", name="Decisions").click()
    expect(page.locator("#decision-table")).to_contain_text("RESOLVED", timeout=SLOW)
    audit.check(page, "decisions")
    since = page.locator("#decision-since textarea")
    since.fill("July 2017")
    since.press("Enter")
    expect(page.locator("#decision-count")).to_contain_text("is not a date")
    audit.check(page, "decisions-error")

    page.get_by_role("tab", name="Papers").click()
    expect(page.locator("#papers table.papers-table tbody tr")).to_have_count(2, timeout=SLOW)
    audit.check(page, "papers")
    page.get_by_role("searchbox", name="Search the papers").fill("no such words")
    expect(page.locator("#papers-shown")).to_have_text("0 of 2 papers shown")
    audit.check(page, "papers-searched")

    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", name=re.compile("Accessibility statement"))
           ).to_be_visible(timeout=SLOW)
    audit.check(page, "statement")
    context.close()
    audit.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_language_models_answer_passes_axe_while_written_and_once_checked(
        browser: Browser, model_app: Served, fake_model: FakeModel, scheme: str) -> None:
    context, page = open_chat(browser, model_app.url, scheme=scheme)
    audit = Audit(f"model-{scheme}")
    release = threading.Event()  # the model stops mid-answer until the draft is audited
    fake_model.behaviour = {"kind": "answer", "text": WRITTEN, "release": release,
                            "held_after": 8}
    try:
        box = page.locator("#question textarea")
        box.fill(RECRUITED)
        box.press("Enter")
        expect(page.locator("#writing .chat-draft")).to_contain_text(
            "38 social workers were", timeout=SLOW)
        audit.check(page, "being-written")
    finally:
        release.set()
    expect(replies(page)).to_have_count(1, timeout=SLOW)
    expect(replies(page).last.locator(".chat-dropped li")).to_contain_text("children's homes")
    audit.check(page, "checked-with-unsupported")
    fake_model.behaviour = {"kind": "error", "text": ""}
    expect(ask(page, RECRUITED).locator(".chat-note")).to_contain_text("refused the request")
    audit.check(page, "quoted-with-note")
    context.close()
    audit.assert_clean()


def test_signing_in_and_out_by_keyboard_passes_axe(browser: Browser, signed_app: Served) -> None:
    context, page = new_page(browser, signed_app.url)
    audit = Audit("sign-in")
    expect(page.get_by_label("username")).to_be_visible(timeout=SLOW)
    audit.check(page, "signed-out")
    sign_in(page, "member", "wrong-password")
    expect(page.get_by_text(re.compile("incorrect", re.I))).to_be_visible()
    audit.check(page, "refused")
    sign_in(page, "member", "member-password")
    expect(page.locator("#question textarea")).to_be_visible(timeout=SLOW)
    audit.check(page, "signed-in")
    expect(ask(page, SCHOOLS)).to_contain_text("30 schools")
    audit.check(page, "signed-in-answered")

    tab_to(page, lambda name: name == "Sign out")
    page.keyboard.press("Enter")
    expect(page.get_by_label("username")).to_be_visible(timeout=SLOW)
    audit.check(page, "signed-out-again")
    context.close()
    audit.assert_clean()


def test_a_sign_in_refused_for_a_while_says_why_and_how_long(browser: Browser,
                                                               signed_app: Served) -> None:
    """Gradio's page shows nothing for HTTP 429: the app's alert says to wait (WCAG 3.3.1).
    Signing in rightly once the wait is over clears the count, for the tests after."""
    context, page = new_page(browser, signed_app.url)
    audit = Audit("sign-in-wait")
    expect(page.get_by_label("username")).to_be_visible(timeout=SLOW)
    for _ in range(5):  # three mistakes are free; then the guard makes the client wait
        sign_in(page, "member", "wrong-password")
        page.wait_for_timeout(300)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(re.compile(r"Too many sign-in attempts; try again in \d+ "
                                             r"seconds?\."))
    audit.check(page, "refused-for-a-while")
    page.wait_for_timeout(2500)  # the first wait is a second or two
    sign_in(page, "member", "member-password")
    expect(page.locator("#question textarea")).to_be_visible(timeout=SLOW)
    context.close()
    audit.assert_clean()


def test_the_served_sign_in_makes_a_guesser_wait(signed_app: Served) -> None:
    # From another loopback address: the guard counts each client's failures apart, so the
    # sign-in tests' own client is not made to wait.
    with httpx.Client(base_url=signed_app.url, transport=httpx.HTTPTransport(
            local_address="127.0.0.2"), timeout=30) as guesser:
        answers = [guesser.post("login", data={"username": "member", "password": "guess"})
                   for _ in range(6)]
    assert [a.status_code for a in answers[:3]] == [400, 400, 400]  # mistakes cost nothing
    refused = [a for a in answers if a.status_code == 429]
    assert refused and refused[0].headers["retry-after"].isdigit()
    assert "Too many sign-in attempts" in refused[0].json()["detail"]


def sign_in(page: Page, name: str, password: str) -> None:
    """Fill in Gradio's sign-in form by keyboard alone: Tab, type, Tab to the button (its
    focus ring seen), Enter. Focus is let go first: after a refusal it stays in the form."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    tab_to(page, lambda _name: page.evaluate("document.activeElement.type") == "text")
    page.keyboard.press("Control+A")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(password)
    tab_to(page, lambda _name: page.evaluate("document.activeElement.type") == "submit"
           or page.evaluate("document.activeElement.tagName") == "BUTTON")
    page.keyboard.press("Enter")


PAGE = "(the page itself)"  # past the last stop, before the first: the browser's own
FOCUSED = """() => {
  const e = document.activeElement;
  if (e === document.body) return "PAGE";
  const label = e.labels && e.labels[0] ? e.labels[0].innerText : "";
  return (e.getAttribute("aria-label") || label || e.innerText || e.value || "")
    .trim().split("\\n")[0];
}""".replace("PAGE", PAGE)
# The focus ring: an outline of at least 2 px that is not transparent, or (Gradio's boxes on
# the sign-in page, which takes only the theme) a solid ring of box shadow as wide.
RING = """() => {
  const s = getComputedStyle(document.activeElement);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2
    && s.outlineColor !== "rgba(0, 0, 0, 0)";
  return outline || / 0px 0px 0px ([2-9]|\\d\\d)px/.test(s.boxShadow);
}"""


def tab_to(page: Page, wanted: Callable[[str], bool], key: str = "Tab",
           limit: int = 60) -> list[str]:
    """Press Tab (or Shift+Tab) until the focused element's name is `wanted`; the names
    passed on the way. Every stop must show a focus ring."""
    passed = []
    for _ in range(limit):
        page.keyboard.press(key)
        name = page.evaluate(FOCUSED)
        passed.append(name)
        if name != PAGE:
            assert page.evaluate(RING), f"no visible focus ring on {name!r} (after {passed})"
        if wanted(name):
            return passed
    raise AssertionError(f"{limit} presses of {key} never reached it; passed {passed}")


def focused_is(page: Page, locator: Locator) -> bool:
    return bool(locator.evaluate("e => e === document.activeElement"))


def test_a_question_is_asked_and_its_source_opened_with_keys_alone(
        browser: Browser, open_app: Served) -> None:
    context, page = open_chat(browser, open_app.url)
    order = tab_to(page, lambda name: name == "Accessibility statement")
    stops = ["Ask", "Decisions", "Your question", "Ask", "Committees", "Documents",
             "Meetings since (YYYY-MM-DD)", "Meetings until (YYYY-MM-DD)",
             "What did Ofsted find in the October 2019 inspection?", "New conversation",
             "Accessibility statement"]
    at = -1
    for stop in stops:  # each in this order, whatever else lies between
        assert stop in order[at + 1:], f"{stop!r} is not where it should be in {order}"
        at = order.index(stop, at + 1)

    tab_to(page, lambda name: name == "Your question", key="Shift+Tab")
    page.keyboard.type(SCHOOLS)
    page.keyboard.press("Enter")
    expect(replies(page)).to_have_count(1, timeout=SLOW)
    heading = replies(page).last.locator("h3")
    expect(heading).to_be_focused()  # the new answer takes the focus

    page.keyboard.press("Tab")
    source = page.locator("#chat details").first
    expect(source.locator("summary")).to_be_focused()
    expect(source.locator("summary")).to_have_text(SCHOOLS_SOURCE)
    quote = source.locator("blockquote")
    expect(quote).to_be_hidden()
    page.keyboard.press("Enter")
    expect(quote).to_be_visible()
    expect(quote).to_contain_text("30 schools have committed")
    assert ("DisclosureTriangle", SCHOOLS_SOURCE, True) in chrome_tree(page)  # "expanded"
    page.keyboard.press("Escape")
    expect(quote).to_be_hidden()
    expect(source.locator("summary")).to_be_focused()
    page.keyboard.press("Space")
    expect(quote).to_be_visible()

    # The briefing is saved from the keyboard: Tab to its link, Enter.
    tab_to(page, lambda name: name == "Download briefing (Word)")
    with page.expect_download() as saving:
        page.keyboard.press("Enter")
    assert saving.value.suggested_filename.endswith(".docx")

    # A follow-up, asked from the box the keyboard goes back to; its answer takes focus.
    tab_to(page, lambda name: name == "Your question")
    page.keyboard.type("and which academies?")
    page.keyboard.press("Enter")
    expect(replies(page)).to_have_count(2, timeout=SLOW)
    expect(replies(page).last.locator("h3")).to_be_focused()

    tab_to(page, lambda name: name == "New conversation")
    page.keyboard.press("Enter")
    expect(replies(page)).to_have_count(0)
    expect(page.locator("#question textarea")).to_be_focused()

    tab_to(page, lambda name: name == "Decisions", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#decision-table")).to_contain_text("RESOLVED", timeout=SLOW)
    context.close()


def test_each_reply_is_announced_once_and_messages_have_roles(browser: Browser,
                                                              open_app: Served) -> None:
    context, page = open_chat(browser, open_app.url)
    chat = page.locator("#chat")
    live = chat.locator("[aria-live]")
    expect(live).to_have_count(1)  # one live region: the conversation itself is not one
    assert live.get_attribute("role") == "status" and live.get_attribute("aria-live") == "polite"
    assert chat.locator(".chat-log").evaluate("e => e.closest('[aria-live]')") is None

    answer = ask(page, SCHOOLS)
    text = answer.locator(".chat-text")
    expect(live).to_have_text(str(text.text_content()))
    expect(live).to_contain_text("(source 1)")  # not "[1]": brackets are read aloud
    expect(chat.get_by_role("article", name="You asked")).to_have_text(
        re.compile(re.escape(SCHOOLS)))
    expect(chat.get_by_role("article", name="Answer from the papers")).to_have_count(1)
    # As Chrome hands it to a screen reader: a disclosure button, named, folded.
    assert ("DisclosureTriangle", SCHOOLS_SOURCE, False) in chrome_tree(page)

    declined = ask(page, OFF_TOPIC)
    expect(chat.get_by_role("article", name="No answer in the papers")).to_have_count(1)
    expect(live).to_have_text(str(declined.locator(".chat-text").text_content()))
    expect(live).not_to_contain_text("30 schools")  # the earlier answer is not read again
    context.close()


def chrome_tree(page: Page) -> list[tuple[str, str, bool | None]]:
    """Chrome's accessibility tree, what a screen reader is given: (role, name, expanded)."""
    nodes = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    return [(node.get("role", {}).get("value", ""), node.get("name", {}).get("value", ""),
             next((p["value"]["value"] for p in node.get("properties", [])
                   if p["name"] == "expanded"), None)) for node in nodes]


@pytest.mark.parametrize("width", [320, 640], ids=["320px", "200-percent-zoom"])
def test_nothing_scrolls_sideways_and_nothing_is_cut_off(browser: Browser, open_app: Served,
                                                         signed_app: Served,
                                                         width: int) -> None:
    # 200 % zoom of a 1280 px window lays the page out in 640 CSS px, at twice the pixels.
    zoom = {"device_scale_factor": 2} if width == 640 else {}
    context, page = open_chat(browser, open_app.url, width=width, **zoom)
    answered = ask(page, SCHOOLS)
    for summary in answered.locator("summary").all():
        summary.click()
    expect(page.locator("#briefing")).to_be_visible()
    assert_fits(page, f"{width}-chat")
    page.get_by_role("tab", name="Decisions").click()
    expect(page.locator("#decision-table")).to_contain_text("RESOLVED", timeout=SLOW)
    assert_fits(page, f"{width}-decisions")
    page.get_by_role("tab", name="Papers").click()
    expect(page.locator("#papers table.papers-table tbody tr").first).to_be_visible(timeout=SLOW)
    assert_fits(page, f"{width}-papers")
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.locator("#statement")).to_be_visible(timeout=SLOW)
    assert_fits(page, f"{width}-statement")
    context.close()
    context, page = new_page(browser, signed_app.url, width=width, **zoom)
    expect(page.get_by_label("username")).to_be_visible(timeout=SLOW)
    assert_fits(page, f"{width}-sign-in")
    context.close()


def assert_fits(page: Page, state: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"a11y-reflow-{state}.png", full_page=True)
    scroll, client = page.evaluate("[document.documentElement.scrollWidth, "
                                   "document.documentElement.clientWidth]")
    assert scroll <= client, f"{state}: the page is {scroll} px wide in a {client} px window"
    # Nothing wider than the window hides inside a box that clips it either. A data table may
    # scroll sideways in a box of its own that fits the window (WCAG 1.4.10 excepts tables):
    # what stands in it is reached by scrolling that box, so it is not cut off.
    cut = page.evaluate("""() => {
      const width = document.documentElement.clientWidth + 1;
      const scrolled = (e) => {
        for (let box = e.parentElement; box; box = box.parentElement) {
          const x = getComputedStyle(box).overflowX;
          if ((x === "auto" || x === "scroll") && box.getBoundingClientRect().right <= width)
            return true;
        }
        return false;
      };
      return [...document.querySelectorAll(
        'button, a, summary, p, textarea, input, label, h1, h2, h3')]
        .filter(e => e.offsetParent !== null)
        .filter(e => e.getBoundingClientRect().right > width && !scrolled(e))
        .map(e => e.tagName + ': ' + (e.innerText || e.value || '').slice(0, 40));
    }""")
    assert not cut, f"{state}: cut off at the right edge: {cut}"


def test_motion_stops_for_people_who_ask_for_less(browser: Browser, open_app: Served) -> None:
    durations = {}
    for motion in ("reduce", "no-preference"):
        context, page = open_chat(browser, open_app.url, reduced_motion=motion)
        durations[motion] = page.locator("#ask").evaluate(
            "e => getComputedStyle(e).transitionDuration")
        context.close()
    assert durations["reduce"] == "1e-05s" and durations["no-preference"] != "1e-05s"


def test_start_up_prints_only_the_address(open_app: Served, signed_app: Served,
                                          model_app: Served) -> None:
    # Gradio's "Expected 7 arguments ... received 6" warnings, its advice to make a public
    # share link, or a stack trace would each add lines.
    # The lines of the sign-in guard, which logs each failed sign-in, are not start-up's;
    # nor those telling the operator the language model failed an answer (and where).
    for app in (open_app, signed_app, model_app):
        lines = [line for line in app.log.read_text().splitlines()
                 if not line.startswith(("sign-in as ", "the language model "))]
        assert lines == [f"The chat is at {app.url}"]


def test_the_statement_follows_the_model_and_names_the_last_test() -> None:
    text = STATEMENT.read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (.+)$", text, re.M)
    for heading in ("Compliance status", "Non-accessible content",
                    "How we tested this service", "Reporting accessibility problems with "
                    "this service", "Enforcement procedure",
                    "Preparation of this accessibility statement"):
        assert heading in headings, f"docs/ACCESSIBILITY.md has no heading {heading!r}"
    assert f"axe-core {AXE_VERSION}" in text, "the statement names another axe-core version"
    assert re.search(r"Chromium \d+", text) and "2026-12-01" in text


# --- the source viewer ------------------------------------------------------------------

@dataclass
class Viewer:
    """The app over a PDF of three pages and a text paper, and the viewer's links."""

    url: str
    pdf: str  # the PDF's passage answering GRIT_QUESTION, on page 2
    text: str  # a passage of the text paper
    missing: str


@pytest.fixture(scope="module")
def viewer_app(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Viewer]:
    folder = tmp_path_factory.mktemp("a11y-viewer")
    (folder / "papers").mkdir()
    make_text_pdf(folder / "papers" / HIGHWAYS_PDF, HIGHWAYS_PAGES)
    shutil.copy(SAMPLES / CITY, folder / "papers" / CITY)
    assistant = make_assistant(folder / "index", embedder)
    assert len(assistant.ingest([folder / "papers"]).added) == 2
    pdf = assistant.ask(GRIT_QUESTION).citations[0]
    text = assistant.ask(SCHOOLS).citations[0]
    assert pdf.page == 2 and text.source == CITY
    process, url = serve_app(folder / "index", folder / "server.log")
    yield Viewer(url, url + pdf.link.lstrip("/"), url + text.link.lstrip("/"),
                 url + "papers/0123456789abcdef0123456789abcdef")
    stop_server(process)


def open_viewer(browser: Browser, app: Viewer, url: str, width: int = 1280,
                scheme: str = "light", **options: object) -> tuple[BrowserContext, Page]:
    """A viewer page at `url`, nothing loaded from off the app."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=scheme, **options)  # type: ignore[arg-type]
    context.route("**/*", lambda route, request: route.continue_()
                  if request.url.startswith(app.url) else route.abort())
    page = context.new_page()
    page.goto(url)
    return context, page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_of_the_source_viewer_passes_axe(browser: Browser, viewer_app: Viewer,
                                                     scheme: str) -> None:
    audit = Audit(f"viewer-{scheme}")
    context, page = open_viewer(browser, viewer_app, viewer_app.pdf, scheme=scheme)
    expect(page.locator(".highlight").first).to_be_visible(timeout=SLOW)
    audit.check(page, "pdf-page")
    page.get_by_role("link", name="Next page (page 3)").click()
    expect(page.locator('[aria-current="page"]')).to_have_text("Page 3 of 3")
    audit.check(page, "pdf-other-page")
    page.goto(viewer_app.text)
    expect(page.locator("mark#passage")).to_be_visible()
    audit.check(page, "text")
    page.goto(viewer_app.missing)
    expect(page.get_by_role("heading", name="No such paper")).to_be_visible()
    audit.check(page, "missing")
    context.close()
    audit.assert_clean()


def test_the_viewer_is_used_by_keyboard_alone_from_the_answer_to_the_next_page(
        browser: Browser, viewer_app: Viewer) -> None:
    context, page = open_chat(browser, viewer_app.url)
    page.locator("#question textarea").focus()
    page.keyboard.type(GRIT_QUESTION)
    page.keyboard.press("Enter")
    expect(replies(page)).to_have_count(1, timeout=SLOW)
    page.keyboard.press("Tab")  # from the answer's heading: the source, then its paper
    expect(page.locator("#chat summary").first).to_be_focused()
    page.keyboard.press("Tab")
    opener = page.get_by_role("link", name=re.compile("^Open source 1 in its paper"))
    expect(opener).to_be_focused()
    assert page.evaluate(RING), "no visible focus ring on the link to the paper"
    with context.expect_page() as opened:
        page.keyboard.press("Enter")
    viewer = opened.value
    expect(viewer.locator(".highlight").first).to_be_visible(timeout=SLOW)
    viewer.locator("body").focus()
    order = tab_to(viewer, lambda name: name == "Accessibility statement")
    stops = ["Skip to the highlighted passage", "committee-qa — back to the chat",
             f"Download the original paper: {HIGHWAYS_PDF}", "Previous page (page 1)",
             "Next page (page 3)", "Back to the chat", "Accessibility statement"]
    at = -1
    for stop in stops:
        found = [n for n, name in enumerate(order) if name.startswith(stop) and n > at]
        assert found, f"{stop!r} is not where it should be in {order}"
        at = found[0]
    tab_to(viewer, lambda name: name == "Next page (page 3)", key="Shift+Tab")
    viewer.keyboard.press("Enter")
    expect(viewer.locator('[aria-current="page"]')).to_have_text("Page 3 of 3")
    context.close()


@pytest.mark.parametrize("width", [320, 640], ids=["320px", "200-percent-zoom"])
def test_the_viewer_reflows_without_scrolling_sideways(browser: Browser, viewer_app: Viewer,
                                                       width: int) -> None:
    zoom = {"device_scale_factor": 2} if width == 640 else {}
    for name, url in (("pdf", viewer_app.pdf), ("text", viewer_app.text)):
        context, page = open_viewer(browser, viewer_app, url, width=width, **zoom)
        expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=SLOW)
        assert_fits(page, f"{width}-viewer-{name}")
        context.close()
