"""Shared fixtures: the real MiniLM model (loaded once), real Chroma in temporary folders."""

from __future__ import annotations

import http.server
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from committee_qa.assistant import Assistant  # noqa: E402
from committee_qa.config import Settings  # noqa: E402
from committee_qa.embedding import Embedder, load_embedder  # noqa: E402
from committee_qa.store import Store  # noqa: E402
from committee_qa.wiring import assemble  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "ingest"
COUNTY = "nottinghamshire-cyp-committee-2020-02-10-departmental-strategy-review.txt"
CITY = "nottingham-city-cyp-scrutiny-2017-09-19-agenda-pack.txt"


@pytest.fixture(autouse=True)
def _no_stray_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read a developer's COMMITTEE_QA_* variables."""
    for name in list(os.environ):
        if name.startswith("COMMITTEE_QA_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return load_embedder()


def make_assistant(index: Path, embedder: Embedder) -> Assistant:
    settings = Settings.load(index=index)
    store = Store.open(index, settings.collection, embedder.name, embedder.dimension)
    return assemble(settings, embedder, store)


@pytest.fixture
def fresh_assistant(tmp_path: Path, embedder: Embedder) -> Assistant:
    """An assistant over an empty index in a temporary folder."""
    return make_assistant(tmp_path / "index", embedder)


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory,
                 embedder: Embedder) -> Path:
    """An index of the two sample papers, built once for the session."""
    index = tmp_path_factory.mktemp("sample") / "index"
    report = make_assistant(index, embedder).ingest([SAMPLES])
    assert not report.failed and len(report.added) == 2
    return index


@pytest.fixture(scope="session")
def sample_assistant(sample_index: Path, embedder: Embedder) -> Assistant:
    return make_assistant(sample_index, embedder)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A temporary inbox holding copies of the sample papers."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in (COUNTY, CITY):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def write_minutes(folder: Path, name: str, held: str, visits: str, resolved: str) -> Path:
    """A small paper of minutes of Barsetshire's Libraries Committee, held on `held`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        "BARSETSHIRE COUNTY COUNCIL\n\nLIBRARIES COMMITTEE\n\n"
        f"MINUTES of the meeting held at County Hall, Barchester on {held}\n\n"
        "Present: Councillor Proudie (Chair), Councillor Grantly, Councillor Arabin\n\n"
        "4 APOLOGIES FOR ABSENCE\n\nNone.\n\n"
        "5 LIBRARY VISITS AND OPENING HOURS\n\n"
        "The Head of Libraries presented the annual report on library visits and the "
        "opening hours of branch libraries across the county.\n\n"
        f"- (a) Library visits totalled {visits} in the year, counted at every branch;\n"
        "- (b) Opening hours at Hogglestock branch library had been cut to three days a "
        "week because of staff vacancies;\n\n"
        f"{resolved}\n",
        encoding="utf-8")
    return path


HIGHWAYS = "highways-2022-05-04-minutes.pdf"


def write_minutes_pdf(folder: Path) -> Path:
    """A real two-page PDF of minutes of Barsetshire's Highways Committee of 4 May 2022;
    minute 7, on page 2, says how many potholes were repaired."""
    from fpdf import FPDF

    folder.mkdir(parents=True, exist_ok=True)
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in ("BARSETSHIRE COUNTY COUNCIL\n\nHIGHWAYS COMMITTEE\n\nMINUTES of the meeting "
                 "held at County Hall, Barchester on 4 May 2022\n\nPresent: Councillor Proudie "
                 "(Chair), Councillor Grantly\n\n6 APOLOGIES FOR ABSENCE\n\nNone.",
                 "7 POTHOLE REPAIRS\n\nThe Head of Highways reported on the winter repair "
                 "programme.\n\nThe council repaired 6,250 potholes during the winter, at a "
                 "cost of 412,000 pounds.\n\nRESOLVED to note the report on pothole repairs."):
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(folder / HIGHWAYS))
    return folder / HIGHWAYS


@pytest.fixture(scope="session")
def meetings_index(tmp_path_factory: pytest.TempPathFactory,
                   embedder: Embedder) -> Path:
    """The sample papers and the minutes of two meetings of another council's committee,
    a year apart, whose figures for library visits disagree."""
    root = tmp_path_factory.mktemp("meetings")
    papers = root / "papers"
    write_minutes(papers, "libraries-2021-03-03-minutes.txt", "3 March 2021", "412,000",
                  "RESOLVED to:\n\n- (1) note the report on library visits;\n"
                  "- (2) ask officers to review opening hours at branch libraries.")
    write_minutes(papers, "libraries-2022-03-02-minutes.txt", "2 March 2022", "455,000",
                  "RESOLVED to note the report.")
    for name in (COUNTY, CITY):
        shutil.copy(SAMPLES / name, papers / name)
    shutil.copy(SAMPLES / f"{COUNTY}.json", papers / f"{COUNTY}.json")
    report = make_assistant(root / "index", embedder).ingest([papers])
    assert not report.failed and len(report.added) == 4
    return root / "index"


@pytest.fixture(scope="session")
def meetings_assistant(meetings_index: Path, embedder: Embedder) -> Assistant:
    return make_assistant(meetings_index, embedder)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(args: list[str], log: Path, ready: str, env: dict[str, str] | None = None,
                 seconds: float = 180, cwd: Path | None = None) -> subprocess.Popen:
    """Start a server process, its output going to `log`, and wait until `ready` answers
    200; fail with the log when it exits or does not answer in time."""
    with log.open("w") as out:
        process = subprocess.Popen(args, env=env, cwd=cwd, stdout=out,
                                   stderr=subprocess.STDOUT)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{args[:3]} exited: {log.read_text()}")
        try:
            if httpx.get(ready, timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise AssertionError(f"{ready} did not answer within {seconds:.0f} s: {log.read_text()}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def serve_app(index: Path, log: Path, *args: str, env: dict[str, str] | None = None,
              seconds: float = 180) -> tuple[subprocess.Popen, str]:
    """`committee-qa serve` over `index` on a free loopback port: (process, URL)."""
    port = free_port()
    env = {**os.environ, "COMMITTEE_QA_INDEX": str(index), "HF_HUB_OFFLINE": "1",
           "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False",
           **(env or {})}
    url = f"http://127.0.0.1:{port}/"
    process = start_server([sys.executable, "-m", "committee_qa", "serve", "--port",
                            str(port), *args], log, url, env, seconds)
    return process, url


def replica(url: str, embedder: Embedder, index: Path | None = None,
            collection: str | None = None) -> Assistant:
    """An app replica on a Chroma server: its own client, as a separate app would have, and
    its own local folder (`index`, default a new temporary one) for its keyword index."""
    settings = Settings.load(chroma_url=url, collection=collection,
                             index=index or Path(tempfile.mkdtemp(prefix="replica-")))
    store = Store.connect(url, settings.collection, embedder.name, embedder.dimension)
    return assemble(settings, embedder, store)


def run_chroma(folder: Path) -> tuple[subprocess.Popen, str]:
    """`chroma run` of the chromadb package on a free loopback port: (process, URL)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    chroma = Path(sys.executable).with_name("chroma")
    process = start_server([str(chroma), "run", "--path", str(folder / "data"), "--host",
                            "127.0.0.1", "--port", str(port)], folder / "chroma.log",
                           f"{url}/api/v2/heartbeat",
                           {**os.environ, "ANONYMIZED_TELEMETRY": "False"}, 60)
    return process, url


