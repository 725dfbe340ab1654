"""Answers quoted from the sample papers, with citations; abstention when they do not say."""

import pytest

from committee_qa.answering import quotable
from conftest import CITY, COUNTY


@pytest.mark.parametrize("question, expected, source", [
    ("How many new social work staff were recruited in the six months?",
     "38 new social work staff", COUNTY),
    ("What did the committee resolve on the Education Trust update?",
     "thank Nick Lee", CITY),
    ("How many schools committed to joining the Education Trust?", "30 schools", CITY),
    ("How much funding did the D2N2 Teaching Partnership receive from the DfE?",
     "£170,000", COUNTY),
])
def test_answers_quote_the_papers_and_cite_them(sample_assistant, question, expected,
                                                source) -> None:
    answer = sample_assistant.ask(question)
    assert not answer.abstained
    assert expected in answer.text
    cited = {c.n: c for c in answer.citations}
    for sentence in answer.sentences:
        passage = cited[sentence.citation]
        # Trust: every sentence of the answer stands in the passage it cites.
        assert sentence.text in quotable(passage.text), sentence.text
    assert any(c.source == source for c in answer.citations)


@pytest.mark.parametrize("question", [
    "What is the capital of France?",
    "What is the recipe for a Victoria sponge?",
    "How much did the council spend on Christmas lights?",
])
def test_questions_the_papers_do_not_answer_are_declined(sample_assistant, question) -> None:
    answer = sample_assistant.ask(question)
    assert answer.abstained and answer.citations == ()
    assert "do not answer" in answer.text


def test_follow_up_works_as_well_as_asking_afresh(sample_assistant) -> None:
    fresh = sample_assistant.ask("What is the target turnover figure?")
    follow = sample_assistant.ask(
        "and what was the target?",
        ["What was staff turnover in the hard to recruit teams in September?"])
    assert "5%" in fresh.text and "5%" in follow.text


def test_empty_question_is_declined(sample_assistant) -> None:
    assert sample_assistant.ask("   ").abstained
