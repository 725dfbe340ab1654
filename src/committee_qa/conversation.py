"""The question as asked: tidied, within limits, and read with the conversation before it
('and what was the target?' is searched with the question before it)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .text import terms

MAX_QUESTION_CHARS = 2000
# Control characters (terminal escapes, NULs) mean nothing in a question: they go.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff]")


def tidy_question(question: str) -> tuple[str, str]:
    """The question on one line without control characters, and why it cannot be asked
    ('' when it can): empty, or longer than MAX_QUESTION_CHARS."""
    text = " ".join(_CONTROL.sub(" ", question or "").split())
    if not text:
        return "", "Please type a question about the papers."
    if len(text) > MAX_QUESTION_CHARS:
        return text, (f"Your question is too long ({len(text):,} characters). Please shorten "
                      f"it to {MAX_QUESTION_CHARS:,} characters or fewer.")
    return text, ""

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|but|also|so|then|what about|how about|what of|same for|and what|and how|"
    r"and who|and when|why was that|why)\b", re.IGNORECASE)
_REFERS_BACK = re.compile(r"\b(it|its|they|them|their|that|this|those|these|he|she|his|her)\b",
                          re.IGNORECASE)


def is_follow_up(question: str) -> bool:
    """Whether a question leans on the conversation before it to make sense."""
    words = terms(question)
    if _FOLLOW_UP_START.match(question):
        return True
    return len(words) <= 1 or (len(words) <= 3 and bool(_REFERS_BACK.search(question)))


def standalone(question: str, history: Sequence[str]) -> tuple[str, str]:
    """The text to search with, and the earlier question it leans on ('' when none)."""
    earlier = [h for h in history if h and h.strip()]
    if not earlier or not is_follow_up(question):
        return question, ""
    context = earlier[-1]
    return f"{context} {question}", context
