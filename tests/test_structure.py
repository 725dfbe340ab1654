"""Agenda packs split into their documents, with the meeting each belongs to."""

import json
from pathlib import Path

import pytest

from committee_qa.chunking import chunk_paper
from committee_qa.errors import PaperError
from committee_qa.meeting import council_name, numeric_date, source_council, source_hints
from committee_qa.papers import read_paper, read_sidecar
from committee_qa.render import answer_dict, place
from committee_qa.schema import Paper
from committee_qa.structure import iso_date, split_pack
from conftest import CITY, COUNTY, SAMPLES


def test_the_sample_pack_splits_into_agenda_minutes_reports_and_their_papers() -> None:
    paper = read_paper(SAMPLES / CITY)
    documents = split_pack(paper.text)
    assert [(d.doc_type, d.item) for d in documents] == [
        ("agenda", ""), ("minutes", ""),
        ("report", "4"), ("appendix", "4"),
        ("report", "5"), ("appendix", "5"),
        ("report", "6"), ("appendix", "6"),
    ]
    agenda, minutes, *_ = documents
    assert {d.council for d in documents} == {"Nottingham City Council"}
    assert {d.committee for d in documents} == {"Children and Young People Scrutiny Committee"}
    assert {d.meeting_date for d in documents} == {"2017-09-19"}
    assert minutes.minutes_of == "2017-07-18"
    assert minutes.title == "Minutes of the meeting held on 18 July 2017"
    assert paper.text[minutes.start:].startswith("NOTTINGHAM CITY COUNCIL\n\nCHILDREN AND")
    assert "RESOLVED to note the work programme" in paper.text[minutes.start:minutes.end]
    reports = [d for d in documents if d.doc_type == "report"]
    assert [r.item_title for r in reports] == [
        "Ofsted Pilot Inspection of Children's Services – Follow Up Focus on Support for "
        "Care Leavers",
        "Social Worker Recruitment, Retention and Caseload Management",
        "Work Programme 2017/18",
    ]
    assert {r.author for r in reports} == {"Head of Legal and Governance"}
    assert reports[0].contact == "Jane Garrard, Senior Governance Officer"
    appendices = [d for d in documents if d.doc_type == "appendix"]
    assert [a.title for a in appendices] == [
        "Ofsted Inspection of Children's Social Care Services (Pilot)",
        "Social work caseloads and retention",
        "Children and Young People Scrutiny Committee 2017/18 Work Programme",
    ]
    assert appendices[1].contact == "Helen Blackman"
    for before, after in zip(documents, documents[1:]):
        assert before.end <= after.start  # no overlaps
        assert "intentionally left blank" not in paper.text[before.start:before.end]


def test_a_single_report_reads_its_item_date_and_author() -> None:
    [report] = split_pack(read_paper(SAMPLES / COUNTY).text)
    assert (report.doc_type, report.item, report.meeting_date) == ("report", "5", "2020-02-10")
    assert report.author == "Corporate Director, Children and Families"
    assert report.item_title.startswith("Your Nottinghamshire Your Future – Departmental")
    assert report.contact == "Matthew Garrard"
    assert report.council == "" and report.committee == ""  # not in its text: never guessed


def test_sidecar_states_what_the_text_does_not() -> None:
    overrides = read_sidecar(SAMPLES / COUNTY)
    [report] = split_pack(read_paper(SAMPLES / COUNTY).text, overrides)
    assert report.council == "Nottinghamshire County Council"
    assert report.committee == "Children and Young People's Committee"


def test_bad_sidecar_names_the_paper_and_the_file(tmp_path: Path) -> None:
    paper = tmp_path / "minutes.txt"
    paper.write_text("Minutes")
    (tmp_path / "minutes.txt.json").write_text('{"meeting_date": "18/07/2017"}')
    with pytest.raises(PaperError, match=r"minutes.txt: its metadata file minutes.txt.json "
                                         r"gives meeting_date '18/07/2017'; write the date as "
                                         r"YYYY-MM-DD"):
        read_sidecar(paper)
    (tmp_path / "minutes.txt.json").write_text(json.dumps({"comittee": "Typo"}))
    with pytest.raises(PaperError, match="unknown field.*comittee"):
        read_sidecar(paper)


