from collections.abc import Iterator
from pathlib import Path

import pytest

from committee_qa.errors import SettingsError
from committee_qa.text import (
    analyzer_key,
    read_phrases,
    split_sentences,
    stem,
    terms,
    tokens,
    use_phrases,
)


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_stemming_joins_forms_of_a_word() -> None:
    assert stem("recruited") == stem("recruiting") == stem("recruits") == stem("recruit")
    assert stem("resolved") == stem("resolve")


def test_tokens_keep_figures_whole() -> None:
    assert tokens("Turnover stood at 4.82% with £170,000 of funding") == [
        "turnover", "stood", "at", "4.82%", "with", "170000", "of", "funding"]


def test_terms_drop_stopwords() -> None:
    assert terms("What did the committee resolve?") == ["committe", "resolv"]
    assert terms("Who's the chair? What's the target?") == ["chair", "target"]


def test_sentences_are_not_cut_at_abbreviations_or_decimals() -> None:
    text = ("Turnover stood at 4.82% in September, e.g. in hard to recruit teams. "
            "The target is 5%. Cllr. Smith agreed.")
    assert sentences(text) == [
        "Turnover stood at 4.82% in September, e.g. in hard to recruit teams.",
        "The target is 5%.",
        "Cllr. Smith agreed.",
    ]


def test_minute_clauses_and_list_items_are_sentences() -> None:
    text = "- (a) the school improved;\n- (b) attendance rose to 94%;\nRESOLVED to note."
    assert sentences(text) == ["- (a) the school improved;", "- (b) attendance rose to 94%;",
                               "RESOLVED to note."]


def test_british_and_american_spellings_and_irregular_verbs_are_one_word() -> None:
    assert terms("authorised the organisation's programme") == terms(
        "authorized the organization's program")
    assert terms("labour, behaviour, centre, licence") == terms("labor behavior center license")
    assert terms("The council paid for the land it bought") == terms(
        "The council pays for the land it buys")
    # short words are left alone: "hour" is not "hor", "rise" not "rize"
    assert terms("hour four rise noise") == ["hour", "four", "rise", "nois"]


@pytest.fixture
def packaged_phrases() -> Iterator[None]:
    yield
    use_phrases(read_phrases())


def test_phrases_that_mean_the_same_come_from_a_file_a_council_can_edit(
        tmp_path: Path, packaged_phrases: None) -> None:
    assert set(terms("the last half-year")) & set(terms("the six-month period"))  # packaged
    own = tmp_path / "phrases.txt"
    own.write_text("# our papers\ncivic amenity site | household waste recycling centre\n",
                   encoding="utf-8")
    before = analyzer_key()
    use_phrases(read_phrases(own))
    assert analyzer_key() != before  # saved keyword indexes of other phrases are not reused
    assert "~civic_amenity_site" in terms("opening hours of the Household Waste Recycling "
                                          "Centre")
    assert "~civic_amenity_site" in terms("Which civic amenity site closed?")
    assert not set(terms("the last half-year")) & set(terms("the six-month period"))


def test_a_bad_phrases_file_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "phrases.txt"
    bad.write_text("half-year | six months\nyear-end\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"phrases.txt:2: a class needs two or more phrases"):
        read_phrases(bad)
    with pytest.raises(SettingsError, match=r"missing.txt: cannot read the phrases file"):
        read_phrases(tmp_path / "missing.txt")
