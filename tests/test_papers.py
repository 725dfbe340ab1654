"""Reading real files of every format, and every kind of bad file, into papers."""

import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document as Docx
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from committee_qa.errors import PaperError
from committee_qa.papers import (
    MAX_PAPER_BYTES,
    check_supported,
    content_hash,
    ocr_available,
    read_paper,
)
from committee_qa.papers.garbled import repair_garbled
from committee_qa.papers.layout import (
    drop_running_lines,
    join_drop_capitals,
    join_wrapped_lines,
    vocabulary,
)
from committee_qa.papers.tables import table_rows
from committee_qa.papers.text import normalise
from conftest import CITY, COUNTY, SAMPLES


def make_pdf(path: Path, pages: list[str], title: str = "", user_password: str | None = None
             ) -> Path:
    """A real PDF with one page per string; an empty string makes a page with only a drawing."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 8, text)
        else:
            pdf.rect(20, 20, 50, 50)  # a drawing and no text, as a scan has
    if user_password is not None:
        pdf.set_encryption(owner_password="owner", user_password=user_password)
    pdf.output(str(path))
    return path


def make_docx(path: Path) -> Path:
    doc = Docx()
    doc.core_properties.title = "Highways Committee minutes"
    doc.add_heading("7 Potholes", level=1)
    doc.add_paragraph("RESOLVED to note the report.")
    doc.add_heading("Repairs by ward", level=2)
    table = doc.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Ward", "Repairs", "Cost"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["Arboretum", "6,250", "£40,000"]):
        cell.text = text
    doc.add_paragraph("The table above covers 2019-20.")
    doc.save(str(path))
    return path


def refusal(path: Path, max_bytes: int = MAX_PAPER_BYTES) -> str:
    """The message of the PaperError that reading `path` raises."""
    with pytest.raises(PaperError) as caught:
        read_paper(path, max_bytes=max_bytes)
    assert caught.value.source == path.name
    message = str(caught.value)
    assert "\n" not in message  # one line for a person
    return message


# PDF


def test_pdf_text_and_title_come_from_the_text_layer_and_metadata(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "report.pdf", ["Purpose of the Report", "Turnover was 4.82%."],
                    title="Departmental Strategy Review")
    paper = read_paper(path)
    assert paper.source == "report.pdf"
    assert paper.title == "Departmental Strategy Review"
    assert "Purpose of the Report" in paper.text and "Turnover was 4.82%." in paper.text


def test_pdf_page_starts_give_the_page_of_text_on_page_two(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "report.pdf",
                    ["Purpose of the Report", "Turnover was 4.82%.", "Background papers"])
    paper = read_paper(path)
    assert len(paper.page_starts) == 3 and paper.page_starts[0] == 0
    assert paper.text[paper.page_starts[1]:].startswith("Turnover was 4.82%.")
    assert paper.page_at(paper.text.index("Purpose")) == 1
    assert paper.page_at(paper.text.index("4.82%")) == 2
    assert paper.page_at(paper.text.index("Background")) == 3
    assert paper.text == "Purpose of the Report\n\nTurnover was 4.82%.\n\nBackground papers"


def test_pdf_page_without_text_between_pages_keeps_later_page_numbers(tmp_path: Path) -> None:
    paper = read_paper(make_pdf(tmp_path / "pack.pdf", ["Agenda", "", "Minutes"]))
    assert paper.text == "Agenda\n\nMinutes"
    assert paper.page_at(paper.text.index("Agenda")) == 1
    assert paper.page_at(paper.text.index("Minutes")) == 3


def test_pdf_with_empty_user_password_is_read(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked-for-editing.pdf", ["Exempt from nothing"],
                    user_password="")
    assert "Exempt from nothing" in read_paper(path).text


def test_encrypted_pdf_is_refused_with_clear_message(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "secret.pdf", ["Exempt information"], user_password="pw")
    assert refusal(path) == ("secret.pdf: the PDF is encrypted; save an unencrypted copy and "
                             "ingest that")


def test_truncated_pdf_is_refused_as_corrupt(tmp_path: Path) -> None:
    whole = make_pdf(tmp_path / "whole.pdf", ["Some text here"] * 3).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    message = refusal(path)
    assert message.startswith("cut.pdf: is not a readable PDF (corrupt or truncated): ")
    assert message.endswith("; re-export it from the original")


def test_web_page_saved_as_pdf_is_refused_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "download.pdf"
    path.write_text("<html><body>404 Not Found</body></html>")
    assert refusal(path) == ("download.pdf: is a web page saved as .pdf, not a PDF (a download "
                             "that led to an error page?); download the PDF again")


# PDF as a person reads it: broken character maps, running heads, wrapped lines


def glyph_number_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF whose font (Identity-H, no ToUnicode map) gives glyph numbers for characters,
    as a TrueType font subset does: 'T' is glyph 55, the space glyph 3, '’' glyph 182."""
    glyphs = {"’": 182, "–": 177, "“": 179, "”": 180}
    ops = ["BT /F1 11 Tf 72 720 Td 14 TL"]
    for line in lines:
        codes = "".join(f"{glyphs.get(c, ord(c) - 29):04X}" for c in line)
        ops.append(f"<{codes}> Tj T*")
    return one_page_pdf(path, "\n".join([*ops, "ET"]).encode(), [
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEE+Calibri /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEE+Calibri /DW 500"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"])