# Debian's Chromium (`make browser`): Playwright's own browser download cannot be fetched here.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps calling home over a closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, started once for the session's browser tests."""
    from playwright.sync_api import expect, sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (Debian's chromium "
                    "package) or set CHROMIUM to a Chromium binary", pytrace=False)
    expect.set_options(timeout=15_000)  # a busy two-core machine; answers wait longer
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- a FAKE of a remote language-model service ----------------------------------------

class FakeModel(http.server.ThreadingHTTPServer):
    """A FAKE of a council's remote language-model service: an OpenAI-compatible chat
    server on loopback that says what its test sets in `behaviour`, not a model at all.
    {"kind": "answer", "text": ...} streams the text word by word; with "release" (a
    threading.Event) and "held_after" (n) it stops after n words until the test sets the
    event (30 s at most). "error" answers HTTP 500, "junk" an unreadable stream, "hang"
    waits 5 s before answering."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _FakeModelHandler)
        self.behaviour: dict = {"kind": "answer", "text": ""}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _FakeModelHandler(http.server.BaseHTTPRequestHandler):
    server: FakeModel

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        behaviour = self.server.behaviour
        kind = behaviour["kind"]
        if kind == "error":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "overloaded"}}')
            return
        if kind == "hang":
            time.sleep(5)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if kind == "junk":
            self.wfile.write(b"data: this is not json\n\n")
            return
        release = behaviour.get("release")
        for n, word in enumerate(behaviour["text"].split(" ")):
            if release is not None and n == behaviour.get("held_after", 0):
                release.wait(30)
            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0,
                     "model": "test", "choices": [{"index": 0, "delta": {
                         "content": word + " "}, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def fake_model() -> Iterator[FakeModel]:
    """The FAKE remote language-model service, one per test module."""
    server = FakeModel()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


# --- a briefing as its reader finds it ---------------------------------------------------

@dataclass
class QuoteSeen:
    """A cited passage of a briefing file: its heading, the Paper, Meeting and Page lines
    under it, the quote itself and the links it gives."""

    name: str
    details: dict[str, str] = field(default_factory=dict)
    quote: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def word_quotes(data: bytes) -> tuple[Any, list[QuoteSeen]]:
    """A Word briefing read back with python-docx: the document, and each source in it as
    a reader finds it (a Heading 3, then its details, its Quote paragraphs, its link)."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    seen: list[QuoteSeen] = []
    current: QuoteSeen | None = None
    for paragraph in doc.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style.startswith("Heading"):
            current = QuoteSeen(paragraph.text) if style == "Heading 3" else None
            if current is not None:
                seen.append(current)
        elif current is not None and style == "Quote":
            current.quote.append(paragraph.text)
        elif current is not None:
            for line in paragraph.text.split("\n"):
                label, _, value = line.partition(": ")
                if label in ("Paper", "Meeting", "Page") and value:
                    current.details[label] = value
            current.links += [link.url for link in paragraph.hyperlinks]
    return doc, seen


