"""The index checks itself: `committee-qa status` reports, `status --repair` mends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings
from click.testing import CliRunner

from committee_qa.cli import main
from committee_qa.lease import LEASE
from committee_qa.schema import Chunk
from committee_qa.store import Store
from conftest import CITY, COUNTY, make_assistant


def status(*args: str):
    return CliRunner().invoke(main, ["status", *args])


def test_a_sound_index_reports_what_it_holds(sample_index: Path, sample_assistant) -> None:
    result = status("--index", str(sample_index))
    assert result.exit_code == 0, result.output
    chunks = sample_assistant.store.count_chunks()
    assert f"papers:    2\npassages:  {chunks}\ndecisions: 4\n" in result.output
    assert "model:     all-MiniLM-L6-v2-int8 (schema 3)" in result.output
    assert result.output.rstrip().endswith("no problems found")


def test_damage_is_reported_then_repaired_without_losing_sound_papers(
        tmp_path: Path, inbox: Path, embedder) -> None:
    index = tmp_path / "index"
    assistant = make_assistant(index, embedder)
    assistant.ingest([inbox])
    papers = assistant.store.papers()
    city = papers[CITY]
    # Damage from outside: half of a paper's passages lost, passages no paper names, and
    # the lease of an ingester that was killed.
    client = chromadb.PersistentClient(str(index), ChromaSettings(anonymized_telemetry=False))
    collection = client.get_collection("committee_papers")
    collection.delete(ids=[f"{city.doc_id}:{n}" for n in range(5)])
    assistant.store.write_chunks([Chunk(doc_id="orphan", index=0, text="left over",
                                        source="gone.txt", title="Gone")], [[0.1] * 384])
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True).stdout)
    assistant.store.write_note(LEASE, {"token": "x", "host": os.uname().nodename, "pid": dead,
                                       "started": time.time(), "expires": time.time() + 600})
    found = status("--index", str(index))
    assert found.exit_code == 1
    assert f"problem: {CITY}: {city.chunks - 5} of its {city.chunks} passages are stored; " \
           "`status --repair` removes it, then ingest it again" in found.output
    assert "problem: 1 passages of 1 unfinished or replaced papers" in found.output
    assert f"problem: an ingest lease is left by process {dead}" in found.output

    mended = status("--index", str(index), "--repair")
    assert mended.exit_code == 0, mended.output
    assert f"repaired: removed {CITY}, whose passages were not all stored" in mended.output
    assert "no problems found" in mended.output
    store = make_assistant(index, embedder).store
    assert set(store.papers()) == {COUNTY}  # the sound paper untouched
    assert store.chunk_counts() == {papers[COUNTY].doc_id: papers[COUNTY].chunks}
    again = make_assistant(index, embedder).ingest([inbox])
    assert again.added == [CITY] and again.unchanged == [COUNTY]


def test_an_index_built_with_another_model_says_so(tmp_path: Path) -> None:
    index = tmp_path / "index"
    Store.open(index, "committee_papers", "another-model", 384)
    result = subprocess.run(
        [sys.executable, "-m", "committee_qa", "status", "--index", str(index)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the index was built with the embedding model 'another-model' but this run uses " \
           "'all-MiniLM-L6-v2-int8'" in result.stderr
