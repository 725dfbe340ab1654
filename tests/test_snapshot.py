"""The keyword indexes on disk (tantivy, beside Chroma): a fresh process starts from them
without reading a passage, a change reads only the papers changed, and indexes built with
other phrases, damaged, or left half-written by a crash are built again from the store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from committee_qa import text
from committee_qa.keyword import KeywordWriter
from committee_qa.store import Store
from committee_qa.wiring import keyword_folder
from conftest import CITY, COUNTY, SAMPLES, make_assistant, write_minutes

QUESTIONS = ("How many social workers were recruited?", "What did Ofsted say about care leavers?",
             "Education Trust resolution")


def _answers(assistant) -> list[list[tuple[str, float]]]:
    return [[(p.chunk.chunk_id, round(p.score, 5)) for p in assistant.retriever.retrieve(q, 6)]
            for q in QUESTIONS]


@pytest.fixture
def reads(monkeypatch) -> list[set[str]]:
    """The doc_ids of every read of papers' passages from the store, as they happen."""
    seen: list[set[str]] = []
    original = Store.chunks

    def chunks(self, live=None, *args, **kwargs):
        seen.append(set(live) if live is not None else {"(every paper)"})
        return original(self, live, *args, **kwargs)

    monkeypatch.setattr(Store, "chunks", chunks)
    return seen


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    folder = tmp_path_factory.mktemp("built") / "index"
    make_assistant(folder, embedder).ingest([SAMPLES])
    return folder


@pytest.fixture
def index(built: Path, tmp_path: Path) -> Path:
    """An index of the sample papers, its keyword indexes on disk beside it: a copy, for
    each test to change as it likes."""
    shutil.copytree(built, tmp_path / "index")
    return tmp_path / "index"


def _folder(index: Path) -> Path:
    from committee_qa.config import Settings

    return keyword_folder(Settings.load(index=index))


def test_a_fresh_process_starts_from_the_indexes_on_disk_and_answers_the_same(
        index: Path, tmp_path: Path, embedder, reads) -> None:
    first = make_assistant(index, embedder)
    expected, register = _answers(first), first.decisions()
    assert reads == []  # the first one, too, found them up to date
    state = json.loads((_folder(index) / "state.json").read_text())
    assert state["generation"] == first.store.generation() and state["pending"] == []
    assert state["analyzer"] == text.analyzer_key()

    second = make_assistant(index, embedder)
    assert reads == []  # no passage read back from Chroma
    assert _answers(second) == expected and second.decisions() == register
    assert register and reads == []  # the register is read by id, not paper by paper

    # After a new paper only that paper is read, and the next process reads nothing.
    write_minutes(tmp_path / "inbox", "libraries-2024-03-05-minutes.txt", "5 March 2024",
                  "412,000", "RESOLVED to close the mobile library.")
    report = second.ingest([tmp_path / "inbox"])
    new = {r.doc_id for r in second.store.papers().values()
           if r.source == "libraries-2024-03-05-minutes.txt"}
    assert report.added and reads == [new]
    assert any("mobile library" in d.text for d in second.decisions())
    third = make_assistant(index, embedder)
    assert len(reads) == 1 and "412,000" in third.ask("How many library visits?").text


def test_indexes_built_with_other_phrases_are_built_again(index: Path, embedder, reads,
                                                         caplog) -> None:
    before = _answers(make_assistant(index, embedder))
    phrases = text.read_phrases()
    try:
        text.use_phrases(phrases + (("mobile library", "library van"),))
        make_assistant(index, embedder)
        assert "built with other phrases" in caplog.text
        assert len(reads) == 1 and len(reads[0]) == 2  # every paper read again, once
    finally:
        text.use_phrases(phrases)
    reads.clear()
    again = make_assistant(index, embedder)  # and back again for the packaged phrases
    assert len(reads) == 1 and _answers(again) == before


@pytest.mark.parametrize("damage", ["state", "segment meta", "index gone"])
def test_damaged_indexes_are_built_again_from_the_store(index: Path, embedder, reads,
                                                        caplog, damage: str) -> None:
    before = _answers(make_assistant(index, embedder))
    folder = _folder(index)
    if damage == "state":
        (folder / "state.json").write_text("{half a fi", encoding="utf-8")
    elif damage == "segment meta":
        (folder / "public" / "meta.json").write_text("{not json", encoding="utf-8")
    else:
        shutil.rmtree(folder / "restricted")
    assistant = make_assistant(index, embedder)
    assert len(reads) == 1 and len(reads[0]) == 2  # every paper read again, once
    assert str(folder) in caplog.text and "again from the store" in caplog.text
    assert _answers(assistant) == before


def test_a_crash_between_the_two_commits_is_made_good_at_the_next_start(
        tmp_path: Path, embedder, monkeypatch) -> None:
    index = tmp_path / "index"
    assistant = make_assistant(index, embedder)
    assistant.ingest([SAMPLES / COUNTY])
    commits: list[int] = []
    original = KeywordWriter.commit

    def commit(self) -> None:  # the second index's commit never happens
        commits.append(1)
        if len(commits) == 2:
            raise KeyboardInterrupt("killed between the commits")
        original(self)

    monkeypatch.setattr(KeywordWriter, "commit", commit)
    with pytest.raises(KeyboardInterrupt):
        assistant.ingest([SAMPLES / CITY])
    monkeypatch.setattr(KeywordWriter, "commit", original)
    state = json.loads((_folder(index) / "state.json").read_text())
    assert state["pending"]  # the city paper: one index holds it, the other not yet

    again = make_assistant(index, embedder)
    stored = {c.chunk_id for c in again.store.chunks()}
    assert len(stored) == sum(r.chunks for r in again.store.papers().values())
    for level in ("public", "restricted"):  # the indexes and Chroma agree again
        assert set(again.retriever.view(level).keyword.ids()) == stored
    assert "30 schools" in again.ask("How many schools committed to joining the Education "
                                     "Trust?").text
