"""The vectors of a passage's sentences, made at ingest and stored with it (meanings.py):
packed and read back, written by a real ingest into a real Chroma, and used by the
answerer in place of a model call."""

from dataclasses import replace
from pathlib import Path

import numpy
import pytest

from committee_qa.answering import Answerer
from committee_qa.meanings import is_current, openings, pack, unpack
from committee_qa.schema import Chunk, Passage
from conftest import make_assistant, write_minutes

PASSAGE = ("The Committee considered the library report. Visits to the county's libraries "
           "rose to 41,000 in the year. RESOLVED to note the report and to thank the staff "
           "of the mobile library service.\n\nLIBRARY SERVICES")


class Counting:
    """The real model, keeping the texts it is asked to embed."""

    def __init__(self, embedder) -> None:
        self.embedder, self.texts = embedder, []

    def embed_texts(self, texts):
        self.texts.extend(texts)
        return self.embedder.embed_texts(texts)

    def __getattr__(self, name: str):
        return getattr(self.embedder, name)


def test_packed_vectors_read_back_as_close_as_the_model_gives_them(embedder) -> None:
    sentences = openings(PASSAGE)
    assert len(sentences) == 3  # the heading in capitals is not weighed
    vectors = embedder.embed_texts(sentences)
    packed = pack(PASSAGE, vectors)
    rows = unpack(sentences, packed, embedder.dimension)
    question = numpy.array(embedder.embed_query("How many visits did the libraries have?"))
    assert rows is not None and rows.shape == (3, embedder.dimension)
    assert numpy.abs(rows @ question - numpy.array(vectors) @ question).max() < 0.01
    assert len(packed) < 3 * 540  # about 520 characters a sentence
    assert is_current(PASSAGE, packed)
    # vectors packed for other sentences are never read as this passage's
    changed = PASSAGE.replace("rose to 41,000", "fell to 39,000")
    assert not is_current(changed, packed) and unpack(openings(changed), packed, 384) is None
    assert unpack(sentences, packed, 128) is None and unpack(sentences, "", 384) is None
    assert unpack(sentences, "not base64!", 384) is None
    assert pack(PASSAGE, []) == ""


def test_an_ingest_stores_each_passage_with_its_sentences_vectors(tmp_path: Path,
                                                                  embedder) -> None:
    papers = tmp_path / "papers"
    write_minutes(papers, "libraries-2019.txt", "3 March 2019", "41,000",
                  "RESOLVED to note the report.")
    assistant = make_assistant(tmp_path / "index", embedder)
    assistant.ingest([papers])
    stored = list(assistant.store.chunks())
    weighed = [c for c in stored if openings(c.text)]
    assert weighed
    for chunk in weighed:
        rows = unpack(openings(chunk.text), chunk.meanings, embedder.dimension)
        model = numpy.array(embedder.embed_texts(openings(chunk.text)))
        assert rows is not None and rows.shape == model.shape
        assert (numpy.sum(rows * model, axis=1) / numpy.linalg.norm(rows, axis=1)).min() > 0.99


def _passage(chunk: Chunk, rank: int = 0) -> Passage:
    return Passage(chunk=chunk, score=1.0 - rank / 10)


def test_the_answerer_weighs_stored_sentences_without_calling_the_model(embedder) -> None:
    chunk = Chunk(doc_id="d", index=0, text=PASSAGE, source="libraries.txt", title="")
    packed = replace(chunk, meanings=pack(PASSAGE, embedder.embed_texts(openings(PASSAGE))))
    question = "How many visits did the county's libraries have in the year?"
    vector = embedder.embed_query(question)
    counting = Counting(embedder)
    answerer = Answerer(lambda term: 1.0, embed=counting.embed_texts)
    stored = answerer.answer(question, [_passage(packed)], question_vector=vector)
    assert counting.texts == []  # the sentences' meaning came from the store
    assert "41,000" in stored.text
    # A passage stored without them (an index made before) is weighed by the model, alike.
    made = answerer.answer(question, [_passage(chunk)], question_vector=vector)
    assert counting.texts and set(counting.texts) <= set(openings(PASSAGE))
    assert made.text == stored.text
    assert dict(made.signals)["similarity"] == pytest.approx(
        dict(stored.signals)["similarity"], abs=0.01)
