"""Answer -> text for the terminal, Markdown for the chat, and JSON: shared by cli and ui."""

from __future__ import annotations

import csv
import html
import io
import json
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
        return ", ".join(_untyped(citation, "p."))
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


def _reference(citation: Citation, para: str = "para") -> str:
    paragraph = citation.paragraph
    if citation.doc_type == "minutes" and citation.item:
        return f"minute {citation.item}" + (paragraph if paragraph.startswith("(") else "")
    parts = []
    if citation.item:
        parts.append(f"item {citation.item}")
    if paragraph:
        parts.append(f"{para} {paragraph.strip('()')}" if not paragraph.startswith("(")
                     else f"point {paragraph}")
    return ", ".join(parts)


def _untyped(citation: Citation, page: str) -> list[str]:
    """A passage of a paper whose structure is not known: its title, page and heading."""
    parts = [citation.title or citation.source]
    if citation.page is not None:
        parts.append(f"{page} {citation.page}")
    if citation.heading:
        parts.append(_shorten(citation.heading, 90))
    return parts


def citation_name(citation: Citation) -> str:
    """What a citation opens, in words a screen reader reads out: "Source 1: Children and
    Young People's Committee, Nottinghamshire County Council, 10 February 2020, item 5,
    paragraph 7 (report)". No abbreviations: "p." and "para" are read as letters."""
    if not citation.doc_type or citation.doc_type == "other":
        return f"Source {citation.n}: " + ", ".join(_untyped(citation, "page"))
    parts = [citation.committee or citation.title or citation.source]
    if citation.council and citation.council.split()[0] not in parts[0]:
        parts.append(citation.council)
    if citation.meeting_date:
        parts.append(long_date(citation.meeting_date))
    parts += [p for p in (_reference(citation, "paragraph"),) if p]
    if citation.page is not None:
        parts.append(f"page {citation.page}")
    kind = DOC_TYPES.get(citation.doc_type, citation.doc_type).lower()
    return f"Source {citation.n}: " + ", ".join(parts) + f" ({kind})"


