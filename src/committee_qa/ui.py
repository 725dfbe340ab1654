"""The Gradio chat app. The only module that imports gradio."""

import html
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Generator, Mapping
from importlib import resources
from typing import Any, TypeVar

from .assistant import Assistant
from .catalogue import Listed, papers_html
from .errors import CommitteeQAError, FilterError
from .export import briefing_downloads
from .filters import DOC_TYPES, parse_filters
from .render import (
    DECISION_COLUMNS,
    answer_markdown,
    citation_markdown,
    conversation_html,
    decision_row,
    escape_markdown,
    export_html,
    writing_html,
)
from .schema import Access, Answer, Decision, Filters
from .users import SignInGuard, User, verify

TITLE = "committee-qa — ask the committee papers"
STATEMENT = "accessibility"  # the path of the accessibility statement's page
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
        return question, _sentence(str(error))
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
        return [], f"**{escape_markdown(_sentence(str(error)))}**"
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


def statement() -> str:
    """The accessibility statement (docs/ACCESSIBILITY.md, shipped inside the package)."""
    return resources.files(__package__).joinpath("ACCESSIBILITY.md").read_text("utf-8")


def build_app(assistant: Assistant, users: Mapping[str, User] | None = None) -> Any:
    """The Blocks app: a chat over the index with filters, the register of decisions, and
    the accessibility statement.

    Without `users` everyone reads the public papers only; with them, people sign in and
    each reads what their access allows. What is shown before sign-in (counts, committees,
    examples) is always of the public papers.
    """
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    def access_of(request: gr.Request | None) -> Access:
        user = (users or {}).get(getattr(request, "username", None) or "")
        return "restricted" if user is not None and user.access == "restricted" else "public"

    papers = assistant.papers("public")
    committees = assistant.retriever.known("committee")
    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        gr.Navbar(visible=False)  # the footer links the pages (ui.css: Gradio draws it anyway)
        made = ("Answers are quoted from the papers" if assistant.writer is None else
                "Answers are written by a language model, every sentence checked against "
                "the papers")
        gr.Markdown(f"# {TITLE}\n{made}, with the passages "
                    f"they come from. The index holds {len(papers)} papers "
                    f"({assistant.store.count_chunks(('public',))} passages).",
                    elem_id="intro")
        with gr.Tab("Ask", elem_id="ask-tab"):
            turns = gr.State([])
            chat = gr.HTML(conversation_html([]), elem_id="chat", elem_classes="chat",
                           html_template=CHAT_TEMPLATE, js_on_load=_asset("chat.js"),
                           apply_default_css=False)
            # A language model's answer while it is written: apart from the conversation,
            # so re-showing it neither folds a source that is open nor announces anything.
            writing = gr.HTML("", elem_id="writing",
                              apply_default_css=False, js_on_load=None)
            export = gr.HTML("", elem_id="briefing", apply_default_css=False, js_on_load=None)
            with gr.Row(equal_height=True, elem_id="ask-row"):
                question = gr.Textbox(label="Your question", elem_id="question", scale=4,
                                      placeholder="For example: what was resolved on …?")
                ask_button = gr.Button("Ask", variant="primary", elem_id="ask", scale=1,
                                       min_width=100)
            # In view, not folded: Gradio's accordion does not tell a screen reader whether
            # it is open.
            with gr.Column(elem_id="filters", variant="panel"):
                gr.Markdown("## Filters (optional)")
                with gr.Row():
                    committee = gr.Dropdown(committees, value=[], multiselect=True,
                                            label="Committees", elem_id="filter-committee")
                    doc_type = gr.Dropdown(list(DOC_TYPES), value=[], multiselect=True,
                                           label="Documents", elem_id="filter-type")
                    since = gr.Textbox(label="Meetings since (YYYY-MM-DD)",
                                       placeholder="for example 2017-07-18",
                                       elem_id="filter-since")
                    until = gr.Textbox(label="Meetings until (YYYY-MM-DD)",
                                       placeholder="for example 2017-12-31",
                                       elem_id="filter-until")
            examples = examples_for(assistant)
            example_buttons = []
            if examples:
                gr.Markdown("## Try asking", elem_id="examples-heading")
                with gr.Row(elem_id="examples"):
                    example_buttons = [gr.Button(text, size="sm", variant="secondary")
                                       for text in examples]
            new_conversation = gr.Button("New conversation", variant="secondary",
                                         elem_id="new-conversation")

        def converse(message: str, earlier: list[Turn], committee: list[str] | None,
                     doc_type: list[str] | None, since: str, until: str,
                     request: gr.Request) -> Generator[tuple[Any, ...], None, None]:
            """The page's chat: a language model's answer as it is written, unchecked, in
            its own box; then the conversation with this question answered."""
            chosen, access = (committee, doc_type, since, until), access_of(request)
            turn = yield from drafts(
                lambda on_text: answer_turn(assistant, message, earlier, chosen, access,
                                            on_text),
                lambda text: (gr.skip(), gr.skip(), gr.skip(), writing_html(message, text),
                              gr.skip()))
            shown = [*earlier, turn]
            # A question that could not be asked stays in the box, to ask again once fixed.
            kept = message if isinstance(turn[1], str) else ""
            # Who may read restricted papers gets theirs marked in the briefing.
            papers = assistant.papers(access).values() if access == "restricted" else ()
            offered = briefing_downloads(shown, app_address(request.headers), papers)
            yield kept, shown, conversation_html(shown), "", export_html(offered)

        def asking(example: str) -> Callable[..., Generator[tuple[Any, ...], None, None]]:
            def ask_example(earlier: list[Turn], committee: list[str] | None,
                            doc_type: list[str] | None, since: str, until: str,
                            request: gr.Request) -> Generator[tuple[Any, ...], None, None]:
                yield from converse(example, earlier, committee, doc_type, since, until,
                                    request)
            return ask_example

        filters = [committee, doc_type, since, until]
        # Answering is CPU work on one shared model: every way to ask shares one limit.
        shown = [question, turns, chat, writing, export]
        for trigger in (question.submit, ask_button.click):
            trigger(converse, inputs=[question, turns, *filters], outputs=shown,
                    api_visibility="private", concurrency_id="answer")
        for text, button in zip(examples, example_buttons):
            button.click(asking(text), inputs=[turns, *filters], outputs=shown,
                         api_visibility="private", concurrency_id="answer")
        new_conversation.click(lambda: ("", [], conversation_html([]), "", ""), outputs=shown,
                               api_visibility="private")

        with gr.Tab("Decisions", elem_id="decisions-tab"):
            gr.Markdown("Every RESOLVED in the minutes, newest meeting first.")
            with gr.Row():
                search = gr.Textbox(label="Search", placeholder="words in the resolution",
                                    elem_id="decision-search")
                d_committee = gr.Dropdown(committees, value=[], multiselect=True,
                                          label="Committees", elem_id="decision-committee")
                d_since = gr.Textbox(label="Since (YYYY-MM-DD)", elem_id="decision-since",
                                     placeholder="for example 2017-07-18")
                d_until = gr.Textbox(label="Until (YYYY-MM-DD)", elem_id="decision-until",
                                     placeholder="for example 2017-12-31")
            counter = gr.Markdown("", elem_id="decision-count")
            # The source is Markdown: its link opens the resolution's passage in its paper.
            table = gr.Dataframe([], headers=list(DECISION_COLUMNS),
                                 datatype=["str", "str", "str", "str", "str", "markdown"],
                                 interactive=False, wrap=True, type="array",
                                 # Widths that keep words whole: on a narrow screen the
                                 # table scrolls sideways in its own box, not the page.
                                 column_widths=["110px", "190px", "80px", "190px", "420px",
                                                "200px"],
                                 elem_id="decision-table")
        with gr.Tab("Papers", elem_id="papers-tab"):
            catalogue = gr.HTML("<p>Reading the list of papers…</p>", elem_id="papers",
                                js_on_load=_asset("papers.js"), apply_default_css=False)
        # After the last tab: a component between two tabs would split them into two groups.
        gr.HTML(_footer(signed_in=bool(users)), elem_id="footer", js_on_load=None)

        def ask(message: str, history: list[dict], committee: list[str] | None = None,
                doc_type: list[str] | None = None, since: str = "", until: str = "",
                request: gr.Request = None) -> list[dict]:  # type: ignore[assignment]
            """The answer and its cited passages as chat messages, inside the filters."""
            try:
                filters = parse_filters(committee or (), doc_type or (), since or "",
                                        until or "")
            except FilterError as error:
                return [{"role": "assistant",
                         "content": f"_{escape_markdown(_sentence(str(error)))}_"}]
            return reply(assistant, message, history or [], filters, access_of(request))

        def respond(message: str, history: list[dict], committee: list[str] | None = None,
                    doc_type: list[str] | None = None, since: str = "", until: str = "",
                    request: gr.Request = None,  # type: ignore[assignment]
                    ) -> tuple[str, list[dict]]:
            """The conversation with this question and its answer added, as chat messages."""
            # The question is shown as text too: markup typed in it is never run.
            shown = {"role": "user", "content": escape_markdown(message)}
            turn = [shown] + ask(message, history, committee, doc_type, since, until, request)
            return "", list(history or []) + turn

        def decisions(search: str = "", committee: list[str] | None = None, since: str = "",
                      until: str = "", request: gr.Request = None,  # type: ignore[assignment]
                      ) -> tuple[list[list[str]], str]:
            """The register of decisions inside the filters, and how many there are."""
            return register_rows(assistant, search, committee, since, until,
                                 access_of(request))

        def show_register(search: str, committee: list[str] | None, since: str, until: str,
                          request: gr.Request) -> tuple[list[list[str]], str]:
            # The page's own copy of /decisions (a private event would take its name), its
            # sources linking to the viewer.
            return register_rows(assistant, search, committee, since, until,
                                 access_of(request), linked=True)

        def show_papers(request: gr.Request) -> str:
            return papers_html(paper_list(assistant, access_of(request)))

        app.load(show_papers, outputs=[catalogue], api_visibility="private")
        inputs = [search, d_committee, d_since, d_until]
        app.load(show_register, inputs=inputs, outputs=[table, counter],
                 api_visibility="private")  # each reader's own register, once signed in
        for box in (search, d_since, d_until):
            box.submit(show_register, inputs=inputs, outputs=[table, counter],
                       api_visibility="private")
        d_committee.change(show_register, inputs=inputs, outputs=[table, counter],
                           api_visibility="private")
        gr.api(ask, api_name="ask", concurrency_id="answer")
        gr.api(respond, api_name="chat", concurrency_id="answer")
        gr.api(decisions, api_name="decisions")
    with app.route("Accessibility statement", f"/{STATEMENT}", show_in_navbar=False):
        gr.Navbar(visible=False)
        gr.Markdown(statement(), elem_id="statement")
        gr.HTML('<footer class="site-footer"><a href="./">Back to the chat</a></footer>',
                elem_id="footer", js_on_load=None)
    return app