def one_page_pdf(path: Path, stream: bytes, fonts: list[bytes]) -> Path:
    """A one-page PDF written object by object: its content `stream`, and font F1 (object
    5) with the objects it refers to (6 on)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        *fonts,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_pdf_font_giving_glyph_numbers_is_read_as_its_words(tmp_path: Path) -> None:
    lines = ["That the Clerk’s Report – “Allotments” – be received and noted.",
             "Resolved that the committee approves the budget for the year."]
    path = glyph_number_pdf(tmp_path / "minutes.pdf", lines)
    assert read_paper(path).text == "\n".join(lines)


def word_by_word_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF that places every word on its own in a page space turned upside down, as
    Google Docs' renderer (Skia) writes them: pypdf reads it one word to a line."""
    ops = ["1 0 0 -1 0 792 cm"]
    for n, line in enumerate(lines):
        ops.append(f"q .75 0 0 .75 72 {72 + 16 * n} cm")
        x = 0.0
        for word in line.split():
            ops.append(f"BT /F1 12 Tf 1 0 0 -1 {x:.2f} .5 Tm 0 -11.3 Td ({word}) Tj ET")
            x += 7.2 * (len(word) + 1)  # Courier's advance: 0.6 of its size
        ops.append("Q")
    return one_page_pdf(path, "\n".join(ops).encode("latin-1"),
                        [b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"])


def test_pdf_read_one_word_to_a_line_is_read_again_in_lines(tmp_path: Path) -> None:
    if not shutil.which("pdftotext"):  # a skip would hide the failure: make test installs it
        pytest.fail("needs Poppler's pdftotext: run `make ocr` (Debian's poppler-utils)",
                    pytrace=False)
    lines = ["Voting Hearing Agenda", "March 30, 2023"] + [
        f"{n}. The licence of Corner Cafe number {n} was granted" for n in range(1, 12)]
    text = read_paper(word_by_word_pdf(tmp_path / "voting.pdf", lines)).text
    assert "1. The licence of Corner Cafe number 1 was granted" in text.split("\n")
    assert "March 30, 2023" in text.split("\n")


def test_a_large_first_letter_on_its_own_line_is_put_back_on_its_word() -> None:
    page = ("H\nISTORIC DISTRICT COMMISSION\nM\nINUTES\nA\nNEW ITEM\nThe new item was the "
            "historic house.")
    again = frozenset({"new", "item", "historic", "the"})
    assert join_drop_capitals(page, again).split("\n")[:3] == [
        "HISTORIC DISTRICT COMMISSION", "MINUTES", "A"]


def test_text_shifted_by_a_constant_is_shifted_back() -> None:
    assert repair_garbled("7KDW\x03WKH\x03&OHUN¶V\x035HSRUW\x03EH\x03UHFHLYHG\x03DQG\x03WKDW"
                          "\x03WKH\x03FRXQFLO\x03DSSURYHV\x03WKH\x03SODQ\x11\nMayor: Tom Piper"
                          ) == ("That the Clerk’s Report be received and that the council "
                                "approves the plan.\nMayor: Tom Piper")
    shifted = "".join(chr(ord(c) + 3) if c.isalpha() else c for c in
                      "the report of the director was noted and the recommendations agreed")
    assert repair_garbled(shifted) == ("the report of the director was noted and the "
                                       "recommendations agreed")


@pytest.mark.parametrize("text", [
    "CAPITAL BUDGET AND ASSET MANAGEMENT FORECAST\nRESERVES PLANNING",
    "R2023-001 S. Kirkey, T. Butler:\nR2023-002 D. Yemm, S. Foote:\nCroskery-Hodgins.",
    "2025 Replace Municipal Admin Vehicle $45,000 Taxes\n2026 Paint Interior $7,500 Taxes",
    "Nantyrhibo, Llandeilo, Cwmifor, Penybanc, Ffairfach, Rhosmaen\nGwenfyl Evans, Owen Llwyd",
    "- Mrs Jane Davies, Clerk’s June Salary, Cheque No 1372 £450.00",
])
def test_real_text_is_never_shifted(text: str) -> None:
    assert repair_garbled(text) == text


class _HeadedPDF(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", size=9)
        self.cell(0, 6, f"Township of Ashby - Council Minutes - 3 January {2023}")
        self.ln(10)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 6, f"Page {self.page_no()} of 4", align="C")


def test_running_heads_and_page_numbers_are_dropped_and_pages_kept(tmp_path: Path) -> None:
    pdf = _HeadedPDF()
    for n in range(1, 5):
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 8, f"Minute {n}. The council noted item {n}.")
    pdf.output(str(tmp_path / "minutes.pdf"))
    paper = read_paper(tmp_path / "minutes.pdf")
    assert paper.text.count("Township of Ashby") == 1  # kept where it first stands
    assert "Page" not in paper.text and " of 4" not in paper.text
    assert paper.text.startswith("Township of Ashby - Council Minutes - 3 January 2023\n")
    assert [paper.page_at(paper.text.index(f"Minute {n}.")) for n in range(1, 5)] == [1, 2, 3, 4]


def test_head_naming_its_page_is_dropped_from_the_second_page_on() -> None:
    pages = ["MINUTES\nThe meeting began at 6:30 p.m.", "Page 2 – Minutes – January 3, 2023\n\n"
             "That the minutes be adopted.", "January 3, 2023 – Minutes – Page 3\nCarried.\n3"]
    assert drop_running_lines(pages) == ["MINUTES\nThe meeting began at 6:30 p.m.",
                                         "\nThat the minutes be adopted.", "Carried."]


def test_lone_numbers_that_do_not_count_the_pages_stay() -> None:
    pages = ["YEAR ESTIMATE\n2024\n45", "YEAR ESTIMATE\n2025\n7"]
    assert drop_running_lines(pages) == pages


WRAPPED = """A regular meeting of the Township of Ashby Council was held on Tuesday, January 3, at
6:30 p.m. in the Community Centre, where the Clerk presented a report which was recom-
mended for adoption by the Land Planning and Technology Administrator-
Deputy Treasurer, with the well-being of residents in mind and the decision-
making of the council open to all, as per the Municipal Act and the
2021 Census figures.
R2023-001 S. Kirkey, T. Butler:
That the minutes of the Council meeting held December 20, 2022, be adopted as
published.  Carried.
1. That this Council does approve "in principle" the Application to purchase the
2. Shore Road Allowance located in front of the lot, and the following conditions:
• The Council shall select an independent search firm specializing in fishery issues and
environmental issues to complete an independent investigation.
COMMITTEE REPORTS
Mayor: Eastholme Home for the Aged"""


def test_lines_wrapped_mid_sentence_are_joined_and_broken_words_made_whole() -> None:
    words = vocabulary(WRAPPED + "\nThe decision, the making.")  # the rest of the paper
    assert join_wrapped_lines(WRAPPED, words).split("\n") == [
        "A regular meeting of the Township of Ashby Council was held on Tuesday, January 3, at "
        "6:30 p.m. in the Community Centre, where the Clerk presented a report which was "
        "recommended for adoption by the Land Planning and Technology Administrator-Deputy "
        "Treasurer, with the well-being of residents in mind and the decision-making of the "
        "council open to all, as per the Municipal Act and the 2021 Census figures.",
        "R2023-001 S. Kirkey, T. Butler:",
        "That the minutes of the Council meeting held December 20, 2022, be adopted as "
        "published.  Carried.",
        '1. That this Council does approve "in principle" the Application to purchase the',
        "2. Shore Road Allowance located in front of the lot, and the following conditions:",
        "• The Council shall select an independent search firm specializing in fishery issues "
        "and environmental issues to complete an independent investigation.",
        "COMMITTEE REPORTS",
        "Mayor: Eastholme Home for the Aged",
    ]


def test_table_of_short_lines_is_left_as_it_is() -> None:
    table = "YEAR PROJECT ESTIMATE\n2024 Pick Up Truck Year 5 of 5\nUTV Year 5 of 5\n$150,000"
    assert join_wrapped_lines(table) == table


TABLE = [("YEAR", "PROJECT DESCRIPTION", "ESTIMATE", "METHOD"),
         ("2024", "Pick Up Truck Year 5 of 5", "$30,000", "Reserves"),
         ("2025", "Replace Municipal Admin Vehicle", "$45,000", "Taxes"),
         ("2026", "Paint Interior of Building", "$7,500", "Taxes"),
         ("2027", "Auto Extrication Tools", "$75,000", "Reserves"),
         ("2028", "Station 1/Comm Centre Exterior", "$200,000", "Taxation"),
         ("2029", "Pump 2 Year 1 of 5", "$400,000", "Financing"),
         ("2030", "Pick Up Truck Year 1 of 5", "$75,000", "Financing")]


def test_table_drawn_column_by_column_is_read_in_rows(tmp_path: Path) -> None:
    if not shutil.which("pdftotext"):  # a skip would hide the failure: make test installs it
        pytest.fail("needs Poppler's pdftotext: run `make ocr` (Debian's poppler-utils)",
                    pytrace=False)
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for column, x in enumerate((15, 35, 110, 140)):  # the text layer holds one cell a line
        for n, row in enumerate(TABLE):
            pdf.text(x, 30 + 8 * n, row[column])
    pdf.output(str(tmp_path / "forecast.pdf"))
    lines = read_paper(tmp_path / "forecast.pdf").text.split("\n")
    assert "2025   Replace Municipal Admin Vehicle   $45,000   Taxes" in lines
    assert "YEAR   PROJECT DESCRIPTION   ESTIMATE   METHOD" in lines


SIDE_BY_SIDE = """\
       LANDFILL CAPITAL AND RESERVES
                  LANDFILL CAPITAL FORECAST
YEAR   PROJECT DESCRIPTION        ESTIMATE                 LANDFILL RESERVES PLAN
2024                                            YEAR   RESERVE DESCRIPTION              AMOUNT
2025                                            2024   Closure/Rehabilitation Reserve   $25,000
2026                                            2025   Closure/Rehabilitation Reserve   $25,000
2027   Bear Creek Landfill        $609,045.59   2026   Closure/Rehabilitation Reserve   $25,000
       Closure or Rehabilitation                2027   Closure/Rehabilitation Reserve   $30,000
2028                                            2028   Closure/Rehabilitation Reserve   $30,000"""


def test_two_tables_side_by_side_are_read_one_after_the_other() -> None:
    assert table_rows(SIDE_BY_SIDE).split("\n") == [
        "LANDFILL CAPITAL AND RESERVES", "LANDFILL CAPITAL FORECAST",
        "YEAR   PROJECT DESCRIPTION   ESTIMATE", "2024", "2025", "2026",
        "2027   Bear Creek Landfill   $609,045.59", "Closure or Rehabilitation", "2028", "",
        "LANDFILL RESERVES PLAN", "YEAR   RESERVE DESCRIPTION   AMOUNT",
        "2024   Closure/Rehabilitation Reserve   $25,000",
        "2025   Closure/Rehabilitation Reserve   $25,000",
        "2026   Closure/Rehabilitation Reserve   $25,000",
        "2027   Closure/Rehabilitation Reserve   $30,000",
        "2028   Closure/Rehabilitation Reserve   $30,000",
    ]


def test_one_table_is_never_parted_at_its_own_columns() -> None:
    table = "\n".join(f"{year}   Pick Up Truck Year {n} of 5        $30,000   Reserves"
                      for n, year in enumerate(range(2024, 2030)))
    assert table_rows(table) == table.replace("        ", "   ")


def test_sentence_running_over_a_page_end_is_not_cut(tmp_path: Path) -> None:
    wrap = "The council noted that the processing of the application would take time and"
    paper = read_paper(make_pdf(tmp_path / "minutes.pdf", [wrap, "cost more than planned."]))
    assert paper.text == wrap + "\ncost more than planned."
    assert paper.page_at(paper.text.index("cost more")) == 2


def test_soft_hyphen_ending_a_line_makes_the_word_whole() -> None:
    assert normalise("the recom\u00ad\nmendation was agreed") == "the recommendation was agreed"


def scanned_page(lines: list[str]) -> Image.Image:
    """An A4 page at 150 dpi with `lines` in large black type: what a scanner makes."""
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=44)  # Pillow's own FreeType font: no system fonts
    for n, line in enumerate(lines):
        draw.text((100, 120 + 70 * n), line, font=font, fill=0)
    return page


