"""The app's HTTP edge below Gradio: what is refused before it reaches the app (a fetch
of another site's file), and a <title> for every page. Starlette only."""

from __future__ import annotations

import html
import re
from typing import Any

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


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
    (the app's own pages get theirs from the script, once it has run). Such a page also
    gets `script` and `style` in its head: what Gradio's own page does not do for the
    sign-in."""

    def __init__(self, app: ASGIApp, title: str, script: str = "", style: str = "") -> None:
        self.app, self.title, self.script, self.style = app, title, script, style

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
                body = _with_title(b"".join(parts), self.title, self.script, self.style)
                length = str(len(body)).encode()
                await send({**start, "headers": [
                    (k, length if k == b"content-length" else v)
                    for k, v in start["headers"]]})
                await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_titled)


def _is_html(start: Any) -> bool:
    headers = dict(start.get("headers", []))
    return bool(headers.get(b"content-type", b"").startswith(b"text/html"))


def _with_title(page: bytes, title: str, script: str = "", style: str = "") -> bytes:
    if b"<title>" in page:
        return page
    head = f"<head><title>{html.escape(title)}</title>"
    if style:
        head += f"<style>{style}</style>"
    if script:
        head += f"<script>{script}</script>"
    return page.replace(b"<head>", head.encode(), 1)
