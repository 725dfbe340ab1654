"""What a question asks for — a person, a date, a sum of money, a count — and whether a
sentence gives it. Pure: regular expressions over the words councils use."""

from __future__ import annotations

import re

_WHO = re.compile(r"^\s*(who|whom|whose)\b|\bwhich (councillors?|members?|officers?|persons?|"
                  r"people|residents?)\b", re.I)
_WHEN_ASKED = re.compile(r"^\s*when\b|\b(what|which) (date|day|time)\b|\bon what date", re.I)
# A sum of money is asked for, or a count or share.
_HOW_MUCH = re.compile(r"\bhow much\b|\b(?:what|which) (?:\w+ ){0,3}?(?:amount|sum|price|cost|"
                       r"total|fee|value|precept|grant|contribution|surplus|deficit|"
                       r"balance)\b|\bwhat did\b.{0,60}\bcost\b", re.I)
_HOW_MANY = re.compile(r"\bhow many\b|\b(what|which) (number|figure|percentage|proportion|"
                       r"share)\b|\bby how many\b", re.I)
# A person or a post: a title, or a name as minutes write it ("Jim Ellis", "J. Woods").
_PERSON = re.compile(r"\b(?i:cllrs?|councillors?|mr|mrs|ms|miss|dr|mayor|chair(?:man|person)?|"
                     r"clerk|commissioner|officers?|director|manager|treasurer|secretary|chief|"
                     r"head of|leader|members?)\b|"
                     r"\b[A-Z]\.? ?[A-Z][a-z]+\b|\b[A-Z][a-z]+ (?!(?:Council|Committee|Board|"
                     r"Authority|Group|Fund|Road|Street|Hall|Centre|Plan|Policy|Report|Scheme|"
                     r"Trust|Service|Services|Panel|Meeting)\b)[A-Z][a-z]+\b")
# A time: a date, a weekday, a month or season, a year, an hour, or words of time.
_DATE_WORDS = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|"
                         r"October|November|December|Monday|Tuesday|Wednesday|Thursday|"
                         r"Friday|Saturday|Sunday|spring|summer|autumn|winter|today|tomorrow|"
                         r"yesterday|week|weekly|month|monthly|year|annual|annually|quarter)s?\b|"
                         r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b(?:19|20)\d\d\b|"
                         r"\b\d{1,2}(?:[.:]\d\d)?\s?(?:am|pm)\b", re.I)
# An amount: money, a percentage, a count; not a year, nor a minute number.
_FIGURE_WORDS = re.compile(r"[£$€]\s?\d|\d\s?%|\b\d{1,3}(?:,\d{3})+\b|"
                           r"(?<![\d/.-])\b(?!(?:19|20)\d\d\b)\d+(?:\.\d+)?\b(?![/.-]\d)|"
                           r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                           r"twelve|twenty|thirty|forty|fifty|hundred|thousand|million|dozen|"
                           r"unanimous\w*|none|nil)\b", re.I)
_MONEY = re.compile(r"[£$€]\s?\d|\b\d[\d,.]*\s?(?:pounds|dollars|euros|pence|[kKmM]\b|"
                    r"million|bn|billion|p\b)|\b(?:nil|free of charge|no charge)\b", re.I)
KIND_OF_ANSWER = {"person": "person or post", "date": "date", "amount": "sum of money",
                   "count": "figure"}


def answer_type(question: str) -> re.Pattern[str] | None:
    """What a sentence must hold to answer the question: a person, a date, a figure."""
    kind = kind_of_answer(question)
    return {"person": _PERSON, "date": _DATE_WORDS, "amount": _MONEY,
            "count": _FIGURE_WORDS}.get(kind or "")


def kind_of_answer(question: str) -> str | None:
    if _WHO.search(question):
        return "person"
    if _WHEN_ASKED.search(question):
        return "date"
    if _HOW_MANY.search(question):
        return "count"
    if _HOW_MUCH.search(question):
        return "amount"
    return None
