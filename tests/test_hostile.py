"""The app against a hostile network: no route serves a file it should not (path traversal
on every file-serving route of Gradio), nothing leaves the machine (the app, its ingest and
its answers run with every connection off loopback refused and recorded), and the routes
that would skip the queue or fetch from the internet are closed."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from conftest import CITY, COUNTY, ROOT, SAMPLES, free_port, start_server, stop_server

# Put on PYTHONPATH, this runs first in every Python process of the app: it refuses every
# name lookup and connection that is not loopback, and writes each attempt to NETGUARD_LOG.
# uvloop is kept out so the server's own event loop resolves and connects through `socket`.
GUARD = '''\
import ipaddress, json, os, socket, sys, traceback

_LOG = os.environ["NETGUARD_LOG"]
sys.modules["uvloop"] = None


def _local(host):
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0]
    if host in ("", "localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _record(kind, host, port):
    stack = [f"{f.filename.rsplit('site-packages/', 1)[-1]}:{f.lineno}"
             for f in traceback.extract_stack()[-14:-2]]
    with open(_LOG, "a", encoding="utf-8") as out:
        out.write(json.dumps({"pid": os.getpid(), "kind": kind, "host": str(host),
                              "port": port, "argv": sys.argv[1:3], "stack": stack}) + "\\n")


def _outbound(sock, address):
    return (sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple)
            and not _local(address[0]))


_getaddrinfo, _gethostbyname = socket.getaddrinfo, socket.gethostbyname
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex
_sendto = socket.socket.sendto


def getaddrinfo(host, port, *args, **kwargs):
    if not _local(host):
        _record("getaddrinfo", host, port)
        raise socket.gaierror(socket.EAI_NONAME, "outbound lookups refused by the test")
    return _getaddrinfo(host, port, *args, **kwargs)


def gethostbyname(host):
    if not _local(host):
        _record("gethostbyname", host, None)
        raise socket.gaierror(socket.EAI_NONAME, "outbound lookups refused by the test")
    return _gethostbyname(host)


def connect(self, address):
    if _outbound(self, address):
        _record("connect", address[0], address[1])
        raise ConnectionRefusedError(111, "outbound connections refused by the test")
    return _connect(self, address)


def connect_ex(self, address):
    if _outbound(self, address):
        _record("connect_ex", address[0], address[1])
        return 111
    return _connect_ex(self, address)


def sendto(self, data, *rest):
    if _outbound(self, rest[-1]):
        _record("sendto", rest[-1][0], rest[-1][1])
        raise ConnectionRefusedError(111, "outbound datagrams refused by the test")
    return _sendto(self, data, *rest)


socket.getaddrinfo, socket.gethostbyname = getaddrinfo, gethostbyname
socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
with open(_LOG + ".armed", "a", encoding="utf-8") as out:
    out.write(json.dumps({"pid": os.getpid(), "argv": sys.argv[1:3]}) + "\\n")
'''
# What the app's own defaults must switch off: the test runs without them in the environment.
TELEMETRY_SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ANONYMIZED_TELEMETRY",
                      "GRADIO_ANALYTICS_ENABLED", "HF_DATASETS_OFFLINE", "DO_NOT_TRACK",
                      "HF_HUB_DISABLE_TELEMETRY", "CHROMA_TELEMETRY", "POSTHOG_DISABLED")
SECRET = "committee-qa-secret-7f3c91"


@dataclass
class Guarded:
    """An environment in which every connection off loopback is refused and recorded."""

    folder: Path
    log: Path

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in TELEMETRY_SWITCHES and not k.startswith("COMMITTEE_QA_")}
        path = os.pathsep.join(filter(None, [str(self.folder), env.get("PYTHONPATH")]))
        return {**env, "PYTHONPATH": path, "NETGUARD_LOG": str(self.log)}

    def attempts(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def armed_pids(self) -> set[int]:
        armed = Path(f"{self.log}.armed")
        return {json.loads(line)["pid"] for line in armed.read_text().splitlines()} \
            if armed.exists() else set()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Guarded:
    folder = tmp_path_factory.mktemp("netguard")
    (folder / "sitecustomize.py").write_text(GUARD)
    return Guarded(folder, folder / "attempts.jsonl")


@dataclass
class App:
    url: str
    port: int
    process: subprocess.Popen
    index: Path
    inbox: Path
    secret: Path
    log: Path
    startup_attempts: list[dict]


@pytest.fixture(scope="module")
def app(guarded: Guarded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """`committee-qa serve --ingest` under the guard: it ingests the sample papers, then
    serves them on loopback, started from the repository as a developer would."""
    root = tmp_path_factory.mktemp("hostile")
    inbox = root / "ingest"
    inbox.mkdir()
    for name in (COUNTY, f"{COUNTY}.json", CITY):
        shutil.copy(SAMPLES / name, inbox / name)
    secret = root / "secret.txt"
    secret.write_text(SECRET)
    port = free_port()
    log = root / "server.log"
    env = {**guarded.env, "COMMITTEE_QA_INDEX": str(root / "index"),
           "COMMITTEE_QA_INBOX": str(inbox)}
    url = f"http://127.0.0.1:{port}/"
    process = start_server(
        [sys.executable, "-m", "committee_qa", "serve", "--ingest", "--port", str(port)],
        log, url, env, 240, cwd=ROOT)
    yield App(url, port, process, root / "index", inbox, secret, log, guarded.attempts())
    stop_server(process)


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as written: no client normalising '..' or re-encoding it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_the_guard_refuses_and_records_a_connection_off_loopback(guarded: Guarded) -> None:
    probe = Guarded(guarded.folder, guarded.folder / "probe.jsonl")
    run = subprocess.run(
        [sys.executable, "-c", "import socket\ntry:\n socket.create_connection(("
         "'192.0.2.1', 80), timeout=1)\nexcept OSError:\n print('refused')"],
        env=probe.env, capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "refused", run.stderr
    assert [(a["host"], a["port"]) for a in probe.attempts()] == [("192.0.2.1", 80)]


def test_nothing_leaves_the_machine_from_ingest_page_answers_or_register(
        app: App, guarded: Guarded) -> None:
    assert app.process.pid in guarded.armed_pids(), "the guard did not run in the app"
    assert app.startup_attempts == [], "ingest or start-up called out"
    assert "2 added" in app.log.read_text()
    before = len(guarded.attempts())
    for page in ("", "config", "gradio_api/info", "theme.css", "manifest.json",
                 "favicon.ico", "gradio_api/startup-events"):
        assert httpx.get(app.url + page, timeout=30).status_code == 200, page
    client = Client(app.url, verbose=False)
    answer = client.predict("How many schools committed to joining the Education Trust?", [],
                            api_name="/ask")
    assert "30 schools" in answer[0]["content"]
    rows, count = client.predict("Nick Lee", [], "", "", api_name="/decisions")
    assert count == "1 decision"
    client.close()
    time.sleep(2)  # anything sent in the background after a request
    assert app.process.poll() is None, app.log.read_text()
    assert guarded.attempts()[before:] == []


@pytest.mark.parametrize("url", ["http://example.com/paper.pdf",
                                 "https://huggingface.co/robots.txt",
                                 "HTTP://example.com/x"])
def test_file_route_fetches_nothing_from_the_internet(app: App, guarded: Guarded,
                                                       url: str) -> None:
    """`/gradio_api/file=<URL>` would have the server fetch any public URL for anyone."""
    before = len(guarded.attempts())
    status, _body = raw_get(app.port, f"/gradio_api/file={url}")
    assert status in (403, 404)
    assert guarded.attempts()[before:] == []


def traversal_paths(app: App) -> list[str]:
    """Every file-serving route of Gradio 6, asked for files outside what it serves."""
    pyproject, paper = ROOT / "pyproject.toml", app.inbox / CITY
    sqlite = app.index / "chroma.sqlite3"
    up = "../" * 12
    paths = []
    for target in ("/etc/passwd", str(pyproject), str(paper), str(sqlite), str(app.secret)):
        quoted = target.replace("/", "%2F")
        paths += [f"/gradio_api/file={target}", f"/gradio_api/file/{target}",
                  f"/file={target}", f"/gradio_api/file={quoted}",
                  f"/gradio_api/file={up}{target.lstrip('/')}",
                  f"/gradio_api/file={up.replace('.', '%2e')}{target.lstrip('/')}",
                  f"/gradio_api/file={up.replace('/', '%2f')}{target.lstrip('/')}",
                  f"/gradio_api/file={up.replace('.', '%252e')}{target.lstrip('/')}"]
        for route in ("/static/", "/assets/", "/svelte/"):
            paths += [f"{route}{up}{target.lstrip('/')}",
                      f"{route}{up.replace('.', '%2e')}{target.lstrip('/')}",
                      f"{route}{up.replace('/', '%2f')}{target.lstrip('/')}",
                      f"{route}{up.replace('../', '..%5c')}{target.lstrip('/')}",
                      f"{route}/{target.lstrip('/')}", f"{route}{quoted}"]
        paths += [f"/gradio_api/custom_component/x/client/{up.replace('/', '%2f')}/"
                  f"{target.lstrip('/').replace('/', '%2f')}",
                  f"/gradio_api/proxy=http://127.0.0.1:{app.port}/gradio_api/file={target}"]
    relative = ["pyproject.toml", "./pyproject.toml", f"ingest/{CITY}", "src/committee_qa/ui.py",
                "../main/pyproject.toml", ".git/config"]
    paths += [f"/gradio_api/file={r}" for r in relative]
    # The server fetching its own loopback address for the caller.
    paths += [f"/gradio_api/file=http://127.0.0.1:{app.port}/config",
              f"/gradio_api/file=http://localhost:{app.port}/gradio_api/info"]
    return paths


def test_no_route_serves_files_outside_the_app(app: App) -> None:
    markers = [b"root:x:0:0", b"[build-system]", b"Loxley House", b"SQLite format 3",
               SECRET.encode(), b"[core]", b"import gradio", b'"dependencies"']
    served = []
    for path in traversal_paths(app):
        status, body = raw_get(app.port, path)
        leaked = [m.decode() for m in markers if m in body]
        if status not in (400, 403, 404) or leaked:
            served.append((path, status, leaked))
    assert served == []
    assert app.process.poll() is None


def test_direct_rest_route_cannot_skip_the_queue(app: App) -> None:
    """POST /gradio_api/run/ask would run outside the queue and its concurrency limit."""
    response = httpx.post(app.url + "gradio_api/run/ask", timeout=60,
                          json={"data": ["How many schools committed to joining the "
                                         "Education Trust?", [], [], [], "", ""]})
    assert response.status_code == 404
    assert "30 schools" not in response.text


def test_uploads_are_refused_and_run_history_is_off(app: App) -> None:
    """The app takes no files, and keeps no record of questions for a Hugging Face bucket."""
    upload = httpx.post(app.url + "gradio_api/upload", timeout=30,
                        files={"files": ("big.txt", b"x" * 4096, "text/plain")})
    assert upload.status_code == 413
    assert httpx.get(app.url + "gradio_api/run-history/buckets", timeout=30).status_code == 404
    config = httpx.get(app.url + "config", timeout=30).json()
    assert config["run_history"] is False and "runs" not in config["footer_links"]