def test_minute_chunks_know_their_minute_and_point() -> None:
    chunks = chunk_paper(read_paper(SAMPLES / CITY), "d")
    exam = next(c for c in chunks if "Exam results are improving" in c.text)
    assert (exam.doc_type, exam.meeting_date, exam.item) == ("minutes", "2017-07-18", "13")
    assert exam.item_title == "Post Ofsted Improvement Journey"
    trust = next(c for c in chunks if "RESOLVED to thank Nick Lee" in c.text)
    assert trust.item == "15" and trust.item_title == "Education Trust Update"
    care = next(c for c in chunks if "tenacious enough" in c.text)
    assert (care.doc_type, care.item, care.paragraph) == ("report", "4", "3.2")
    assert all(c.doc_type for c in chunks)


def test_citations_name_the_place(sample_assistant) -> None:
    answer = sample_assistant.ask("What did the committee resolve on the Education Trust?")
    assert answer.sentences[0].text.startswith("RESOLVED to thank Nick Lee")
    first = answer.citations[0]
    assert place(first).startswith("Minutes — Children and Young People Scrutiny Committee "
                                   "(Nottingham City Council), 18 July 2017, minute 15")
    data = answer_dict(answer)["citations"][0]
    assert (data["doc_type"], data["meeting_date"], data["item"]) == (
        "minutes", "2017-07-18", "15")
    county = sample_assistant.ask("How many new social work staff were recruited?")
    cited = next(c for c in county.citations if c.source == COUNTY)
    assert place(cited).startswith("Report — Children and Young People's Committee "
                                   "(Nottinghamshire County Council), 10 February 2020, item 5")


def test_dates_are_read_as_written_in_papers() -> None:
    assert iso_date("Tuesday, 19 September 2017") == "2017-09-19"
    assert iso_date("10th February 2020") == "2020-02-10"
    assert iso_date("on 31 February 2020") == ""
    assert iso_date("no date here") == ""


def test_dates_are_read_in_the_forms_councils_everywhere_write_them() -> None:
    assert iso_date("Thursday, June 4, 1998 7:00 p.m.") == "1998-06-04"
    assert iso_date("ON MONDAY, 24TH JULY, 2017, AT 3.00P.M.") == "2017-07-24"
    assert iso_date("WAS HELD THIS 12TH DAY OF JANUARY, 2011") == "2011-01-12"
    assert iso_date("HELD ON WEDNESDAY 20 th SEPTEMBER 2017") == "2017-09-20"
    assert iso_date("Monday 1st October, 2012") == "2012-10-01"
    assert iso_date("February 30, 2020") == ""


def test_numeric_dates_are_read_only_where_the_order_is_settled() -> None:
    assert numeric_date("27/08/2020", None) == "2020-08-27"  # 27 cannot be a month
    assert numeric_date("03/06/2020", None) == ""  # 3 June or 6 March: not guessed
    assert numeric_date("03/06/2020", True) == "2020-06-03"
    assert numeric_date("03/06/2020", False) == "2020-03-06"
    assert numeric_date("13/13/2020", True) == ""
    notes = "Notes of the meeting\n\nMeeting Date: 03/06/2020\n\nPresent: Cllr A\n"
    [document] = split_pack(notes)
    assert document.meeting_date == ""
    [document] = split_pack(notes + "\nThe next meeting will be on 1 July 2020.\n")
    assert document.meeting_date == "2020-06-03"  # the paper writes its dates day first


