"""One ingest at a time per index: the lease, with real processes on a real index folder
and on a real Chroma server."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from committee_qa.errors import IngestBusyError
from committee_qa.lease import LOCK_FILE, IngestLease
from committee_qa.store import Store
from conftest import (
    CITY,
    COUNTY,
    SAMPLES,
    run_chroma,
    stop_server,
    write_minutes,
)

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
MODEL, DIMENSION = "all-MiniLM-L6-v2-int8", 384
ROUNDS = 20

# Opens the index named by argv ("folder PATH" or "server URL NAME") as its own Store.
OPEN = f"""
import sys
from pathlib import Path
from committee_qa.store import Store
def open_index(args):
    if args[0] == "folder":
        return Store.open(Path(args[1]), "committee_papers", {MODEL!r}, {DIMENSION})
    return Store.connect(args[1], args[2], {MODEL!r}, {DIMENSION})
"""

# Rounds of two processes taking the lease at the same moment. Each round forks two fresh
# processes (the imports are paid once, before any fork); each opens the index with a
# client of its own and waits at a barrier, so both ask for the lease together. Whoever
# gets it holds it until both have reported, so the other cannot succeed merely by coming
# second. Prints, for each round, what the two processes reported.
CONTEST = OPEN + """
import json, multiprocessing
from committee_qa.errors import IngestBusyError
from committee_qa.lease import IngestLease

def contend(args, barrier, reports, release):
    store = open_index(args)
    barrier.wait()
    try:
        with IngestLease(store):
            reports.put("held")
            release.wait(120)
    except IngestBusyError as error:
        reports.put("busy: " + str(error))

fork = multiprocessing.get_context("fork")
rounds = []
for _ in range(int(sys.argv[1])):
    barrier, reports, release = fork.Barrier(2), fork.Queue(), fork.Event()
    both = [fork.Process(target=contend, args=(sys.argv[2:], barrier, reports, release))
            for _ in range(2)]
    for process in both:
        process.start()
    rounds.append([reports.get(timeout=120) for _ in both])
    release.set()
    for process in both:
        process.join(120)
    rounds[-1] += [process.exitcode for process in both]
