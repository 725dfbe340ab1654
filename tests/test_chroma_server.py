"""The index in a real Chroma server (`chroma run` on loopback): one ingester process and
app replicas sharing it, each replica keeping its keyword index (tantivy, on its own disk)
and register in step, and starting again from that index rather than from Chroma."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
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


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The committee-qa command as a process of its own (the ingester), its local folder a
    temporary one unless `env` names one."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
           "COMMITTEE_QA_INDEX": tempfile.mkdtemp(prefix="ingester-"), **(env or {})}
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
    runner = CliRunner(env={"COMMITTEE_QA_INDEX": str(tmp_path / "replica")})
    answer = runner.invoke(main, ["ask", "How many schools committed to joining the "
                                  "Education Trust?", "--chroma-url", chroma_url])
    assert answer.exit_code == 0 and "30 schools" in answer.output
    register = runner.invoke(main, ["decisions", "--chroma-url", chroma_url,
                                    "--search", "Nick Lee", "--format", "csv"])
    assert "2017-07-18" in register.output and ",15," in register.output


def test_replicas_see_what_another_process_ingests_without_restarting(
        chroma_url: str, tmp_path: Path, embedder) -> None:
    first = replica(chroma_url, embedder, tmp_path / "first")
    second = replica(chroma_url, embedder, tmp_path / "second")
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


def test_a_replica_starts_again_from_its_own_keyword_index_and_reads_only_what_changed(
        chroma_url: str, tmp_path: Path, embedder, monkeypatch) -> None:
    collection = f"restart_{uuid.uuid4().hex[:8]}"
    local = tmp_path / "replica"  # the replica's own disk
    first = replica(chroma_url, embedder, local, collection)
    try:
        first.ingest([SAMPLES])
        question = "How many schools committed to joining the Education Trust?"
        expected = first.ask_with_passages(question)[1]
        assert (local / "keyword").is_dir() and expected

        reads: list[set[str]] = []
        original = Store.chunks
        monkeypatch.setattr(Store, "chunks", lambda self, live=None, *a, **k: reads.append(
            set(live or ())) or original(self, live, *a, **k))
        again = replica(chroma_url, embedder, local, collection)  # a restart
        assert reads == []  # nothing read back from Chroma
        assert again.ask_with_passages(question)[1] == expected
        assert again.decisions() == first.decisions()

        # Another process ingests while this replica is down: at its restart it reads
        # only that paper.
        papers = tmp_path / "papers"
        write_minutes(papers, "libraries-2023-03-01-minutes.txt", "1 March 2023", "377,000",
                      "RESOLVED to note the report.")
        done = run_cli("ingest", str(papers), "--chroma-url", chroma_url,
                       env={"COMMITTEE_QA_COLLECTION": collection})
        assert done.returncode == 0, done.stderr
        behind = replica(chroma_url, embedder, local, collection)
        new = {r.doc_id for r in behind.store.papers().values()
               if r.source == "libraries-2023-03-01-minutes.txt"}
        assert reads == [new]
        assert "377,000" in behind.ask("How many library visits were there in the year?").text
        # A replica on another disk has its own index, built from Chroma once.
        elsewhere = replica(chroma_url, embedder, tmp_path / "elsewhere", collection)
        assert len(reads) == 2 and len(reads[1]) == 3
        assert elsewhere.ask_with_passages(question)[1] == behind.ask_with_passages(question)[1]
    finally:
        first.store.drop()
