"""The Gradio chat app. The only module that imports gradio."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from typing import Any

from .errors import FilterError
from .filters import DOC_TYPES, parse_filters
from .render import (
    DECISION_COLUMNS,
    answer_markdown,
    citation_markdown,
    decision_row,
    escape_markdown,
)
from .retrieval import Access
from .schema import Filters
from .users import User, verify
from .wiring import Assistant

TITLE = "committee-qa — ask the committee papers"

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


def register_rows(assistant: Assistant, search: str, committees: list[str] | None,
                  since: str, until: str,
                  access: Access = "public") -> tuple[list[list[str]], str]:
    """The Decisions tab: the rows of the register inside the filters, and a count line."""
    try:
        filters = parse_filters(committees or (), (), since or "", until or "")
    except FilterError as error:
        return [], f"**{escape_markdown(str(error))}**"
    decisions = assistant.decisions(filters, search or "", access)
    count = f"{len(decisions)} decision" + ("" if len(decisions) == 1 else "s")
    return [decision_row(d) for d in decisions], count


def build_app(assistant: Assistant, users: Mapping[str, User] | None = None) -> Any:
    """The Blocks app: a chat over the index with filters, and the register of decisions.

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
        gr.Markdown(f"## {TITLE}\nAnswers are quoted from the papers, with the passages "
                    f"they come from. The index holds {len(papers)} papers "
                    f"({assistant.store.count_chunks(('public',))} passages).")
        with gr.Tab("Ask", elem_id="ask-tab"):
            # No "share" button: it would post conversations to Hugging Face Discussions.
            chatbot = gr.Chatbot(label="Conversation", height=520, sanitize_html=True,
                                 buttons=["copy", "copy_all"], elem_id="chat")
            question = gr.Textbox(label="Your question", elem_id="question", submit_btn=True,
                                  placeholder="e.g. What was resolved on …?")
            with gr.Accordion("Filters", open=False, elem_id="filters"):
                with gr.Row():
                    committee = gr.Dropdown(committees, value=[], multiselect=True,
                                            label="Committees", elem_id="filter-committee")
                    doc_type = gr.Dropdown(list(DOC_TYPES), value=[], multiselect=True,
                                           label="Documents", elem_id="filter-type")
                    since = gr.Textbox(label="Meetings since", placeholder="YYYY-MM-DD",
                                       elem_id="filter-since")
                    until = gr.Textbox(label="Meetings until", placeholder="YYYY-MM-DD",
                                       elem_id="filter-until")
            examples = examples_for(assistant)
            if examples:
                gr.Examples(examples=examples, inputs=question, label="Try asking")
            gr.Button("New conversation", variant="secondary").click(
                lambda: ([], ""), outputs=[chatbot, question], api_visibility="private")

        def ask(message: str, history: list[dict], committee: list[str] | None = None,
                doc_type: list[str] | None = None, since: str = "", until: str = "",
                request: gr.Request = None) -> list[dict]:  # type: ignore[assignment]
            """The answer and its cited passages as chat messages, inside the filters."""
            try:
                filters = parse_filters(committee or (), doc_type or (), since or "",
                                        until or "")
            except FilterError as error:
                return [{"role": "assistant", "content": f"_{escape_markdown(str(error))}_"}]
            return reply(assistant, message, history or [], filters, access_of(request))

        def respond(message: str, history: list[Any], committee: list[str] | None,
                    doc_type: list[str] | None, since: str, until: str,
                    request: gr.Request) -> tuple[str, list[Any]]:
            # The question is shown as text too: markup typed in it is never run.
            shown = {"role": "user", "content": escape_markdown(message)}
            turn = [shown] + ask(message, history, committee, doc_type, since, until, request)
            return "", list(history or []) + turn

        # Answering is CPU work on one shared model: the chat and /ask share one limit.
        question.submit(respond, inputs=[question, chatbot, committee, doc_type, since, until],
                        outputs=[question, chatbot], api_name="chat", concurrency_id="answer")

        with gr.Tab("Decisions", elem_id="decisions-tab"):
            gr.Markdown("Every RESOLVED in the minutes, newest meeting first.")
            with gr.Row():
                search = gr.Textbox(label="Search", placeholder="words in the resolution",
                                    elem_id="decision-search")
                d_committee = gr.Dropdown(committees, value=[], multiselect=True,
                                          label="Committees", elem_id="decision-committee")
                d_since = gr.Textbox(label="Since", placeholder="YYYY-MM-DD",
                                     elem_id="decision-since")
                d_until = gr.Textbox(label="Until", placeholder="YYYY-MM-DD",
                                     elem_id="decision-until")
            counter = gr.Markdown("", elem_id="decision-count")
            table = gr.Dataframe([], headers=list(DECISION_COLUMNS), datatype="str",
                                 interactive=False, wrap=True, type="array",
                                 column_widths=["9%", "15%", "7%", "15%", "38%", "16%"],
                                 elem_id="decision-table")

        def decisions(search: str = "", committee: list[str] | None = None, since: str = "",
                      until: str = "", request: gr.Request = None,  # type: ignore[assignment]
                      ) -> tuple[list[list[str]], str]:
            """The register of decisions inside the filters, and how many there are."""
            return register_rows(assistant, search, committee, since, until,
                                 access_of(request))

        def refresh_register(search: str, committee: list[str] | None, since: str,
                             until: str, request: gr.Request) -> tuple[list[list[str]], str]:
            return decisions(search, committee, since, until, request)

        inputs = [search, d_committee, d_since, d_until]
        app.load(refresh_register, inputs=inputs, outputs=[table, counter],
                 api_visibility="private")  # each reader's own register, once signed in
        for box in (search, d_since, d_until):
            box.submit(refresh_register, inputs=inputs, outputs=[table, counter],
                       api_visibility="private")
        d_committee.change(refresh_register, inputs=inputs, outputs=[table, counter],
                           api_visibility="private")
        # After the last tab: a component between two tabs would split them into two groups.
        # Gradio hands each caller's sign-in to a parameter annotated gr.Request; this
        # module's annotations are strings, and `gr` is imported here, not at module level.
        for endpoint in (ask, respond, decisions, refresh_register):
            endpoint.__annotations__["request"] = gr.Request
        gr.api(ask, api_name="ask", concurrency_id="answer")
        gr.api(decisions, api_name="decisions")
    return app


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
    """
    import re

    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.types import ASGIApp, Receive, Scope, Send

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

    app = build_app(assistant, users)
    if users:
        kwargs["auth"] = lambda name, password: name in users and verify(users[name], password)
        kwargs.setdefault("auth_message", "Sign in to ask the committee papers.")
    app.queue(default_concurrency_limit=2, max_size=64, api_open=False)
    app.launch(server_name=assistant.settings.host, server_port=assistant.settings.port,
               share=False, show_error=False, run_history=False, max_file_size=0,
               app_kwargs={"middleware": [Middleware(RefuseRemoteFiles)]}, **kwargs)


def _role(message: Any) -> str:
    return str(message.get("role", "")) if isinstance(message, dict) else str(
        getattr(message, "role", ""))


def _content_text(message: Any) -> str:
    content = message.get("content") if isinstance(message, dict) else getattr(
        message, "content", "")
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")
