from committee_qa.chunking import MAX_CHARS, chunk_paper
from committee_qa.schema import Paper
from committee_qa.text import split_sentences
from conftest import CITY, SAMPLES

MINUTES = """NOTTINGHAM CITY COUNCIL

15 EDUCATION TRUST UPDATE

Nick Lee introduced the Education Trust Update to the Committee.

- (a) 30 schools have committed to joining the trust;

RESOLVED to thank Nick Lee for his attendance.

16 WORK PROGRAMME

RESOLVED to note the work programme.
"""


def test_headings_stay_with_their_paragraphs() -> None:
    chunks = chunk_paper(Paper("m.txt", "Minutes", MINUTES), "d1")
    trust = [c for c in chunks if "30 schools" in c.text]
    assert len(trust) == 1
    assert "15 EDUCATION TRUST UPDATE\n\nNick Lee" in trust[0].text
    assert "RESOLVED to thank Nick Lee" in trust[0].text
    assert trust[0].heading.endswith("15 EDUCATION TRUST UPDATE")
    programme = [c for c in chunks if "work programme." in c.text][0]
    assert programme.heading.endswith("16 WORK PROGRAMME")
    assert "Nick Lee" not in programme.text


def test_chunk_spans_point_at_the_paper_text() -> None:
    text = (SAMPLES / CITY).read_text(encoding="utf-8")
    paper = Paper(CITY, "Agenda pack", text)
    for chunk in chunk_paper(paper, "d1"):
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.source == CITY and chunk.doc_id == "d1"


def test_no_chunk_cuts_a_sentence_in_half() -> None:
    body = " ".join(f"Sentence number {i} says that the figure was {i * 3}%." for i in range(80))
    paper = Paper("long.txt", "Long", f"Performance\n\n{body}\n")
    chunks = chunk_paper(paper, "d1")
    assert len(chunks) > 2
    ends = {paper.text.find(s) + len(s) for s in
            (paper.text[a:b] for a, b in split_sentences(paper.text))}
    for chunk in chunks:
        assert chunk.end in ends, chunk.text[-40:]
        assert len(chunk.text) <= MAX_CHARS + len("Performance\n\n")
        assert chunk.heading == "Performance"


def test_a_new_page_starts_a_new_chunk() -> None:
    page1 = "Street lighting\nThe first page is about other matters."
    page2 = "Potholes\nThe council repaired 6,250 potholes."
    paper = Paper("p.pdf", "P", page1 + "\n\n" + page2, page_starts=(0, len(page1) + 2))
    assert [(c.page, c.text) for c in chunk_paper(paper, "d1")] == [(1, page1), (2, page2)]


def test_chunks_know_their_page() -> None:
    page1 = "Purpose of the Report\n\nThis report reviews progress."
    page2 = "Financial Implications\n\nThere are no financial implications."
    text = page1 + "\n\n" + page2
    paper = Paper("r.pdf", "Report", text, page_starts=(0, len(page1) + 2))
    pages = {c.text.split("\n")[0]: c.page for c in chunk_paper(paper, "d1")}
    assert pages == {"Purpose of the Report": 1, "Financial Implications": 2}


def test_text_without_sentence_ends_is_still_cut_into_passages() -> None:
    from committee_qa.chunking import MAX_CHARS, MAX_WHOLE_CHARS, chunk_paper
    from committee_qa.schema import Paper

    words = " ".join(f"word{n}" for n in range(40_000))  # 300 KB, not one full stop
    chunks = chunk_paper(Paper(source="x.txt", title="X", text=words), "d")
    assert len(chunks) > 200 and max(len(c.text) for c in chunks) <= MAX_CHARS
    assert " ".join(c.text for c in chunks).split() == words.split()  # nothing lost
    parts = "\n".join(f"- ({n}) agree recommendation {n} as set out in the report;"
                      for n in range(1, 400))
    resolved = chunk_paper(Paper(source="m.txt", title="M", text=f"RESOLVED to:\n{parts}"), "d")
    assert len(resolved) > 1 and max(len(c.text) for c in resolved) <= MAX_WHOLE_CHARS


def test_passages_are_searched_with_the_words_of_their_meeting() -> None:
    from committee_qa.schema import Chunk

    chunk = Chunk(doc_id="d", index=0, text="The rent rises to £45.", source="foo-pc_2014.md",
                  title="Minutes", heading="3 Allotments", council="Foo Parish Council",
                  committee="Parish Council", meeting_date="2014-10-07")
    assert chunk.meeting_words == ("Foo Parish Council Parish Council 7 October 2014 Minutes "
                                   "foo pc 2014 md")
    assert chunk.search_text == f"{chunk.meeting_words}\n3 Allotments\nThe rent rises to £45."
    assert chunk.embedding_text == ("Foo Parish Council 2014-10-07\n3 Allotments\n"
                                    "The rent rises to £45.")
    bare = Chunk(doc_id="d", index=1, text="Text.", source="a", title="")
    assert bare.embedding_text == "Text." and bare.search_text == "a\nText."
