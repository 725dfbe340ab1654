"""The chat with a language model: its answer shown as it is written, marked as not yet
checked, then replaced by the verified answer; what the papers did not support listed
apart, never as fact, and never read out; a dead model gives the quoted answer with a
note. The real app on loopback in headless Chromium, its model a FAKE remote
language-model service (conftest.FakeModel)."""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from committee_qa.assistant import Assistant
from committee_qa.render import NOT_SUPPORTED, WRITING, conversation_html, writing_html
from committee_qa.schema import Answer, AnswerSentence, Citation
from committee_qa.turns import drafts
from conftest import FakeModel, free_port, serve_app, stop_server

SLOW = 60_000  # ms: an answer on a busy two-core machine
QUESTION = "How many social workers were recruited in the six-month period?"
SUPPORTED = "During the six-month period 38 social workers were recruited [1]."
INVENTED = "The council also opened 12 new children's homes [1]."
# Everything the live region says, in order: it must say each reply once, and only that.
LISTEN = """() => {
  window.heard = [];
  const live = document.querySelector("#chat [aria-live]");
  new MutationObserver(() => {
    const said = live.textContent.trim();
    if (said) window.heard.push(said);
  }).observe(live, {childList: true, subtree: true, characterData: true});
}"""


# --- the pieces, on literal data -------------------------------------------------------

def test_drafts_show_the_text_so_far_and_return_what_the_work_returns() -> None:
    def work(on_text):
        for piece in ("The ", "committee ", "resolved."):
            on_text(piece)
        return "done"

    stream = drafts(work, str.upper, every=0.0)
    shown = []
    with pytest.raises(StopIteration) as finished:
        while True:
            shown.append(next(stream))
    assert finished.value.value == "done"
    assert shown and shown[-1] == "THE COMMITTEE RESOLVED."
    assert all("THE COMMITTEE RESOLVED.".startswith(text) for text in shown)


def test_drafts_raise_what_the_work_raised() -> None:
    def work(on_text):
        on_text("half an answer")
        raise LookupError("the index went away")

    with pytest.raises(LookupError, match="the index went away"):
        list(drafts(work, str))


def test_what_the_papers_did_not_support_is_apart_from_the_answer_and_the_note_above() -> None:
    cited = Citation(n=1, source="cyp.txt", title="Strategy", page=None, heading="",
                     text="38 social workers were recruited.", score=1.0)
    answer = Answer(QUESTION, (AnswerSentence("38 social workers were recruited.", 1),),
                    (cited,), abstained=False, mode="llm",
                    dropped=("The council opened <b>12</b> homes.",),
                    note="Some sentences were left out.")
    shown = conversation_html([(QUESTION, answer)])
    text = re.search(r'<div class="chat-text">(.*?)</div>', shown)[1]  # type: ignore[index]
    assert text.startswith('<p class="chat-note">Note: Some sentences were left out.</p>')
    assert "38 social workers" in text and "homes" not in text
    dropped = re.search(r'<div class="chat-dropped">(.*?)</div>', shown)[1]  # type: ignore[index]
    assert f'<h4 class="chat-label">{NOT_SUPPORTED}</h4>' in dropped
    assert "<li>The council opened &lt;b&gt;12&lt;/b&gt; homes.</li>" in dropped
    draft = writing_html(QUESTION, "<i>38</i> social")
    assert WRITING in draft and "&lt;i&gt;38&lt;/i&gt; social" in draft
    assert "chat-reply" not in draft  # chat.js reads out replies only


# --- the app in Chromium ---------------------------------------------------------------

def serve_with_model(index: Path, folder: Path, url: str) -> tuple[subprocess.Popen, str]:
    return serve_app(index, folder / "server.log", "--llm-url", url, "--llm-model", "test")


