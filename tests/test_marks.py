"""The one set of rules for list markers, paragraph numbers and resolutions (marks.py)."""

import pytest

from committee_qa.marks import (
    LIST_ITEM,
    OWN_LINE,
    PARAGRAPH_MARK,
    PARAGRAPH_OPENING,
    RESOLUTION,
    opens_item,
    states_decision,
    without_marker,
)


@pytest.mark.parametrize("line", ["(a) to note the report", "b) to agree", "(iv) the fourth",
                                  "(12) twelfth", "3.2 The budget", "1.2.1 detail",
                                  "- a bullet", "• a bullet", "▪ a bullet"])
def test_list_items_are_the_markers_minutes_use(line: str) -> None:
    assert LIST_ITEM.match(line)


@pytest.mark.parametrize("line", ["The committee noted", "2019 was a good year",
                                  "7. Introduction", "£3.2m was spent", "(a)no space"])
def test_a_sentence_a_year_or_a_numbered_heading_is_no_list_item(line: str) -> None:
    assert not LIST_ITEM.match(line)


def test_the_pdf_reader_also_keeps_numbered_paragraphs_apart() -> None:
    assert OWN_LINE.match("7. Introduction") and OWN_LINE.match("A. Background")
    assert not OWN_LINE.match("continued from the line before")


def test_paragraph_numbers_are_captured() -> None:
    text = "(r) first point\n3.2 The budget\n7. The next\n- (iii) roman"
    assert PARAGRAPH_MARK.findall(text) == ["(r)", "3.2", "7.", "(iii)"]
    assert PARAGRAPH_OPENING.match("7 Wards affected")[1] == "7"  # type: ignore[index]
    assert not PARAGRAPH_OPENING.match("Wards affected: all")


def test_without_marker_takes_only_the_opening_marker() -> None:
    assert without_marker("(b) That the report (c) be noted") == "That the report (c) be noted"
    assert without_marker("No marker here") == "No marker here"


@pytest.mark.parametrize("text", [
    "RESOLVED that the report be noted.", "AGREED: to defer the item.",
    "DECIDED to approve the grant.", "**RESOLVED** – that the minutes be signed.",
    "(2) That the Cabinet approves the budget.", "That approval be given.",
    "The Planning Committee agreed to refuse the application.",
    "The Cabinet is asked to note the outturn.", "- RESOLVED: noted.",
    "Director Ames moved to approve the consent calendar.",
    "Ms. Costa moved that the resolution be adopted.", "It was moved and seconded to adopt.",
    "Motion made by Ms. Odeh, seconded by Ms. Maneva, to approve the changes.",
    "Moved by: T. Butler Seconded by: S. Foote THAT the report be received.",
    "On a motion by Mr. Power, the Board voted to postpone the decision."])
def test_a_decision_opens_with_the_words_clerks_write(text: str) -> None:
    assert states_decision(text)


@pytest.mark.parametrize("text", [
    "Members resolved to ask questions later.", "Thatcham Town Council wrote in.",
    "The chair agreed to write.", "It was noted that RESOLVED items follow.",
    "resolved: lower case is a word, not the clerk's mark",
    "The Director moved to the next item.", "Staff moved the meeting to the annex."])
def test_words_of_deciding_inside_a_sentence_are_no_decision(text: str) -> None:
    assert not states_decision(text)


def test_the_register_takes_the_word_of_a_resolution_on_any_line() -> None:
    text = "Minute 5\n - RESOLVED that X.\nAGREED to Y.\nThat Z.\nThe Committee agreed W."
    assert [m[1] for m in RESOLUTION.finditer(text)] == ["RESOLVED", "AGREED"]


def test_an_item_opens_where_its_line_starts_with_its_mark() -> None:
    text = ("Unanimous.\n3. 120 Hemlock Drive – Request for Minor Modification. The agent "
            "visited.\n(b) That the report be noted.\nMotion made by Ms. Odeh.")
    assert opens_item(text, text.index("3."))
    assert opens_item(text, text.index("120 Hemlock"))  # only the mark stands before it
    assert opens_item(text, text.index("That the report"))
    assert not opens_item(text, text.index("The agent"))  # later on the item's line
    assert not opens_item(text, text.index("Motion made"))
    assert not opens_item(text, 0)


def test_an_item_opens_with_a_heading_line_where_minutes_number_nothing() -> None:
    text = ("Unanimous.\n\n4 Stevens Circle – Notice of Intent – Continued from 6/28/23\n"
            "Pool, patio and sport court\nThe Commission opened the hearing.\n\n"
            "The applicant said the plan was final.\nMore was said.\n\nLast line")
    assert opens_item(text, text.index("4 Stevens"))  # after a blank line, a heading line
    assert opens_item(text[text.index("4 Stevens"):], 0)  # at the start of the text
    assert not opens_item(text, text.index("Pool, patio"))  # no blank line before it
    assert not opens_item(text, text.index("The applicant"))  # a sentence, not a heading
    assert not opens_item(text, text.index("Last line"))  # nothing follows it
