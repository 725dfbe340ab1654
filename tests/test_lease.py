"""One ingest at a time per index: the lease, with real processes on a real index."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from committee_qa.errors import IngestBusyError
from committee_qa.lease import LEASE, IngestLease
from conftest import CITY, COUNTY, SAMPLES, make_assistant, write_minutes


def test_a_held_lease_stops_a_second_ingest_and_changes_nothing(fresh_assistant,
                                                                 inbox: Path) -> None:
    store = fresh_assistant.store
    with IngestLease(store):
        with pytest.raises(IngestBusyError, match=rf"another ingest is running on this index "
                                                  rf"\(process {os.getpid()} on "
                                                  rf"{socket.gethostname()}, since .*\); "
                                                  r"wait for it to finish"):
            fresh_assistant.ingest([inbox])
        assert store.papers() == {} and store.count_chunks() == 0
    assert store.read_note(LEASE) is None  # released on leaving
    report = fresh_assistant.ingest([inbox])
    assert len(report.added) == 2 and store.read_note(LEASE) is None


def test_a_lease_of_a_dead_process_or_run_out_is_taken_over(fresh_assistant) -> None:
    store = fresh_assistant.store
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    store.write_note(LEASE, {"token": "crashed", "host": socket.gethostname(),
                             "pid": int(dead), "started": time.time(),
                             "expires": time.time() + 600})
    with IngestLease(store) as lease:
        assert store.read_note(LEASE)["token"] == lease.token
    store.write_note(LEASE, {"token": "elsewhere", "host": "another-machine", "pid": 1,
                             "started": time.time() - 900, "expires": time.time() - 1})
    with IngestLease(store) as lease:
        assert store.read_note(LEASE)["token"] == lease.token
    store.write_note(LEASE, {"token": "elsewhere", "host": "another-machine", "pid": 1,
                             "started": time.time(), "expires": time.time() + 600})
    with pytest.raises(IngestBusyError, match="process 1 on another-machine"):
        IngestLease(store).__enter__()
    assert store.papers() == {}  # the lease record is a note, never a paper


def test_ingest_command_stops_with_one_line_while_another_holds_the_index(
        tmp_path: Path, embedder) -> None:
    index = tmp_path / "index"
    assistant = make_assistant(index, embedder)
    assistant.store.write_note(LEASE, {"token": "other", "host": "another-machine",
                                       "pid": 42, "started": time.time(),
                                       "expires": time.time() + 600})
    del assistant
    result = subprocess.run(
        [sys.executable, "-m", "committee_qa", "ingest", str(SAMPLES / CITY),
         "--index", str(index)], capture_output=True, text=True, timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    assert result.returncode == 1
    assert "Error: another ingest is running on this index (process 42 on " \
           "another-machine" in result.stderr
    assert "Traceback" not in result.stderr


def test_two_ingests_started_together_leave_every_paper_whole(tmp_path: Path,
                                                               embedder) -> None:
    index = tmp_path / "index"
    make_assistant(index, embedder)  # create the index, so both open the same one
    batches = []
    for n in range(2):
        folder = tmp_path / f"batch{n}"
        write_minutes(folder, f"libraries-{n}.txt", f"{n + 2} March 2022", f"4{n}5,000",
                      "RESOLVED to note the report.")
        (folder / (COUNTY if n else CITY)).write_bytes((SAMPLES / (COUNTY if n else CITY))
                                                        .read_bytes())
        batches.append(folder)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    runs = [subprocess.Popen([sys.executable, "-m", "committee_qa", "ingest", str(folder),
                              "--index", str(index)], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for folder in batches]
    outcomes = [(run.wait(timeout=600), run.stderr.read()) for run in runs]
    for code, stderr in outcomes:
        assert code == 0 or (code == 1 and "another ingest is running" in stderr), stderr
    assert any(code == 0 for code, _ in outcomes)
    store = make_assistant(index, embedder).store
    chunks = list(store.chunks())
    for record in store.papers().values():  # each paper the ledger names is whole
        assert sum(1 for c in chunks if c.doc_id == record.doc_id) == record.chunks
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_the_lease_is_renewed_as_time_passes_not_at_every_paper(fresh_assistant) -> None:
    now = [1000.0]
    lease = IngestLease(fresh_assistant.store, ttl=90, clock=lambda: now[0])
    with lease:
        first = fresh_assistant.store.read_note(LEASE)["expires"]
        now[0] += 20
        lease.keep()  # a third of the lease has not run: no write
        assert fresh_assistant.store.read_note(LEASE)["expires"] == first
        now[0] += 20
        lease.keep()
        assert fresh_assistant.store.read_note(LEASE)["expires"] == first + 40
