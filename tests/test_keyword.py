"""The keyword index on tantivy: text.terms is the analyzer, papers are added and removed by
doc_id, filters hold inside the search, and counts and values are exact."""

from __future__ import annotations

import math
import random
from collections import Counter
from pathlib import Path

import pytest

from committee_qa import keyword
from committee_qa.errors import IndexUnavailableError
from committee_qa.keyword import KeywordIndex, KeywordSearch, document
from committee_qa.schema import Chunk
from committee_qa.text import terms

WORDS = ("social workers recruited agency fostering placements Ofsted inspection budget "
         "overspend libraries closure consultation school admissions appeals transport "
         "SEND tribunal carers respite academy trust literacy 38 4.82% £170,000 2019").split()
COMMITTEES = ("Libraries Committee", "Children's Committee", "Finance Committee")


def paper(doc_id: str, passages: int, rng: random.Random, access: str = "public",
          ) -> list[Chunk]:
    committee = rng.choice(COMMITTEES)
    date = rng.choice(("2019-03-05", "2020-07-14", ""))
    return [Chunk(doc_id=doc_id, index=i, source=f"{doc_id}.txt", title=doc_id,
                  text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60))),
                  committee=committee, meeting_date=date, doc_type="minutes", access=access)
            for i in range(passages)]


@pytest.fixture
def papers() -> dict[str, list[Chunk]]:
    rng = random.Random(7)
    return {f"p{n}": paper(f"p{n}", rng.randint(1, 30), rng) for n in range(12)}


def index_of(folder: Path | None, chunks: list[Chunk], removed: tuple[str, ...] = ()
             ) -> KeywordSearch:
    index = KeywordIndex(folder)
    writer = index.writer()
    writer.delete(removed)
    for chunk in chunks:
        writer.add(document(chunk))
    writer.commit()
    writer.close(committed=True)
    return index.search()


def change(index: KeywordIndex, removed: tuple[str, ...], added: list[Chunk]) -> KeywordSearch:
    writer = index.writer()
    writer.delete(removed)
    for chunk in added:
        writer.add(document(chunk))
    writer.commit()
    writer.close(committed=True)
    return index.search()


def test_the_words_indexed_are_those_of_text_terms(tmp_path: Path) -> None:
    text = ("The Council authorised £170,000 for the last half-year; 4.82% of placements "
            "were recruited.")
    chunk = Chunk(doc_id="d", index=0, text=text, source="d.txt", title="")
    search = index_of(tmp_path, [chunk])
    for word in terms(chunk.search_text):  # stemmed, one spelling, figures and phrases whole
        assert search.document_frequency.get(word) == 1, word
    assert {"author", "170000", "4.82%", "recruit"} <= set(terms(text))
    assert any(w.startswith("~") for w in terms(text))  # "last half-year" is a phrase class
    # A question in other words of the same stems finds it; tantivy's own tokenizer would
    # have split 4.82% and 170,000 into pieces.
    assert [cid for cid, _ in search.search("authorized 170,000 recruiting", 5)] == ["d:0"]
    assert search.search("4.82%", 5) and not search.search("482", 5)
    assert search.search("the and of", 5) == []  # stopwords only: no words to look for


def test_a_paper_is_replaced_and_removed_by_its_doc_id(tmp_path: Path, papers) -> None:
    index = KeywordIndex(tmp_path)
    search = change(index, (), papers["p0"] + papers["p1"] + papers["p2"])
    assert search.passages == sum(len(papers[p]) for p in ("p0", "p1", "p2"))
    rewritten = [Chunk(doc_id="p1", index=i, text=f"tribunal respite {i}", source="p1.txt",
                       title="p1") for i in range(3)]
    search = change(index, ("p1", "p2"), rewritten)  # p1 replaced, p2 pruned
    assert search.passages == len(papers["p0"]) + 3
    assert set(search.values("doc_id")) == {"p0", "p1"}
    found = [cid for cid, _ in search.search("tribunal respite", 50)]
    assert {cid.split(":")[0] for cid in found} <= {"p0", "p1"}
    assert {"p1:0", "p1:1", "p1:2"} <= set(found)
    assert not [cid for cid in search.ids() if cid.startswith("p2:")]


def test_a_committed_search_is_left_as_it_was_by_later_changes(tmp_path: Path, papers) -> None:
    index = KeywordIndex(tmp_path)
    before = change(index, (), papers["p0"] + papers["p1"])
    answers = before.search("social workers recruited", 20)
    change(index, ("p0",), papers["p2"])
    assert before.search("social workers recruited", 20) == answers
    assert before.passages == len(papers["p0"]) + len(papers["p1"])


def test_scores_are_bm25_and_match_a_rebuild_when_nothing_was_deleted(papers) -> None:
    kept = KeywordIndex()
    for name in ("p0", "p1", "p2", "p3"):  # four commits, four segments
        search = change(kept, (), papers[name])
    rebuilt = index_of(None, [c for n in ("p0", "p1", "p2", "p3") for c in papers[n]])
    for question in ("social workers recruited", "Ofsted inspection of fostering",
                     "£170,000 overspend", "SEND tribunal"):
        ours = [(cid, round(s, 4)) for cid, s in search.search(question, 20)]
        assert ours and ours == [(cid, round(s, 4)) for cid, s in rebuilt.search(question, 20)]
        assert all(s > 0 for _, s in ours) and ours == sorted(ours, key=lambda x: -x[1])


