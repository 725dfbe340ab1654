"""Load on the chat app: many gradio_client chat clients on loopback asking the gold
questions while another process ingests new papers into the same index.

Two setups (issue 6, point 4):

- ``server``: the README's deployment. ``chroma run`` holds the index; ``committee-qa serve``
  and a separate ``committee-qa ingest`` both use ``--chroma-url``. The ingest starts once
  the clients are asking, and writes copies of the sample papers with their councils
  renamed (new content, so every passage is embedded) and a small paper of minutes whose
  answer ("library visits") the samples do not hold, asked for again after the ingest.
- ``embedded``: one process, the index a folder (``--index``); no concurrent ingest
  (another process writing to an embedded Chroma folder is not a supported setup).

Every answer is checked: a list of chat messages whose first holds text. An exception, a
Gradio error or anything else is an error. Prints a table and the figures as JSON
(``--out FILE`` writes them too)::

    nice -n 5 .venv/bin/python bench/load.py --setup server --clients 20 --questions 25
    nice -n 5 .venv/bin/python bench/load.py --setup embedded --clients 20 --questions 25
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from gradio_client import Client

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "ingest"
QUESTIONS = ROOT / "evals" / "questions.jsonl"
CHROMA = Path(sys.executable).with_name("chroma")
# Renamed councils for the copies ingested under load: new bytes, so a full embed each.
RENAMES = [("Nottinghamshire", "Barsetshire"), ("Nottingham", "Barchester"),
           ("Loxley House", "Plumstead Hall")]
COPY_PLACES = ["Silverbridge", "Hogglestock", "Greshamsbury", "Courcy", "Framley"]
NEW_QUESTION = "How many library visits were there in the year?"
NEW_FACT = "455,000"
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
           "GRADIO_ANALYTICS_ENABLED": "False"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    """The gold questions, each with its history as chat messages for /ask."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [{"question": r["question"],
             "history": [{"role": "user", "content": h} for h in r.get("history") or []]}
            for r in rows]


def minutes_text(held: str, visits: str) -> str:
    """Minutes of Barsetshire's Libraries Committee: a fact the sample papers do not hold."""
    return ("BARSETSHIRE COUNTY COUNCIL\n\nLIBRARIES COMMITTEE\n\n"
            f"MINUTES of the meeting held at County Hall, Barchester on {held}\n\n"
            "Present: Councillor Proudie (Chair), Councillor Grantly, Councillor Arabin\n\n"
            "4 APOLOGIES FOR ABSENCE\n\nNone.\n\n"
            "5 LIBRARY VISITS AND OPENING HOURS\n\n"
            "The Head of Libraries presented the annual report on library visits and the "
            "opening hours of branch libraries across the county.\n\n"
            f"- (a) Library visits totalled {visits} in the year, counted at every branch;\n"
            "- (b) Opening hours at Hogglestock branch library had been cut to three days a "
            "week because of staff vacancies;\n\nRESOLVED to note the report.\n")


