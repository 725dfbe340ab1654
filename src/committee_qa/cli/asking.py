"""Commands that read the papers: ask, brief, decisions."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import click

from ..assistant import Assistant
from ..briefing import briefing_format, make_briefing
from ..export import briefing_bytes, decisions_docx, save
from ..questions import answer_questions
from ..render import answer_dict, answer_text, decisions_csv, decisions_json, decisions_text
from ..schema import Access, Answer, Filters
from . import assistant_of, main
from .options import index_options, llm_options, model_option, reading_options


@main.command("ask")
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.option("--jsonl", type=click.File("r"),
              help="Answer every line of FILE (JSON with a `question`); '-' reads stdin.")
@reading_options
@index_options
@model_option
@llm_options
def ask_command(question: str | None, as_json: bool, jsonl: TextIO | None, filters: Filters,
                access: Access, index: Path | None, chroma_url: str | None,
                model: str | None, llm_url: str | None, llm_model: str | None) -> None:
    """Answer QUESTION from the papers, citing the passages it comes from."""
    if (question is None) == (jsonl is None):
        raise click.UsageError("give either a QUESTION or --jsonl FILE")
    assistant = assistant_of(index=index, chroma_url=chroma_url, model=model, llm_url=llm_url,
                           llm_model=llm_model)
    if assistant.retriever.is_empty():
        click.echo("warning: the index holds no papers; run `committee-qa ingest` first",
                   err=True)
    if jsonl is not None:
        failures: list[int] = []
        for row, answer in _answered(assistant, jsonl, filters, access, failures):
            click.echo(json.dumps({**row, **answer_dict(answer)}, ensure_ascii=False))
        sys.exit(1 if failures else 0)
    assert question is not None
    answer = assistant.ask(question, filters=filters, access=access)
    if as_json:
        click.echo(json.dumps({"question": question, **answer_dict(answer)},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(answer_text(answer))


def _answered(assistant: Assistant, lines: TextIO, filters: Filters, access: Access,
              failures: list[int]) -> Iterator[tuple[dict[str, Any], Answer]]:
    """Each question of the file and its answer; a line that cannot be asked is reported
    with the file's name and its number, and added to `failures`."""
    for line_no, row, answer in answer_questions(assistant, lines, filters, access):
        if isinstance(answer, str):
            failures.append(line_no)
            click.echo(f"error: {lines.name}:{line_no}: {answer}", err=True)
        else:
            yield row, answer


@main.command("brief")
@click.argument("questions", type=click.File("r"))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The briefing to write: FILE.docx (Word) or FILE.md (Markdown).")
@click.option("--base-url", help="The chat app's address, for the links to each passage "
                                 "[default: http://HOST:PORT of the settings].")
@reading_options
@index_options
@model_option
@llm_options
def brief_command(questions: TextIO, out: Path, base_url: str | None, filters: Filters,
                  access: Access, index: Path | None, chroma_url: str | None,
                  model: str | None, llm_url: str | None, llm_model: str | None) -> None:
    """Answer every line of QUESTIONS (as `ask --jsonl` reads them; '-' reads stdin) into a
    briefing: each quote with its paper, meeting and page, and a link to it in the app."""
    try:
        form = briefing_format(out.name)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--out") from None
    assistant = assistant_of(index=index, chroma_url=chroma_url, model=model, llm_url=llm_url,
                           llm_model=llm_model)
    failures: list[int] = []
    entries = [(row["question"], row.get("history") or (), answer)
               for row, answer in _answered(assistant, questions, filters, access, failures)]
    if not entries:
        raise click.ClickException(f"{questions.name} holds no question that can be asked; "
                                   f"{out} was not written")
    briefing = make_briefing(entries, base_url or assistant.settings.address,
                             datetime.now().astimezone(), assistant.papers(access).values(),
                             filters)
    _save(out, briefing_bytes(briefing, form))
    click.echo(f"briefing: {out} ({len(entries)} question{'s' * (len(entries) != 1)})")
    sys.exit(1 if failures else 0)


def _save(path: Path, data: bytes) -> None:
    try:
        save(path, data)
    except OSError as error:
        raise click.ClickException(f"cannot write {path}: {error.strerror or error}") from None


@main.command("decisions")
@reading_options
@click.option("--search", default="", help="Only decisions whose minute holds all these words.")
@click.option("--format", "form", type=click.Choice(["table", "csv", "json", "docx"]),
              default="table", show_default=True,
              help="How to give the register; docx (a Word table) needs --out.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the register to this file instead of printing it.")
@index_options
@model_option
def decisions_command(filters: Filters, access: Access, search: str, form: str,
                      out: Path | None, index: Path | None, chroma_url: str | None,
                      model: str | None) -> None:
    """List the register of decisions: every RESOLVED in the minutes, newest first."""
    if form == "docx" and out is None:
        raise click.UsageError("--format docx writes a Word file: name it with --out FILE")
    assistant = assistant_of(index=index, chroma_url=chroma_url, model=model)
    decisions = assistant.decisions(filters, search, access)
    if form == "docx":
        data = decisions_docx(decisions, datetime.now().astimezone(), filters,
                              assistant.papers(access).values())
    else:
        data = {"json": decisions_json, "csv": decisions_csv}.get(form, decisions_text)(
            decisions).encode("utf-8")
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        _save(out, data)
        click.echo(f"register: {out} ({len(decisions)} decision{'s' * (len(decisions) != 1)})")
