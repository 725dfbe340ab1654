"""The keyword index kept paper by paper gives what a rebuild from scratch gives."""

from __future__ import annotations

import random

import numpy as np
import pytest

from committee_qa import keyword
from committee_qa.keyword import KeywordIndex
from committee_qa.schema import Chunk

WORDS = ("social workers recruited agency fostering placements Ofsted inspection budget "
         "overspend libraries closure consultation school admissions appeals transport "
         "SEND tribunal carers respite academy trust literacy 38 4.82% £170,000 2019").split()


def paper(doc_id: str, passages: int, rng: random.Random) -> list[Chunk]:
    return [Chunk(doc_id=doc_id, index=i, source=f"{doc_id}.txt", title=doc_id,
                  text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60))))
            for i in range(passages)]


def results(index: KeywordIndex, question: str,
            admitted: np.ndarray | None = None) -> list[tuple[str, float]]:
    return [(c.chunk_id, round(s, 4)) for c, s in index.search(question, 20, admitted)]


QUESTIONS = ["social workers recruited", "Ofsted inspection of fostering", "£170,000 overspend",
             "libraries consultation 2019", "SEND tribunal", "nothing matches zebra"]


@pytest.fixture
def papers() -> dict[str, list[Chunk]]:
    rng = random.Random(7)
    return {f"p{n}": paper(f"p{n}", rng.randint(1, 30), rng) for n in range(12)}


def test_adding_and_removing_papers_scores_as_a_rebuild_does(papers) -> None:
    kept = KeywordIndex(papers["p0"] + papers["p1"] + papers["p2"])
    for name in ("p3", "p4", "p5"):
        kept = kept.changed(added=papers[name])
    kept = kept.changed(removed={"p1"}).changed(added=papers["p6"], removed={"p4"})
    rebuilt = KeywordIndex([c for n in ("p0", "p2", "p3", "p5", "p6") for c in papers[n]])
    assert kept.doc_ids == rebuilt.doc_ids == {"p0", "p2", "p3", "p5", "p6"}
    assert kept.document_frequency == rebuilt.document_frequency
    assert sorted(c.chunk_id for c in kept.chunks) == sorted(c.chunk_id for c in rebuilt.chunks)
    for question in QUESTIONS:
        assert results(kept, question) == results(rebuilt, question), question
    assert results(kept, "social workers recruited")  # the comparison is not of nothing


def test_an_older_index_is_left_as_it_was(papers) -> None:
    before = KeywordIndex(papers["p0"] + papers["p1"])
    answers = {q: results(before, q) for q in QUESTIONS}
    frequency = dict(before.document_frequency)
    before.changed(added=papers["p2"], removed={"p0"})
    assert before.document_frequency == frequency
    assert {q: results(before, q) for q in QUESTIONS} == answers


def test_many_small_changes_merge_segments_and_dead_slots_are_reclaimed(papers) -> None:
    kept = KeywordIndex(papers["p0"])
    for name in [f"p{n}" for n in range(1, 12)]:  # more changes than MAX_SEGMENTS
        kept = kept.changed(added=papers[name])
    assert len(kept._segments) <= keyword.MAX_SEGMENTS + 1
    everything = KeywordIndex([c for n in range(12) for c in papers[f"p{n}"]])
    for question in QUESTIONS:
        assert results(kept, question) == results(everything, question)
    # removing most papers rebuilds the slots: none of them is left dead
    thinned = kept.changed(removed={f"p{n}" for n in range(1, 11)})
    assert all(c is not None for c in thinned.slot_chunks)
    rest = KeywordIndex(papers["p0"] + papers["p11"])
    for question in QUESTIONS:
        assert results(thinned, question) == results(rest, question)


def test_the_admitted_mask_is_one_per_slot(papers) -> None:
    kept = KeywordIndex(papers["p0"] + papers["p1"]).changed(removed={"p0"},
                                                            added=papers["p2"])
    admitted = np.array([c is not None and c.doc_id == "p2" for c in kept.slot_chunks])
    found = results(kept, "social workers recruited", admitted)
    assert found and all(cid.startswith("p2:") for cid, _ in found)
