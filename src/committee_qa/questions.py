"""A file of questions, one JSON object a line ({"question": ..., "history": [...]}): read
line by line, each problem named by its line, and answered in turn."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from .schema import Access, Answer, Filters


class Asker(Protocol):
    """What answers a question: the assistant."""

    def ask(self, question: str, history: Sequence[str] = (), filters: Filters = Filters(),
            access: Access = "public") -> Answer: ...


def read_questions(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any], str]]:
    """(line number, object, problem) for each non-blank line; the problem is '' when the
    line can be asked, else what is wrong with it, ending '; skipped'."""
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield line_no, {}, f"not valid JSON ({error.msg}); skipped"
            continue
        if not isinstance(row, dict) or not isinstance(row.get("question"), str):
            yield line_no, {}, 'needs a "question" field holding text; skipped'
            continue
        history = row.get("history")
        if history is not None and not (
            isinstance(history, list) and all(isinstance(h, str) for h in history)
        ):
            yield line_no, {}, '"history" must be a list of earlier questions; skipped'
            continue
        yield line_no, row, ""


def answer_questions(asker: Asker, lines: Iterable[str], filters: Filters = Filters(),
                     access: Access = "public",
                     ) -> Iterator[tuple[int, dict[str, Any], Answer | str]]:
    """(line number, object, answer) for each line, in order; for a line that cannot be
    asked, its problem in place of the answer. A line's "history" holds the questions asked
    before it, so a follow-up is read as the chat reads it."""
    for line_no, row, problem in read_questions(lines):
        if problem:
            yield line_no, row, problem
            continue
        yield line_no, row, asker.ask(row["question"], row.get("history") or (), filters,
                                      access)
