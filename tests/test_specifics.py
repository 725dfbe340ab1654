"""Specifics a question asks about, looked for as a careful reader would: pure, literal data."""

from committee_qa.schema import Chunk, Passage
from committee_qa.specifics import missing_specifics, years_of


def passage(text: str, **place: str) -> Passage:
    return Passage(Chunk(doc_id="d", index=0, text=text, source=place.pop("source", "p.txt"),
                         title="", **place), 1.0)


def test_a_year_range_covers_both_years() -> None:
    assert years_of("the 2019/20 outturn") == {2019, 2020}
    assert years_of("2019-2020 and 1998") == {2019, 2020, 1998}
    found = passage("The outturn for 2019/20 was £1.2m.")
    assert missing_specifics("What was the outturn in 2020?", found, [found]) == []
    assert missing_specifics("What was the outturn in 2017?", found, [found]) == ["2017"]


def test_names_are_whole_words_in_any_case_and_form() -> None:
    found = passage("Councillor Lee thanked the NOTTINGHAMSHIRE officers for the sleepovers.")
    assert missing_specifics("What did Nottingham say?", found, [found]) == ["Nottingham"]
    assert missing_specifics("What did Lee's report say?", found, [found]) == []
    assert missing_specifics("Who thanked the Nottinghamshire officers?", found, [found]) == []


def test_the_papers_own_metadata_and_file_name_give_the_council() -> None:
    found = passage("The clerk reported on the defibrillator.", source="07_tintern-cc-2020.txt")
    assert missing_specifics("What did Tintern hear about the defibrillator?", found,
                             [found]) == []
    named = passage("The precept was set.", council="Wereham Parish Council",
                    meeting_date="2016-04-12")
    assert missing_specifics("What did Wereham set in 2016?", named, [named]) == []


def test_an_acronym_is_found_spelt_out() -> None:
    found = passage("Variations to the Housing Revenue Account and the Police and Crime "
                    "Commissioner's budget.")
    assert missing_specifics("What HRA variations and PCC budget?", found, [found]) == []
    assert missing_specifics("What did the SPC agree?", found, [found]) == ["SPC"]


def test_a_month_asked_about_must_be_the_meetings_or_be_written() -> None:
    june = passage("Councillor Davies was elected chair.", meeting_date="2020-06-10")
    assert missing_specifics("Who was elected chair in July 2020?", june, [june]) == [
        "July 2020"]
    assert missing_specifics("Who was elected chair in June 2020?", june, [june]) == []
    written = passage("At the July 2020 AGM Councillor Davies was elected chair.",
                      meeting_date="2020-06-10")
    assert missing_specifics("Who was elected chair in July 2020?", written, [written]) == []


def test_a_month_asked_about_may_be_written_short_or_in_figures() -> None:
    # An American list of events dated month first, and a date shortened
    events = passage("2/1/2026 FLC Harris Center HCA: The Ten Tenors Beer and wine",
                     meeting_date="2026-01-14")
    assert missing_specifics("What event on 1 February 2026 was authorised?", events,
                             [events]) == []
    assert missing_specifics("What event in March 2026 was authorised?", events,
                             [events]) == ["March 2026"]
    short = passage("The works start on 3 Feb. 2026.", meeting_date="2026-01-14")
    assert missing_specifics("What starts in February 2026?", short, [short]) == []


def test_a_month_asked_about_may_be_the_one_the_file_is_named_by() -> None:
    # The meeting's date not read from the text: the file name still dates the paper
    filed = passage("Granted. The Board requests a security plan.",
                    source="licensing-board-2023-01-05-decision.pdf")
    assert missing_specifics("What did the Board grant in January 2023?", filed,
                             [filed]) == []
    assert missing_specifics("What did the Board grant in March 2023?", filed,
                             [filed]) == ["March 2023"]


def test_an_address_may_be_written_short() -> None:
    found = passage("Citrus & Salt, 142 Berkeley St., Boston: a written warning.")
    assert missing_specifics("What did Citrus & Salt on Berkeley Street get?", found,
                             [found]) == []
    assert missing_specifics("What did Citrus & Salt on Berkeley Road get?", found,
                             [found]) == ["Road"]


def test_an_acronym_may_be_spelt_out_in_the_file_name() -> None:
    found = passage("The new house at 216 South Summit Avenue was approved.",
                    source="charlotte-historic-district-commission-2021-01-13-minutes.pdf")
    assert missing_specifics("What did the HDC approve?", found, [found]) == []
    assert missing_specifics("What did the ZBA approve?", found, [found]) == ["ZBA"]