def test_council_names_are_read_by_their_pattern_not_from_a_list() -> None:
    named = {
        "Little Snoring Parish Council": "Little Snoring Parish Council",
        "EASTBURY TOWN COUNCIL": "Eastbury Town Council",
        "London Borough of Hammersmith & Fulham": "London Borough of Hammersmith & Fulham",
        "Royal Borough of Kingston upon Thames": "Royal Borough of Kingston upon Thames",
        "Shropshire and Wrekin Fire and Rescue Authority":
            "Shropshire and Wrekin Fire and Rescue Authority",
        "Peak District National Park Authority": "Peak District National Park Authority",
        "West Mercia Police and Crime Panel": "West Mercia Police and Crime Panel",
        "THE CORPORATION OF THE MUNICIPALITY OF WESTFIELD P.O. Box 160":
            "Municipality of Westfield",
        "CITY OF RIVERTON, OREGON": "City of Riverton",
        "Wattle Creek Shire Council": "Wattle Creek Shire Council",
        "Rhondda Cynon Taf County Borough Council": "Rhondda Cynon Taf County Borough Council",
        "Gwynedd Council": "Gwynedd Council",
        "Limerick City and County Council": "Limerick City and County Council",
        # Welsh councils head their papers in both languages, Welsh first
        "CYNGOR CYMUNED\nLLANSANFFRAID GLAN CONWY\nCOMMUNITY COUNCIL":
            "Llansanffraid Glan Conwy Community Council",
        "Cyngor Tref Llandeilo Town Council": "Llandeilo Town Council",
        "Cyngor Sir Ceredigion County Council": "Ceredigion County Council",
        "Dinas Powys Community Council": "Dinas Powys Community Council",
        "March Town Council": "March Town Council",  # a month may open a name
        "Official Journal of the City of Westmoreland August the Ninth":
            "City of Westmoreland",  # ... but a month after it is a date
        # American special districts and county boards, public bodies of their own
        "Cedar Hollow Unified School District": "Cedar Hollow Unified School District",
        "l  I\nRIVERBEND METROPOLITAN FIRE DISTRICT": "Riverbend Metropolitan Fire District",
        "Los Alamos Community College District": "Los Alamos Community College District",
        "Oak Flat Water District": "Oak Flat Water District",
        "Tamarack County Board of Education": "Tamarack County Board of Education",
    }
    assert {text: council_name(text) for text in named} == named
    for unnamed in ("MINUTES OF A MEETING OF FULL COUNCIL", "the Town Council agreed",
                    "a meeting of the above Council", "Ordinary Meeting of Council",
                    "Lichfield District", "the Board of Directors", "the District Board"):
        assert council_name(unnamed) == "", unnamed