def make_scanned_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF holding only an image of the text, no text layer."""
    scanned_page(lines).save(path, "PDF", resolution=150)
    return path


def require_ocr() -> None:
    if not ocr_available():
        pytest.fail("OCR is not installed: run `make ocr` (Debian's tesseract-ocr and "
                    "poppler-utils)", pytrace=False)


def test_scanned_pdf_is_read_by_ocr(tmp_path: Path) -> None:
    require_ocr()
    path = make_scanned_pdf(tmp_path / "scan.pdf", [
        "Winter Maintenance", "", "The council filled 318 grit bins before",
        "the first frost of the winter."])
    paper = read_paper(path)
    assert paper.text.startswith("Winter Maintenance")
    assert "The council filled 318 grit bins before\nthe first frost of the winter." in paper.text
    assert paper.page_starts == (0,)


def test_scan_with_only_a_page_stamp_as_text_is_read_by_ocr(tmp_path: Path) -> None:
    # Publishing portals stamp "Page 23" as text over the scanned pages of an agenda pack.
    require_ocr()
    image = tmp_path / "scan.png"
    scanned_page(["Appendix 2: Gritting Routes", "", "Route 7 covers Hucknall and",
                  "Bestwood Village."]).save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=0, y=0, w=210)
    pdf.set_font("Helvetica", size=10)
    pdf.text(100, 290, "Page 23")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Background papers: none.")
    pdf.output(str(tmp_path / "pack.pdf"))
    paper = read_paper(tmp_path / "pack.pdf")
    assert "Route 7 covers Hucknall and\nBestwood Village." in paper.text
    assert paper.page_at(paper.text.index("Route 7")) == 1
    assert paper.text.endswith("Background papers: none.")
    assert paper.page_at(paper.text.index("Background")) == 2


def test_scanned_pdf_without_ocr_installed_says_it_needs_ocr(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_scanned_pdf(tmp_path / "scan.pdf", ["Winter Maintenance"])
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    assert not ocr_available()
    assert refusal(path) == ("scan.pdf: has no text layer (a scanned PDF?); it needs OCR before "
                             "it can be ingested: install tesseract-ocr and poppler-utils (make "
                             "ocr) and ingest it again")


def test_pdf_of_blank_pages_says_ocr_found_nothing(tmp_path: Path) -> None:
    require_ocr()
    path = make_pdf(tmp_path / "blank.pdf", ["", ""])
    assert refusal(path) == ("blank.pdf: has no text layer and OCR found no text on its pages "
                             "(blank or unreadable scans?); check it is the paper you meant, or "
                             "ingest a copy with a text layer")


def test_pdf_title_that_is_a_word_file_name_falls_back_to_the_file_name(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "budget-report-2020-02-10.pdf", ["Budget"],
                    title="Microsoft Word - Report template v3.docx")
    assert read_paper(path).title == "Budget report 2020-02-10"


# Word


def test_docx_headings_become_markdown_lines(tmp_path: Path) -> None:
    paper = read_paper(make_docx(tmp_path / "minutes.docx"))
    assert paper.title == "Highways Committee minutes"
    assert paper.text.startswith("# 7 Potholes\n\nRESOLVED to note the report.\n\n")
    assert "\n## Repairs by ward\n" in paper.text
    assert paper.page_starts == ()


def test_docx_table_rows_are_read_in_body_order(tmp_path: Path) -> None:
    text = read_paper(make_docx(tmp_path / "minutes.docx")).text
    assert ("## Repairs by ward\n\nWard | Repairs | Cost\n\nArboretum | 6,250 | £40,000\n\n"
            "The table above covers 2019-20.") in text


def test_docx_merged_table_cell_is_read_once(tmp_path: Path) -> None:
    doc = Docx()
    table = doc.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Total"
    table.cell(0, 2).text = "£1,200"
    doc.save(str(tmp_path / "totals.docx"))
    assert read_paper(tmp_path / "totals.docx").text == "Total | £1,200"


def test_corrupt_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(b"this is not a zip file")
    assert refusal(path).startswith("bad.docx: is not a readable Word document (.docx)")


def test_old_doc_renamed_to_docx_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    message = refusal(path)
    assert "is not a readable Word document (.docx)" in message and "save it as .docx" in message


# HTML

PAGE = """<!DOCTYPE html>
<html><head><title>Agenda: Highways Committee</title>
<style>body { color: red }</style></head>
<body><script>alert(1)</script><noscript>Enable JavaScript</noscript>
<h1>Agenda</h1>
<!-- a comment -->
<h2>
   Item 4
