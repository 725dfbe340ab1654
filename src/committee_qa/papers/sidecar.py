"""Sidecar metadata files: 'minutes.pdf.json' states what the text of 'minutes.pdf' cannot."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import PaperError
from ..schema import ACCESS_LEVELS
from .text import ISO_DATE, short_error

SIDECAR_FIELDS = ("doc_type", "title", "council", "committee", "meeting_date", "minutes_of",
                  "item", "item_title", "author", "contact", "access")


def sidecar_path(path: Path) -> Path:
    """Where a paper's metadata file lives: 'minutes.pdf' -> 'minutes.pdf.json'."""
    return path.with_name(path.name + ".json")


def read_sidecar(path: Path) -> dict[str, str]:
    """The metadata a sidecar file states for a paper (empty without one)."""
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PaperError(path.name, f"its metadata file {sidecar.name} is not readable JSON "
                                    f"({short_error(error)}); fix it or remove it") from None
    if not isinstance(data, dict):
        raise PaperError(path.name, f"its metadata file {sidecar.name} must hold one JSON "
                                    'object, e.g. {"committee": "Planning Committee"}')
    unknown = sorted(set(data) - set(SIDECAR_FIELDS))
    if unknown:
        raise PaperError(path.name, f"its metadata file {sidecar.name} has unknown field(s) "
                                    f"{', '.join(unknown)}; it may state "
                                    f"{', '.join(SIDECAR_FIELDS)}")
    if data.get("access", "public") not in ACCESS_LEVELS:
        raise PaperError(path.name, f"its metadata file {sidecar.name} gives access "
                                    f"{data['access']!r}; write "
                                    + " or ".join(f'"{a}"' for a in ACCESS_LEVELS))
    for field in ("meeting_date", "minutes_of"):
        if data.get(field) and not ISO_DATE.fullmatch(str(data[field])):
            raise PaperError(path.name, f"its metadata file {sidecar.name} gives {field} "
                                        f"{data[field]!r}; write the date as YYYY-MM-DD")
    return {k: str(v) for k, v in data.items() if v not in (None, "")}