# The conversation, and beside it the live region that reads each new reply once: it
# stays while the conversation re-renders, which a live region must do to be heard.
CHAT_TEMPLATE = ('<section class="chat-log" aria-labelledby="chat-heading">'
                 '<h2 id="chat-heading" class="visually-hidden">Conversation</h2>${value}'
                 '</section><div class="visually-hidden chat-announcer" role="status" '
                 'aria-live="polite" aria-atomic="true"></div>')


# Gradio's table selects a cell on mousedown and draws it again, so a link in the register
# took two clicks: a press on a link goes to the link alone.
REGISTER_LINKS_JS = """() => document.addEventListener("mousedown", (event) => {
  if (event.target.closest && event.target.closest("#decision-table a[href]")) {
    event.stopPropagation();
  }
}, true)"""


# The sign-in page shows this as HTML.
SIGN_IN_MESSAGE = ("<p>Sign in to ask the committee papers. If you cannot sign in, ask the "
                   "team that runs this service for help.</p>")


def _theme() -> Any:
    """Gradio's default theme with primary buttons that white text can be read on (its
    orange gives 2.8:1; this blue 6.7:1) and a focus ring on boxes that can be seen (its
    pale blue gives 1.8:1): the sign-in page takes the theme's CSS and nothing else."""
    import gradio as gr

    blue, dark_blue, light_blue = "#1d4ed8", "#1e3a8a", "#93c5fd"
    return gr.themes.Default().set(
        button_primary_background_fill=blue, button_primary_background_fill_dark=blue,
        button_primary_background_fill_hover=dark_blue,
        button_primary_background_fill_hover_dark=dark_blue,
        button_primary_border_color=blue, button_primary_border_color_dark=blue,
        button_primary_text_color="#ffffff", button_primary_text_color_dark="#ffffff",
        input_border_color_focus=blue, input_border_color_focus_dark=light_blue,
        input_shadow_focus=f"0 0 0 3px {blue}", input_shadow_focus_dark=f"0 0 0 3px {light_blue}")


