"""What a question asks for — a person, a date, a sum of money, a count — and whether a
sentence gives it. Pure: regular expressions over the words councils use."""

from __future__ import annotations

import re

_WHO = re.compile(r"^\s*(who|whom|whose)\b|\bwhich (councillors?|members?|officers?|persons?|"
                  r"people|residents?)\b", re.I)
_WHEN_ASKED = re.compile(r"^\s*when\b|\b(what|which) time\b", re.I)
# "At what time ...?" is answered by an hour ("7:30 p.m.", "19.30"), not a day; "what time
# of year" by a season.
_HOUR_ASKED = re.compile(r"\b(what|which) time\b(?! of (?:the )?(?:year|month|week))", re.I)
# "On what date ...?" is answered by a day, not a season or a year ("When ...?" may be).
_DAY_ASKED = re.compile(r"\b(what|which) (date|day)\b", re.I)
# A sum of money is asked for, or a count or share.
_HOW_MUCH = re.compile(r"\bhow much\b|\b(?:what|which) (?:\w+ ){0,3}?(?:amount|sum|price|cost|"
                       r"total|fee|value|precept|grant|contribution|surplus|deficit|"
                       r"balance|salary|salaries|wages?|savings|charges|fares|rent|quote|"
                       r"quotation|estimate|tender|bid)\b|"
                       r"\bwhat did\b.{0,100}\b(?:cost|come to)\b", re.I)
# "How much notice / land / fill capacity ...?" asks for a quantity of that thing ("48
# hours", "32 acres"), not a sum of money: the words between "how much" and the verb name no
# money ("How much monthly rent ...", "How much did it cost?" and "How much more ...?" do).
_VERB = r"(?:is|was|are|were|has|have|had|does|did|do|will|would|can|could|should|may|might)\b"
_MUCH_OF = re.compile(rf"\bhow much\s+((?:(?!{_VERB})[\w'-]+\s+){{1,6}}?){_VERB}", re.I)
_MONEY_WORDS = re.compile(
    r"\b(?:money|fund\w*|cash|grants?|income|revenue|budget\w*|spen[dt]\w*|expenditure|debts?|"
    r"tax\w*|profits?|loss\w*|capital|savings?|rents?|fees?|fares?|prices?|costs?|charges?|"
    r"salar\w+|wages?|precepts?|contributions?|payments?|bills?|levy|allowances?|reserves?|"
    r"balances?|surplus\w*|deficits?|overspend|underspend|invest\w*|subsid\w+|"
    r"compensation|fines?|more|less|extra|further)\b", re.I)


def _much_of_a_thing(question: str) -> bool:
    asked = _MUCH_OF.search(question)
    return asked is not None and not _MONEY_WORDS.search(asked[1])


_HOW_MANY = re.compile(r"\bhow many\b|\b(what|which) (number|figure|percentage|proportion|"
                       r"share)\b|\bby how many\b", re.I)
# Capitalised words that are never a person's name in committee papers: bodies, services,
# places, months and the words that open a sentence. "Young People's Committee" and "The
# Children" are not people; "Carl Elder" and "P. Harries" are.
_NOT_NAMES = (
    "The A An This That These Those Its Our Their His Her All Any Each Every No Not New Old "
    "North South East West Council Councils Committee Committees Board Authority Group Fund "
    "Road Street Lane Avenue Hall House Court Park Centre Center Plan Policy Report Scheme "
    "Trust Service Services Panel Meeting People Children Young Adult Adults Social Care "
    "Health Education Academy School Schools University College Partnership Programme "
    "Program Project Strategy Team Unit Office Department Directorate Association Society "
    "Club Church Library Police Fire County City Borough District Parish Town Community "
    "Village Public Local National Annual General Agenda Minutes Item Items Appendix Section "
    "Part Budget Finance Planning Housing Transport Highways Licensing Scrutiny Cabinet "
    "Executive Government January February March April May June July August September "
    "October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday").split()
_NAME_WORD = rf"(?!(?:{'|'.join(_NOT_NAMES)})\b)[A-Z][a-z]+"
# A person or a post: a title, or a name as minutes write it ("Jim Ellis", "J. Woods").
_PERSON = re.compile(r"\b(?i:cllrs?|councillors?|mr|mrs|ms|miss|dr|mayor|chair(?:man|person)?|"
                     r"clerk|commissioner|officers?|director|manager|treasurer|secretary|chief|"
                     r"head of|leader|members?)\b|"
                     rf"\b(?![AI] )[A-Z]\.? ?{_NAME_WORD}\b|\b{_NAME_WORD} {_NAME_WORD}\b")