</h2>
<p>Budget   monitoring
   report.</p>
<ul><li>
   First point</li><li>Second point</li></ul>
<table><tr><th>Ward</th><th>Repairs</th></tr><tr><td>Arboretum</td><td>6,250</td></tr></table>
<div>Contact the governance officer.</div>
</body></html>"""


def test_html_becomes_text_with_markdown_headings_and_bullets(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    paper = read_paper(tmp_path / "page.html")
    assert paper.title == "Agenda: Highways Committee"
    assert paper.text == ("# Agenda\n\n## Item 4\n\nBudget monitoring report.\n\n"
                          "- First point\n- Second point\n\n"
                          "Ward | Repairs\nArboretum | 6,250\n\n"
                          "Contact the governance officer.")


def test_html_script_style_and_comments_are_dropped(tmp_path: Path) -> None:
    (tmp_path / "page.htm").write_text(PAGE, encoding="utf-8")
    text = read_paper(tmp_path / "page.htm").text
    for absent in ("alert", "color", "Enable JavaScript", "comment", "<", "DOCTYPE"):
        assert absent not in text


def test_html_with_unclosed_head_keeps_its_body(tmp_path: Path) -> None:
    (tmp_path / "sloppy.html").write_text(
        "<html><head><title>Minutes</title><body><p>RESOLVED to approve.</p></body></html>")
    paper = read_paper(tmp_path / "sloppy.html")
    assert (paper.title, paper.text) == ("Minutes", "RESOLVED to approve.")


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    (tmp_path / "old.html").write_bytes(
        '<html><head><meta charset="iso-8859-1"></head><body><p>A grant of £5,000 – agreed.</p>'
        "</body></html>".encode("cp1252"))
    assert read_paper(tmp_path / "old.html").text == "A grant of £5,000 – agreed."


SITE = """<html><head><title>Minutes – February 6, 2018</title></head><body>
<a class="skip-link" href="#content">Skip to content</a>
<header id="masthead" role="banner"><nav role="navigation"><ul>
<li><a href="/">Home</a></li><li><a href="/about">About</a><ul class="sub-menu">
<li><a href="/map">Map &amp; Directions</a></li></ul></li><li><a href="/tax">Tax Info</a></li>
</ul></nav></header>
<div class="mobile-menu"><ul><li><a href="/">Home</a></li><li><a href="/b">Bids and Tenders</a>
</li><li><a href="/c">By-Laws</a></li></ul></div>
<article><header class="entry-header"><h1>Minutes – February 6, 2018</h1></header>
<p>RESOLVED to approve the <a href="/budget">budget</a>.</p>
<ul><li><a href="/a.pdf">Appendix A</a></li><li><a href="/b.pdf">Appendix B</a></li>
<li><a href="/c.pdf">Appendix C</a></li></ul></article>
<aside role="complementary"><h3>Township Weather</h3></aside>
<footer id="colophon" role="contentinfo">© 2026 Ashby Township</footer>
</body></html>"""


def test_html_site_navigation_banners_and_sidebars_are_dropped(tmp_path: Path) -> None:
    (tmp_path / "minutes.html").write_text(SITE, encoding="utf-8")
    assert read_paper(tmp_path / "minutes.html").text == (
        "# Minutes – February 6, 2018\n\nRESOLVED to approve the budget.\n\n"
        "- Appendix A\n- Appendix B\n- Appendix C")


def test_a_header_holding_the_pages_only_title_is_the_papers_own(tmp_path: Path) -> None:
    # A meeting system's agenda page: the body, the meeting and the date in the <header>.
    (tmp_path / "agenda.html").write_text(
        "<html><body><div><header><nav><ul><li><a href='/'>Home</a></li><li><a href='/m'>"
        "Meetings</a></li><li><a href='/c'>Contact</a></li></ul></nav>"
        "<h1>Oak Flat Unified School District<br>Regular Meeting of the Board of Education"
        "</h1><p>March 4, 2026</p></header></div><p>1. Call to order</p></body></html>",
        encoding="utf-8")
    assert read_paper(tmp_path / "agenda.html").text == (
        "# Oak Flat Unified School District Regular Meeting of the Board of Education\n\n"
        "March 4, 2026\n\n1. Call to order")


# Plain text and markdown


def test_windows_1252_text_keeps_pound_signs(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_bytes("The grant was £5,000 – agreed.".encode("cp1252"))
    assert read_paper(tmp_path / "old.txt").text == "The grant was £5,000 – agreed."


def test_utf8_bom_and_windows_newlines_are_normalised(tmp_path: Path) -> None:
    (tmp_path / "minutes.txt").write_bytes(
        "\ufeffMinutes  \r\n\r\n\r\n\r\n\r\nRESOLVED to note £5,000.\r\nEnd".encode("utf-8"))
    assert read_paper(tmp_path / "minutes.txt").text == "Minutes\n\nRESOLVED to note £5,000.\nEnd"


def test_utf16_text_from_notepad_is_read(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_bytes("Item 5: £2m grant".encode("utf-16"))
    assert read_paper(tmp_path / "notes.txt").text == "Item 5: £2m grant"


def test_ligatures_and_zero_width_characters_are_normalised(tmp_path: Path) -> None:
    (tmp_path / "odd.md").write_text(
        "# Oﬃcers\n\nThe ﬁnance\u200b oﬃcer re\u00adported\u200d to the com\u200cmittee.\u00a0",
        encoding="utf-8")
    paper = read_paper(tmp_path / "odd.md")
    assert paper.title == "Officers"
    assert paper.text == "# Officers\n\nThe finance officer reported to the committee."


def test_bidi_marks_combining_accents_and_wide_digits_are_normalised(tmp_path: Path) -> None:
    (tmp_path / "odd.txt").write_text(
        "Caf\u0065\u0301 licence\u200e fee: \u202a£\uff12\uff10\uff10\u202c\u2009per year,"
        " agreed\u2066 by the\u2069 committee\u2060.", encoding="utf-8")
    assert read_paper(tmp_path / "odd.txt").text == (
        "Café licence fee: £200 per year, agreed by the committee.")


def test_utf8_text_with_windows_1252_lines_pasted_in_keeps_every_pound_sign(
        tmp_path: Path) -> None:
    (tmp_path / "joined.txt").write_bytes(
        "The grant was £5,000.\n".encode() + "The loan was £3,000 – repayable.\n".encode("cp1252")
        + "Café costs £200.".encode())
    assert read_paper(tmp_path / "joined.txt").text == (
        "The grant was £5,000.\nThe loan was £3,000 – repayable.\nCafé costs £200.")


def test_markdown_title_is_its_first_top_level_heading(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("Intro line\n\n## Not this\n\n# Budget Scrutiny\n")
    assert read_paper(tmp_path / "notes.md").title == "Budget Scrutiny"


def test_title_falls_back_to_a_readable_file_name(tmp_path: Path) -> None:
    path = tmp_path / "nottingham-city-cyp-scrutiny-2017-09-19-agenda-pack.txt"
    path.write_text("NOTTINGHAM CITY COUNCIL\n\nAgenda\n")
    assert read_paper(path).title == "Nottingham city cyp scrutiny 2017-09-19 agenda pack"
    path = tmp_path / "highways_minutes__2020-01-05.md"
    path.write_text("No heading here.")
    assert read_paper(path).title == "Highways minutes 2020-01-05"


def test_source_names_the_paper_when_given(tmp_path: Path) -> None:
    path = tmp_path / "upload-1234.txt"
    path.write_text("Agenda")
    paper = read_paper(path, source="audit-committee-2021-03-01.txt")
    assert paper.source == "audit-committee-2021-03-01.txt"
    assert paper.title == "Audit committee 2021-03-01"


# Bad files


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "the file is empty"),
    ("empty.pdf", b"", "the file is empty"),
    ("junk.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file, not text"),
    ("junk.html", b"<html>\x00\x01\x02", "looks like a binary file, not text"),
    ("blank.md", b"   \n\n \t \r\n", "no text found in the file"),
    ("high.txt", bytes(range(0x80, 0x100)) * 40, "looks like a binary file, not text"),
    ("junk.md", bytes(range(256)) * 40, "looks like a binary file, not text"),
    ("junk.pdf", bytes(range(255, -1, -1)) * 40,
     "is not a readable PDF (corrupt or truncated): it has no %PDF- header; re-export it"),
    ("headless.pdf", b"%PDF-1.7\n", "is not a readable PDF (corrupt or truncated)"),
    ("junk.docx", bytes(range(256)) * 40, "it is not a Word package; re-save it from Word"),
    ("zipped.docx", None, "is not a readable Word document (.docx): "),
    ("deep.html", b"<div>" * 100_000 + b"Minutes" + b"</div>" * 100_000,
     "the page is nested too deeply to read (thousands of levels); save it as PDF or text"),
    ("marked.html", b"<html><body><p>Minutes</p><![ if !vml ]></body></html>", "is not readable "
     "HTML (ParserRejectedMarkup); save the page again, or as PDF, and ingest that"),
    ("blank.docx", None, "no text found in the file; check it is the paper you meant"),
    ("sheet.xlsx", b"PK", "unsupported file type '.xlsx'; committee-qa reads .txt, .md, .pdf"),
    ("README", b"text", "unsupported file type (no extension)"),
])
def test_bad_file_is_refused_naming_the_file_and_the_reason(
        tmp_path: Path, name: str, data: bytes | None, reason: str) -> None:
    path = tmp_path / name
    if name == "zipped.docx":  # a zip, but not a Word package
        with zipfile.ZipFile(path, "w") as package:
            package.writestr("minutes.txt", "RESOLVED to note the report.")
    elif data is None:
        Docx().save(str(path))
    else:
        path.write_bytes(data)
    message = refusal(path)
    assert message.startswith(f"{name}: ") and reason in message


def test_missing_file_is_refused_with_the_os_message(tmp_path: Path) -> None:
    message = refusal(tmp_path / "missing.txt")
    assert message == ("missing.txt: cannot be read: No such file or directory; check the file "
                       "is there and committee-qa may read it")


def test_file_over_the_size_limit_is_refused_unread_naming_size_and_limit(
        tmp_path: Path) -> None:
    path = tmp_path / "pack.txt"
    path.write_text("The library opened on Sundays.\n" * 100_000)  # 3.0 MB
    assert refusal(path, max_bytes=2**20) == (
        "pack.txt: is 3.0 MB, more than the 1.0 MB a paper may be; split it into smaller "
        "files, or raise COMMITTEE_QA_MAX_PAPER_MB")
    assert "Sundays" in read_paper(path, max_bytes=4 * 2**20).text


def test_folder_named_like_a_paper_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    assert refusal(tmp_path / "folder.txt") == ("folder.txt: cannot be read: Is a directory; "
                                                "check the file is there and committee-qa may "
                                                "read it")


# Identity, interface and the sample papers


def test_content_hash_is_the_sha256_of_the_bytes_and_follows_them(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    data = b"minutes " * 300_000  # more than one 1 MiB block
    path.write_bytes(data)
    first = content_hash(path)
    assert first == hashlib.sha256(data).hexdigest() == content_hash(path)
    path.write_bytes(data + b".")
    assert content_hash(path) != first


def write_paper(path: Path, sentence: str) -> Path:
    """A real file of the format its suffix names, holding `sentence`."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return make_pdf(path, [sentence])
    if suffix == ".docx":
        doc = Docx()
        doc.add_paragraph(sentence)
        doc.save(str(path))
    elif suffix in (".html", ".htm"):
        path.write_text(f"<html><body><p>{sentence}</p></body></html>")
    else:
        path.write_text(f"{sentence}\n")
    return path


