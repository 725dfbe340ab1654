from committee_qa.conversation import is_follow_up, standalone


def test_short_questions_leaning_on_the_last_one_are_follow_ups() -> None:
    assert is_follow_up("and what was the target?")
    assert is_follow_up("What about that?")
    assert not is_follow_up("What was the turnover target for social workers?")


def test_follow_up_is_searched_with_the_question_before_it() -> None:
    query, context = standalone("and what was the target?",
                                ["What was turnover in September?"])
    assert query == "What was turnover in September? and what was the target?"
    assert context == "What was turnover in September?"


def test_a_fresh_question_ignores_history() -> None:
    assert standalone("How many schools joined the trust?", ["Who chaired?"]) == (
        "How many schools joined the trust?", "")


def test_questions_are_tidied_and_kept_within_limits() -> None:
    from committee_qa.conversation import MAX_QUESTION_CHARS, tidy_question

    assert tidy_question("How many\x00 social\x1b[31m workers\u200b\twere\nrecruited?") == (
        "How many social [31m workers were recruited?", "")
    assert tidy_question(" \n\t ") == ("", "Please type a question about the papers.")
    long = "word " * 20_000
    assert tidy_question(long)[1] == ("Your question is too long (99,999 characters). Please "
                                      f"shorten it to {MAX_QUESTION_CHARS:,} characters or "
                                      "fewer.")
