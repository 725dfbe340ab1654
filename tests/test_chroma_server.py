"""The index in a real Chroma server (`chroma run` on loopback): one ingester process and
app replicas sharing it, each replica keeping its keyword index and register in step."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from committee_qa.cli import main
from committee_qa.errors import IndexUnavailableError
from committee_qa.store import Store
from conftest import (
    CITY,
    COUNTY,
    SAMPLES,
    free_port,
    replica,
    run_chroma,
    stop_server,
    write_minutes,
)


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Chroma server of the chromadb package, on a free loopback port."""
    process, url = run_chroma(tmp_path_factory.mktemp("chroma"))
    yield url
    stop_server(process)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The committee-qa command as a process of its own (the ingester)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    return subprocess.run([sys.executable, "-m", "committee_qa", *args], env=env,
                          capture_output=True, text=True, timeout=600)


def test_ingest_ask_and_decisions_through_the_server(chroma_url: str, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in (COUNTY, f"{COUNTY}.json", CITY):
        shutil.copy(SAMPLES / name, inbox / name)
    ingested = run_cli("ingest", str(inbox), "--chroma-url", chroma_url)
    assert ingested.returncode == 0, ingested.stderr
    assert "2 added" in ingested.stdout
    again = run_cli("ingest", str(inbox), "--chroma-url", chroma_url)
    assert "0 added, 2 unchanged" in again.stdout and "(0 passages embedded)" in again.stdout
    runner = CliRunner()
    answer = runner.invoke(main, ["ask", "How many schools committed to joining the "
                                  "Education Trust?", "--chroma-url", chroma_url])
    assert answer.exit_code == 0 and "30 schools" in answer.output
    register = runner.invoke(main, ["decisions", "--chroma-url", chroma_url,
                                    "--search", "Nick Lee", "--format", "csv"])
    assert "2017-07-18" in register.output and ",15," in register.output


def test_replicas_see_what_another_process_ingests_without_restarting(
        chroma_url: str, tmp_path: Path, embedder) -> None:
    first, second = replica(chroma_url, embedder), replica(chroma_url, embedder)
    question = "How many library visits were there in the year?"
    assert all(d.committee != "Libraries Committee" for d in second.decisions())
    errors: list[BaseException] = []
    answered: list[bool] = []
    stop = threading.Event()

    def keep_asking() -> None:  # a councillor asking all through the ingest
        while not stop.is_set():
            try:
                answer = second.ask(question)
                answered.append(any(c.committee == "Libraries Committee"
                                    for c in answer.citations))
            except BaseException as error:  # noqa: BLE001 - any error fails the test
                errors.append(error)
                return

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        papers = tmp_path / "papers"
        write_minutes(papers, "libraries-2022-03-02-minutes.txt", "2 March 2022", "455,000",
                      "RESOLVED to note the report.")
        ingested = run_cli("ingest", str(papers), "--chroma-url", chroma_url)
        assert ingested.returncode == 0, ingested.stderr
    finally:
        time.sleep(0.5)
        stop.set()
        asker.join(timeout=60)
    assert errors == []
    assert answered and answered[-1]  # the replica took the new paper in as it was asked
    for assistant in (first, second):
        answer = assistant.ask(question)
        assert "455,000" in answer.text
        assert any(d.committee == "Libraries Committee" and d.meeting_date == "2022-03-02"
                   for d in assistant.decisions())
    # Once there, a paper stays there for every later question: no flicker.
    assert answered[answered.index(True):] == [True] * (len(answered) - answered.index(True))


def test_an_unreachable_server_is_one_clear_line(embedder) -> None:
    port = free_port()
    with pytest.raises(IndexUnavailableError, match=rf"cannot reach the Chroma server at "
                                                   rf"http://127.0.0.1:{port} .* `chroma run"):
        Store.connect(f"http://127.0.0.1:{port}", "committee_papers", embedder.name,
                      embedder.dimension)
    with pytest.raises(IndexUnavailableError, match="is not an http"):
        Store.connect("ftp://example", "committee_papers", embedder.name, embedder.dimension)
    result = run_cli("ask", "anything", "--chroma-url", f"http://127.0.0.1:{port}")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: cannot reach the Chroma server")
    assert "Traceback" not in result.stderr