print(json.dumps(rounds))
"""

# Takes the lease and says so, then holds it until killed or told to go (a line on stdin).
HOLD = OPEN + """
from committee_qa.lease import IngestLease
with IngestLease(open_index(sys.argv[1:])):
    print("held", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process, url = run_chroma(tmp_path_factory.mktemp("chroma"))
    yield url
    stop_server(process)


@pytest.fixture(params=["folder", "server"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """Where an index lives, as the scripts above name it: a folder, or a server and a
    collection name of its own on it."""
    if request.param == "folder":
        return ["folder", str(tmp_path / "index")]
    return ["server", request.getfixturevalue("chroma_url"), f"lease-{uuid.uuid4().hex[:8]}"]


def open_index(where: list[str]) -> Store:
    if where[0] == "folder":
        return Store.open(Path(where[1]), "committee_papers", MODEL, DIMENSION)
    return Store.connect(where[1], where[2], MODEL, DIMENSION)


def cli_options(where: list[str]) -> tuple[list[str], dict[str, str]]:
    """The ingest command's options and environment naming the index."""
    if where[0] == "folder":
        return ["--index", where[1]], ENV
    return ["--chroma-url", where[1]], {**ENV, "COMMITTEE_QA_COLLECTION": where[2]}


def hold(where: list[str]) -> subprocess.Popen[str]:
    """A process holding the index's lease, once it has said so."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, *where], env=ENV, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def tokens(store: Store) -> dict[int, str]:
    """The claims on a server's lease: whose each is, by number."""
    return {number: held["token"] for number, held in store.claims().items()}


def busy_message(pid: int | str, host: str) -> str:
    return (rf"another ingest is running on this index \(process {pid} on {host}, since "
            r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\); wait for it to finish, then ingest "
            r"again: nothing has been changed")


def test_of_two_processes_asking_at_the_same_moment_exactly_one_holds_the_lease(
        index: list[str]) -> None:
    open_index(index)  # create the index, so that both open the same one
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CONTEST, str(ROUNDS), *index], env=ENV,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    rounds = json.loads(done.stdout)
    assert len(rounds) == ROUNDS
    for first, second, *exits in rounds:
        assert sorted([first[:5], second[:5]]) == ["busy:", "held"], (first, second)
        refusal = first if first != "held" else second
        assert re.fullmatch("busy: " + busy_message(r"\d+", socket.gethostname()), refusal)
        assert exits == [0, 0]
    print(f"{ROUNDS} rounds on the {index[0]} in {time.monotonic() - started:.1f} s")


def test_two_ingests_started_together_one_proceeds_and_every_paper_is_whole(
        index: list[str], tmp_path: Path) -> None:
    open_index(index)
    batches = []
    for n in range(2):
        folder = tmp_path / f"batch{n}"
        write_minutes(folder, f"libraries-{n}.txt", f"{n + 2} March 2022", f"4{n}5,000",
                      "RESOLVED to note the report.")
        sample = COUNTY if n else CITY  # a paper long enough that the two ingests overlap
        (folder / sample).write_bytes((SAMPLES / sample).read_bytes())
        batches.append(folder)
    options, env = cli_options(index)
    runs = [subprocess.Popen([sys.executable, "-m", "committee_qa", "ingest", str(folder),
                              *options], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for folder in batches]
    outcomes = [(run.wait(timeout=600), run.stderr.read()) for run in runs]
    assert sorted(code for code, _ in outcomes) == [0, 1], outcomes
    refused = next(stderr for code, stderr in outcomes if code == 1)
    assert re.search("Error: " + busy_message(r"\d+", socket.gethostname()), refused)
    winner = batches[[code for code, _ in outcomes].index(0)]
    store = open_index(index)
    assert set(store.papers()) == {p.name for p in winner.iterdir()}  # the loser wrote none
    chunks = list(store.chunks())
    for record in store.papers().values():  # each paper the ledger names is whole
        assert sum(1 for c in chunks if c.doc_id == record.doc_id) == record.chunks
    assert store.count_chunks() == len(chunks) == len({c.chunk_id for c in chunks})


def test_the_ingest_command_names_the_process_holding_the_index(index: list[str],
                                                                 inbox: Path) -> None:
    open_index(index)
    holder = hold(index)
    options, env = cli_options(index)
    try:
        refused = subprocess.run([sys.executable, "-m", "committee_qa", "ingest", str(inbox),
                                  *options], capture_output=True, text=True, timeout=300,
                                 env=env)
    finally:
        holder.communicate("go\n", timeout=60)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert re.search("^Error: " + busy_message(holder.pid, socket.gethostname()) + "$",
                     refused.stderr, re.M), refused.stderr
    assert holder.returncode == 0 and open_index(index).papers() == {}  # nothing changed
    with IngestLease(open_index(index)):  # released when the holder left
        pass


def test_the_lease_of_a_killed_process_is_taken_over(index: list[str]) -> None:
    open_index(index)
    holder = hold(index)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=60)
    store = open_index(index)
    with IngestLease(store) as lease:
        if index[0] == "folder":
            assert json.loads((Path(index[1]) / LOCK_FILE).read_text()) == lease.holder()
        else:
            assert tokens(store) == {2: lease.token}  # the dead one's claim dropped


def test_a_held_lease_stops_a_second_ingest_and_changes_nothing(fresh_assistant,
                                                                 inbox: Path) -> None:
    store = fresh_assistant.store
    with IngestLease(store):
        with pytest.raises(IngestBusyError, match=busy_message(os.getpid(),
                                                               socket.gethostname())):
            fresh_assistant.ingest([inbox])
        assert store.papers() == {} and store.count_chunks() == 0
    assert (Path(store.location) / LOCK_FILE).read_text() == ""  # released: names nobody
    report = fresh_assistant.ingest([inbox])
    assert len(report.added) == 2


def test_on_a_server_a_claim_run_out_or_of_a_dead_process_is_taken_over(
        chroma_url: str) -> None:
    store = Store.connect(chroma_url, f"lease-{uuid.uuid4().hex[:8]}", MODEL, DIMENSION)
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True).stdout)
    store.claim(1, {"token": "crashed", "host": socket.gethostname(), "pid": dead,
                    "started": time.time(), "expires": time.time() + 600})
    with IngestLease(store) as lease:
        assert tokens(store) == {2: lease.token}
    store.claim(3, {"token": "elsewhere", "host": "another-machine", "pid": 1,
                    "started": time.time() - 900, "expires": time.time() - 1})
    with IngestLease(store) as lease:
        assert tokens(store) == {4: lease.token}
    store.claim(5, {"token": "elsewhere", "host": "another-machine", "pid": 1,
                    "started": time.time(), "expires": time.time() + 600})
    with pytest.raises(IngestBusyError, match=busy_message(1, "another-machine")):
        IngestLease(store).__enter__()
    assert set(store.claims()) == {4, 5} and store.papers() == {}


def test_on_a_server_the_lease_is_renewed_as_time_passes_and_lost_when_it_runs_out(
        chroma_url: str) -> None:
    store = Store.connect(chroma_url, f"lease-{uuid.uuid4().hex[:8]}", MODEL, DIMENSION)
    now = [time.time()]
    lease = IngestLease(store, ttl=90, clock=lambda: now[0])
    with lease:
        first = store.claims()[1]["expires"]
        now[0] += 20
        lease.keep()  # a third of the lease has not run: no write
        assert store.claims()[1]["expires"] == first
        now[0] += 20
        lease.keep()
        assert store.claims()[1]["expires"] == pytest.approx(first + 40)
        now[0] += 200  # stuck for longer than the lease: another ingest takes over
        with IngestLease(store, clock=lambda: now[0]) as other:
            assert tokens(store) == {2: other.token}
            with pytest.raises(IngestBusyError, match="its lease ran out and another "
                                                      "ingest has taken the index over"):
                lease.keep()