MINUTES_OF_MANY_COUNCILS = [
    ("LITTLE SNORING PARISH COUNCIL\n\nMinutes of the meeting of the Planning Committee held on "
     "Tuesday 7th October 2014 at 7.30pm in the Village Hall\n\nPresent: Cllrs J Smith "
     "(Chairman), A Brown\n\n1. Minutes of the meeting held on 2nd September 2014\nRESOLVED "
     "that the minutes be signed.\n",
     ("Little Snoring Parish Council", "Planning Committee", "2014-10-07")),
    ("MINUTES OF A MEETING OF FULL COUNCIL HELD ON WEDNESDAY 3rd MAY 2017 AT 7PM IN THE "
     "COUNCIL CHAMBER\n\nPRESENT: Cllr A Jones (Mayor), Cllr B Evans (Eastbury Town Council)\n\n"
     "1234 MINUTES OF THE LAST MEETING\nRESOLVED: The minutes of the meeting held on 5th April "
     "2017 were confirmed.\n",
     ("", "Full Council", "2017-05-03")),  # a council named only among those present
    ("Minutes of the Parish Council Meeting held at the Memorial Hall, Church Lane on Monday "
     "3rd March 2025 at 7pm\n\nPresent: Cllrs Allen, Baker and Cole.\n",
     ("", "Parish Council", "2025-03-03")),
    ("CITY OF RIVERTON\nMINUTES OF THE REGULAR MEETING OF THE CITY COUNCIL\nJuly 9, 2002\n\n"
     "The Regular Meeting of the Riverton City Council was called to order at 7:00 p.m.\n\n"
     "COUNCIL PRESENT: Mayor Tierney, Councilmembers Black, Hewitt.\n",
     ("City of Riverton", "City Council", "2002-07-09")),
    ("THE CORPORATION OF THE MUNICIPALITY OF WESTFIELD\n\nThe regular meeting of Council of "
     "the Municipality of Westfield was held at 7:00 p.m. on Thursday, June 4, 1998 in the "
     "Council Chambers. Present were Mayor Max Stewart and Councillor David Mason.\n",
     ("Municipality of Westfield", "Council", "1998-06-04")),
    ("WATTLE CREEK SHIRE COUNCIL\n\nMINUTES OF THE ORDINARY MEETING OF COUNCIL HELD AT THE "
     "COUNCIL CHAMBERS, 12 MAIN STREET, WATTLE CREEK ON WEDNESDAY 17 MAY 2017 COMMENCING AT "
     "9.00AM\n\nATTENDANCE\nCr Will Attwood (Mayor)\n",
     ("Wattle Creek Shire Council", "Council", "2017-05-17")),
    ("Minutes of October Ordinary Meeting of Kilbride County Council held on Monday 1st "
     "October, 2012 at 11.00 am in The Council Chamber\n\nMEMBERS PRESENT:\n  • Councillor Baker\n",
     ("Kilbride County Council", "Council", "2012-10-01")),
    ("Skip to content\n\n- Home\n- About\n- Council Meetings\n\nMINUTES\nTOWNSHIP OF LAKEVIEW\n"
     "Tuesday, February 6, 2018\nA regular meeting of the Township of Lakeview Council was held "
     "on Tuesday, February 6, 2018.\nPresent: Mayor Tom Piper, Councillors Linda Andersen.\n",
     ("Township of Lakeview Council", "Council", "2018-02-06")),
    ("OAK FLAT WATER DISTRICT\nBoard of Director's Board Meeting Minutes\nMarch 4, 2026 – "
     "6:00 p.m.\n\nBOARD OF DIRECTORS\nAnn Lowe      President\nRay Diaz      Director\n\n"
     "1. CALL TO ORDER\nPresident Lowe called the meeting to order at 6:00 p.m.\n",
     ("Oak Flat Water District", "Board of Directors", "2026-03-04")),
    ("March 15, 2018\n\nPort of Yaquina Regular Commission Meeting\n\nCALL TO ORDER\n\nBoard "
     "President Bishop called the meeting to order at 2:00.\n\nCommissioners Present:  President "
     "Rob Bishop, Vice-President Jan Power.\n",
     ("Port of Yaquina", "Regular Commission Meeting", "2018-03-15")),
    ("BARSETSHIRE COUNTY COUNCIL\n\nHIGHWAYS COMMITTEE\n\nMINUTES of the meeting held at "
     "County Hall on 4 May 2022\n\nPresent: Councillor Proudie (Chair)\n",
     ("Barsetshire County Council", "Highways Committee", "2022-05-04")),
    # A meeting named by the council alone is the full council's
    ("Elmbrook City Council Meeting Minutes\nMay 14, 2018\n" + "_" * 60 + "\n\nCALL TO ORDER AND "
     "ROLL CALL\nThe meeting was called to order at 7:02 p.m.\n\nPresent: Mayor Ann Hill.\n",
     ("Elmbrook City Council", "Council", "2018-05-14")),
    ("MINUTES for the\nLochside Community Council public meeting\nheld in Church Hall, Lochside\n"
     "on Tuesday 26th September 2017\nMembers Present:\nJean Roy   Convenor CC\n",
     ("Lochside Community Council", "Council", "2017-09-26")),
    ("Thornby Parish Council  -  12th January 2016\nPresent\nCouncillors D Rich (Chair), S Lin\n"
     "16.01.2  Register of Interests\nNo interests declared\n16.01.3  Minutes\nThe minutes of "
     "the meeting held on the 3rd November 2015 were signed as a true record.\n",
     ("Thornby Parish Council", "Council", "2016-01-12")),
    ("**HOLLY HILL COMMUNITY COUNCIL**\nUnapproved Minutes January 22, 2020 6:30-8:30 P.M.\n"
     "School Library\nDirectors present: Amy Cross, Jan Lee\n",
     ("Holly Hill Community Council", "Council", "2020-01-22")),
]


@pytest.mark.parametrize(("text", "expected"), MINUTES_OF_MANY_COUNCILS)
def test_minutes_of_any_council_give_their_council_committee_and_meeting(
        text: str, expected: tuple[str, str, str]) -> None:
    [minutes] = split_pack(text)
    assert minutes.doc_type == "minutes"
    assert (minutes.council, minutes.committee, minutes.meeting_date) == expected
    assert minutes.minutes_of in ("", minutes.meeting_date)  # on their own: the meeting's papers


