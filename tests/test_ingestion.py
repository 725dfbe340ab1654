"""Ingesting real files into a real Chroma index in a temporary folder."""

from pathlib import Path

import numpy

from committee_qa.chunking import chunk_paper
from committee_qa.meanings import openings
from committee_qa.papers import content_hash, read_paper
from conftest import CITY, COUNTY, make_assistant


def test_ingesting_sample_papers_adds_both(fresh_assistant, inbox: Path) -> None:
    report = fresh_assistant.ingest([inbox])
    assert sorted(report.added) == sorted([CITY, COUNTY])
    assert report.chunks_embedded == fresh_assistant.store.count_chunks() > 50
    assert not report.failed


def test_reingesting_unchanged_paper_embeds_nothing(fresh_assistant, inbox: Path) -> None:
    fresh_assistant.ingest([inbox])
    before = fresh_assistant.store.count_chunks()
    report = fresh_assistant.ingest([inbox])
    assert sorted(report.unchanged) == sorted([CITY, COUNTY])
    assert report.chunks_embedded == 0 and not report.added and not report.replaced
    assert fresh_assistant.store.count_chunks() == before


def test_changed_paper_replaces_all_its_old_chunks(fresh_assistant, tmp_path: Path) -> None:
    paper = tmp_path / "inbox" / "minutes.md"
    paper.parent.mkdir()
    paper.write_text("# Minutes\n\n## 7 Parking\n\nRESOLVED to approve the zebra crossing "
                     "on Acacia Avenue at a cost of £42,000.\n", encoding="utf-8")
    fresh_assistant.ingest([paper.parent])
    assert "zebra" in fresh_assistant.ask("What was resolved about the zebra crossing?").text
    paper.write_text("# Minutes\n\n## 7 Parking\n\nRESOLVED to defer the pelican crossing "
                     "on Laburnum Grove until the spring.\n", encoding="utf-8")
    report = fresh_assistant.ingest([paper.parent])
    assert report.replaced == ["minutes.md"]
    texts = [c.text for c in fresh_assistant.store.chunks()]
    assert any("pelican" in t for t in texts) and not any("zebra" in t for t in texts)
    assert fresh_assistant.store.count_chunks() == len(texts)  # old chunks swept, not hidden
    answer = fresh_assistant.ask("What was resolved about the zebra crossing?")
    assert "zebra" not in answer.text + " ".join(c.text for c in answer.citations)


def test_prune_removes_papers_no_longer_in_the_inbox(fresh_assistant, inbox: Path) -> None:
    fresh_assistant.ingest([inbox])
    (inbox / CITY).unlink()
    report = fresh_assistant.ingest([inbox], prune=True)
    assert report.pruned == [CITY]
    assert set(fresh_assistant.store.papers()) == {COUNTY}
    assert all(c.source == COUNTY for c in fresh_assistant.store.chunks())
    assert fresh_assistant.store.count_chunks() == len(list(fresh_assistant.store.chunks()))


def test_without_prune_a_removed_file_stays(fresh_assistant, inbox: Path) -> None:
    fresh_assistant.ingest([inbox])
    (inbox / CITY).unlink()
    assert not fresh_assistant.ingest([inbox]).pruned
    assert set(fresh_assistant.store.papers()) == {COUNTY, CITY}


