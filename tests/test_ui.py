"""The chat app as a real server on loopback, driven through gradio_client."""

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from committee_qa.turns import reply
from conftest import serve_app, stop_server


@pytest.fixture(scope="module")
def served(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        tuple[int, str]]:
    """The app's process id and its URL."""
    process, url = serve_app(sample_index, tmp_path_factory.mktemp("ui") / "server.log")
    yield process.pid, url
    stop_server(process)


@pytest.fixture(scope="module")
def server(served: tuple[int, str]) -> str:
    return served[1]


def listening(pid: int) -> set[tuple[str, int]]:
    """The addresses and ports the process's TCP sockets listen on, as the kernel has them
    (/proc/PID/net/tcp and tcp6, matched to the process's own sockets)."""
    own = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            own.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except FileNotFoundError:
            pass  # closed meanwhile
    found = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            address, port = fields[1].split(":")
            if fields[3] != "0A" or f"socket:[{fields[9]}]" not in own:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)  # 32-bit words in the host's (little-endian) order
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.add((socket.inet_ntop(family, raw), int(port, 16)))
    return found


def test_server_binds_loopback_only(served: tuple[int, str]) -> None:
    pid, url = served
    assert listening(pid) == {("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/")))}


def test_chat_answers_with_expandable_sources(server: str) -> None:
    client = Client(server, verbose=False)
    messages = client.predict("How many schools committed to joining the Education Trust?",
                              [], api_name="/ask")
    assert "30 schools" in messages[0]["content"]
    sources = messages[1:]
    assert sources and all(m["metadata"]["title"].startswith("[") for m in sources)
    assert any("30 schools" in m["content"] for m in sources)


def test_chat_follow_up_uses_the_conversation(server: str) -> None:
    client = Client(server, verbose=False)
    history = [{"role": "user",
                "content": "What was staff turnover in the hard to recruit teams?"},
               {"role": "assistant", "content": "Turnover stood at 4.82% [1]"}]
    messages = client.predict("and what was the target?", history, api_name="/ask")
    assert "5%" in messages[0]["content"]


def test_chat_declines_off_topic_question(server: str) -> None:
    client = Client(server, verbose=False)
    messages = client.predict("What is the capital of France?", [], api_name="/ask")
    assert "do not answer" in messages[0]["content"] and len(messages) == 1


def test_paper_text_is_escaped_not_markup(fresh_assistant, tmp_path: Path) -> None:
    paper = tmp_path / "x.html"
    paper.write_text("<html><body><h1>Markup</h1><pre>&lt;script&gt;alert(1)&lt;/script&gt; "
                     "The markup budget is 12 pounds.</pre></body></html>")
    fresh_assistant.ingest([paper])
    messages = reply(fresh_assistant, "What is the markup budget?", [])
    assert "<script>" not in "".join(m["content"] for m in messages)
    assert "&lt;script&gt;" in "".join(m["content"] for m in messages)


def test_ask_endpoint_takes_filters(server: str) -> None:
    client = Client(server, verbose=False)
    question = "How many social workers were recruited?"
    messages = client.predict(question, [], ["Children and Young People's Committee"], [],
                              "", "", api_name="/ask")
    assert "38 new social work staff" in " ".join(m["content"] for m in messages)
    assert all("Scrutiny" not in m["metadata"]["title"] for m in messages[1:])
    refused = client.predict(question, [], [], [], "2017-13", "", api_name="/ask")
    assert refused == [{"role": "assistant", "content": "_The since date '2017-13' is not a "
                                                        "date; write it as YYYY-MM-DD, for "
                                                        "example 2017-07-18 (or only the "
                                                        "month, 2017-07, or the year, 2017)._"}]


def test_decisions_endpoint_lists_and_filters_the_register(server: str) -> None:
    client = Client(server, verbose=False)
    rows, count = client.predict("", [], "", "", api_name="/decisions")
    assert count == "4 decisions" and [r[2] for r in rows] == ["13", "14", "15", "16"]
    rows, count = client.predict("Nick Lee", [], "", "", api_name="/decisions")
    assert count == "1 decision" and rows[0][:3] == [
        "2017-07-18", "Children and Young People Scrutiny Committee (Nottingham City Council)",
        "15"]
    rows, count = client.predict("", [], "2018", "", api_name="/decisions")
    assert (rows, count) == ([], "0 decisions")


def test_the_question_is_shown_as_text_in_the_conversation(server: str) -> None:
    client = Client(server, verbose=False)
    _box, history = client.predict("<img src=x onerror=alert(1)> How many schools joined the "
                                   "Education Trust?", [], [], [], "", "", api_name="/chat")
    assert history[0]["role"] == "user"
    shown = history[0]["content"][0]["text"] if isinstance(history[0]["content"], list) else \
        history[0]["content"]
    assert "<img" not in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "30 schools" in " ".join(str(m["content"]) for m in history[1:])
