"""Serving the chat: the Gradio app (ui.py) behind the app's HTTP edge — sign-in rationed,
other sites' files refused, a title on every page, the source viewer's routes — bound to
the host and port the settings name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .assistant import Assistant
from .ui import (
    REGISTER_LINKS_JS,
    SIGN_IN_CSS,
    SIGN_IN_MESSAGE,
    SIGN_IN_WAIT_JS,
    TITLE,
    asset,
    build_app,
    theme,
)
from .users import SignInGuard, User, verify


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

    from .middleware import RefuseRemoteFiles, Titled
    from .web import PaperRoutes, reader_of

    app = build_app(assistant, users)
    if users:
        kwargs["auth"] = lambda name, password: name in users and verify(users[name], password)
        kwargs.setdefault("auth_message", SIGN_IN_MESSAGE)
    app.queue(default_concurrency_limit=2, max_size=64, api_open=False)
    # No Gradio footer: its links are faint, and the app's own footer links the statement.
    # Quiet: Gradio's own lines advise a public share link; the address is all one needs.
    app.launch(server_name=assistant.settings.host, server_port=assistant.settings.port,
               share=False, show_error=False, run_history=False, max_file_size=0,
               footer_links=[], theme=theme(), css=asset("ui.css"), js=REGISTER_LINKS_JS,
               quiet=True,
               prevent_thread_lock=True,
               app_kwargs={"middleware": [
                   Middleware(RefuseRemoteFiles), Middleware(SignInGuard),
                   Middleware(Titled, title=TITLE, script=SIGN_IN_WAIT_JS,
                              style=SIGN_IN_CSS),
                   Middleware(PaperRoutes, assistant=assistant, reader=reader_of(users))]},
               **kwargs)
    print(f"The chat is at {app.local_url}", flush=True)
    app.block_thread()





