"""The source viewer over HTTP, in front of the chat app: /papers/<doc_id> (the paper at the
cited place), /papers/<doc_id>/pages/<n>.png (a page's image) and /papers/<doc_id>/download
(the original file).

Access is the chat's: a reader sees the papers their answers may cite, and nothing else.
A paper that is not in the index, a restricted one asked for by a reader without restricted
access, a malformed id and any other path under /papers get the same 404 with the same body,
so no id can be probed. Where the chat asks people to sign in, anyone not signed in gets the
sign-in page for every path under /papers. A path is only ever made of a doc_id that has
matched its pattern and that the ledger names.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from .assistant import Assistant
from .highlight import HighlightedLine, highlight, matched_share
from .library import is_doc_id
from .papers.pages import ocr_words, render_page, text_layer_words
from .retrieval import Access
from .schema import PageWord, PaperCopy
from .users import User
from .viewer import Shown, missing_html, not_kept_html, page_of, paper_html, sign_in_html

PREFIX = "/papers"
Reader = Callable[[Request], "Access | None"]  # None: not signed in, where sign-in is asked
MEDIA = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8",
         ".md": "text/markdown; charset=utf-8",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
TRUSTED_SHARE = 0.5  # of a passage's words the text layer must place, or OCR is tried
_SAFE = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
         "Cache-Control": "private, no-store"}
log = logging.getLogger(__name__)


def reader_of(users: Mapping[str, User] | None) -> Reader:
    """Who asks, for a request outside Gradio's events (the source viewer's): the access of
    the user signed in, None if no one is signed in where sign-in is asked; without users,
    everyone reads the public papers."""
    def reader(request: Request) -> Access | None:
        if not users:
            return "public"
        # The session cookie Gradio sets at sign-in, looked up as Gradio's own
        # /gradio_api/user route does it (gradio/routes.py, get_current_user).
        app = request.scope.get("app")
        cookie_id, tokens = getattr(app, "cookie_id", None), getattr(app, "tokens", None)
        if cookie_id is None or not isinstance(tokens, dict):
            return None
        token = (request.cookies.get(f"access-token-{cookie_id}")
                 or request.cookies.get(f"access-token-unsecure-{cookie_id}"))
        user = users.get(tokens.get(token) or "") if token else None
        if user is None:
            return None
        return "restricted" if user.access == "restricted" else "public"

    return reader


class _Refused(Exception):
    """The request gets `response` instead: the paper is missing, or sign-in is needed."""

    def __init__(self, response: Response) -> None:
        self.response = response


class PaperRoutes:
    """ASGI middleware: requests under /papers are the viewer's, all others go to `app`."""

    def __init__(self, app: ASGIApp, assistant: Assistant, reader: Reader,
                 cached_pages: int = 32) -> None:
        self.app, self.assistant, self.reader = app, assistant, reader
        self._images: _Cache[tuple[str, int], bytes] = _Cache(cached_pages)
        self._words: _Cache[tuple[str, int, str], list[PageWord]] = _Cache(cached_pages)
        self.router = Router(routes=[
            Route(PREFIX + "/{doc_id}", self.paper, methods=["GET", "HEAD"]),
            Route(PREFIX + "/{doc_id}/pages/{number:int}.png", self.page_image,
                  methods=["GET", "HEAD"]),
            Route(PREFIX + "/{doc_id}/download", self.download, methods=["GET", "HEAD"]),
        ], redirect_slashes=False, default=self._missing_app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", "")) if scope["type"] == "http" else ""
        if path == PREFIX or path.startswith(PREFIX + "/"):
            if self.reader(Request(scope)) is None:  # not signed in: never a paper's page
                await _sign_in()(scope, receive, send)
            else:
                await self.router(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def paper(self, request: Request) -> Response:
        """The paper at the cited place: its page (PDF) or its text, the passage shown."""
        try:
            doc_id, names = self._allowed(request)
        except _Refused as refused:
            return refused.response
        copy, facts = self.assistant.library.copy(doc_id), self.assistant.library.facts(doc_id)
        if copy is None or facts is None:
            record = self.assistant.store.papers().get(names[0])
            return _html(not_kept_html(record.title if record else "", names[0]))
        span = _span(request, len(copy.text))
        nonce = secrets.token_urlsafe(16)
        if copy.suffix != ".pdf" or not copy.page_starts:
            return _html(paper_html(copy, facts, Shown(names[0], span=span, nonce=nonce)),
                         nonce)
        pages = len(copy.page_starts)
        page = _number(request.query_params.get("page")) or (
            page_of(copy, span[0]) if span else 1)
        if not 1 <= page <= pages:
            return _missing()
        lines = self._lines(doc_id, copy, page, span) if span else []
        shown = Shown(names[0], page, pages, span, tuple(lines), nonce)
        return _html(paper_html(copy, facts, shown), nonce)

    def page_image(self, request: Request) -> Response:
        """A page of a PDF paper as a PNG."""
        try:
            doc_id, _names = self._allowed(request)
        except _Refused as refused:
            return refused.response
        # The facts, not the whole kept text: an image is asked for at every page's view.
        facts, original = self.assistant.library.facts(doc_id), self.assistant.library.original(
            doc_id)
        number = int(request.path_params["number"])
        if facts is None or original is None or facts.suffix != ".pdf" or not (
                1 <= number <= (facts.pages or 0)):
            return _missing()
        image = self._images.get((doc_id, number), lambda: render_page(original, number))
        return Response(image, media_type="image/png",
                        headers={**_SAFE, "Cache-Control": "private, max-age=3600"})

    def download(self, request: Request) -> Response:
        """The original file, as it was ingested, under the name the reader knows it by."""
        try:
            doc_id, names = self._allowed(request)
        except _Refused as refused:
            return refused.response
        original = self.assistant.library.original(doc_id)
        copy = self.assistant.library.facts(doc_id)
        if original is None or copy is None:
            return _missing()
        # Never shown in the app's own origin: a web page saved as a paper could run there.
        return FileResponse(original, media_type=MEDIA.get(copy.suffix,
                                                           "application/octet-stream"),
                            filename=names[0], content_disposition_type="attachment",
                            headers={**_SAFE, "Content-Security-Policy": "sandbox"})

    def _allowed(self, request: Request) -> tuple[str, list[str]]:
        """The doc_id asked for and the names the reader knows it by; _Refused (404) when it
        is malformed, not in the index, or not theirs to read."""
        doc_id = str(request.path_params.get("doc_id", ""))
        access = self.reader(request)
        if access is None:
            raise _Refused(_sign_in())
        if not is_doc_id(doc_id):
            raise _Refused(_missing())
        names = self.assistant.paper_names(doc_id, access)
        if not names:
            raise _Refused(_missing())
        return doc_id, names

    def _lines(self, doc_id: str, copy: PaperCopy, page: int,
               span: tuple[int, int]) -> list[HighlightedLine]:
        """The passage's lines on a page: placed by the text layer's words, or by OCR's when
        the text layer does not hold the passage (a scanned page)."""
        begins = copy.page_starts[page - 1]
        ends = copy.page_starts[page] if page < len(copy.page_starts) else len(copy.text)
        start, end = max(span[0], begins) - begins, min(span[1], ends) - begins
        if start >= end:
            return []
        text = copy.text[begins:ends]
        original = self.assistant.library.original(doc_id)
        if original is None:
            return []
        words = self._words.get((doc_id, page, "layer"),
                                lambda: text_layer_words(original, page))
        share = matched_share(text, start, end, words)
        if share < TRUSTED_SHARE:
            scanned = self._words.get((doc_id, page, "ocr"), lambda: ocr_words(original, page))
            if matched_share(text, start, end, scanned) > share:
                words = scanned
        return highlight(text, start, end, words)

    async def _missing_app(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _missing()(scope, receive, send)


K = TypeVar("K")
V = TypeVar("V")


class _Cache(Generic[K, V]):
    """The last `size` values made, by key: page images and word boxes, made once."""

    def __init__(self, size: int) -> None:
        self.size, self._items = size, OrderedDict[K, V]()
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def _span(request: Request, length: int) -> tuple[int, int] | None:
    """The passage's span from ?start=&end=, if both are whole numbers inside the text."""
    start = _number(request.query_params.get("start"), zero=True)
    end = _number(request.query_params.get("end"))
    if start is None or end is None or not 0 <= start < end <= length:
        return None
    return start, end


def _number(value: Any, zero: bool = False) -> int | None:
    text = str(value or "")
    if not text.isdigit() or len(text) > 12 or (int(text) == 0 and not zero):
        return None
    return int(text)


def _html(page: str, nonce: str = "") -> HTMLResponse:
    script = f"script-src 'nonce-{nonce}'" if nonce else "script-src 'none'"
    return HTMLResponse(page, headers={**_SAFE, "Content-Security-Policy": (
        f"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; {script}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")})


def _missing() -> HTMLResponse:
    response = _html(missing_html())
    response.status_code = 404
    return response


def _sign_in() -> HTMLResponse:
    response = _html(sign_in_html())
    response.status_code = 401
    return response