def test_scores_are_lucene_bm25_at_k1_with_exact_lengths(papers) -> None:
    # The formula written out again here: a change of tantivy's own scoring shows.
    every = [c for chunks in papers.values() for c in chunks]
    counted = {c.chunk_id: Counter(terms(c.search_text)) for c in every}
    mean = sum(sum(n.values()) for n in counted.values()) / len(every)

    def bm25(cid: str, question: str) -> float:
        score = 0.0
        for word in terms(question):
            df = sum(word in n for n in counted.values())
            tf = counted[cid][word]
            if tf:
                norm = 1 - keyword.B + keyword.B * sum(counted[cid].values()) / mean
                idf = math.log(1 + (len(every) - df + 0.5) / (df + 0.5))
                score += idf * tf / (tf + keyword.K1 * norm)
        return score

    search = index_of(None, every)
    for question in ("social workers recruited", "Ofsted Ofsted inspection of fostering",
                     "£170,000 overspend", "SEND tribunal 2019"):
        found = search.search(question, 10)
        assert len(found) == 10
        for cid, score in found:
            assert score == pytest.approx(bm25(cid, question), rel=1e-5), (question, cid)
        best = max(bm25(c.chunk_id, question) for c in every)
        assert found[0][1] == pytest.approx(best, rel=1e-5)


def test_filters_hold_inside_the_search_and_counts_are_exact(papers) -> None:
    every = [c for chunks in papers.values() for c in chunks]
    search = index_of(None, every)
    where = {"committee": ["Libraries Committee"], "meeting_date": ["2019-03-05", ""]}

    def inside(c: Chunk) -> bool:
        return c.committee == "Libraries Committee" and c.meeting_date in ("2019-03-05", "")

    admitted = {c.chunk_id for c in every if inside(c)}
    assert 0 < len(admitted) < len(every)  # the filter has work to do
    assert search.count(where) == len(admitted) and set(search.ids(where)) == admitted
    found = search.search("social workers recruited budget", 1000, where)
    assert found and {cid for cid, _ in found} <= admitted
    # the filter adds nothing to the score: the same order as the unfiltered search
    unfiltered = [x for x in search.search("social workers recruited budget", 1000)
                  if x[0] in admitted]
    assert [cid for cid, _ in found] == [cid for cid, _ in unfiltered]
    some = sorted(c.chunk_id for c in every)[::3]
    assert search.inside(some, where) == set(some) & admitted
    assert search.values("committee") == {
        name: sum(c.committee == name for c in every) for name in {c.committee for c in every}}
    assert search.values("committee", {"meeting_date": ["2020-07-14"]}).keys() == {
        c.committee for c in every if c.meeting_date == "2020-07-14"}
    assert search.count({"committee": []}) == 0 and search.ids({"committee": []}) == []
    assert set(search.ids({"doc_type": ["minutes"]}, words=["tribun", "respit"])) == {
        c.chunk_id for c in every if {"tribun", "respit"} & set(terms(c.search_text))}


def test_a_filter_of_dates_admits_those_dates_and_not_the_days_between() -> None:
    dates = ("2019-01-08", "2019-02-12", "2019-03-12", "2019-04-09", "")
    every = [Chunk(doc_id=f"p{n}", index=i, source=f"p{n}.txt", title="", meeting_date=date,
                   text="budget overspend libraries", doc_type="minutes")
             for n, date in enumerate(dates) for i in range(n + 1)]
    search = index_of(None, every)
    for wanted in (["2019-01-08", "2019-03-12"], ["2019-02-12", "2019-03-12", ""],
                   ["2019-04-09"], ["2018-05-05"], [""], []):
        admitted = {c.chunk_id for c in every if c.meeting_date in wanted}
        where = {"meeting_date": wanted}
        assert search.count(where) == len(admitted), wanted
        assert set(search.ids(where)) == admitted, wanted
        assert {cid for cid, _ in search.search("budget", 100, where)} == admitted, wanted
        assert search.inside([c.chunk_id for c in every], where) == admitted, wanted


def test_an_index_another_version_wrote_or_damaged_is_opened_empty(tmp_path: Path,
                                                                   papers, caplog) -> None:
    index_of(tmp_path, papers["p0"])
    (tmp_path / "meta.json").write_text("{not json", encoding="utf-8")
    reopened = KeywordIndex(tmp_path).search()
    assert reopened.passages == 0  # rebuilt from the store by the caller (tests/test_snapshot)
    assert "could not be opened" in caplog.text and str(tmp_path) in caplog.text


def test_a_second_writer_waits_for_the_first(tmp_path: Path, papers, monkeypatch) -> None:
    index = KeywordIndex(tmp_path)
    first = index.writer()
    monkeypatch.setattr(keyword, "LOCK_WAIT", 0.3)
    with pytest.raises(IndexUnavailableError, match="being written by another process"):
        KeywordIndex(tmp_path).writer()
    first.close(committed=False)
    KeywordIndex(tmp_path).writer().close(committed=False)  # free again
