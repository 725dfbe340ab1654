"""Answer -> text for the terminal, Markdown for the chat, and JSON: shared by cli and ui."""

from __future__ import annotations

import html
import textwrap
from dataclasses import asdict
from datetime import date
from typing import Any

from .schema import Answer, Citation, IngestReport


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


def answer_text(answer: Answer, width: int = 88) -> str:
    """The answer and its quoted passages, for a terminal."""
    lines = [textwrap.fill(answer.text, width)]
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
        return f"_{_escape(answer.text)}_"
    return " ".join(f"{_escape(s.text)} **[{s.citation}]**" for s in answer.sentences)


def citation_markdown(citation: Citation) -> tuple[str, str]:
    """A cited passage for the chat: (title line, quoted passage), both escaped."""
    title = f"[{citation.n}] {place(citation)}"
    quote = "\n".join(f"> {_escape(line)}" if line.strip() else ">"
                      for line in citation.text.splitlines())
    return _escape(title), f"{quote}\n\n<sub>{_escape(citation.source)}</sub>"


def ingest_summary(report: IngestReport) -> str:
    """One line a person can read at a glance."""
    summary = (f"{len(report.added)} added, {len(report.unchanged)} unchanged, "
               f"{len(report.replaced)} replaced, {len(report.failed)} failed")
    if report.pruned:
        summary += f", {len(report.pruned)} pruned"
    return summary + f" ({report.chunks_embedded} passages embedded)"


def _escape(text: str) -> str:
    # Paper text is shown as text: no HTML from a paper ever reaches the browser as markup,
    # and Markdown link/image syntax cannot fetch anything.
    return html.escape(text, quote=False).replace("![", "!\\[")


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
