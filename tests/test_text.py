from committee_qa.text import split_sentences, stem, terms, tokens


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
