"""The chat app under load while another process ingests: eight gradio_client chat clients
on loopback ask the gold questions against `committee-qa serve` on a real `chroma run`,
while a second process ingests new papers into the same index. A small version of
bench/load.py; latency is the benchmark's figure, not asserted here."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from conftest import (
    CITY,
    COUNTY,
    ROOT,
    SAMPLES,
    free_port,
    replica,
    run_chroma,
    start_server,
    stop_server,
)

sys.path.insert(0, str(ROOT / "bench"))

from load import (  # noqa: E402
    NEW_FACT,
    NEW_QUESTION,
    Call,
    ask_all,
    load_questions,
    minutes_text,
)

CLIENTS, QUESTIONS = 8, 5


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[tuple[str, str]]:
    """(Chroma URL, app URL): `chroma run` holding the sample papers, and the app on it."""
    root = tmp_path_factory.mktemp("load")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    chroma, chroma_url = run_chroma(root)
    try:
        inbox = root / "ingest"
        inbox.mkdir()
        for name in (COUNTY, f"{COUNTY}.json", CITY):
            shutil.copy(SAMPLES / name, inbox / name)
        assert len(replica(chroma_url, embedder).ingest([inbox]).added) == 2
        port = free_port()
        app = start_server([sys.executable, "-m", "committee_qa", "serve", "--port", str(port),
                       "--chroma-url", chroma_url], root / "serve.log",
                      f"http://127.0.0.1:{port}/", env, 180)
        try:
            yield chroma_url, f"http://127.0.0.1:{port}/"
        finally:
            stop_server(app)
    finally:
        stop_server(chroma)


def test_clients_get_answers_all_through_an_ingest_and_then_see_the_new_paper(
        deployment: tuple[str, str], tmp_path: Path, embedder) -> None:
    chroma_url, url = deployment
    pool = load_questions()
    calls: list[Call] = []
    lock = threading.Lock()
    clients = [threading.Thread(target=ask_all, args=(
        url, n, [pool[(n * 13 + i) % len(pool)] for i in range(QUESTIONS)], calls, lock),
        daemon=True) for n in range(CLIENTS)]
    for client in clients:
        client.start()

    papers = tmp_path / "papers"  # new content: a renamed copy of a sample, and new minutes
    papers.mkdir()
    (papers / f"barsetshire-{COUNTY}").write_text(
        (SAMPLES / COUNTY).read_text("utf-8").replace("Nottinghamshire", "Barsetshire"))
    (papers / "libraries-2022-03-02-minutes.txt").write_text(minutes_text("2 March 2022",
                                                                          NEW_FACT))
    deadline = time.monotonic() + 60
    while len(calls) < 3 and time.monotonic() < deadline:  # the clients are asking
        time.sleep(0.1)
    ingester = replica(chroma_url, embedder)  # this process: not the app's
    ingest_began = time.monotonic()
    report = ingester.ingest([papers])
    ingest_ended = time.monotonic()
    for client in clients:
        client.join(timeout=300)

    assert not report.failed and len(report.added) == 2
    errors = [(c.question, c.error) for c in calls if c.error]
    assert errors == []
    assert len(calls) == CLIENTS * QUESTIONS
    assert any(ingest_began <= c.started + c.seconds and c.started <= ingest_ended
               for c in calls), "no question was being answered while the ingest ran"

    after = Client(url, verbose=False)
    messages = after.predict(NEW_QUESTION, [], api_name="/ask")
    assert NEW_FACT in messages[0]["content"]
    assert any("Libraries Committee" in m["metadata"]["title"] for m in messages[1:])
    rows, _count = after.predict("library", [], "", "", api_name="/decisions")
    assert [r[0] for r in rows] == ["2022-03-02"]
    after.close()
