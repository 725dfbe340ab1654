"""Bad files in the inbox, ingested for real: each gets one line naming it and what to do,
the rest of the batch goes on, and nothing already in the index is lost.

Every case here is listed, with what the user sees, in docs/RELIABILITY.md.
"""

from __future__ import annotations

import os
import signal
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from fpdf import FPDF
from test_papers import make_pdf, make_scanned_pdf, require_ocr

from committee_qa import ingestion
from committee_qa.assistant import Assistant
from committee_qa.chunking import chunk_paper
from committee_qa.cli import main
from committee_qa.papers import MAX_PAPER_BYTES
from committee_qa.schema import Paper
from committee_qa.store import Store
from conftest import CITY, COUNTY

MB = 2**20


def stored(store: Store) -> tuple[dict[str, tuple[str, int]], dict[str, tuple[str, str]]]:
    """What the index holds: each paper's identity and size, each passage's text and source."""
    papers = {s: (r.doc_id, r.chunks) for s, r in store.papers().items()}
    chunks = {c.chunk_id: (c.text, c.source) for c in store.chunks()}
    return papers, chunks


def reasons(report: object) -> dict[str, str]:
    failed = report.failed  # type: ignore[attr-defined]
    return {Path(f.source).name: f.reason for f in failed}


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, when the block takes longer than `seconds`."""
    def expire(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# What each bad file is, and the words its one line must say.
BAD = {
    "empty.txt": "the file is empty; save or download the paper again",
    "empty.pdf": "the file is empty; save or download the paper again",
    "blank.md": "no text found in the file; check it is the paper you meant, or export it again",
    "truncated.pdf": "is not a readable PDF (corrupt or truncated): ",
    "garbled.pdf": "is not a readable PDF (corrupt or truncated): ",
    "encrypted.pdf": "the PDF is encrypted; save an unencrypted copy and ingest that",
    "blank-scan.pdf": "has no text layer and OCR found no text on its pages",
    "download.pdf": "is a web page saved as .pdf, not a PDF (a download that led to an error "
                    "page?); download the PDF again",
    "junk.pdf": "is not a readable PDF (corrupt or truncated): it has no %PDF- header; "
                "re-export it from the original",
    "junk.docx": "is not a readable Word document (.docx): it is not a Word package; re-save "
                 "it from Word as .docx",
    "old-word.docx": "it is an old .doc file; open it in Word and save it as .docx",
    "junk.txt": "looks like a binary file, not text; check it is the paper you meant",
    "junk.html": "looks like a binary file, not text; check it is the paper you meant",
    "junk.md": "looks like a binary file, not text; check it is the paper you meant",
    "deep.html": "the page is nested too deeply to read (thousands of levels); save it as PDF",
    "marked.html": "is not readable HTML (ParserRejectedMarkup); save the page again, or as PDF",
    "sheet.xlsx": "unsupported file type '.xlsx'; committee-qa reads .txt, .md, .pdf, .docx, "
                  ".html: save it as one of those",
    "line\\nbreak.txt": "the file is empty; save or download the paper again",
    "minutes \\xa3.txt": "its file name is not valid UTF-8 (from an old Windows or zip "
                         "export?); rename the file",
    COUNTY: "the file is empty; save or download the paper again",  # a botched re-export
}


def write_bad_files(folder: Path) -> None:
    """Every kind of bad file in BAD, written for real into `folder`."""
    pdf = make_pdf(folder / "good.tmp", ["Some text here"] * 3).read_bytes()
    (folder / "good.tmp").unlink()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "blank.md").write_text(" \n\n\t\r\n")
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    middle = len(pdf) // 2
    (folder / "garbled.pdf").write_bytes(pdf[:middle] + b"garbage " * 50 + pdf[middle + 400:])
    make_pdf(folder / "encrypted.pdf", ["Exempt information"], user_password="secret")
    make_pdf(folder / "blank-scan.pdf", ["", ""])
    (folder / "download.pdf").write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>")
    (folder / "junk.pdf").write_bytes(os.urandom(4096))
    (folder / "junk.docx").write_bytes(os.urandom(4096))
    (folder / "old-word.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    (folder / "junk.txt").write_bytes(os.urandom(4096))
    (folder / "junk.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(512))
    (folder / "junk.md").write_bytes(bytes(range(0x80, 0x100)) * 40)  # no NUL byte at all
    (folder / "deep.html").write_bytes(b"<div>" * 100_000 + b"Minutes" + b"</div>" * 100_000)
    (folder / "marked.html").write_text("<html><body><p>Minutes</p><![ if !vml ]></body></html>")
    (folder / "sheet.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(256))
    (folder / "line\nbreak.txt").write_bytes(b"")
    with open(os.fsencode(folder) + b"/minutes \xa3.txt", "wb") as f:  # a cp1252 name
        f.write(b"Minutes\n\nRESOLVED to approve the grant.\n")
    (folder / COUNTY).write_bytes(b"")


def test_batch_of_every_bad_file_goes_on_and_loses_nothing_stored(
        fresh_assistant: Assistant, inbox: Path) -> None:
    require_ocr()
    fresh_assistant.ingest([inbox])
    before = stored(fresh_assistant.store)
    write_bad_files(inbox)
    (inbox / "allotments.txt").write_text("Allotments\n\nThe allotment waiting list is 412 "
                                          "people.\n")
    report = fresh_assistant.ingest([inbox])
    assert reasons(report).keys() == BAD.keys()
    for name, reason in reasons(report).items():
        assert BAD[name] in reason, name
        assert "\n" not in reason
    assert report.added == ["allotments.txt"] and report.unchanged == [CITY]
    after = stored(fresh_assistant.store)
    assert after[0] == {**before[0], "allotments.txt": after[0]["allotments.txt"]}
    assert {k: v for k, v in after[1].items() if k in before[1]} == before[1]
    assert "38 new social work staff" in fresh_assistant.ask(
        "How many new social work staff were recruited?").text
    assert "412" in fresh_assistant.ask("How many people are on the allotment waiting list?").text


def test_every_bad_file_gets_one_line_on_the_command_line(
        tmp_path: Path, embedder: object) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    write_bad_files(folder)
    (folder / "allotments.txt").write_text("Allotments\n\nThe waiting list is 412 people.\n")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(BAD)
    for name in BAD:
        assert sum(f"/{name}: " in line for line in errors) == 1, name
    assert "1 added" in result.stdout


def test_a_paper_that_breaks_the_reader_is_reported_and_the_batch_goes_on(
        fresh_assistant: Assistant, inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No file known today breaks a reader unforeseen; this stands in for the next one.
    def chunk_or_break(paper: Paper, *args: object) -> object:
        if paper.source == CITY:
            raise IndexError("list index out of range")
        return chunk_paper(paper, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ingestion, "chunk_paper", chunk_or_break)
    report = fresh_assistant.ingest([inbox])
    assert reasons(report) == {CITY: "could not be read (IndexError: list index out of range); "
                                     "report it to the committee-qa maintainers with the file"}
    assert report.added == [COUNTY]


def test_paper_whose_name_starts_with_two_underscores_is_stored_and_found(
        fresh_assistant: Assistant, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "__draft__ minutes.txt").write_text("Minutes\n\nThe mobile library visits "
                                                  "Hogglestock on Tuesdays.\n")
    report = fresh_assistant.ingest([folder])
    assert report.added == ["__draft__ minutes.txt"]
    assert "__draft__ minutes.txt" in fresh_assistant.store.papers()
    assert "Tuesdays" in fresh_assistant.ask("When does the mobile library visit Hogglestock?").text


def test_scanned_pdf_is_read_by_ocr_and_answers_questions(
        fresh_assistant: Assistant, tmp_path: Path) -> None:
    require_ocr()
    make_scanned_pdf(tmp_path / "gritting-report.pdf", [
        "Winter Maintenance", "", "The council filled 318 grit bins before",
        "the first frost of the winter."])
    report = fresh_assistant.ingest([tmp_path / "gritting-report.pdf"])
    assert report.added == ["gritting-report.pdf"] and not report.failed
    answer = fresh_assistant.ask("How many grit bins did the council fill?")
    assert "318 grit bins" in answer.text
    assert (answer.citations[0].source, answer.citations[0].page) == ("gritting-report.pdf", 1)


def test_200_mb_files_are_refused_unread_and_the_batch_goes_on(
        fresh_assistant: Assistant, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "budget.txt").write_text("Budget\n\nThe library budget for 2024 is £1.2 million.\n")
    fresh_assistant.ingest([folder])
    before = stored(fresh_assistant.store)
    paragraph = (b"The committee noted the report on library opening hours and asked officers "
                 b"to consult on Sunday opening at the branch libraries.\n\n")
    with (folder / "minutes-all-years.txt").open("wb") as f:  # 200 MB of real text
        for _ in range(200 * MB // (len(paragraph) * 1000) + 1):
            f.write(paragraph * 1000)
    with (folder / "scanned-pack.pdf").open("wb") as f:  # 200 MB, sparse: a PDF header, then 0s
        f.write(b"%PDF-1.7\n")
        f.truncate(200 * MB)
    (folder / "allotments.txt").write_text("Allotments\n\nThe waiting list is 412 people.\n")
    peaks: dict[str, int] = {}  # the most memory Python held while ingesting each file

    def measure(source: str) -> None:
        peaks[source] = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()

    tracemalloc.start()
    try:
        report = fresh_assistant.ingest([folder], progress=measure)
    finally:
        tracemalloc.stop()
    assert peaks["minutes-all-years.txt"] < 10 * MB and peaks["scanned-pack.pdf"] < 10 * MB
    limit = f"{MAX_PAPER_BYTES // MB} MB"
    assert reasons(report) == {
        name: f"is 200 MB, more than the {limit} a paper may be; split it into smaller files, "
              "or raise COMMITTEE_QA_MAX_PAPER_MB"
        for name in ("minutes-all-years.txt", "scanned-pack.pdf")}
    assert report.added == ["allotments.txt"] and report.unchanged == ["budget.txt"]
    after = stored(fresh_assistant.store)
    assert {k: v for k, v in after[1].items() if k in before[1]} == before[1]
    assert "£1.2 million" in fresh_assistant.ask("What is the library budget for 2024?").text


def test_links_out_of_the_inbox_and_pipes_are_refused_naming_where_they_lead(
        fresh_assistant: Assistant, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    elsewhere = tmp_path / "elsewhere"
    (inbox / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "salaries.txt").write_text("Salaries\n\nThe chief executive earns £190,000.\n")
    (inbox / "minutes.txt").write_text("Minutes\n\nRESOLVED to approve the library grant.\n")
    (inbox / "salaries.txt").symlink_to(elsewhere / "salaries.txt")
    (inbox / "private").symlink_to(elsewhere, target_is_directory=True)
    (inbox / "passwords.txt").symlink_to("/etc/passwd")
    (inbox / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (inbox / "loop-a.txt").symlink_to(inbox / "loop-b.txt")
    (inbox / "loop-b.txt").symlink_to(inbox / "loop-a.txt")
    (inbox / "sub" / "up").symlink_to(inbox, target_is_directory=True)  # a folder loop
    (inbox / "copy-of-minutes.txt").symlink_to("minutes.txt")  # inside the inbox: followed
    os.mkfifo(inbox / "pipe.txt")  # opening it would wait for a writer for ever
    with deadline(60):
        report = fresh_assistant.ingest([inbox])
    outside = f"outside the folder being ingested ({inbox}); copy the paper into the folder " \
              "instead of linking to it"
    assert reasons(report) == {
        "salaries.txt": f"is a link to {elsewhere / 'salaries.txt'}, {outside}",
        "private": f"is a link to {elsewhere}, {outside}",
        "passwords.txt": f"is a link to /etc/passwd, {outside}",
        "gone.txt": f"is a link to {tmp_path / 'deleted.txt'}, which does not exist; remove "
                    "the link, or copy the paper here",
        "loop-a.txt": "is a link that leads round in a loop; remove the link",
        "loop-b.txt": "is a link that leads round in a loop; remove the link",
        "pipe.txt": "is not a regular file (a pipe or a device?); copy the paper into a file",
    }
    assert {Path(f.source).parent for f in report.failed} == {inbox}  # named by full path
    assert sorted(report.added) == ["copy-of-minutes.txt", "minutes.txt"]
    texts = " ".join(c.text for c in fresh_assistant.store.chunks())
    assert "190,000" not in texts and "root:" not in texts


def test_two_files_of_one_name_in_a_batch_keep_the_first_and_name_the_second(
        fresh_assistant: Assistant, tmp_path: Path) -> None:
    for folder, figure in (("2023", "412"), ("2024", "455")):
        (tmp_path / "inbox" / folder).mkdir(parents=True)
        (tmp_path / "inbox" / folder / "minutes.txt").write_text(
            f"Minutes\n\nThe allotment waiting list is {figure} people.\n")
    report = fresh_assistant.ingest([tmp_path / "inbox"])
    assert report.added == ["minutes.txt"]
    assert [(f.source, f.reason) for f in report.failed] == [(
        str(tmp_path / "inbox" / "2024" / "minutes.txt"),
        "another file named minutes.txt is in this batch; rename one of them")]


def test_same_paper_under_two_names_in_one_batch_is_embedded_once(
        fresh_assistant: Assistant, inbox: Path) -> None:
    (inbox / "copy of county report.txt").write_bytes((inbox / COUNTY).read_bytes())
    report = fresh_assistant.ingest([inbox])
    papers = fresh_assistant.store.papers()
    assert set(papers) == {CITY, COUNTY, "copy of county report.txt"}
    assert papers[COUNTY].doc_id == papers["copy of county report.txt"].doc_id
    assert report.chunks_embedded == papers[COUNTY].chunks + papers[CITY].chunks
    assert fresh_assistant.store.count_chunks() == report.chunks_embedded


@pytest.mark.parametrize("removed", ["first name", "second name"])
def test_removing_either_name_of_a_twin_keeps_the_paper_answerable_under_the_other(
        fresh_assistant: Assistant, inbox: Path, removed: str) -> None:
    copy = "copy of county report.txt"
    fresh_assistant.ingest([inbox])
    (inbox / copy).write_bytes((inbox / COUNTY).read_bytes())
    fresh_assistant.ingest([inbox])
    chunks = fresh_assistant.store.count_chunks()
    gone, kept = (COUNTY, copy) if removed == "first name" else (copy, COUNTY)
    (inbox / gone).unlink()
    report = fresh_assistant.ingest([inbox], prune=True)
    assert report.pruned == [gone] and not report.failed
    assert set(fresh_assistant.store.papers()) == {CITY, kept}
    assert fresh_assistant.store.count_chunks() == chunks
    answer = fresh_assistant.ask("How many new social work staff were recruited?")
    assert "38 new social work staff" in answer.text
    assert answer.citations[0].source == kept  # never the name that has gone
    assert CITY in {c.source for c in fresh_assistant.store.chunks()}


def test_changing_one_name_of_a_twin_keeps_the_old_text_under_the_other(
        fresh_assistant: Assistant, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    text = "Budget\n\nThe library budget for 2024 is £1.2 million.\n"
    (folder / "budget.txt").write_text(text)
    (folder / "copy-of-budget.txt").write_text(text)
    fresh_assistant.ingest([folder])
    (folder / "budget.txt").write_text("Budget\n\nThe library budget for 2025 is £1.4 million.\n")
    report = fresh_assistant.ingest([folder])
    assert report.replaced == ["budget.txt"]
    old = fresh_assistant.ask("What is the library budget for 2024?")
    assert "£1.2 million" in old.text and old.citations[0].source == "copy-of-budget.txt"
    new = fresh_assistant.ask("What is the library budget for 2025?")
    assert "£1.4 million" in new.text and new.citations[0].source == "budget.txt"


def test_odd_encodings_and_characters_are_stored_clean_and_found_by_plain_words(
        fresh_assistant: Assistant, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "windows.txt").write_bytes(
        "Leisure\r\n\r\nThe swimming pool grant was £45,000 – agreed by members.\r\n"
        .encode("cp1252"))
    (folder / "odd.md").write_text(
        "# Oﬃcers\n\nThe ﬁnance\u200b oﬃcer re\u00adported\u200d the ﬂood\u00a0defence "
        "scheme\u200e costs \u202a£\uff12\uff10\uff10,000\u202c to the com\u200cmittee.\n",
        encoding="utf-8")
    (folder / "joined.txt").write_bytes(
        "Parks\n\nThe bandstand repair cost £8,000.\n".encode()
        + "The café lease brings in £2,500 a year.\n".encode("cp1252"))
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=_dejavu())
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(0, 8, "Cemeteries\n\nThe ﬁnal ﬁgure for burial fees is £\u00a0310.")
    pdf.output(str(folder / "ligatures.pdf"))
    report = fresh_assistant.ingest([folder])
    assert sorted(report.added) == ["joined.txt", "ligatures.pdf", "odd.md", "windows.txt"]
    texts = [c.text for c in fresh_assistant.store.chunks()]
    for bad in ("\ufffd", "\u200b", "\u200c", "\u200d", "\u200e", "\u202a", "\u00ad", "\u00a0",
                "ﬁ", "ﬂ", "ﬃ", "Â", "\r", "\uff12"):
        assert not any(bad in t for t in texts), repr(bad)
    assert any("The finance officer reported the flood defence scheme costs £200,000 to the "
               "committee." in t for t in texts)
    for question, found in [
        ("How much was the swimming pool grant?", "£45,000"),
        ("What does the flood defence scheme cost?", "£200,000"),
        ("Who reported the flood defence scheme costs?", "finance officer"),
        ("How much does the cafe lease bring in?", "£2,500"),
        ("What did the bandstand repair cost?", "£8,000"),
        ("What is the final figure for burial fees?", "final figure for burial fees is £ 310"),
    ]:
        assert found in fresh_assistant.ask(question).text, question


def _dejavu() -> str:
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.fail(f"no {font}: install Debian's fonts-dejavu-core", pytrace=False)
    return str(font)
