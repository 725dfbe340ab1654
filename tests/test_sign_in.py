"""Sign-in under attack: a real Gradio app on loopback behind SignInGuard, checking real
PBKDF2 hashes. What is asserted is behaviour (who is refused, how many passwords were
checked, what is logged), never timings: the guard's clock is the test's."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import gradio as gr
import httpx
import pytest
from starlette.middleware import Middleware

from committee_qa.users import SignInGuard, User, hash_password, verify
from conftest import free_port

USERS = {"member": User("member", hash_password("member-password"))}  # 600,000 rounds


class App:
    """The app, the passwords it checked, and the guard's clock."""

    def __init__(self, per_minute: int) -> None:
        self.now = 1000.0
        self.checked: list[str] = []
        with gr.Blocks() as self.blocks:
            gr.Markdown("The committee papers")
        self.port = free_port()
        self.blocks.launch(
            server_name="127.0.0.1", server_port=self.port, auth=self.check, quiet=True,
            prevent_thread_lock=True, app_kwargs={"middleware": [Middleware(
                SignInGuard, per_minute=per_minute, clock=lambda: self.now)]})

    def check(self, name: str, password: str) -> bool:  # as the chat checks: PBKDF2
        self.checked.append(name)
        return name in USERS and verify(USERS[name], password)

    def sign_in(self, password: str, client: str = "127.0.0.1") -> httpx.Response:
        """POST /login from the loopback address `client`, as the sign-in page does."""
        transport = httpx.HTTPTransport(local_address=client)
        with httpx.Client(transport=transport, timeout=60) as http:
            return http.post(f"http://127.0.0.1:{self.port}/login",
                             data={"username": "member", "password": password})


@pytest.fixture
def serve() -> Iterator[Callable[[int], App]]:
    started: list[App] = []

    def start(per_minute: int = 30) -> App:
        started.append(App(per_minute))
        return started[-1]

    yield start
    for app in started:
        app.blocks.close()


def refused(response: httpx.Response, seconds: int) -> bool:
    unit = "second" if seconds == 1 else "seconds"
    return (response.status_code, response.headers.get("retry-after"), response.json()) == (
        429, str(seconds), {"detail": f"Too many sign-in attempts; try again in {seconds} "
                                      f"{unit}."})


def test_a_client_that_keeps_failing_waits_longer_each_time_and_is_refused_unchecked(
        serve, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="committee_qa.users")
    app = serve()
    for _ in range(3):  # a few mistakes cost nothing
        wrong = app.sign_in("not-it")
        assert (wrong.status_code, wrong.json()) == (400, {"detail": "Incorrect credentials."})
    assert len(app.checked) == 3
    assert refused(app.sign_in("not-it"), 1)
    assert refused(app.sign_in("member-password"), 1)  # even the right one, while it waits
    assert len(app.checked) == 3  # refused without hashing
    assert app.sign_in("member-password", client="127.0.0.2").status_code == 200  # others sign in
    app.now += 1
    assert app.sign_in("not-it").status_code == 400 and len(app.checked) == 5
    assert refused(app.sign_in("not-it"), 2)  # the wait doubles
    app.now += 2
    assert app.sign_in("member-password").status_code == 200
    assert app.sign_in("not-it").status_code == 400  # signed in: its failures forgotten
    assert len(app.checked) == 7
    logged = [r.getMessage() for r in caplog.records]
    assert "sign-in as 'member' from 127.0.0.1 failed (3 in a row)" in logged
    assert "sign-in as 'member' from 127.0.0.1 refused unchecked: 3 failures in a row; it " \
           "may try again in 1 s" in logged
    assert "sign-in as 'member' from 127.0.0.1 failed (1 in a row)" in logged


def test_a_burst_from_many_clients_gets_only_its_ration_of_password_checks(serve) -> None:
    app = serve(per_minute=3)
    for n in range(2, 5):
        assert app.sign_in("not-it", client=f"127.0.0.{n}").status_code == 400
    for n in range(5, 25):  # the burst: every other client refused without a check
        assert refused(app.sign_in("not-it", client=f"127.0.0.{n}"), 60)
    assert refused(app.sign_in("member-password", client="127.0.0.99"), 60)
    assert len(app.checked) == 3
    app.now += 60
    assert app.sign_in("member-password", client="127.0.0.99").status_code == 200
    assert len(app.checked) == 4


def test_the_log_names_who_tried_as_the_page_and_a_script_send_it(
        serve, caplog: pytest.LogCaptureFixture) -> None:
    """Gradio's sign-in page posts multipart form data; a script may post it urlencoded."""
    caplog.set_level(logging.WARNING, logger="committee_qa.users")
    app = serve()
    form = {"username": (None, "member"), "password": (None, "wrong-password")}
    with httpx.Client(timeout=60) as http:
        assert http.post(f"http://127.0.0.1:{app.port}/login", files=form).status_code == 400
    assert app.sign_in("also-wrong").status_code == 400
    assert [r.getMessage() for r in caplog.records if "failed" in r.getMessage()] == [
        "sign-in as 'member' from 127.0.0.1 failed (1 in a row)",
        "sign-in as 'member' from 127.0.0.1 failed (2 in a row)"]