@pytest.mark.parametrize(("heading", "committee"), [
    ("BOARD OF DIRECTORS - REGULAR MEETING AGENDA", "Board of Directors"),
    ("Board of Education Agenda", "Board of Education"),
    ("HISTORIC DISTRICT COMMISSION REMOTE ONLINE MEETING", "Historic District Commission"),
    ("Licensing Sub-Committee: Agenda", "Licensing Sub-Committee"),
])
def test_an_agenda_names_its_committee_before_the_word_agenda(heading: str,
                                                                committee: str) -> None:
    text = (f"Millbrook Fire District\n{heading}\nThursday, January 22, 2026 - 6:00 p.m.\n\n"
            "AGENDA\n1. Call to order\n2. Public comment\n3. Consent items\n")
    assert split_pack(text)[0].committee == committee


def test_a_letter_spaced_masthead_names_its_council_and_a_post_is_no_committee() -> None:
    # A gazette's masthead as a PDF's text gives it: display type spaced letter by letter,
    # the officers' posts listed under it.
    text = ("The Town Bulletin\nO fficial Journal of the City of Westmor e l a n d\n\n"
            "August the Ninth, Two Thousand and Four\n\nMayor\nAnne Hale\nPresident of "
            "Council\nJ. Dorn\nClerk of Council\nR. Ames\n\nNotices of the week follow.\n")
    [paper] = split_pack(text)
    assert paper.council == "City of Westmoreland"
    assert paper.committee == ""


def test_a_towns_board_named_for_the_town_gives_the_town() -> None:
    text = ("Planning Board Meeting Minutes 02-09-16  Page 1 of 5\n\nAshcombe Planning Board\n"
            "Meeting Minutes\nTuesday, February 9, 2016\n\nThe meeting was called to order "
            "at 7:32 p.m.\n")
    [minutes] = split_pack(text)
    assert minutes.council == "Ashcombe"
    [hdc] = split_pack("BRAMLEY HISTORIC DISTRICT COMMISSION\nMinutes\nJanuary 13, 2021\n\n"
                       "The Commission met.\n")
    assert hdc.council == "Bramley"
    # a board that names no town gives none
    [plain] = split_pack("Town Planning Board\nMinutes\nJanuary 13, 2021\n\nThe Board met.\n")
    assert plain.council == ""


def test_a_meeting_recorded_only_by_reference_gives_no_date() -> None:
    [minutes] = split_pack(
        "Welcome by the Chair, introductions and apologies for absence Minutes: The Chair "
        "welcomed everyone.\nMinutes of the meeting of the Committee held on 24 July 2023 "
        "Minutes: The Minutes of the meeting held on 24 July 2023 were confirmed.\n"
        "Councillor Brown, of Eastbury Town Council, spoke.\n")
    assert minutes.doc_type == "minutes"
    assert (minutes.meeting_date, minutes.minutes_of, minutes.council, minutes.committee) == (
        "", "", "", "")


MODERNGOV_DECISION = """Decision details

Budget Monitoring Report Quarter 2

Decision Maker: Cabinet

Decision status: Recommendations Approved

Decision:

RESOLVED that the report be noted.

Publication date: 10/11/2021

Date of decision: 08/11/2021
"""

MODERNGOV_MEETING = """Agenda and minutes

Licensing Sub-Committee - Monday, 5th March, 2018 10.00 am

Venue: Council Chamber, County Hall

Contact: Jane Smith  01234 567890

Items
No. Item

1.

Apologies for absence

Minutes:

There were no apologies.
"""

SUMMONS = """EASTBURY TOWN COUNCIL

You are hereby summoned to attend a meeting of the Planning Committee to be held in the \
Council Chamber, Town Hall on Monday 5th March 2018 at 7.00pm.

AGENDA

1. Apologies for absence
2. To approve the minutes of the meeting held on 5th February 2018
"""


