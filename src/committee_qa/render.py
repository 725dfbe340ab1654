"""Answer -> text for the terminal, Markdown for the chat, and JSON: shared by cli and ui."""

from __future__ import annotations

import csv
import html
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from .schema import Answer, Citation, Decision, IndexStatus, IngestReport


def place(citation: Citation) -> str:
    """Where a passage is, as a person would cite it: "Minutes — Children and Young People
    Scrutiny Committee, 18 July 2017, minute 13(r), p. 7"; title and heading when the
    paper's structure is not known."""
    if not citation.doc_type or citation.doc_type == "other":
        parts = [citation.title or citation.source]
        if citation.page is not None:
            parts.append(f"p. {citation.page}")
        if citation.heading:
            parts.append(_shorten(citation.heading, 90))
        return ", ".join(parts)
    kind = DOC_TYPES.get(citation.doc_type, citation.doc_type.title())
    body = citation.committee or citation.title or citation.source
    if citation.council and citation.council.split()[0] not in body:
        body += f" ({citation.council})"
    parts = [f"{kind} — {body}"]
    if citation.meeting_date:
        parts.append(long_date(citation.meeting_date))
    reference = _reference(citation)
    if reference:
        parts.append(reference)
    if citation.page is not None:
        parts.append(f"p. {citation.page}")
    return ", ".join(parts)


DOC_TYPES = {"agenda": "Agenda", "minutes": "Minutes", "report": "Report",
             "appendix": "Appendix"}


def long_date(iso: str) -> str:
    """'2017-07-18' -> '18 July 2017'."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def _reference(citation: Citation) -> str:
    paragraph = citation.paragraph
    if citation.doc_type == "minutes" and citation.item:
        return f"minute {citation.item}" + (paragraph if paragraph.startswith("(") else "")
    parts = []
    if citation.item:
        parts.append(f"item {citation.item}")
    if paragraph:
        parts.append(f"para {paragraph.strip('()')}" if not paragraph.startswith("(")
                     else f"point {paragraph}")
    return ", ".join(parts)


def answer_dict(answer: Answer) -> dict[str, Any]:
    """The JSON form: `answer`, `abstained` and `citations` (n, source, title, page, ...)."""
    return {
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [asdict(c) for c in answer.citations],
    }


def meeting_label(citation: Citation) -> str:
    """Which meeting a sentence comes from: '18 July 2017 (minutes)'."""
    if not citation.meeting_date:
        return "undated"
    kind = f" ({citation.doc_type})" if citation.doc_type in DOC_TYPES else ""
    return long_date(citation.meeting_date) + kind


def _sentences(answer: Answer, escape: Callable[[str], str], bold: str) -> list[str]:
    """Each quoted sentence with its citation number, and its meeting when it is dated."""
    by_n = {c.n: c for c in answer.citations}
    out = []
    for s in answer.sentences:
        label = f"{bold}{meeting_label(by_n[s.citation])}:{bold} " if answer.dated else ""
        out.append(f"{label}{escape(s.text)} {bold}[{s.citation}]{bold}")
    return out


def answer_text(answer: Answer, width: int = 88) -> str:
    """The answer and its quoted passages, for a terminal."""
    if answer.abstained:
        lines = [textwrap.fill(answer.text, width)]
    elif answer.dated:  # one sentence a line, each under its meeting
        lines = [textwrap.fill(s, width) for s in _sentences(answer, str, "")]
    else:
        lines = [textwrap.fill(" ".join(_sentences(answer, str, "")), width)]
    if answer.citations:
        lines += ["", "Sources:"]
    for c in answer.citations:
        lines.append(f"[{c.n}] {place(c)}  ({c.source})")
        quote = textwrap.fill(" ".join(c.text.split()), width - 4)
        lines.append(textwrap.indent(quote, "    "))
    return "\n".join(lines)


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat, with paper text escaped so it is shown, never run."""
    if answer.abstained:
        return f"_{escape_markdown(answer.text)}_"
    return ("\n\n" if answer.dated else " ").join(_sentences(answer, escape_markdown, "**"))


def citation_markdown(citation: Citation) -> tuple[str, str]:
    """A cited passage for the chat: (title line, quoted passage), both escaped."""
    title = f"[{citation.n}] {place(citation)}"
    quote = "\n".join(f"> {escape_markdown(line)}" if line.strip() else ">"
                      for line in citation.text.splitlines())
    return escape_markdown(title), f"{quote}\n\n<sub>{escape_markdown(citation.source)}</sub>"


DECISION_COLUMNS = ("Date", "Committee", "Minute", "Item", "Resolution", "Source")


def decision_row(decision: Decision) -> list[str]:
    """A decision as a row of the register, under DECISION_COLUMNS; text stays text."""
    source = decision.source + (f", p. {decision.page}" if decision.page is not None else "")
    committee = decision.committee + (f" ({decision.council})" if decision.council else "")
    return [decision.meeting_date, committee, decision.minute, decision.item_title,
            decision.text, source]


def decisions_csv(decisions: Sequence[Decision]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DECISION_COLUMNS)
    writer.writerows(decision_row(d) for d in decisions)
    return out.getvalue()


def decisions_text(decisions: Sequence[Decision], width: int = 88) -> str:
    """The register for a terminal: one block per decision, newest first."""
    if not decisions:
        return "No decisions match."
    blocks = []
    for d in decisions:
        head = f"{long_date(d.meeting_date) if d.meeting_date else 'undated'} — " \
               f"{d.committee or d.title}, minute {d.minute or '?'}" + (
                   f": {d.item_title}" if d.item_title else "")
        body = "\n".join(textwrap.fill(line, width - 4, initial_indent="    ",
                                       subsequent_indent="    ")
                         for line in d.text.split("\n"))
        page = f", p. {d.page}" if d.page is not None else ""
        blocks.append(f"{head}\n{body}\n    ({d.source}{page})")
    count = f"{len(decisions)} decision" + ("s" if len(decisions) != 1 else "")
    return "\n\n".join(blocks) + f"\n\n{count}"


def status_text(status: IndexStatus) -> str:
    """The index at a glance, then one line for each problem found."""
    size = f"{status.size_bytes / 1e6:.1f} MB" if status.size_bytes is not None else "(server)"
    twins = status.papers - status.documents
    lines = [
        f"index:     {status.location}",
        f"model:     {status.embedding_model} (schema {status.schema_version})",
        f"papers:    {status.papers}" + (f" ({twins} stored once under a second name)"
                                          if twins else ""),
        f"passages:  {status.chunks}",
        f"decisions: {status.decisions}",
        f"size:      {size}",
    ]
    if status.healthy:
        return "\n".join([*lines, "no problems found"])
    return "\n".join([*lines, *(f"problem: {p}" for p in status.problems)])


def ingest_summary(report: IngestReport) -> str:
    """One line a person can read at a glance."""
    summary = (f"{len(report.added)} added, {len(report.unchanged)} unchanged, "
               f"{len(report.replaced)} replaced, {len(report.failed)} failed")
    if report.pruned:
        summary += f", {len(report.pruned)} pruned"
    return summary + f" ({report.chunks_embedded} passages embedded)"


def escape_markdown(text: str) -> str:
    """Text from a paper or a person, made safe to show as Markdown."""
    # Paper text is shown as text: no HTML from a paper ever reaches the browser as markup,
    # and Markdown link/image syntax cannot fetch anything.
    return html.escape(text, quote=False).replace("![", "!\\[")


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