@pytest.fixture(scope="module")
def app(sample_index: Path, fake_model: FakeModel,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app, its answers written by the FAKE model."""
    process, url = serve_with_model(sample_index, tmp_path_factory.mktemp("chat-llm"),
                                    fake_model.url)
    yield url
    stop_server(process)


def open_chat(browser: Browser, url: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.route("**/*", lambda route, request: route.continue_()
                  if request.url.startswith(url) else route.abort())
    page = context.new_page()
    page.goto(url)
    expect(page.locator("#question textarea")).to_be_visible(timeout=SLOW)
    page.evaluate(LISTEN)
    return page


@pytest.fixture
def page(browser: Browser, app: str) -> Iterator[Page]:
    page = open_chat(browser, app)
    yield page
    page.context.close()


def ask(page: Page, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def test_the_answer_shows_as_it_is_written_then_only_what_the_papers_support(
        page: Page, fake_model: FakeModel) -> None:
    release = threading.Event()
    fake_model.behaviour = {"kind": "answer", "text": f"{SUPPORTED} {INVENTED}",
                            "release": release, "held_after": 8}
    try:
        expect(page.get_by_text("written by a language model, every sentence checked")
               ).to_be_visible()
        ask(page, QUESTION)
        writing = page.locator("#writing")
        expect(writing.get_by_role("heading", name=WRITING)).to_be_visible(timeout=SLOW)
        expect(writing.locator(".chat-draft")).to_have_text(
            "During the six-month period 38 social workers were", timeout=SLOW)
        expect(writing.get_by_role("article", name="You asked")).to_contain_text(QUESTION)
        expect(page.locator("#chat .chat-reply")).to_have_count(0)  # the model is held
    finally:
        release.set()

    reply = page.locator("#chat .chat-reply")
    expect(reply).to_have_count(1, timeout=SLOW)
    expect(writing).to_have_text("")  # the draft is gone, replaced by the checked answer
    answer = reply.locator(".chat-text")
    expect(answer).to_contain_text("38 social workers were recruited")
    expect(answer).not_to_contain_text("children's homes")
    dropped = reply.locator(".chat-dropped")
    expect(dropped.get_by_role("heading", name=NOT_SUPPORTED)).to_be_visible()
    expect(dropped.locator("li")).to_have_text(
        ["The council also opened 12 new children's homes."])
    assert dropped.locator("li").evaluate(
        "e => getComputedStyle(e).textDecorationLine") == "line-through"
    expect(page.locator("#chat").get_by_text("children's homes")).to_have_count(1)
    expect(reply.locator("h3")).to_be_focused()
    expect(reply.locator("summary").first).to_contain_text("Source 1: ")

    live = page.locator("#chat [aria-live]")
    expect(live).to_have_text(str(answer.text_content()))
    # Read out once: the checked answer; neither the draft nor what was left out.
    assert page.evaluate("window.heard") == [live.text_content().strip()]  # type: ignore[union-attr]


def test_a_dead_model_gives_the_quoted_answer_with_a_note(
        browser: Browser, sample_index: Path, sample_assistant: Assistant,
        tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1"
    process, url = serve_with_model(sample_index, tmp_path, dead)
    try:
        page = open_chat(browser, url)
        ask(page, QUESTION)
        reply = page.locator("#chat .chat-reply")
        expect(reply).to_have_count(1, timeout=SLOW)
        note = reply.locator(".chat-note")
        expect(note).to_have_text("Note: The language model could not be reached: the "
                                  "answer below is quoted from the papers.")  # no address
        quoted = sample_assistant.ask(QUESTION)
        assert quoted.mode == "quoted" and not quoted.abstained
        expect(reply.locator(".chat-text")).to_contain_text(quoted.sentences[0].text)
        expect(reply.locator(".chat-dropped")).to_have_count(0)
        expect(page.locator("#writing")).to_have_text("")
        expect(page.locator("#chat [aria-live]")).to_contain_text("could not be reached")
        page.context.close()
    finally:
        stop_server(process)
