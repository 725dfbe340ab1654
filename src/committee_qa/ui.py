"""The Gradio chat app. The only module that imports gradio."""

import os
from collections.abc import Callable, Generator, Mapping
from importlib import resources
from typing import Any

from .assistant import Assistant
from .catalogue import papers_html
from .errors import FilterError
from .export import briefing_downloads
from .filters import DOC_TYPES, parse_filters
from .render import (
    DECISION_COLUMNS,
    conversation_html,
    escape_markdown,
    export_html,
    writing_html,
)
from .schema import Access
from .turns import (
    Turn,
    answer_turn,
    app_address,
    drafts,
    examples_for,
    paper_list,
    register_rows,
    reply,
    sentence,
)
from .users import User

TITLE = "committee-qa — ask the committee papers"
STATEMENT = "accessibility"  # the path of the accessibility statement's page

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
                           html_template=CHAT_TEMPLATE, js_on_load=asset("chat.js"),
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
                                js_on_load=asset("papers.js"), apply_default_css=False)
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
                         "content": f"_{escape_markdown(sentence(str(error)))}_"}]
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


# Gradio's sign-in page says nothing when sign-in is refused for a while (HTTP 429 from
# users.SignInGuard): this says why, and how long to wait, in an alert a screen reader
# reads at once (WCAG 3.3.1). It is in the head of the pages served without a title.
SIGN_IN_WAIT_JS = """(() => {
  const fetched = window.fetch;
  window.fetch = async (resource, init) => {
    const response = await fetched(resource, init);
    const url = new URL(typeof resource === "string" ? resource : resource.url, location.href);
    if (response.status === 429 && /\\/login\\/?$/.test(url.pathname)) {
      let alert = document.getElementById("sign-in-wait");
      if (!alert) {
        alert = document.createElement("p");
        alert.id = "sign-in-wait";
        alert.setAttribute("role", "alert");
        alert.style.cssText = "font-weight:bold;border:2px solid currentColor;padding:0.5em;" +
          "margin:1em auto;max-width:480px";
        const form = document.querySelector("input[type=password]");
        (form ? form.closest(".form, .block, div") || document.body : document.body)
          .prepend(alert);
      }
      try {
        alert.textContent = (await response.clone().json()).detail;
      } catch (error) {
        alert.textContent = "Too many sign-in attempts; wait a minute and try again.";
      }
    }
    return response;
  };
})();"""


# Gradio's sign-in page takes the theme's CSS alone, and the theme has no focus ring for
# buttons: its Login button showed none (WCAG 2.4.7). The ring of ui.css, in its head.
SIGN_IN_CSS = """:is(a, button, input):focus-visible {
  outline: 3px solid var(--body-text-color, #000) !important;
  outline-offset: 2px !important;
}"""


# The sign-in page shows this as HTML.
SIGN_IN_MESSAGE = ("<p>Sign in to ask the committee papers. If you cannot sign in, ask the "
                   "team that runs this service for help.</p>")


def theme() -> Any:
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


def asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text("utf-8")