@pytest.mark.parametrize("suffix", [".txt", ".md", ".pdf", ".docx", ".html", ".htm"])
def test_every_format_offered_is_read_whatever_the_case_of_its_suffix(tmp_path: Path,
                                                                    suffix: str) -> None:
    sentence = "The allotment waiting list is 412 people."
    for name in (f"paper{suffix}", f"PAPER{suffix.upper()}"):
        assert sentence in read_paper(write_paper(tmp_path / name, sentence)).text
        check_supported(tmp_path / name)  # ingest finds it, as read_paper reads it


@pytest.mark.parametrize("name", ["minutes.doc", "budget.xls", "agenda.rtf", "notes.odt",
                                  "scan.tiff", "minutes.txt.bak"])
def test_a_suffix_no_reader_takes_is_refused_naming_the_formats_read(tmp_path: Path,
                                                                    name: str) -> None:
    suffix = Path(name).suffix
    message = refusal(write_paper(tmp_path / name, "The allotment waiting list is 412."))
    assert message == (f"{name}: unsupported file type '{suffix}'; committee-qa reads .txt, "
                       ".md, .pdf, .docx, .html: save it as one of those")
    with pytest.raises(PaperError):
        check_supported(tmp_path / name)


def test_importing_papers_loads_no_format_library() -> None:
    code = ("import sys, committee_qa.papers; "
            "print(sorted(m for m in ('pypdf', 'docx', 'bs4') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={"PYTHONPATH": str(Path(__file__).parents[1] / "src")})
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(("name", "known", "title"), [
    (COUNTY, "38 new social work staff",
     "Nottinghamshire cyp committee 2020-02-10 departmental strategy review"),
    (CITY, "RESOLVED to thank Nick Lee", "Nottingham city cyp scrutiny 2017-09-19 agenda pack"),
])
def test_sample_papers_are_read_whole(name: str, known: str, title: str) -> None:
    paper = read_paper(SAMPLES / name)
    assert paper.source == name and paper.title == title
    assert known in paper.text
    assert paper.page_starts == () and paper.page_at(0) is None
    assert "\r" not in paper.text and "\n\n\n" not in paper.text
