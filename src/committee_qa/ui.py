"""The Gradio chat app. The only module that imports gradio."""

from __future__ import annotations

import os
from typing import Any

from .render import answer_markdown, citation_markdown
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
    held = assistant.store.papers()
    return [q for source, questions in EXAMPLES.items() if source in held for q in questions]


def reply(assistant: Assistant, question: str, history: list[Any]) -> list[dict[str, Any]]:
    """The chat messages answering `question`: the answer, then each cited passage, folded."""
    earlier = [_content_text(m) for m in history if _role(m) == "user"]
    if not question.strip():
        return [{"role": "assistant", "content": "_Please type a question about the papers._"}]
    answer = assistant.ask(question, earlier)
    messages: list[dict[str, Any]] = [{"role": "assistant", "content": answer_markdown(answer)}]
    for citation in answer.citations:
        title, quote = citation_markdown(citation)
        messages.append({"role": "assistant", "content": quote,
                         "metadata": {"title": title, "status": "done"}})
    return messages


def build_app(assistant: Assistant) -> Any:
    """The Blocks app: a chat over the index, with example questions."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    papers = assistant.store.papers()
    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        gr.Markdown(f"## {TITLE}\nAnswers are quoted from the papers, with the passages "
                    f"they come from. The index holds {len(papers)} papers "
                    f"({assistant.store.count_chunks()} passages).")
        # No "share" button: it would post conversations to Hugging Face Discussions.
        chatbot = gr.Chatbot(label="Conversation", height=520, sanitize_html=True,
                             buttons=["copy", "copy_all"],
                             elem_id="chat")
        question = gr.Textbox(label="Your question", placeholder="e.g. What was resolved on …?",
                              elem_id="question", submit_btn=True)
        examples = examples_for(assistant)
        if examples:
            gr.Examples(examples=examples, inputs=question, label="Try asking")
        gr.Button("New conversation", variant="secondary").click(
            lambda: ([], ""), outputs=[chatbot, question], api_visibility="private")

        def respond(message: str, history: list[Any]) -> tuple[str, list[Any]]:
            turn = [{"role": "user", "content": message}] + reply(assistant, message, history)
            return "", list(history or []) + turn

        question.submit(respond, inputs=[question, chatbot], outputs=[question, chatbot],
                        api_name="chat")
        def ask(message: str, history: list[dict]) -> list[dict]:
            """The answer and its cited passages as chat messages."""
            return reply(assistant, message, history or [])

        gr.api(ask, api_name="ask")
    return app


def launch(assistant: Assistant, **kwargs: Any) -> None:
    """Serve the app on the configured host and port (127.0.0.1 unless told otherwise)."""
    app = build_app(assistant)
    app.queue(default_concurrency_limit=4)
    app.launch(server_name=assistant.settings.host, server_port=assistant.settings.port,
               share=False, show_error=False, **kwargs)


def _role(message: Any) -> str:
    return str(message.get("role", "")) if isinstance(message, dict) else str(
        getattr(message, "role", ""))


def _content_text(message: Any) -> str:
    content = message.get("content") if isinstance(message, dict) else getattr(
        message, "content", "")
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")