def write_new_papers(folder: Path, copies: int) -> list[Path]:
    """`copies` renamed copies of each sample paper (with sidecars), and one small paper of
    minutes whose fact NEW_QUESTION asks for."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for n in range(copies):
        place = COPY_PLACES[n % len(COPY_PLACES)] + (str(n) if n >= len(COPY_PLACES) else "")
        for paper in sorted(SAMPLES.iterdir()):
            text = paper.read_text("utf-8")
            for old, new in RENAMES:
                text = text.replace(old, f"{place} {new}")
            target = folder / f"{place.lower()}-{paper.name}"
            target.write_text(text, "utf-8")
            written.append(target)
    minutes = folder / "barsetshire-libraries-2022-03-02-minutes.txt"
    minutes.write_text(minutes_text("2 March 2022", NEW_FACT), "utf-8")
    return [*written, minutes]


def wait_for(url: str, process: subprocess.Popen[Any], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s: {log.read_text()[-2000:]}")


@contextmanager
def running(args: list[str], log: Path, ready: str, env: dict[str, str],
            seconds: float = 180) -> Iterator[subprocess.Popen[Any]]:
    """A server process, stopped (by its own id) at the end."""
    with log.open("w") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(ready, process, log, seconds)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def committee_qa(*args: str) -> list[str]:
    return [sys.executable, "-m", "committee_qa", *args]


@dataclass
class Call:
    client: int
    question: str
    seconds: float
    started: float
    error: str = ""


@dataclass
class Run:
    """Everything one load run measured."""

    setup: str
    clients: int
    questions: int
    calls: list[Call] = field(default_factory=list)
    wall_seconds: float = 0.0
    ingest: dict[str, Any] = field(default_factory=dict)
    new_paper_seen: bool | None = None


def problem(messages: Any) -> str:
    """'' when `messages` is an answer (chat messages, the first holding text), else why not."""
    if not isinstance(messages, list) or not messages:
        return f"not a list of messages: {messages!r:.200}"
    first = messages[0]
    if not isinstance(first, dict) or first.get("role") != "assistant":
        return f"first message is not the assistant's: {first!r:.200}"
    content = first.get("content")
    if not isinstance(content, str) or not content.strip():
        return f"empty answer: {first!r:.200}"
    if content.startswith("_Please type") or "write it as YYYY-MM-DD" in content:
        return f"a notice, not an answer: {content:.200}"  # declining is an answer; these not
    return ""


def ask_all(url: str, client_no: int, asks: list[dict[str, Any]], calls: list[Call],
            lock: threading.Lock) -> None:
    """One chat client asking its questions one after another, as a person would."""
    try:
        client = Client(url, verbose=False)
    except Exception as refused:  # noqa: BLE001 - counted, not raised
        with lock:
            calls.append(Call(client_no, "(connect)", 0.0, time.monotonic(),
                              f"{type(refused).__name__}: {refused}"))
        return
    for ask in asks:
        started = time.monotonic()
        try:
            result = client.predict(ask["question"], ask["history"], api_name="/ask")
            error = problem(result)
        except Exception as raised:  # noqa: BLE001 - every failure is a figure
            error = f"{type(raised).__name__}: {raised}"
        with lock:
            calls.append(Call(client_no, ask["question"], time.monotonic() - started,
                              started, error))
    client.close()


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def new_paper_seen(url: str) -> bool:
    messages = Client(url, verbose=False).predict(NEW_QUESTION, [], api_name="/ask")
    return NEW_FACT in " ".join(str(m.get("content", "")) for m in messages)


def run_load(url: str, clients: int, questions: int, ingest_args: list[str] | None,
             env: dict[str, str], work: Path, setup: str) -> Run:
    """`clients` threads, each a gradio_client asking `questions` questions; the ingest
    (when given) starts as they begin, in a process of its own."""
    pool = load_questions()
    run = Run(setup, clients, questions)
    lock = threading.Lock()
    threads = [threading.Thread(target=ask_all, args=(
        url, n, [pool[(n * questions + i) % len(pool)] for i in range(questions)],
        run.calls, lock), daemon=True) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    ingester = None
    ended: list[float] = []
    if ingest_args is not None:
        log = work / "ingest-under-load.log"
        with log.open("w") as out:
            ingest_began = time.monotonic()
            ingester = subprocess.Popen(ingest_args, env=env, stdout=out,
                                        stderr=subprocess.STDOUT)
        def watch(process: subprocess.Popen[Any]) -> None:
            process.wait(timeout=1800)
            ended.append(time.monotonic())

        watcher = threading.Thread(target=watch, args=(ingester,))
        watcher.start()
    for thread in threads:
        thread.join(timeout=1800)
    run.wall_seconds = time.monotonic() - began
    if ingester is not None:
        watcher.join(timeout=1800)
        code, ingest_ended = ingester.returncode, ended[0]
        during = [c for c in run.calls
                  if c.started <= ingest_ended and c.started + c.seconds >= ingest_began]
        run.ingest = {"exit": code, "seconds": round(ingest_ended - ingest_began, 1),
                      "answers_while_ingesting": len(during),
                      "summary": (work / "ingest-under-load.log").read_text().strip()
                      .splitlines()[-1:]}
        run.new_paper_seen = new_paper_seen(url)
    return run


def figures(run: Run, command: str) -> dict[str, Any]:
    ok = [c.seconds for c in run.calls if not c.error]
    errors = [c for c in run.calls if c.error]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "setup": run.setup, "clients": run.clients, "questions_each": run.questions,
        "calls": len(run.calls), "errors": len(errors),
        "error_samples": [asdict(c) for c in errors[:5]],
        "p50_ms": round(percentile(ok, 50) * 1000), "p95_ms": round(percentile(ok, 95) * 1000),
        "max_ms": round(max(ok, default=float("nan")) * 1000),
        "wall_s": round(run.wall_seconds, 1),
        "answers_per_s": round(len(ok) / run.wall_seconds, 2) if run.wall_seconds else 0,
        "ingest": run.ingest, "new_paper_seen_after_ingest": run.new_paper_seen,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "loadavg_at_end": [round(x, 2) for x in os.getloadavg()]},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", choices=["server", "embedded"], default="server")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=25, help="questions per client")
    parser.add_argument("--copies", type=int, default=2,
                        help="renamed copies of the sample papers ingested under load")
    parser.add_argument("--no-ingest", action="store_true",
                        help="no concurrent ingest (always so with --setup embedded)")
    parser.add_argument("--work", type=Path, help="scratch folder [default: a temporary one]")
    parser.add_argument("--out", type=Path, help="also write the figures here (JSON)")
    args = parser.parse_args(argv)
    command = "nice -n 5 .venv/bin/python bench/load.py " + " ".join(
        sys.argv[1:] if argv is None else argv)

    scratch = None if args.work else tempfile.TemporaryDirectory(prefix="committee-qa-load-")
    work = args.work or Path(scratch.name)  # type: ignore[union-attr]
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **OFFLINE}
    env.pop("COMMITTEE_QA_INDEX", None)
    env.pop("COMMITTEE_QA_CHROMA_URL", None)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    try:
        if args.setup == "server":
            chroma_port = free_port()
            chroma = f"http://127.0.0.1:{chroma_port}"
            where = ["--chroma-url", chroma]
            servers = [([str(CHROMA), "run", "--path", str(work / "chroma"), "--host",
                         "127.0.0.1", "--port", str(chroma_port)], work / "chroma.log",
                        f"{chroma}/api/v2/heartbeat")]
        else:
            where = ["--index", str(work / "index")]
            servers = []
        with _all_running(servers, env):
            subprocess.run(committee_qa("ingest", str(SAMPLES), *where), env=env, check=True,
                           capture_output=True, timeout=900)
            ingest_args = None
            if args.setup == "server" and not args.no_ingest:
                write_new_papers(work / "new-papers", args.copies)
                ingest_args = committee_qa("ingest", str(work / "new-papers"), *where)
            with running(committee_qa("serve", "--port", str(port), *where),
                         work / "serve.log", url, env):
                run = run_load(url, args.clients, args.questions, ingest_args, env, work,
                               args.setup)
        result = figures(run, command)
    finally:
        if scratch is not None:
            scratch.cleanup()
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    ok = (result["errors"] == 0 and result["new_paper_seen_after_ingest"] is not False
          and result["ingest"].get("exit", 0) == 0)
    return 0 if ok else 1


@contextmanager
def _all_running(servers: list[tuple[list[str], Path, str]],
                 env: dict[str, str]) -> Iterator[None]:
    if not servers:
        yield
        return
    args, log, ready = servers[0]
    with running(args, log, ready, env, seconds=60), _all_running(servers[1:], env):
        yield


if __name__ == "__main__":
    sys.exit(main())
