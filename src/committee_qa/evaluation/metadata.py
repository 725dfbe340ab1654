"""Gold metadata -> how often ingest read each paper's council, committee, meeting date and
document type right. Pure: the caller hands in the passages of each paper."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import CommitteeQAError
from ..schema import Chunk

FIELDS = ("council", "committee", "meeting_date", "doc_type")


@dataclass(frozen=True)
class GoldPaper:
    """What a paper is, as a person read it: one line of a set's metadata.jsonl.

    A field is None when the paper does not say it; `stated` can also mark a field the
    person knew from elsewhere (the web page's address) but the paper's text never gives.
    """

    doc: str
    values: Mapping[str, str | None]
    stated: Mapping[str, bool]

    def expects(self, field: str) -> bool:
        return bool(self.values.get(field)) and self.stated.get(field, True)


def load_metadata(path: Path) -> list[GoldPaper]:
    """Read a metadata.jsonl; a bad line raises an error naming the file and line."""
    papers = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            papers.append(GoldPaper(
                doc=str(row["doc"]), values={f: row.get(f) for f in FIELDS},
                stated={str(k): bool(v) for k, v in (row.get("stated") or {}).items()}))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
            raise CommitteeQAError(f"{path}:{line_no}: not a paper's metadata ({error}); each "
                                   "line needs doc, and council, committee, meeting_date, "
                                   "doc_type where known") from None
    return papers


def paper_values(chunks: Iterable[Chunk]) -> dict[str, str]:
    """What ingest read a paper to be: for each field the value most of its passages carry
    (ties to the earliest passage), empty when most carry none."""
    ordered = sorted(chunks, key=lambda c: c.index)
    values = {}
    for field in FIELDS:
        counts = Counter(getattr(c, field) for c in ordered)
        values[field] = max(counts, key=lambda v: counts[v]) if counts else ""
    return values


_GENERIC = frozenset("council councils committee sub the of and for city county district "
                     "borough town parish community metropolitan london meeting full".split())


def _words(text: str) -> list[str]:
    text = re.sub(r"\([^)]*\)", " ", text.lower()).replace("&", " and ")
    return re.findall(r"[a-z0-9]+", text)


def agrees(field: str, gold: str, found: str) -> bool:
    """Dates and types must be equal. Names agree when each one's own words (not 'council',
    'city', 'of' ...) are among the other's: 'City of Yakima, Washington' is 'Yakima City
    Council', but Nottingham is not Nottinghamshire; a region after a comma is optional."""
    if field not in ("council", "committee"):
        return gold == found
    # a note in brackets is no part of the name, commas within it included
    ours, theirs = _words(re.sub(r"\([^)]*\)", " ", gold).split(",")[0]), _words(found)
    if not ours or not theirs:
        return False
    own = [w for w in ours if w not in _GENERIC]
    found_own = [w for w in theirs if w not in _GENERIC]
    if not own or not found_own:  # "Council", "Full Council": the words themselves
        return " ".join(ours) in " ".join(theirs) or " ".join(theirs) in " ".join(ours)
    return set(own) <= set(theirs) and set(found_own) <= set(_words(gold))


def field_accuracy(gold: Sequence[GoldPaper],
                   found: Mapping[str, Mapping[str, str]]) -> dict[str, float]:
    """For each field, the share of papers that state it whose value ingest read right
    (`<field>`), and the share of all papers given a value that is wrong (`<field>_wrong`):
    a field the paper does not state should stay empty."""
    result: dict[str, float] = {}
    for field in FIELDS:
        stated = [p for p in gold if p.expects(field)]
        right = sum(1 for p in stated
                    if agrees(field, str(p.values[field]), found.get(p.doc, {}).get(field, "")))
        wrong = 0
        for p in gold:
            value = found.get(p.doc, {}).get(field, "")
            if value and not (p.values.get(field) and agrees(field, str(p.values[field]), value)):
                wrong += 1
        result[field] = right / len(stated) if stated else 0.0
        result[f"{field}_wrong"] = wrong / len(gold) if gold else 0.0
    return result


def misread(gold: Sequence[GoldPaper],
            found: Mapping[str, Mapping[str, str]]) -> list[dict[str, str]]:
    """Each field ingest read wrong, paper by paper: stated but not read (`read` empty) or
    read as another value, and read where the paper states none (`stated` empty). What a
    council looks at to see where its own template is not read."""
    rows = []
    for p in gold:
        for field in FIELDS:
            value = found.get(p.doc, {}).get(field, "")
            stated = str(p.values[field]) if p.expects(field) else ""
            right = agrees(field, str(p.values.get(field) or ""), value) if value else not stated
            if not right:
                rows.append({"doc": p.doc, "field": field, "stated": stated, "read": value})
    return rows
