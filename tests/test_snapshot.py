"""Keyword snapshots: a fresh process starts from one file, and only ever from its own
generation of the index."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from committee_qa import snapshot
from committee_qa.keyword import KeywordIndex
from committee_qa.schema import Chunk
from committee_qa.wiring import SNAPSHOT_FOLDER
from conftest import COUNTY, SAMPLES, make_assistant, write_minutes

QUESTIONS = ("How many social workers were recruited?", "What did Ofsted say about care leavers?",
             "Education Trust resolution")


def _wait_for_saves() -> None:
    for thread in threading.enumerate():
        if thread.name == "keyword-snapshot":
            thread.join()


def _answers(assistant) -> list[list[tuple[str, float]]]:
    return [[(p.chunk.chunk_id, round(p.score, 6)) for p in assistant.retriever.retrieve(q, 6)]
            for q in QUESTIONS]


def test_a_fresh_process_starts_from_the_snapshot_and_answers_the_same(
        tmp_path: Path, embedder, monkeypatch) -> None:
    index = tmp_path / "index"
    first = make_assistant(index, embedder)
    first.ingest([SAMPLES])
    _wait_for_saves()
    generation = first.store.generation()
    assert (index / SNAPSHOT_FOLDER / f"{generation}.json").exists()
    expected = _answers(first)

    # A second start reads no passage from Chroma: the snapshot holds the keyword index.
    from committee_qa.store import Store
    read: list[object] = []
    original = Store.chunks
    monkeypatch.setattr(Store, "chunks", lambda self, *a, **k: read.append(a) or original(
        self, *a, **k))
    second = make_assistant(index, embedder)
    assert read == []
    assert _answers(second) == expected
    assert second.decisions() == first.decisions()

    # After a new paper only that paper is read, and its snapshot replaces the old one.
    inbox = tmp_path / "inbox"
    write_minutes(inbox, "libraries-2024-03-05-minutes.txt", "5 March 2024", "412,000",
                  "to close the mobile library")
    second.ingest([inbox])
    _wait_for_saves()
    assert len(read) == 1 and len(read[0][0]) == 1  # one paper's doc_id
    files = sorted(p.name for p in (index / SNAPSHOT_FOLDER).iterdir())
    assert files == sorted(f"{second.store.generation()}.{ext}" for ext in ("json", "npz"))


def test_a_snapshot_of_another_generation_or_damaged_is_not_used(
        tmp_path: Path, embedder, caplog) -> None:
    index = tmp_path / "index"
    assistant = make_assistant(index, embedder)
    assistant.ingest([SAMPLES / COUNTY])
    _wait_for_saves()
    folder = index / SNAPSHOT_FOLDER
    generation = assistant.store.generation()
    assert snapshot.load(folder, "another-generation") is None
    assert snapshot.load(folder, generation) is not None
    (folder / f"{generation}.npz").write_bytes(b"not numpy")
    assert snapshot.load(folder, generation) is None
    assert "could not be read" in caplog.text
    # and the assistant builds from the store instead, answering as before
    again = make_assistant(index, embedder)
    assert _answers(again) == _answers(assistant)
    shutil.rmtree(folder)
    assert _answers(make_assistant(index, embedder)) == _answers(assistant)


def test_packing_keeps_dead_slots_and_shared_levels(tmp_path: Path) -> None:
    chunks = [Chunk(doc_id=d, index=i, text=f"{d} budget overspend {i} libraries",
                    source=f"{d}.txt", title=d, page=i or None, committee="Finance")
              for d in ("a", "b") for i in range(3)]
    index = KeywordIndex(chunks).changed(removed={"a"})
    snapshot.save(tmp_path, "g1", {"public": index, "restricted": index})
    loaded = snapshot.load(tmp_path, "g1")
    assert loaded is not None and loaded["public"] is loaded["restricted"]
    again = loaded["public"]
    assert again.slot_chunks == index.slot_chunks and again.doc_ids == {"b"}
    assert again.document_frequency == index.document_frequency
    assert ([(c.chunk_id, s) for c, s in again.search("budget libraries", 5)]
            == [(c.chunk_id, s) for c, s in index.search("budget libraries", 5)])
