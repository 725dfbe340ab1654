"""What an answer quotes: units of a passage and the neighbours that carry their point."""

from committee_qa.quoting import decision_after, is_title_line, neighbours, quotable, units
from committee_qa.text import terms


def weigh(question: str):
    wanted = set(terms(question))
    return lambda text: {t: 1.0 for t in set(terms(text)) if t in wanted}


def quoted(text: str, question: str, sentence_start: str) -> list[str]:
    found = units(text)
    index = next(i for i, u in enumerate(found) if u.text.startswith(sentence_start))
    before, after = neighbours(text, found, index, weigh(question))
    return [u.text for u in [*before, found[index], *after]]


def test_a_sentence_that_leans_back_brings_the_one_before() -> None:
    text = ("The clerk reported on the playground inspection carried out in March. It found "
            "two swings in need of repair and recommended their replacement.")
    assert quoted(text, "What did the inspection find?", "It found") == [
        "The clerk reported on the playground inspection carried out in March.",
        "It found two swings in need of repair and recommended their replacement."]


def test_the_period_in_the_sentence_before_comes_with_the_figure() -> None:
    text = ("During the six-month period from April to September, recruitment went on at "
            "pace across the county. In all 38 newly qualified social workers were recruited, "
            "against a target of 30 for the whole year, which was reported as good progress.")
    assert quoted(text, "How many social workers were recruited in the six-month period?",
                  "In all 38")[0].startswith("During the six-month period")


def test_a_short_sentence_takes_the_next_of_its_paragraph_but_not_the_next_paragraph() -> None:
    text = ("Councillor Foote left the room. She declared a pecuniary interest in the accounts."
            "\n\nThe accounts were approved.")
    assert quoted(text, "Why did Councillor Foote leave?", "Councillor Foote") == [
        "Councillor Foote left the room.",
        "She declared a pecuniary interest in the accounts."]
    assert quoted(text, "Were the accounts approved?", "The accounts") == [
        "The accounts were approved."]


def test_an_items_title_comes_with_what_follows_it() -> None:
    text = ("E/40556 Proposed Extension and Associated Changes Ty Isaf Salem\n\n"
            "No objections, but the council asks that the old stone wall be kept.\n\n\n\n"
            "E/40557 New Agricultural Building at Tir Gwyn\n\nNo objections.")
    assert quoted(text, "What comment was made on the Ty Isaf extension?", "E/40556") == [
        "E/40556 Proposed Extension and Associated Changes Ty Isaf Salem",
        "No objections, but the council asks that the old stone wall be kept."]


def test_a_whereas_clause_comes_with_its_operative_words() -> None:
    text = ("R2023-084 WHEREAS it is beneficial to both parties to build the boundary road;\n"
            "NOW THEREFORE we authorize an Agreement with the Municipality of Powassan.\n")
    assert quoted(text, "What did the council authorise about the boundary road?",
                  "R2023-084")[-1].startswith("NOW THEREFORE we authorize")


def test_every_unit_and_neighbour_is_quoted_word_for_word() -> None:
    text = "- **Item 4** Allotments:\n- rent up to £45\n- waiting list 12\n\nIt was agreed."
    flat = quotable(text)
    assert all(u.text in flat for u in units(text))


def test_the_decision_recorded_after_the_discussion_is_found() -> None:
    text = ("16.03.7 Tree Management - Fell Lane Mr Joyce has brought to the attention of the "
            "Parish Council a problem with Copper Beech Trees up Fell Lane. The trees are "
            "diseased and overhang the road. It was resolved that these trees be cut down.\n\n"
            "16.03.8 FINANCE\n\nIt was agreed to pay the clerk.")
    found = units(text)
    assert [u.text for u in decision_after(found, 0)] == [
        "It was resolved that these trees be cut down."]
    assert decision_after(found, 0, within=1) == []  # only the next few units are looked at
    assert decision_after(found, 2) == []  # never past a heading into the next minute
    works = units("The tree survey was discussed. The survey was carried out in May. "
                  "Motion carried.")
    assert [u.text for u in decision_after(works, 0)] == ["Motion carried."]


def test_title_lines_are_told_from_statements() -> None:
    assert is_title_line("Appointment of Chairs to Strategic Policy Committees")
    assert is_title_line("Dyfed Powys Police and Crime Panel - Thursday, 16th November, 2017")
    assert is_title_line("Rivergrove City Council Meeting Minutes August 13, 2018 " + "_" * 76)
    assert not is_title_line("Councillor Foote left the room.")
    assert not is_title_line("Regrets: Councillor Shelly Foote")