def markdown_quotes(text: str) -> list[QuoteSeen]:
    """A Markdown briefing's sources as a reader finds them (backslash escapes undone)."""
    plain = partial(re.sub, r"\\(.)", r"\1")
    seen: list[QuoteSeen] = []
    for block in re.split(r"^#{1,4} ", text, flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        if not block.startswith(tuple(f"Source {n}:" for n in range(1, 100))):
            continue
        source = QuoteSeen(plain(heading))
        for line in body.splitlines():
            line = line.rstrip()
            if found := re.match(r"^\*\*(Paper|Meeting|Page):\*\* (.+)$", line):
                source.details[found[1]] = plain(found[2])
            elif line.startswith("> "):
                source.quote.append(plain(line[2:]))
            source.links += re.findall(r"\]\(<([^>]+)>\)", line)
        seen.append(source)
    return seen


# --- papers made in the tests for the source viewer -------------------------------------

HIGHWAYS_PDF = "highways-2022-05-05-minutes.pdf"
GRIT_QUESTION = "How many grit bins did the council fill before the first frost?"
# The passage that answers it, as it reads on page 2 (wrapped by the PDF's own lines).
GRIT_SENTENCE = ("The Head of Highways reported that the council filled 318 grit bins before "
                 "the first frost of the winter, and gritted 1,200 miles of road on the "
                 "priority network by the end of November.")
HIGHWAYS_PAGES = [
    "BARSETSHIRE COUNTY COUNCIL\n\nHIGHWAYS COMMITTEE\n\nMINUTES of the meeting held at "
    "County Hall, Barchester on 5 May 2022\n\nPresent: Councillor Proudie (Chair), "
    "Councillor Grantly\n\n6 POTHOLES\n\nThe committee considered the annual report on "
    "potholes repaired across the county, which found that repairs took eleven days on "
    "average.\n\nRESOLVED to note the report on potholes.",
    f"7 WINTER GRITTING\n\n{GRIT_SENTENCE}\n\nRESOLVED to thank the gritting crews for "
    "their work through the winter.",
    "8 DATE OF NEXT MEETING\n\nThe next meeting of the committee will be held on 7 July "
    "2022 at County Hall.",
]


def make_text_pdf(path: Path, pages: list[str]) -> Path:
    """A real PDF with a text layer, one page per string, its lines wrapped by fpdf2."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


SCAN_TOP, SCAN_STEP, SCAN_SIZE, SCAN_HEIGHT = 120, 70, 44, 1754  # pixels at 150 dpi


def make_scanned_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF holding only an A4 image of `lines` at 150 dpi, no text layer: line n
    stands from SCAN_TOP + SCAN_STEP * n pixels down, SCAN_SIZE pixels high."""
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (1240, SCAN_HEIGHT), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=SCAN_SIZE)
    for n, line in enumerate(lines):
        draw.text((100, SCAN_TOP + SCAN_STEP * n), line, font=font, fill=0)
    page.save(path, "PDF", resolution=150)
    return path


# --- a restricted paper (exempt information), for the access tests -----------------------

SECRET = "Quillfeather"  # stands only in the restricted papers
EXEMPT_MINUTES = f"""BARSETSHIRE COUNTY COUNCIL

PROPERTY SUB-COMMITTEE

MINUTES of the meeting held in private at County Hall on 9 June 2022

3 DISPOSAL OF THE {SECRET.upper()} DEPOT

The sub-committee considered an exempt report on the sale of the {SECRET} depot to \
Marchbank Holdings, with the valuation of £2,400,000 and the terms agreed with the buyer.

RESOLVED to approve the sale of the {SECRET} depot to Marchbank Holdings for £2,400,000.
"""