def _footer(signed_in: bool) -> str:
    links = [f'<a href="{STATEMENT}">Accessibility statement</a>']
    if signed_in:
        links.append('<a href="logout">Sign out</a>')
    return f'<footer class="site-footer">{" ".join(links)}</footer>'


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text("utf-8")


def _sentence(message: str) -> str:
    """A message from the library as a sentence: capital first, full stop last."""
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


def launch(assistant: Assistant, users: Mapping[str, User] | None = None,
           **kwargs: Any) -> None:
    """Serve the app on the configured host and port (127.0.0.1 unless told otherwise);
    with `users`, people sign in first.

    Answering is CPU work on one shared MiniLM model: two answers at a time per event keep
    two cores busy (four measured a worse p95, one a lower throughput; bench/load.py), and
    at most 64 more wait in the queue (about ten seconds of work) before a caller is told
    "Queue is full" rather than left waiting. `api_open=False` closes /gradio_api/run/*,
    which would run outside the queue and its limits. No uploads (the app takes no files),
    no run history (it offers to copy questions to a Hugging Face bucket), and
    /gradio_api/file=<URL> is refused: Gradio would fetch any public URL for any caller.
    Sign-in attempts are rationed (users.SignInGuard): guessing passwords is slow.
    """
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from .web import PaperRoutes, reader_of

    class RefuseRemoteFiles:
        """403 for /file=<URL> and /file/<URL>: the app serves no file from elsewhere."""

        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            path = str(scope.get("path", "")) if scope["type"] == "http" else ""
            if re.search(r"/file[=/][A-Za-z][A-Za-z0-9+.-]*://", path):
                await PlainTextResponse("Not a file of this app.", 403)(scope, receive, send)
                return
            await self.app(scope, receive, send)

    class Titled:
        """Every page of the app arrives with a <title>: Gradio's sign-in page has none
        (the app's own pages get theirs from the script, once it has run)."""

        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope.get("method") != "GET":
                await self.app(scope, receive, send)
                return
            start: Message = {}
            parts: list[bytes] = []

            async def send_titled(message: Message) -> None:
                if message["type"] == "http.response.start":
                    start.update(message)
                    if not _is_html(message):
                        await send(message)
                    return
                if not _is_html(start):
                    await send(message)
                    return
                parts.append(message.get("body", b""))
                if not message.get("more_body"):
                    body = _with_title(b"".join(parts))
                    length = str(len(body)).encode()
                    await send({**start, "headers": [
                        (k, length if k == b"content-length" else v)
                        for k, v in start["headers"]]})
                    await send({"type": "http.response.body", "body": body})

            await self.app(scope, receive, send_titled)

    app = build_app(assistant, users)
    if users:
        kwargs["auth"] = lambda name, password: name in users and verify(users[name], password)
        kwargs.setdefault("auth_message", SIGN_IN_MESSAGE)
    app.queue(default_concurrency_limit=2, max_size=64, api_open=False)
    # No Gradio footer: its links are faint, and the app's own footer links the statement.
    # Quiet: Gradio's own lines advise a public share link; the address is all one needs.
    app.launch(server_name=assistant.settings.host, server_port=assistant.settings.port,
               share=False, show_error=False, run_history=False, max_file_size=0,
               footer_links=[], theme=_theme(), css=_asset("ui.css"), js=REGISTER_LINKS_JS,
               quiet=True,
               prevent_thread_lock=True,
               app_kwargs={"middleware": [
                   Middleware(RefuseRemoteFiles), Middleware(SignInGuard), Middleware(Titled),
                   Middleware(PaperRoutes, assistant=assistant, reader=reader_of(users))]},
               **kwargs)
    print(f"The chat is at {app.local_url}", flush=True)
    app.block_thread()


def _is_html(start: Any) -> bool:
    headers = dict(start.get("headers", []))
    return bool(headers.get(b"content-type", b"").startswith(b"text/html"))


def _with_title(page: bytes) -> bytes:
    if b"<title>" in page:
        return page
    return page.replace(b"<head>", f"<head><title>{html.escape(TITLE)}</title>".encode(), 1)


def _role(message: Any) -> str:
    return str(message.get("role", "")) if isinstance(message, dict) else str(
        getattr(message, "role", ""))


def _content_text(message: Any) -> str:
    content = message.get("content") if isinstance(message, dict) else getattr(
        message, "content", "")
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")