def answer_dict(answer: Answer) -> dict[str, Any]:
    """The JSON form: `answer`, `abstained`, `mode` ("quoted" or "llm"), each shown
    sentence with its `citations` and whether it was `verified` (a quote always is),
    `dropped` (how many written sentences the papers did not support, and `not_supported`
    their text), `note`, and `citations` (n, source, title, page, ..., and `link`, the
    source viewer's path for the passage)."""
    return {
        "answer": answer.text,
        "abstained": answer.abstained,
        "mode": answer.mode,
        "sentences": [{"text": s.text, "citations": [s.citation, *s.also], "verified": True}
                      for s in answer.sentences],
        "dropped": len(answer.dropped),
        "not_supported": list(answer.dropped),
        "note": answer.note,
        "citations": [{**asdict(c), "link": c.link} for c in answer.citations],
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
        out.append(f"{label}{escape(s.text)} {bold}{s.marks}{bold}")
    return out


NOT_SUPPORTED = "Not supported by the papers (left out of the answer)"


def answer_text(answer: Answer, width: int = 88) -> str:
    """The answer and its quoted passages, for a terminal."""
    if answer.abstained:
        lines = [textwrap.fill(answer.text, width)]
    elif answer.dated:  # one sentence a line, each under its meeting
        lines = [textwrap.fill(s, width) for s in _sentences(answer, str, "")]
    else:
        lines = [textwrap.fill(" ".join(_sentences(answer, str, "")), width)]
    if answer.note:
        lines = [textwrap.fill(f"Note: {answer.note}", width), "", *lines]
    if answer.dropped:  # written by the model, not found in the papers: never shown as fact
        lines += ["", f"{NOT_SUPPORTED}:"]
        lines += [textwrap.fill(f"- {t}", width, subsequent_indent="  ") for t in answer.dropped]
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


def decisions_json(decisions: Sequence[Decision]) -> str:
    """The register as JSON: each resolution's fields, and `link` to it in the viewer."""
    return json.dumps([{**asdict(d), "link": d.link} for d in decisions], ensure_ascii=False,
                      indent=2) + "\n"


def decisions_text(decisions: Sequence[Decision], width: int = 88) -> str:
    """The register for a terminal: one block per decision, newest first."""
    if not decisions:
        return "No decisions match.\n"
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
    return "\n\n".join(blocks) + f"\n\n{count}\n"


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


# The chat in the browser: plain HTML that a screen reader understands (each message an
# article named by its heading, each citation a disclosure button naming what it opens),
# with every piece of paper or person text escaped, so it is shown and never run.
REPLY_HEADINGS = {"answer": "Answer from the papers", "declined": "No answer in the papers",
                  "problem": "Could not search the papers"}
WRITING = "Being written by the language model — not yet checked against the papers"
EMPTY_CONVERSATION = ("No questions yet. Type a question below and press Enter, or choose "
                      "one of the questions under “Try asking”.")


def conversation_html(turns: Sequence[tuple[str, Answer | str]]) -> str:
    """The conversation: each question and its reply, which is an `Answer` or a problem
    the person can put right (a date that is not a date), in their own words."""
    if not turns:
        return f'<p class="chat-empty">{_h(EMPTY_CONVERSATION)}</p>'
    return "\n".join(_question_html(n, question) + _reply_html(n, reply)
                     for n, (question, reply) in enumerate(turns, 1))


def _question_html(n: int, question: str) -> str:
    return (f'<article class="chat-message chat-question" aria-labelledby="turn-{n}-q">'
            f'<h3 id="turn-{n}-q" class="chat-label">You asked</h3>'
            f'<p>{_h(question)}</p></article>')


def _reply_html(n: int, reply: Answer | str) -> str:
    citations: Sequence[Citation]
    if isinstance(reply, str):
        kind, body, citations = "problem", f"<p>{_h(reply)}</p>", ()
    elif reply.abstained:
        kind, body, citations = "declined", f"<p>{_h(reply.text)}</p>", reply.citations
    else:
        kind, body, citations = "answer", _answer_html(reply), reply.citations
    # The heading takes focus when the reply arrives (tabindex -1: focusable, not a stop).
    # Only .chat-text is read out when it arrives: what the papers did not support is not.
    dropped = reply.dropped if isinstance(reply, Answer) and not reply.abstained else ()
    return (f'<article class="chat-message chat-reply chat-{kind}" '
            f'aria-labelledby="turn-{n}-a">'
            f'<h3 id="turn-{n}-a" class="chat-label" tabindex="-1">{REPLY_HEADINGS[kind]}</h3>'
            f'<div class="chat-text">{body}</div>{_dropped_html(dropped)}'
            f'{_sources_html(n, citations)}</article>')


EXPORT_HEADING = "Export briefing"
EXPORT_TEXT = ("Save this conversation as a briefing to share or print: the questions, the "
               "answers, and every quoted passage with its paper, meeting, page and a link to "
               "it in this app.")


def export_html(downloads: Sequence[tuple[str, str, str]] | str) -> str:
    """The conversation's briefing offered for download: each (label, file name, URL) a
    link that saves the file, or a sentence saying why it cannot be; nothing when there is
    nothing to offer."""
    if not downloads:
        return ""
    if isinstance(downloads, str):
        body = f"<p>{_h(downloads)}</p>"
    else:
        links = "".join(f'<li><a class="briefing-download" href="{_h(url)}" '
                        f'download="{_h(name)}">{_h(label)}</a></li>'
                        for label, name, url in downloads)
        body = f'<p>{_h(EXPORT_TEXT)}</p><ul class="briefing-downloads">{links}</ul>'
    return (f'<section class="briefing" aria-labelledby="briefing-heading">'
            f'<h2 id="briefing-heading">{EXPORT_HEADING}</h2>{body}</section>')


def writing_html(question: str, text: str) -> str:
    """The question being answered, and the language model's answer as written so far:
    marked as not yet checked, and never a reply (chat.js announces replies only)."""
    return ('<div class="chat-log">' + _question_html(0, question)
            + '<article class="chat-message chat-writing" aria-labelledby="turn-0-a">'
            f'<h3 id="turn-0-a" class="chat-label">{WRITING}</h3>'
            f'<div class="chat-draft">{_quote_html(text) or "<p>…</p>"}</div></article></div>')


def _answer_html(answer: Answer) -> str:
    by_n = {c.n: c for c in answer.citations}
    sentences = []
    for s in answer.sentences:
        label = (f"<strong>{_h(meeting_label(by_n[s.citation]))}:</strong> "
                 if answer.dated else "")
        sentences.append(f"{label}{_h(s.text)} {_markers((s.citation, *s.also))}")
    note = f'<p class="chat-note">Note: {_h(answer.note)}</p>' if answer.note else ""
    if answer.dated:  # one sentence a paragraph, each under its meeting
        body = "".join(f"<p>{s}</p>" for s in sentences)
    else:
        body = f"<p>{' '.join(sentences)}</p>"
    return note + body


def _dropped_html(dropped: Sequence[str]) -> str:
    """What the model wrote that the papers did not support: apart, struck out, never fact."""
    if not dropped:
        return ""
    return (f'<div class="chat-dropped"><h4 class="chat-label">{NOT_SUPPORTED}</h4>'
            "<p>The language model wrote these sentences, but the papers it was given do not "
            "support them:</p><ul>" + "".join(f"<li>{_h(text)}</li>" for text in dropped)
            + "</ul></div>")


def _markers(numbers: Sequence[int]) -> str:
    """"[1][2]" to the eye; "(sources 1 and 2)" to a screen reader, which reads brackets."""
    seen = "".join(f"[{n}]" for n in numbers)
    heard = (f"source {numbers[0]}" if len(numbers) == 1 else
             "sources " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}")
    return (f'<span class="chat-marker"><span aria-hidden="true">{seen}</span>'
            f'<span class="visually-hidden">({heard})</span></span>')


def _sources_html(n: int, citations: Sequence[Citation]) -> str:
    if not citations:
        return ""
    folded = "".join(
        f'<div class="chat-source-item"><details class="chat-source" id="turn-{n}-source-{c.n}">'
        f"<summary>{_h(citation_name(c))}</summary>"
        f"<blockquote>{_quote_html(c.text)}</blockquote>"
        f'<p class="chat-paper">Paper: {_h(c.source)}</p></details>{open_link_html(c)}</div>'
        for c in citations)
    return f'<h4 class="chat-label">Sources</h4><div class="chat-sources">{folded}</div>'


def open_link_html(citation: Citation) -> str:
    """The link that opens a citation's paper at the passage, in the source viewer (in a
    new tab, so the conversation stays); none for a passage without a paper to open."""
    if not citation.link:
        return ""
    # Relative to the app's own address, which a proxy may put under a path of its own.
    return (f'<a class="chat-open" href="{_h(citation.link.lstrip("/"))}" target="_blank" '
            f'rel="noopener">Open source {citation.n} in its paper'
            '<span class="visually-hidden"> (opens in a new tab)</span></a>')


def _quote_html(text: str) -> str:
    """A passage as its paragraphs, each keeping its lines."""
    blocks = [block.strip("\n") for block in text.split("\n\n") if block.strip()]
    return "".join("<p>" + "<br>".join(_h(line) for line in block.split("\n")) + "</p>"
                   for block in blocks)


def _h(text: str) -> str:
    return html.escape(text, quote=True)