# A time: a date, a weekday, a month or season, a year, an hour, or words of time.
_DATE_WORDS = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|"
                         r"October|November|December|Monday|Tuesday|Wednesday|Thursday|"
                         r"Friday|Saturday|Sunday|spring|summer|autumn|winter|today|tomorrow|"
                         r"yesterday|week|weekly|month|monthly|year|annual|annually|quarter)s?\b|"
                         r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b(?:19|20)\d\d\b|"
                         r"\b\d{1,2}(?:[.:]\d\d)?\s?[ap]\.?m\b", re.I)  # 9pm, 9:13 p.m.
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|"
          r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
# A day: of a month ("24 July", "July 24th", "24/07/2018"), a weekday, or words for one.
_DAY = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}|"
                  rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
                  r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d\d-\d\d\b|"
                  r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|"
                  r"tomorrow|yesterday)\b", re.I)
# An amount: money, a percentage, a count; not a year, nor a minute number.
_FIGURE_WORDS = re.compile(r"[£$€]\s?\d|\d\s?%|\b\d{1,3}(?:,\d{3})+\b|"
                           r"(?<![\d/.-])\b(?!(?:19|20)\d\d\b)\d+(?:\.\d+)?\b(?![/.-]\d)|"
                           r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                           r"twelve|twenty|thirty|forty|fifty|hundred|thousand|million|dozen|"
                           r"unanimous\w*|none|nil)\b", re.I)
_MONEY = re.compile(r"[£$€]\s?\d|\b\d[\d,.]*\s?(?:pounds|dollars|euros|pence|[kKmM]\b|"
                    r"million|bn|billion|p\b)|\b(?:nil|free of charge|no charge)\b", re.I)
# An hour of the day: "7pm", "9:13 p.m.", "19.30", "noon".
_HOUR = re.compile(r"\b\d{1,2}(?:[.:]\d\d)?\s?[ap]\.?m\b|(?<![£$€\d.,])\b(?:[01]?\d|2[0-3])[.:]"
                   r"[0-5]\d\b(?![.:]\d|\s?%)|\b(?:noon|midday|midnight|o'clock)\b", re.I)
KIND_OF_ANSWER = {"person": "person or post", "date": "date", "day": "date", "hour": "time",
                  "amount": "sum of money", "count": "figure"}


def answer_type(question: str) -> re.Pattern[str] | None:
    """What a sentence must hold to answer the question: a person, a date, a figure."""
    kind = kind_of_answer(question)
    return {"person": _PERSON, "date": _DATE_WORDS, "day": _DAY, "hour": _HOUR, "amount": _MONEY,
            "count": _FIGURE_WORDS}.get(kind or "")


def kind_of_answer(question: str) -> str | None:
    if _WHO.search(question):
        return "person"
    if _DAY_ASKED.search(question):
        return "day"
    if _HOUR_ASKED.search(question):
        return "hour"
    if _WHEN_ASKED.search(question):
        return "date"
    if _HOW_MANY.search(question) or _much_of_a_thing(question):
        return "count"
    if _HOW_MUCH.search(question):
        return "amount"
    return None


# What "how many ..." counts: the first plural among the next few words, before the verb or
# a preposition ("how many catalytic converter thefts were reported" -> "thefts"; "bus" and
# "status" are no plurals).
_COUNTED = re.compile(r"\bhow many\s+((?:(?!(?:is|was|has|does|did|do|were|are|have|had|will|"
                      r"would|can|could|should|in|at|of|on|for|to|by|from|per|with|and|or)\b)"
                      r"[\w'-]+\s*){1,4})", re.I)
_IRREGULAR_PLURALS = ("children", "staff", "men", "women", "police", "personnel")
# Words for people in general, and "times", are often left unsaid: "How many people came?"
# "About 40 attended." "How many times did it meet?" "Twice."
_UNSAID = ("people", "persons", "individuals", "times")


# A sum of money of a kind that papers name where they give it: "What bank balance ...?"
# ("What did it cost?" is answered by "for £25,000": no kind named.)
_SUM_OF = re.compile(r"\b(?:what|which) (?:[\w-]+ ){0,3}?(precept|grant|contribution|surplus|"
                     r"deficit|balance|salary|wage|savings|fare|rent|fee)s?\b", re.I)


def counted(question: str) -> str:
    """The thing a 'how many' question counts ('social workers' -> 'workers'), or the kind
    of sum a question asks for ('What bank balance ...?' -> 'balance'); '' if none ('How
    many applied?', 'How many more?', 'How much did it cost?'), or people or times in
    general."""
    sum_of = _SUM_OF.search(question)
    if sum_of:
        return sum_of[1]
    found = _COUNTED.search(question)
    for word in found[1].split() if found else []:
        if word.lower() in _UNSAID:
            return ""
        if word.lower() in _IRREGULAR_PLURALS or re.fullmatch(r"[\w'-]*[^siu'\W]s", word, re.I):
            return word
    return ""