def test_decision_notices_meeting_pages_and_summonses_are_told_apart() -> None:
    [decision] = split_pack(MODERNGOV_DECISION)
    assert (decision.doc_type, decision.committee, decision.meeting_date, decision.title) == (
        "decision", "Cabinet", "2021-11-08", "Budget Monitoring Report Quarter 2")
    [meeting] = split_pack(MODERNGOV_MEETING)
    assert (meeting.doc_type, meeting.committee, meeting.meeting_date) == (
        "minutes", "Licensing Sub-Committee", "2018-03-05")
    [agenda] = split_pack(MODERNGOV_MEETING.replace("Agenda and minutes", "Agenda").replace(
        "Minutes:\n\nThere were no apologies.\n", ""))
    assert (agenda.doc_type, agenda.committee, agenda.meeting_date) == (
        "agenda", "Licensing Sub-Committee", "2018-03-05")
    [summons] = split_pack(SUMMONS)
    assert (summons.doc_type, summons.council, summons.committee, summons.meeting_date) == (
        "agenda", "Eastbury Town Council", "Planning Committee", "2018-03-05")


def test_another_councils_report_header_gives_its_meeting_and_author() -> None:
    [report] = split_pack("Report to: Cabinet\n\nDate of meeting: 5 March 2020\n\nReport of: "
                          "Director of Place\n\nTitle: Highways Capital Programme 2020/21\n\n"
                          "1. Purpose of the report\n1.1 To seek approval of the programme.\n")
    assert (report.doc_type, report.committee, report.meeting_date) == (
        "report", "Cabinet", "2020-03-05")
    assert (report.title, report.author, report.council) == (
        "Highways Capital Programme 2020/21", "Director of Place", "")


UNMARKED = "The group walked the route of the proposed footpath and noted the stiles.\n"


def test_the_file_name_counts_only_where_the_text_says_nothing() -> None:
    assert source_hints("CO_20201130_MIN_449.htm") == ("2020-11-30", "")
    assert source_hints("agenda-and-minutes-2018-02-07.pdf") == ("2018-02-07", "")
    assert source_hints("report 12345678.pdf") == ("", "report")
    [document] = split_pack(UNMARKED, source="2018-02-07-minutes.txt")
    assert (document.doc_type, document.meeting_date) == ("minutes", "2018-02-07")
    [document] = split_pack(UNMARKED)
    assert (document.doc_type, document.meeting_date) == ("other", "")
    [minutes] = split_pack(MINUTES_OF_MANY_COUNCILS[0][0], source="2019-01-01-agenda.txt")
    assert (minutes.doc_type, minutes.meeting_date, minutes.minutes_of) == (
        "minutes", "2014-10-07", "2014-10-07")
    [stated] = split_pack(UNMARKED, {"meeting_date": "2018-03-01", "doc_type": "report"},
                          source="2018-02-07-minutes.txt")
    assert (stated.doc_type, stated.meeting_date) == ("report", "2018-03-01")  # sidecar wins


def test_a_council_named_in_full_in_the_file_name_counts_where_the_text_names_none() -> None:
    assert source_council("23_napier-city-council-ordinary-meeting-2020-08-27-minutes.txt") \
        == "Napier City Council"
    assert source_council("papers/orlingbury-parish-council-2012-12-06.pdf") == \
        "Orlingbury Parish Council"
    # a place and a committee, a bare "council", initials: no council is named
    for source in ("lichfield-cabinet-2020-06-03-decision.txt", "full-council-2020.pdf",
                   "tintern-cc-2020-11-30-minutes.txt", "district-council-minutes.pdf"):
        assert source_council(source) == "", source
    [document] = split_pack(UNMARKED, source="gwynedd-council-2015-12-10-minutes.txt")
    assert document.council == "Gwynedd Council"
    [minutes] = split_pack(MINUTES_OF_MANY_COUNCILS[0][0], source="eastbury-town-council.txt")
    assert minutes.council == "Little Snoring Parish Council"  # the text's own name wins


def test_a_council_the_text_names_in_passing_counts_where_the_file_name_names_it() -> None:
    text = ("Licensing Application\n\nThe Committee heard an application by Loamshire Police "
            "for a review of the premises licence.\n\n" + "The officer outlined the licensing "
            "objectives and the options open to the Committee. " * 12 + "\n\nOne "
            "representation had been received from Loamshire Council as Licensing Authority.\n")
    [document] = split_pack(text, source="loamshire-licensing-review-minutes.txt")
    assert document.council == "Loamshire Council"
    [document] = split_pack(text, source="licensing-review-minutes.txt")
    assert document.council == ""  # the file name names no council
    # a joint body of two councils the file name names both of: neither is its council
    joint = ("Joint Devolution Committee\n\nApologies were received from Barset County "
             "Council and from Wessex City Council.\n")
    [document] = split_pack(joint, source="barset-wessex-joint-devolution-committee.txt")
    assert document.council == ""


