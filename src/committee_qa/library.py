"""The papers' originals and their text as read, kept beside the index for the source viewer.

One folder per paper, named by its doc_id (a hex content hash, checked before any path is
made of it): `original` (the file's bytes as ingested), `paper.json` (the text as read,
where its pages start, and the place of each passage), and `facts.json` (what the list of
papers shows), written last. Each file is written under another name and renamed, so a
reader sees a paper whole or not at all; a paper whose `facts.json` is missing was never
kept (ingested before copies were kept, or cut short by a crash) and is offered for
re-ingest, never half shown. A folder whose doc_id the ledger no longer names is removed
at the end of each ingest.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .files import write_atomically
from .schema import Chunk, Paper, PaperCopy, PaperFacts

FORMAT = 1  # of paper.json and facts.json: another one is treated as not kept
ORIGINAL, TEXT, FACTS = "original", "paper.json", "facts.json"
DOC_ID = re.compile(r"[0-9a-f]{32}")
# What each kept passage records of its place, besides its span and page.
_PLACE = ("heading", "doc_type", "council", "committee", "meeting_date", "item", "item_title",
          "paragraph")
log = logging.getLogger(__name__)


def is_doc_id(text: str) -> bool:
    """Whether `text` is a doc_id as ingest makes them: 32 lower-case hex digits."""
    return DOC_ID.fullmatch(text) is not None


def paper_facts(paper: Paper, chunks: Sequence[Chunk], suffix: str, size: int) -> PaperFacts:
    """What the list of papers says of a paper: the council and committee most of its
    passages name, its newest meeting, its documents in order, and its pages."""
    def commonest(values: Iterable[str]) -> str:
        found = Counter(v for v in values if v).most_common(1)
        return found[0][0] if found else ""

    return PaperFacts(
        suffix=suffix, size=size,
        pages=len(paper.page_starts) if paper.page_starts else None,
        council=commonest(c.council for c in chunks),
        committee=commonest(c.committee for c in chunks),
        meeting_date=max((c.meeting_date for c in chunks), default=""),
        doc_types=tuple(dict.fromkeys(c.doc_type for c in chunks if c.doc_type)))


class Library:
    """The kept copies of the papers in `folder`, by doc_id."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._facts: dict[str, PaperFacts] = {}  # content-addressed: never stale
        self._lock = threading.Lock()

    def holds(self, doc_id: str) -> bool:
        """Whether a whole copy of the paper `doc_id` is kept."""
        return self.facts(doc_id) is not None

    def keep(self, doc_id: str, original: Path, paper: Paper, chunks: Sequence[Chunk]) -> None:
        """Keep the file at `original`, the paper as read from it, and its passages' places
        (a copy already kept stays as it is: the doc_id names the same content)."""
        if self.holds(doc_id):
            return
        folder = self._place(doc_id)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / ORIGINAL, lambda f: _copy_into(original, f))
        suffix = original.suffix.lower()
        size = (folder / ORIGINAL).stat().st_size
        text = {"format": FORMAT, "suffix": suffix, "size": size, "title": paper.title,
                "text": paper.text, "page_starts": list(paper.page_starts),
                "passages": [[c.index, c.start, c.end, c.page, *(getattr(c, f) for f in _PLACE)]
                             for c in sorted(chunks, key=lambda c: c.index)]}
        write_atomically(folder / TEXT, lambda f: f.write(json.dumps(text).encode()))
        facts = paper_facts(paper, chunks, suffix, size)
        record = {"format": FORMAT, **{k: getattr(facts, k) for k in (
            "suffix", "size", "pages", "council", "committee", "meeting_date")},
            "doc_types": list(facts.doc_types)}
        write_atomically(folder / FACTS, lambda f: f.write(json.dumps(record).encode()))

    def facts(self, doc_id: str) -> PaperFacts | None:
        """What the list of papers says of the kept paper `doc_id`; None if not kept."""
        if doc_id in self._facts:
            return self._facts[doc_id]
        data = self._read(doc_id, FACTS)
        if data is None:
            return None
        facts = PaperFacts(suffix=str(data["suffix"]), size=int(data["size"]),
                           pages=None if data["pages"] is None else int(data["pages"]),
                           council=str(data["council"]), committee=str(data["committee"]),
                           meeting_date=str(data["meeting_date"]),
                           doc_types=tuple(str(t) for t in data["doc_types"]))
        with self._lock:
            self._facts[doc_id] = facts
        return facts

    def copy(self, doc_id: str) -> PaperCopy | None:
        """The kept paper `doc_id`: its text as read, pages and passages; None if not kept."""
        if not self.holds(doc_id):
            return None
        data = self._read(doc_id, TEXT)
        if data is None:
            return None
        text = str(data["text"])
        passages = tuple(
            Chunk(doc_id=doc_id, index=int(index), text=text[start:end], source="",
                  title=str(data["title"]), page=page, start=int(start), end=int(end),
                  **dict(zip(_PLACE, (str(v) for v in place))))
            for index, start, end, page, *place in data["passages"])
        return PaperCopy(doc_id=doc_id, suffix=str(data["suffix"]), size=int(data["size"]),
                         title=str(data["title"]), text=text,
                         page_starts=tuple(int(s) for s in data["page_starts"]),
                         passages=passages)

    def original(self, doc_id: str) -> Path | None:
        """Where the kept original of `doc_id` is, or None if it is not kept."""
        return self._place(doc_id) / ORIGINAL if self.holds(doc_id) else None

    def keep_only(self, live: set[str]) -> list[str]:
        """Remove the copies of papers whose doc_id is not in `live`; the doc_ids removed."""
        try:
            names = sorted(os.listdir(self.folder))
        except FileNotFoundError:
            return []
        gone = [name for name in names if is_doc_id(name) and name not in live]
        for doc_id in gone:
            shutil.rmtree(self.folder / doc_id, ignore_errors=True)
            with self._lock:
                self._facts.pop(doc_id, None)
        return gone

    def _place(self, doc_id: str) -> Path:
        if not is_doc_id(doc_id):  # never a path made of anything else
            raise ValueError(f"not a doc_id: {doc_id[:40]!r}")
        return self.folder / doc_id

    def _read(self, doc_id: str, name: str) -> dict[str, Any] | None:
        path = self._place(doc_id) / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            log.warning("the kept copy %s cannot be read (%s); ingest the paper again", path,
                        error)
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        return data


def _copy_into(source: Path, target: Any) -> None:
    with source.open("rb") as f:
        shutil.copyfileobj(f, target)
