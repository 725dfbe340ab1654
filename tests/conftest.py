"""Shared fixtures: the real MiniLM model (loaded once), real Chroma in temporary folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from committee_qa.config import Settings  # noqa: E402
from committee_qa.embedding import SentenceTransformerEmbedder  # noqa: E402
from committee_qa.store import Store  # noqa: E402
from committee_qa.wiring import Assistant  # noqa: E402

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
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


def make_assistant(index: Path, embedder: SentenceTransformerEmbedder) -> Assistant:
    settings = Settings.load(index=index)
    store = Store.open(index, settings.collection, embedder.name, embedder.dimension)
    return Assistant(settings, embedder, store)


@pytest.fixture
def fresh_assistant(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> Assistant:
    """An assistant over an empty index in a temporary folder."""
    return make_assistant(tmp_path / "index", embedder)


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory,
                 embedder: SentenceTransformerEmbedder) -> Path:
    """An index of the two sample papers, built once for the session."""
    index = tmp_path_factory.mktemp("sample") / "index"
    report = make_assistant(index, embedder).ingest([SAMPLES])
    assert not report.failed and len(report.added) == 2
    return index


@pytest.fixture(scope="session")
def sample_assistant(sample_index: Path, embedder: SentenceTransformerEmbedder) -> Assistant:
    return make_assistant(sample_index, embedder)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A temporary inbox holding copies of the sample papers."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in (COUNTY, CITY):
        shutil.copy(SAMPLES / name, folder / name)
    return folder
