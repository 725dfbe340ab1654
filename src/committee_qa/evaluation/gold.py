"""The gold-set format: one JSON object per line (see evals/README.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import CommitteeQAError

KINDS = ("fact", "who", "resolution", "summary", "followup", "unanswerable")
ABSTAINING_KIND = "unanswerable"


@dataclass(frozen=True)
class GoldQuestion:
    """One question of a gold set, in the public format of evals/README.md."""

    id: str
    question: str
    kind: str
    answer: str = ""
    must_contain: tuple[str, ...] = ()
    doc: str = ""
    history: tuple[str, ...] = ()
    item: str = ""
    meeting_date: str = ""
    gold_set: str = ""  # the file it was read from


    @property
    def answerable(self) -> bool:
        return self.kind != ABSTAINING_KIND


def load_gold(path: Path) -> list[GoldQuestion]:
    """Read a gold set (JSON lines); a bad line raises an error naming the file and line."""
    questions = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            gold = GoldQuestion(
                id=str(row["id"]), question=str(row["question"]), kind=str(row["kind"]),
                answer=str(row.get("answer", "")),
                must_contain=tuple(row.get("must_contain") or ()), doc=str(row.get("doc", "")),
                history=tuple(row.get("history") or ()), item=str(row.get("item", "")),
                meeting_date=str(row.get("meeting_date", "")), gold_set=str(path),
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise CommitteeQAError(
                f"{path}:{line_no}: not a gold question ({error}); each line needs id, "
                "question and kind (see evals/README.md)") from None
        if gold.kind not in KINDS:
            raise CommitteeQAError(f"{path}:{line_no}: kind {gold.kind!r} is not one of "
                                   f"{', '.join(KINDS)}")
        questions.append(gold)
    return questions


