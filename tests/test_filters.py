"""Filters read from what a person types, and from the dates a question asks about."""

from dataclasses import replace

import pytest

from committee_qa.errors import FilterError
from committee_qa.filters import (
    admits,
    committees_named,
    councils_named,
    dates_asked_about,
    describe,
    parse_filters,
    prefer,
)
from committee_qa.schema import Chunk, Filters


def test_partial_dates_cover_the_whole_year_or_month() -> None:
    filters = parse_filters(since="2017", until="2017-02")
    assert (filters.since, filters.until) == ("2017-01-01", "2017-02-28")
    assert parse_filters(until="2020-02").until == "2020-02-29"  # a leap year
    assert parse_filters(since="2017-7-3").since == "2017-07-03"


@pytest.mark.parametrize("field,value", [
    ("since", "18/07/2017"), ("until", "2017-13"), ("since", "2017-02-30"),
    ("until", "last year"), ("since", "20170718"),
])
def test_a_date_that_is_not_a_date_names_the_field(field: str, value: str) -> None:
    with pytest.raises(FilterError, match=rf"the {field} date '{value}' is not a date; "
                                          r"write it as YYYY-MM-DD"):
        parse_filters(**{field: value})


def test_an_empty_range_and_an_unknown_type_are_refused() -> None:
    with pytest.raises(FilterError, match="since 2018-01-01 is after until 2017-12-31"):
        parse_filters(since="2018", until="2017")
    with pytest.raises(FilterError, match="'minute' is not one of agenda, minutes"):
        parse_filters(doc_type="minute")


def test_blank_values_set_no_filter() -> None:
    assert parse_filters(["", "  "], [], " ", "").empty
    assert parse_filters("  Scrutiny   Committee ").committees == ("Scrutiny Committee",)


@pytest.mark.parametrize("question,since,until", [
    ("What was decided in July 2017?", "2017-07-01", "2017-07-31"),
    ("What did the committee resolve at the meeting on 18 July 2017?", "2017-07-18",
     "2017-07-18"),
    ("Which decisions were made in 2019?", "2019-01-01", "2019-12-31"),
    ("What did the scrutiny committee resolve at its March 2019 meeting?", "2019-03-01",
     "2019-03-31"),
])
def test_questions_about_meetings_limit_the_dates(question: str, since: str,
                                                  until: str) -> None:
    assert (dates_asked_about(question).since, dates_asked_about(question).until) == (
        since, until)


@pytest.mark.parametrize("question", [
    "What did Ofsted find in the October 2019 inspection?",  # not a meeting date
    "How many social workers were recruited in 2019?",  # no meeting asked about
    "What was discussed about the work programme for 2017/18?",  # a municipal year
])
def test_other_dates_in_questions_set_no_filter(question: str) -> None:
    assert dates_asked_about(question).empty


def test_dates_a_person_set_win_over_dates_the_question_implies() -> None:
    given = parse_filters(since="2020-01-01")
    july = dates_asked_about("What was decided in July 2017?")
    assert prefer(given, july, ["2017-07-18"]) == given
    implied = prefer(Filters(committees=("Scrutiny",)), july, ["2017-07-18", "2019-01-02"])
    assert (implied.committees, implied.since, implied.undated) == (
        ("Scrutiny",), "2017-07-01", True)


def test_a_date_in_the_question_is_a_preference_that_keeps_undated_papers() -> None:
    july = prefer(Filters(), dates_asked_about("What was resolved on 24 July 2018?"),
                  ["2018-07-24", ""])
    undated = Chunk(doc_id="d", index=0, text="", source="s", title="")
    assert admits(july, undated) and admits(july, replace(undated, meeting_date="2018-07-24"))
    assert not admits(july, replace(undated, meeting_date="2018-06-01"))
    assert not admits(parse_filters(since="2018-07-24"), undated)  # a filter set is a wall


def test_a_date_matching_no_known_meeting_narrows_nothing() -> None:
    asked = dates_asked_about("What did the committee resolve at its March 2019 meeting?")
    assert prefer(Filters(), asked, ["2017-07-18", ""]) == Filters()


def test_filters_are_described_in_words() -> None:
    assert describe(parse_filters(doc_type="minutes", since="2017-07", until="2017-07")) == (
        "minutes only; meetings from 1 July 2017 to 31 July 2017")


def test_a_meeting_date_that_does_not_exist_is_said_to_be_wrong() -> None:
    with pytest.raises(FilterError, match=r"^There was no 31 February 2017: please check "):
        dates_asked_about("What was decided on 31 February 2017?")


COUNCILS = ("Township of Nipissing", "Barsetshire County Council",
            "Nottinghamshire County Council", "Wessex Vale District Council",
            "London Borough of Hammersmith and Fulham", "Municipality of Bayham, Ontario")


@pytest.mark.parametrize("question,named", [
    ("What did Nipissing Council resolve about the bag limit?", ("Township of Nipissing",)),
    ("How many potholes did BARSETSHIRE's Highways Committee report in 2019?",
     ("Barsetshire County Council",)),
    ("What did Hammersmith & Fulham's Cabinet decide?",
     ("London Borough of Hammersmith and Fulham",)),
    ("How much did Bayham budget for the museum?", ("Municipality of Bayham, Ontario",)),
    ("What did Wessex Vale decide?", ("Wessex Vale District Council",)),
    ("What did Nottingham City Council decide?", ()),  # not Nottinghamshire
    ("What did Wessex decide?", ()),  # a council is named by all its own words
    ("What did the county council decide?", ()),
])
def test_a_council_is_named_by_its_own_words(question: str, named: tuple[str, ...]) -> None:
    assert councils_named(question, COUNCILS) == named


COMMITTEES = ("Highways and Transport Committee", "Planning Committee", "Cabinet", "Council",
              "Licensing Sub-Committee", "Children and Young People Scrutiny Committee")


@pytest.mark.parametrize("question,named", [
    ("How many potholes did Barsetshire's Highways Committee report in 2019?",
     ("Highways and Transport Committee",)),
    ("What did the Planning Committee decide about the site?", ("Planning Committee",)),
    ("What did Lichfield's cabinet approve?", ("Cabinet",)),
    ("What did the licensing sub-committee decide?", ("Licensing Sub-Committee",)),
    ("What did the Children's Committee hear?",
     ("Children and Young People Scrutiny Committee",)),
    ("How many planning appeals were decided?", ()),  # planning, but no committee named
    ("What did Nipissing Council resolve?", ()),  # "Council" alone names no committee
])
def test_a_committee_is_named_as_a_committee(question: str, named: tuple[str, ...]) -> None:
    assert committees_named(question, COMMITTEES) == named