def test_bad_files_are_reported_and_the_batch_goes_on(fresh_assistant, inbox: Path) -> None:
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "junk.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (inbox / "spreadsheet.xlsx").write_bytes(b"PK\x03\x04")
    (inbox / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    report = fresh_assistant.ingest([inbox, inbox / "missing.docx"])
    failed = {Path(f.source).name: f.reason for f in report.failed}
    assert set(failed) == {"empty.txt", "junk.pdf", "spreadsheet.xlsx", "binary.txt",
                           "missing.docx"}
    assert "empty" in failed["empty.txt"]
    assert "PDF" in failed["junk.pdf"]
    assert "unsupported" in failed["spreadsheet.xlsx"]
    assert "no such file" in failed["missing.docx"]
    assert sorted(report.added) == sorted([CITY, COUNTY])


def test_a_bad_new_version_keeps_the_good_old_one(fresh_assistant, tmp_path: Path) -> None:
    paper = tmp_path / "report.txt"
    paper.write_text("Budget\n\nThe library budget for 2024 is £1.2 million.\n")
    fresh_assistant.ingest([paper])
    paper.write_bytes(b"")  # a botched export overwrites the file
    report = fresh_assistant.ingest([paper])
    assert [Path(f.source).name for f in report.failed] == ["report.txt"]
    assert "£1.2 million" in fresh_assistant.ask("What is the library budget for 2024?").text


def test_crash_before_commit_leaves_paper_absent_and_rerun_completes(
        fresh_assistant, embedder, inbox: Path) -> None:
    # Simulate a crash after the chunks were written but before the ledger knew the paper.
    path = inbox / COUNTY
    doc_id = content_hash(path)[:32]
    chunks = chunk_paper(read_paper(path), doc_id)
    fresh_assistant.store.write_chunks(chunks, embedder.embed_texts([c.text for c in chunks]))
    reopened = make_assistant(Path(fresh_assistant.store.location), embedder)
    assert reopened.store.papers() == {}
    assert reopened.retriever.retrieve("38 new social work staff") == []
    report = reopened.ingest([inbox])
    assert sorted(report.added) == sorted([CITY, COUNTY])
    ids = [c.chunk_id for c in reopened.store.chunks()]
    assert len(ids) == len(set(ids)) == reopened.store.count_chunks()


def test_same_paper_under_two_names_is_stored_once(fresh_assistant, inbox: Path) -> None:
    fresh_assistant.ingest([inbox])
    before = fresh_assistant.store.count_chunks()
    (inbox / "copy-of-county.txt").write_bytes((inbox / COUNTY).read_bytes())
    report = fresh_assistant.ingest([inbox])
    assert report.added == ["copy-of-county.txt"] and report.chunks_embedded == 0
    assert fresh_assistant.store.count_chunks() == before
    assert {"copy-of-county.txt", COUNTY} <= set(fresh_assistant.store.papers())


def test_every_format_is_searchable(fresh_assistant, tmp_path: Path) -> None:
    from docx import Document as Docx
    from fpdf import FPDF

    folder = tmp_path / "formats"
    folder.mkdir()
    (folder / "a.txt").write_text("Allotments\n\nThe allotment waiting list is 412 people.\n")
    (folder / "b.md").write_text("# Bus passes\n\nThe concessionary bus pass scheme cost "
                                 "£3.1 million in 2023.\n")
    (folder / "c.html").write_text("<html><head><title>Cemeteries</title></head><body>"
                                   "<h1>Cemeteries</h1><p>The cemetery extension adds 900 "
                                   "burial plots.</p></body></html>")
    doc = Docx()
    doc.add_heading("Dog fouling", level=1)
    doc.add_paragraph("Dog fouling fines rose to 57 penalty notices in the year.")
    doc.save(folder / "d.docx")
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Street lighting\n\nThe first page is about other matters entirely.")
    pdf.add_page()
    pdf.multi_cell(0, 8, "Potholes\n\nThe council repaired 6,250 potholes during the winter.")
    pdf.output(str(folder / "e.pdf"))
    report = fresh_assistant.ingest([folder])
    assert sorted(report.added) == ["a.txt", "b.md", "c.html", "d.docx", "e.pdf"]
    for question, figure, source in [
        ("How many people are on the allotment waiting list?", "412", "a.txt"),
        ("What did the concessionary bus pass scheme cost?", "£3.1 million", "b.md"),
        ("How many burial plots does the cemetery extension add?", "900", "c.html"),
        ("How many dog fouling penalty notices were issued?", "57", "d.docx"),
        ("How many potholes were repaired?", "6,250", "e.pdf"),
    ]:
        answer = fresh_assistant.ask(question)
        assert figure in answer.text, (question, answer.text)
        assert answer.citations[0].source == source
    pothole = fresh_assistant.ask("How many potholes were repaired?").citations[0]
    assert pothole.page == 2


def test_papers_are_embedded_together_and_each_stored_whole(tmp_path: Path, embedder) -> None:
    from committee_qa import ingestion
    from conftest import write_minutes

    calls: list[int] = []

    class Counting:
        def embed_texts(self, texts):
            calls.append(len(texts))
            return embedder.embed_texts(texts)

    papers = tmp_path / "papers"
    for year in range(2015, 2021):
        write_minutes(papers, f"libraries-{year}.txt", f"3 March {year}", f"{year},000",
                      f"RESOLVED to note the report for {year}.")
    (papers / "twin.txt").write_bytes((papers / "libraries-2015.txt").read_bytes())
    store = make_assistant(tmp_path / "index", embedder).store
    report = ingestion.ingest([papers], store, Counting())
    assert sorted(report.added) == sorted(p.name for p in papers.iterdir())
    assert len(calls) == 1  # seven papers, one model call (the twin is stored once)
    counts = store.chunk_counts()
    records = store.papers()
    assert records["twin.txt"].doc_id == records["libraries-2015.txt"].doc_id
    assert all(counts[r.doc_id] == r.chunks for r in records.values())
    # the call embedded each passage, and each sentence weighed in them, once
    stored = list(store.chunks())
    sentences = {o for c in stored for o in openings(c.text)}
    assert report.chunks_embedded == len(stored) and sum(calls) == len(stored) + len(sentences)


def test_a_new_process_reads_the_ledger_kept_on_disk_only_at_its_generation(
        tmp_path: Path, embedder, caplog) -> None:
    import json

    from committee_qa import ingestion
    from committee_qa.store import Store
    from conftest import write_minutes

    papers = tmp_path / "papers"
    write_minutes(papers, "libraries-2019.txt", "3 March 2019", "41,000",
                  "RESOLVED to note the report.")
    first = make_assistant(tmp_path / "index", embedder)
    first.ingest([papers])
    kept = first.store.ledger_file
    assert kept is not None and kept.is_file()
    copy = json.loads(kept.read_text(encoding="utf-8"))
    assert copy["generation"] == first.store.generation()
    # A process started at that generation takes the copy for the ledger: here one that
    # names a paper the index does not hold, to show it is read and the index is not.
    copy["papers"].append(["ghost.txt", "0" * 32, "A ghost", 1, "", "public"])
    kept.write_text(json.dumps(copy), encoding="utf-8")
    assert set(make_assistant(tmp_path / "index", embedder).store.papers()) == {
        "libraries-2019.txt", "ghost.txt"}
    # Once another process (keeping no copy) has committed, the copy is of an old
    # generation: not read, and kept again from the index.
    write_minutes(papers, "libraries-2020.txt", "2 March 2020", "43,000",
                  "RESOLVED to note the report.")
    other = Store.open(tmp_path / "index", first.settings.collection, embedder.name,
                       embedder.dimension)
    ingestion.ingest([papers / "libraries-2020.txt"], other, embedder)
    later = make_assistant(tmp_path / "index", embedder).store
    assert set(later.papers()) == {"libraries-2019.txt", "libraries-2020.txt"}
    assert json.loads(kept.read_text(encoding="utf-8"))["generation"] == later.generation()
    # A damaged copy is passed over with a warning naming it, and written again.
    kept.write_text("{not json", encoding="utf-8")
    assert set(make_assistant(tmp_path / "index", embedder).store.papers()) == {
        "libraries-2019.txt", "libraries-2020.txt"}
    assert str(kept) in caplog.text and json.loads(kept.read_text(encoding="utf-8"))


def test_a_corrected_paper_embeds_only_the_passages_that_changed(tmp_path: Path,
                                                                  embedder) -> None:
    from committee_qa import ingestion
    from conftest import write_minutes

    embedded: list[str] = []

    class Counting:
        def embed_texts(self, texts):
            embedded.extend(texts)
            return embedder.embed_texts(texts)

    papers = tmp_path / "papers"
    write_minutes(papers, "libraries-2019.txt", "3 March 2019", "41,000",
                  "RESOLVED to note the report.")
    paper = papers / "libraries-2019.txt"
    store = make_assistant(tmp_path / "index", embedder).store
    first = ingestion.ingest([papers], store, Counting())
    assert 1 < first.chunks_embedded < len(embedded)  # its passages, then their sentences
    old = store.papers()[paper.name].doc_id
    paper.write_text(paper.read_text(encoding="utf-8") + "\nCorrected on 5 March 2019 to "
                     "add that the Chair, Councillor Ames, gave apologies.\n", encoding="utf-8")
    embedded.clear()
    report = ingestion.ingest([papers], store, Counting())
    assert report.replaced == [paper.name]
    new = store.papers()[paper.name].doc_id
    stored = sorted(store.chunks(live={new}), key=lambda c: c.index)
    changed = [c for c in stored if "Councillor Ames" in c.text]
    # the model saw the changed passages only, and their sentences
    assert changed and sorted(embedded) == sorted(
        {*(c.embedding_text for c in changed), *(o for c in changed for o in openings(c.text))})
    assert report.chunks_embedded == len(changed) < len(stored)
    assert not list(store.chunks(live={old}))  # the old version's passages are gone
    # Every passage holds the vector the model gives its text, reused or embedded afresh.
    assert numpy.allclose(store.vectors(stored),
                          embedder.embed_texts([c.embedding_text for c in stored]),
                          rtol=0, atol=1e-5)


def test_a_few_papers_are_read_by_chunk_id_as_the_doc_id_filter_finds_them(
        fresh_assistant, inbox: Path) -> None:
    fresh_assistant.ingest([inbox])
    store = fresh_assistant.store
    city = store.papers()[CITY].doc_id
    by_id = list(store.chunks(live={city}))  # a paper of the ledger: read by its chunk ids
    # a doc_id the ledger does not hold sends the read through Chroma's doc_id filter
    by_filter = sorted(store.chunks(live={city, "not-a-paper"}), key=lambda c: c.index)
    assert by_id == by_filter and len(by_id) == store.papers()[CITY].chunks > 10
    assert [c.index for c in by_id] == list(range(len(by_id)))  # in passage order


def test_renaming_a_paper_reads_its_vectors_back_and_embeds_nothing(tmp_path: Path,
                                                                   embedder, inbox) -> None:
    class Counting:
        """The real model, counting the passages it is asked to embed."""

        def __init__(self) -> None:
            self.texts = 0

        def embed_texts(self, texts):
            self.texts += len(texts)
            return embedder.embed_texts(texts)

        def __getattr__(self, name: str):
            return getattr(embedder, name)

    counting = Counting()
    assistant = make_assistant(tmp_path / "index", counting)
    assistant.ingest([inbox])
    question = "How many schools committed to joining the Education Trust?"
    assert assistant.ask(question).citations[0].source == CITY
    city = assistant.store.papers()[CITY].doc_id
    stored = sorted(assistant.store.chunks(live={city}), key=lambda c: c.index)
    before = assistant.store.vectors(stored)
    renamed = "city-cyp-scrutiny-2017-09-19.txt"
    (inbox / CITY).rename(inbox / renamed)
    counting.texts = 0
    report = assistant.ingest([inbox], prune=True)
    assert (report.added, report.pruned, report.chunks_embedded) == ([renamed], [CITY], 0)
    assert counting.texts == 0  # the model was not called for a passage already stored
    moved = sorted(assistant.store.chunks(live={city}), key=lambda c: c.index)
    assert {c.source for c in moved} == {renamed} and len(moved) == len(stored)
    # the same vectors, but for Chroma normalising them again on write (a last bit or two)
    assert numpy.allclose(assistant.store.vectors(moved), before, rtol=0, atol=1e-6)
    answer = assistant.ask(question)
    assert "30 schools" in answer.text and answer.citations[0].source == renamed


def test_the_ledger_a_store_keeps_follows_other_writers_and_an_ingest_reads_it_afresh(
        tmp_path: Path, embedder, monkeypatch) -> None:
    from committee_qa import ingestion
    from committee_qa.config import Settings
    from committee_qa.store import Store
    from conftest import write_minutes

    papers = tmp_path / "papers"
    write_minutes(papers, "libraries-2019.txt", "3 March 2019", "41,000",
                  "RESOLVED to note the report.")
    reader = make_assistant(tmp_path / "index", embedder).store
    writer = Store.open(tmp_path / "index", Settings.load(index=tmp_path / "index").collection,
                        embedder.name, embedder.dimension)
    assert reader.papers() == {}
    ingestion.ingest([papers], writer, embedder)
    assert set(reader.papers()) == {"libraries-2019.txt"}  # the other's commit is seen
    write_minutes(papers, "libraries-2020.txt", "2 March 2020", "43,000",
                  "RESOLVED to note the report.")
    ingestion.ingest([papers], reader, embedder)  # its own write keeps its ledger in step
    assert set(reader.papers()) == set(writer.papers()) == {"libraries-2019.txt",
                                                           "libraries-2020.txt"}
    # An ingest killed after writing its record, before moving the generation on, while
    # the reader read the ledger in the middle of that commit: the generation was emptied
    # first, so the reader keeps nothing it read then, sees the record, and its next ingest
    # keeps the paper whole rather than sweeping its passages away; and settles the
    # generation, so that kept ledgers are trusted again.
    write_minutes(papers, "libraries-2021.txt", "1 March 2021", "45,000",
                  "RESOLVED to note the report.")
    upsert = writer._papers.upsert

    def read_meanwhile(**records) -> None:
        assert "libraries-2021.txt" not in reader.papers()  # read before the record lands
        upsert(**records)

    def killed() -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(writer._papers, "upsert", read_meanwhile)
    monkeypatch.setattr(writer, "_bump_generation", killed)
    try:
        ingestion.ingest([papers], writer, embedder)
    except KeyboardInterrupt:
        pass
    assert reader.generation() == ""
    assert "libraries-2021.txt" in reader.papers()
    report = ingestion.ingest([papers], reader, embedder)
    assert report.unchanged and report.added == [] and report.chunks_embedded == 0
    counts, records = reader.chunk_counts(), reader.papers(fresh=True)
    assert len(records) == 3 and all(counts[r.doc_id] == r.chunks for r in records.values())
    assert reader.generation() and reader.papers() == records


def test_passages_left_by_an_ingest_killed_while_writing_are_swept_by_the_next(
        tmp_path: Path, embedder, monkeypatch) -> None:
    from committee_qa import ingestion
    from conftest import write_minutes

    papers = tmp_path / "papers"
    write_minutes(papers, "libraries-2019.txt", "3 March 2019", "41,000",
                  "RESOLVED to note the report.")
    store = make_assistant(tmp_path / "index", embedder).store
    ingestion.ingest([papers], store, embedder)
    counted: list[int] = []
    count = store.count_chunks
    monkeypatch.setattr(store, "count_chunks", lambda *a: counted.append(1) or count(*a))
    # Killed after its passages were written, before its paper was committed.
    write_minutes(papers, "libraries-2020.txt", "2 March 2020", "43,000",
                  "RESOLVED to note the report.")

    def killed(records) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(store, "commit_papers", killed)
        try:
            ingestion.ingest([papers], store, embedder)
        except KeyboardInterrupt:
            pass
    assert store.left_writing() and count() > sum(r.chunks for r in store.papers().values())
    (papers / "libraries-2020.txt").unlink()  # the next ingest has nothing new to write
    ingestion.ingest([papers], store, embedder)
    assert count() == sum(r.chunks for r in store.papers().values())  # none stray
    assert not store.left_writing() and counted == [1]
    # An ingest that was not interrupted does not count the index (a second, cold, at a
    # million passages).
    write_minutes(papers, "libraries-2021.txt", "1 March 2021", "45,000",
                  "RESOLVED to note the report.")
    ingestion.ingest([papers], store, embedder)
    assert counted == [1] and not store.left_writing()
    assert count() == sum(r.chunks for r in store.papers().values())
