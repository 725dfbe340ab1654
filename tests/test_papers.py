"""Reading real files of every format, and every kind of bad file."""

from pathlib import Path

import pytest
from docx import Document as Docx
from fpdf import FPDF

from committee_qa.errors import PaperError
from committee_qa.papers import content_hash, read_paper


def make_pdf(path: Path, pages: list[str], title: str = "", password: str = "") -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 8, text)
        else:
            pdf.rect(20, 20, 50, 50)  # a page with a drawing and no text, like a scan
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    pdf.output(str(path))
    return path


def test_pdf_keeps_pages_and_title(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "report.pdf", ["Purpose of the report", "Turnover was 4.82%."],
                    title="Departmental Strategy Review")
    paper = read_paper(path)
    assert paper.title == "Departmental Strategy Review"
    assert paper.page_at(paper.text.index("Purpose")) == 1
    assert paper.page_at(paper.text.index("4.82%")) == 2


def test_encrypted_pdf_is_refused_with_clear_message(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "secret.pdf", ["Exempt information"], password="pw")
    with pytest.raises(PaperError, match=r"secret\.pdf: the PDF is encrypted; save an "
                                         r"unencrypted copy"):
        read_paper(path)


def test_truncated_pdf_is_refused_with_clear_message(tmp_path: Path) -> None:
    whole = make_pdf(tmp_path / "whole.pdf", ["Some text here"] * 3).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(PaperError, match=r"cut\.pdf: .*(not a readable PDF|no text layer)"):
        read_paper(path)


def test_scanned_pdf_without_text_says_it_needs_ocr(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "scan.pdf", [""])
    with pytest.raises(PaperError, match=r"scan\.pdf: has no text layer .* needs OCR"):
        read_paper(path)


def test_docx_headings_become_markdown_and_tables_are_read(tmp_path: Path) -> None:
    doc = Docx()
    doc.core_properties.title = "Highways Committee minutes"
    doc.add_heading("7 Potholes", level=1)
    doc.add_paragraph("RESOLVED to note the report.")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Repairs"
    table.rows[0].cells[1].text = "6,250"
    doc.save(tmp_path / "minutes.docx")
    paper = read_paper(tmp_path / "minutes.docx")
    assert paper.title == "Highways Committee minutes"
    assert "# 7 Potholes\n\nRESOLVED to note the report." in paper.text
    assert "Repairs | 6,250" in paper.text


def test_corrupt_docx_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.docx").write_bytes(b"this is not a zip file")
    with pytest.raises(PaperError, match=r"bad\.docx: is not a readable Word document"):
        read_paper(tmp_path / "bad.docx")


def test_html_text_without_scripts(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><head><title>Agenda</title><script>alert('x')</script></head><body>"
        "<h2>Item 4</h2><p>Budget monitoring.</p><ul><li>First point</li></ul>"
        "<script>document.write('y')</script></body></html>", encoding="utf-8")
    paper = read_paper(tmp_path / "page.html")
    assert paper.title == "Agenda"
    assert "## Item 4" in paper.text and "- First point" in paper.text
    assert "alert" not in paper.text and "document.write" not in paper.text


def test_windows_1252_text_keeps_pound_signs(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_bytes("The grant was £5,000 – agreed.".encode("cp1252"))
    assert read_paper(tmp_path / "old.txt").text == "The grant was £5,000 – agreed."


def test_ligatures_and_zero_width_characters_are_normalised(tmp_path: Path) -> None:
    (tmp_path / "odd.md").write_text("# Oﬃcers\n\nThe ﬁnance\u200b oﬃcer re\u00adported.",
                                     encoding="utf-8")
    paper = read_paper(tmp_path / "odd.md")
    assert paper.title == "Officers"
    assert "The finance officer reported." in paper.text


def test_bad_files_name_the_file_and_the_reason(tmp_path: Path) -> None:
    cases = {
        "empty.txt": (b"", "the file is empty"),
        "junk.txt": (b"\x00\x01binary\x00", "binary file"),
        "blank.md": (b"   \n\n  ", "no text found"),
        "sheet.xlsx": (b"PK", "unsupported file type '.xlsx'"),
    }
    for name, (data, reason) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(PaperError) as error:
            read_paper(tmp_path / name)
        assert str(error.value).startswith(f"{name}: ") and reason in str(error.value)
    with pytest.raises(PaperError, match="missing.txt: cannot be read"):
        read_paper(tmp_path / "missing.txt")


def test_title_falls_back_to_a_readable_file_name(tmp_path: Path) -> None:
    path = tmp_path / "city-cyp-scrutiny-2017-09-19-agenda-pack.txt"
    path.write_text("NOTTINGHAM CITY COUNCIL\n\nAgenda\n")
    assert read_paper(path).title == "City cyp scrutiny 2017-09-19 agenda pack"


def test_content_hash_follows_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("one")
    first = content_hash(path)
    assert content_hash(path) == first
    path.write_text("two")
    assert content_hash(path) != first
