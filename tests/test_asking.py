"""What a question asks for, and whether a sentence gives it: literal questions and lines."""

import pytest

from committee_qa.asking import answer_type, counted, kind_of_answer


@pytest.mark.parametrize("question, kind", [
    ("Who chaired the meeting?", "person"),
    ("Which councillors sent apologies?", "person"),
    ("When will the works start?", "date"),
    ("On what date was the precept set?", "day"),
    ("What time does the meeting start?", "hour"),
    ("At what time of year is the village fair held?", "date"),
    ("How much did the parish pay for the bench?", "amount"),
    ("What was the total value of the variations?", "amount"),
    ("What fee does the by-law charge?", "amount"),
    ("What salary was the new deputy manager given?", "amount"),
    ("What did the revised quote for the slipway repair come to?", "amount"),
    ("What quote did the contractor give for the fence?", "amount"),
    ("What did the replacement pads for the defibrillator at the leisure centre cost?",
     "amount"),
    ("How many votes were cast for the motion?", "count"),
    # "how much" of a thing other than money asks for a quantity of it
    ("How much notice does the board office need for a large-print agenda?", "count"),
    ("How much land on the river was the trust trying to acquire?", "count"),
    ("How much monthly rent does the crab company pay?", "amount"),
    ("How much did the council estimate it would cost to set up?", "amount"),
    ("How much more will residents pay?", "amount"),
    ("What percentage of staff stayed five years?", "count"),
    ("What did Ofsted rate the service?", None),
    ("What did the committee decide about the budget?", None),
])
def test_the_kind_of_answer_a_question_asks_for(question: str, kind: str | None) -> None:
    assert kind_of_answer(question) == kind


def test_a_sum_of_money_is_not_a_vote_or_a_year() -> None:
    money = answer_type("How much did the contract cost?")
    assert money is not None
    assert money.search("awarded for $176,634.70") and money.search("a grant of £1.2m")
    assert not money.search("the Board voted 5-0 in 2018")
    count = answer_type("How many bedrooms were proposed?")
    assert count is not None and count.search("a 58 bed scheme")
    assert not count.search("in 2018") and count.search("three storeys")


def test_posts_in_lower_case_and_times_of_every_kind_count() -> None:
    who = answer_type("Who reported the costs?")
    when = answer_type("When does the library visit?")
    assert who is not None and who.search("The finance officer reported the costs.")
    assert when is not None and when.search("It visits on Tuesdays.")
    assert when.search("at 7.30pm") and when.search("in the spring")
    assert not when.search("The library visits the village.")
    # as American minutes write the hour, and the time a meeting closed
    assert when.search("The meeting adjourned at 9:13 p.m.") and when.search("Time: 7:08 P.M.")
    assert not when.search("I am here to speak about the park.")


def test_a_question_asking_at_what_time_wants_an_hour_not_a_day() -> None:
    hour = answer_type("At what time will the Christmas lights be switched on?")
    assert hour is not None
    for given in ("at 7pm", "at 9:13 p.m.", "from 19.30", "at noon", "at 6 o'clock"):
        assert hour.search(given), given
    for vague in ("on Friday 24 November, time to be confirmed", "on 24.11.2017",
                  "agenda item 7.2", "in 2017", "a fee of £10.50", "up 12.25%"):
        assert not hour.search(vague), vague


def test_a_question_asking_on_what_date_wants_a_day_not_a_season_or_a_year() -> None:
    day = answer_type("On what date will the council hold its AGM?")
    assert day is not None
    for given in ("on 24 July 2018", "on July 24th", "on Tuesday", "on 24/07/2018",
                  "from 2018-07-24"):
        assert day.search(given), given
    for vague in ("in the late summer", "in 2025", "in either July or August"):
        assert not day.search(vague), vague


def test_bodies_services_and_sentence_openings_are_not_people() -> None:
    who = answer_type("Who chairs the Children and Young People's Committee?")
    assert who is not None
    assert not who.search("The Children and Young People's Committee is the appropriate body.")
    assert not who.search("The meeting is at Loxley House, Station Street on Tuesday.")
    for named in ("Carl Elder, Head Teacher, spoke.", "It was proposed by P. Harries.",
                  "Present: C Burgess", "Rob Bishop was present."):
        assert who.search(named), named


@pytest.mark.parametrize("question, thing", [
    ("How many catalytic converter thefts were reported in June?", "thefts"),
    ("How many new social workers did we recruit?", "workers"),
    ("By how many votes was the motion carried?", "votes"),
    ("How many bus passes were issued?", "passes"),  # "bus" is no plural
    ("How many children are in care?", "children"),
    ("How many applied, and how many got an interview?", ""),  # nothing named
    ("And how many more are planned?", ""),
    ("How many people came to the celebration?", ""),  # people in general go unsaid
    ("How many times did the panel meet?", ""),  # "It met twice."
    ("What bank balance did the treasurer report?", "balance"),
    ("How much did the new mower cost?", ""),  # "for £2,400" names no kind of sum
])
def test_what_a_how_many_question_counts(question: str, thing: str) -> None:
    assert counted(question) == thing
