"""What the chat does with a question, apart from the widgets that show it: the turns of a
conversation, the drafts shown while a language model writes, the register's rows and the
papers listed for a reader. No gradio here (ui.py draws them); each reader's access is
handed in."""

from __future__ import annotations

import html
import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Generator, Mapping
from typing import Any, TypeVar

from .assistant import Assistant
from .catalogue import Listed
from .errors import CommitteeQAError, FilterError
from .filters import parse_filters
from .render import answer_markdown, citation_markdown, decision_row, escape_markdown
from .schema import Access, Answer, Decision, Filters

# What a councillor is told when the search itself fails; the detail goes to the log.
UNAVAILABLE = ("The papers cannot be searched just now. Please try again in a few minutes. "
               "If it keeps happening, tell the team that runs this service.")
log = logging.getLogger(__name__)

# Example questions, each shown only when the paper it is about is in the index.
EXAMPLES = {
    "nottinghamshire-cyp-committee-2020-02-10-departmental-strategy-review.txt": [
        "How many social workers did we recruit in the last six months?",
        "What did Ofsted find in the October 2019 inspection?",
        "What was staff turnover in the hard to recruit teams?",
    ],
    "nottingham-city-cyp-scrutiny-2017-09-19-agenda-pack.txt": [
        "What did the committee resolve on the Education Trust update?",
        "How many schools have committed to joining the Education Trust?",
        "What concerns did Ofsted raise about care leavers?",
    ],
}

Turn = tuple[str, Answer | str]  # a question, and its answer or a problem to put right
T = TypeVar("T")
Shown = TypeVar("Shown")
DRAFT_EVERY = 0.2  # seconds between showings of the model's growing answer


def examples_for(assistant: Assistant) -> list[str]:
    """The example questions about papers the index holds."""
    held = assistant.papers("public")
    return [q for source, questions in EXAMPLES.items() if source in held for q in questions]


def reply(assistant: Assistant, question: str, history: list[Any],
          filters: Filters = Filters(), access: Access = "public") -> list[dict[str, Any]]:
    """The chat messages answering `question`: the answer, then each cited passage, folded."""
    earlier = [html.unescape(_content_text(m)) for m in history if _role(m) == "user"]
    answer = assistant.ask(question, earlier, filters, access)
    messages: list[dict[str, Any]] = [{"role": "assistant", "content": answer_markdown(answer)}]
    for citation in answer.citations:
        title, quote = citation_markdown(citation)
        messages.append({"role": "assistant", "content": quote,
                         "metadata": {"title": title, "status": "done"}})
    return messages


def answer_turn(assistant: Assistant, question: str, turns: list[Turn],
                filters: tuple[list[str] | None, list[str] | None, str, str],
                access: Access = "public",
                on_text: Callable[[str], None] | None = None) -> Turn:
    """The question and its reply inside the filters: an `Answer`, or what to put right.
    With a language model, `on_text` gets its answer piece by piece as it is written."""
    committee, doc_type, since, until = filters
    try:
        chosen = parse_filters(committee or (), doc_type or (), since or "", until or "")
    except FilterError as error:
        return question, sentence(str(error))
    try:
        answer, _passages = assistant.ask_with_passages(
            question, [q for q, _ in turns], filters=chosen, access=access, on_text=on_text)
        return question, answer
    except CommitteeQAError:  # the index cannot be reached, say: the person can only wait
        log.exception("answering %r failed", question)
        return question, UNAVAILABLE


def drafts(work: Callable[[Callable[[str], None]], T], show: Callable[[str], Shown],
           every: float = DRAFT_EVERY) -> Generator[Shown, None, T]:
    """Run `work` in a thread, handing it a callback for pieces of text; yield `show` of
    the text so far as pieces arrive, at most once every `every` seconds; return what
    `work` returns."""
    pieces: queue.Queue[str | None] = queue.Queue()
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work(pieces.put))
        except BaseException as error:  # raised again below, in the caller's thread
            outcome.append(error)
        finally:
            pieces.put(None)

    threading.Thread(target=run, daemon=True).start()
    text, shown, due = "", "", 0.0
    while True:
        # Text not yet shown waits at most until it is due; then it is shown, pause or not.
        wait = max(0.0, due - time.monotonic()) if text != shown else None
        try:
            piece = pieces.get(timeout=wait)
        except queue.Empty:
            piece = ""
        if piece is None:
            break
        text += piece
        if text != shown and time.monotonic() >= due:
            shown, due = text, time.monotonic() + every
            yield show(text)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]  # type: ignore[no-any-return]


def app_address(headers: Mapping[str, str]) -> str:
    """The app's address as the reader's browser has it, for the links of a briefing: the
    page that asked (its Referer, which a proxy's path prefix is part of), else its Host."""
    page = headers.get("referer", "")
    if page.startswith(("http://", "https://")):
        return page.split("#")[0].split("?")[0].rstrip("/")
    host = headers.get("x-forwarded-host") or headers.get("host", "")
    return f"{headers.get('x-forwarded-proto', 'http')}://{host}" if host else ""


def register_rows(assistant: Assistant, search: str, committees: list[str] | None,
                  since: str, until: str, access: Access = "public",
                  linked: bool = False) -> tuple[list[list[str]], str]:
    """The Decisions tab: the rows of the register inside the filters, and a count line.
    `linked`: each source is Markdown with a link to the passage in the source viewer."""
    try:
        filters = parse_filters(committees or (), (), since or "", until or "")
    except FilterError as error:
        return [], f"**{escape_markdown(sentence(str(error)))}**"
    decisions = assistant.decisions(filters, search or "", access)
    count = f"{len(decisions)} decision" + ("" if len(decisions) == 1 else "s")
    return [_register_row(d) if linked else decision_row(d) for d in decisions], count


def _register_row(decision: Decision) -> list[str]:
    """A row of the register, its source (Markdown) linking to the passage in its paper."""
    row = decision_row(decision)
    source = re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~])", r"\\\1", row[-1])
    if decision.link:  # relative: the app may stand under a proxy's path
        source += f" — [Open in its paper]({decision.link.lstrip('/')})"
    return [*row[:-1], source]


def paper_list(assistant: Assistant, access: Access = "public") -> list[Listed]:
    """The papers a reader with `access` may open, each with what its kept copy says."""
    return [Listed(record, assistant.library.facts(record.doc_id))
            for record in assistant.papers(access).values()]


def sentence(message: str) -> str:
    """A message from the library as a sentence: capital first, full stop last."""
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


def _role(message: Any) -> str:
    return str(message.get("role", "")) if isinstance(message, dict) else str(
        getattr(message, "role", ""))


def _content_text(message: Any) -> str:
    content = message.get("content") if isinstance(message, dict) else getattr(
        message, "content", "")
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")