def test_chunks_carry_what_the_file_name_says() -> None:
    paper = Paper(source="20201130-minutes.txt", title="Minutes", text=UNMARKED)
    [chunk] = chunk_paper(paper, "d")
    assert (chunk.doc_type, chunk.meeting_date) == ("minutes", "2020-11-30")


def test_councils_named_in_an_items_business_are_not_the_papers_council() -> None:
    [item] = split_pack(
        "Agenda item\n\nPlanning Application EB/20/0371 - Land at Mill Lane\n\nTo consider an "
        "outline application for up to 40 dwellings with access, open space and associated "
        "works, on land to the north of Mill Lane. The application is brought before the "
        "committee because Eastbury Town Council has objected to it.\n\nMinutes:\n\nThe "
        "Planning Officer presented the report.\n\nRESOLVED that the application be refused.\n")
    assert (item.doc_type, item.council, item.committee, item.meeting_date) == (
        "minutes", "", "", "")


def test_a_report_headed_with_its_decision_maker_is_still_a_report() -> None:
    [report] = split_pack("Report to: Cabinet\n\nDecision Maker: Cabinet\n\nDate of meeting: "
                          "5 March 2020\n\n1. Purpose of the report\n1.1 To seek approval.\n")
    assert (report.doc_type, report.committee, report.meeting_date) == (
        "report", "Cabinet", "2020-03-05")


def test_an_agenda_that_lists_the_last_minutes_is_still_an_agenda() -> None:
    [agenda] = split_pack("EASTBURY TOWN COUNCIL\n\nAGENDA\n\n1. Minutes of the previous meeting\n"
                          "2. Planning applications\n3. Date of next meeting\n")
    assert (agenda.doc_type, agenda.council, agenda.meeting_date) == (
        "agenda", "Eastbury Town Council", "")


def test_a_post_under_the_name_and_a_tax_named_for_councils_are_no_part_of_a_name() -> None:
    assert council_name("City of Elmhurst\nMayor Jane Doe\nLicensing Board") == "City of Elmhurst"
    assert council_name("Subject: Local Council Tax Support Scheme 2026/27") == ""
    assert council_name("Town of Elmwood Planning Board") == "Town of Elmwood"
    assert council_name("Tintern Community Council Tax base") == ""


def test_a_report_header_in_columns_gives_its_meeting_and_date() -> None:
    text = ("Meeting: Cabinet Date: 11 March 2026\nSubject: Resource Requirements for the "
            "Finance Team\nReport Of: Head of Paid Service\nWards Affected: All\n\n"
            "1.0 Purpose of Report\n1.1 To note the recommendations of the review.\n\n"
            "2.0 Recommendations\n2.1 Cabinet is asked to RESOLVE that the report be noted.\n")
    [report] = split_pack(text)
    assert (report.committee, report.meeting_date) == ("Cabinet", "2026-03-11")


def test_a_date_within_an_item_is_not_the_meetings() -> None:
    # A licensing board's record: its heading dates the hearing; each notice has its own date
    text = ("City of Elmhurst\nLicensing Board\nCommissioners:\nAnn Joyce, Chairman\n"
            "Voting Hearing\nJanuary 5, 2023\n(all commissioners present)\n"
            "1. BVP, LLC\nDoing business as: The Point\nDate: 01/08/2022\n"
            "Notice: Assault in violation of M.G.L. ch. 138 s. 64.\nNo Violation\n"
            "2. Lansdowne, LLC\nDate: 05/15/2022\nNotice: Overcrowding.\nWritten Warning\n")
    assert split_pack(text)[0].meeting_date == "2023-01-05"


def test_a_stamp_of_approval_does_not_date_the_meeting() -> None:
    text = ("APPROVED MARCH 10, 2021\nHISTORIC DISTRICT COMMISSION\nSpecial Called Meeting "
            "January 27, 2021\nMINUTES\nMEMBERS PRESENT: Ms. Kim Parati (Chairperson)\n"
            "1. 1901 South Mint Street\nThe application was continued.\n")
    assert split_pack(text)[0].meeting_date == "2021-01-27"
