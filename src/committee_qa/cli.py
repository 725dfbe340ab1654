"""The committee-qa command: ingest, ask, brief, serve. A thin shell over the library."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import click

from . import integrity
from .assistant import Assistant
from .briefing import briefing_format, make_briefing
from .config import Settings
from .errors import CommitteeQAError
from .export import briefing_bytes, decisions_docx, save
from .ingestion import find_papers
from .options import chroma_option, index_options, llm_options, model_option, reading_options
from .questions import answer_questions
from .render import (
    answer_dict,
    answer_text,
    decisions_csv,
    decisions_json,
    decisions_text,
    ingest_summary,
    status_text,
)
from .schema import Access, Answer, Filters
from .users import add_user, check_exposure, load_users
from .wiring import build_assistant


class _Commands(click.Group):
    """The library's errors, wherever a command meets one, become one line naming the
    file, value or command to run, and exit 1 (click's own usage errors exit 2)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CommitteeQAError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=_Commands)
@click.version_option(package_name="committee-qa")
def main() -> None:
    """Ask questions of committee papers; every answer cites the passages it comes from."""


def _assistant(**overrides: Any) -> Assistant:
    return build_assistant(Settings.load(**overrides))


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Remove papers no longer among PATHS from the index.")
@index_options
@model_option
def ingest_command(paths: tuple[Path, ...], prune: bool, index: Path | None,
                   chroma_url: str | None, model: str | None) -> None:
    """Add or update the papers at PATHS (files or folders; default: the inbox, ingest/)."""
    assistant = _assistant(index=index, chroma_url=chroma_url, model=model)
    targets = list(paths) or [assistant.settings.inbox]
    files, _missing = find_papers(targets)
    with click.progressbar(length=len(files), label="Ingesting", file=sys.stderr,
                           item_show_func=lambda name: name) as bar:
        report = assistant.ingest(targets, prune=prune,
                                  progress=lambda name: bar.update(1, name))
    for failure in report.failed:
        click.echo(f"error: {failure.source}: {failure.reason}", err=True)
    click.echo(ingest_summary(report))
    if report.failed:
        sys.exit(1)


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
    assistant = _assistant(index=index, chroma_url=chroma_url, model=model, llm_url=llm_url,
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
    assistant = _assistant(index=index, chroma_url=chroma_url, model=model, llm_url=llm_url,
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
    assistant = _assistant(index=index, chroma_url=chroma_url, model=model)
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


@main.command("status")
@click.option("--repair", is_flag=True, help="Mend what can be mended, then check again.")
@index_options
@model_option
def status_command(repair: bool, index: Path | None, chroma_url: str | None,
                   model: str | None) -> None:
    """Report what the index holds and anything wrong with it; exit 1 when something is."""
    assistant = _assistant(index=index, chroma_url=chroma_url, model=model)
    if repair:
        for line in integrity.repair(assistant.store):
            click.echo(f"repaired: {line}")
    status = integrity.inspect(assistant.store)
    click.echo(status_text(status))
    sys.exit(0 if status.healthy else 1)


@main.command("serve")
@click.option("--host", help="Address to bind [default: 127.0.0.1].")
@click.option("--port", type=int, help="Port [default: 7860].")
@click.option("--ingest/--no-ingest", "ingest_first", default=False,
              help="Ingest the inbox (ingest/) before serving.")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Users file: people sign in [default: COMMITTEE_QA_USERS].")
@click.option("--no-auth", is_flag=True,
              help="Serve the public papers without sign-in on a non-loopback --host.")
@index_options
@model_option
@llm_options
def serve_command(host: str | None, port: int | None, ingest_first: bool,
                  users_file: Path | None, no_auth: bool, index: Path | None,
                  chroma_url: str | None, model: str | None, llm_url: str | None,
                  llm_model: str | None) -> None:
    """Start the chat app in the browser (bound to 127.0.0.1 unless --host says otherwise).

    Bound to any other address it asks people to sign in (--users), or says plainly that
    it will not start unless told --no-auth."""
    from .ui import launch

    settings = Settings.load(host=host, users=str(users_file) if users_file else None)
    users = load_users(Path(settings.users)) if settings.users else None
    check_exposure(settings.host, users is not None, no_auth)
    assistant = _assistant(index=index, chroma_url=chroma_url, model=model, host=host,
                           port=port, llm_url=llm_url, llm_model=llm_model)
    if ingest_first:
        try:
            report = assistant.ingest([assistant.settings.inbox])
        except CommitteeQAError as error:  # e.g. another ingest is running: serve anyway
            click.echo(f"warning: not ingesting {assistant.settings.inbox}: {error}", err=True)
        else:
            for failure in report.failed:
                click.echo(f"error: {failure.source}: {failure.reason}", err=True)
            click.echo(ingest_summary(report), err=True)
    launch(assistant, users)


@main.group("user")
def user_group() -> None:
    """Who may sign in to the chat (the users file)."""


@user_group.command("add")
@click.argument("name")
@click.option("--restricted", is_flag=True, help="May read restricted papers too.")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Users file [default: COMMITTEE_QA_USERS].")
@click.password_option(help="The password (asked for when not given).")
def user_add_command(name: str, restricted: bool, users_file: Path | None,
                     password: str) -> None:
    """Add NAME to the users file, or change their password and access."""
    path = users_file or Path(Settings.load().users or "")
    if not str(path) or str(path) == ".":
        raise click.UsageError("name the users file with --users FILE or COMMITTEE_QA_USERS")
    add_user(path, name, password, "restricted" if restricted else "public")
    click.echo(f"{name} may sign in, reading {'all' if restricted else 'public'} papers "
               f"({path})")


@main.command("eval")
@click.option("--set", "gold_sets", multiple=True, type=click.Path(
              exists=True, file_okay=False, path_type=Path), help="A gold set's folder: "
              "questions.jsonl, papers/ and metadata.jsonl; gated by the table named after it "
              "(evals/councils/held-out: [councils-held-out]). Repeatable.")
@click.option("--questions", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Gold questions, one JSON object per line (see "
              "evals/README.md) [default: evals/questions.jsonl]. Repeatable.")
@click.option("--corpus", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Papers the questions are about [default: the inbox, ingest/]. Repeatable.")
@click.option("--metadata", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Each paper's council, committee, meeting date and type, to measure.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a Markdown report here, and JSON beside it (.json).")
@click.option("--baselines", is_flag=True,
              help="Also measure keyword-only, dense-only and the textbook LangChain pipeline.")
@click.option("--thresholds", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("evals/thresholds.toml"), show_default=True,
              help="Minimum figures; eval exits 1 when one is missed (skipped if absent).")
@click.option("--gates", help="The table of --thresholds to check [default: samples, or the "
              "set's name].")
@click.option("--fit-abstention", type=click.Path(dir_okay=False, path_type=Path),
              help="Fit when to decline on these questions and write the model here; use it "
              "with COMMITTEE_QA_ABSTENTION.")
@click.option("--index", type=click.Path(file_okay=False, path_type=Path),
              help="Index to use (ingesting the corpus into it) [default: a temporary one].")
@chroma_option
@model_option
@llm_options
def eval_command(gold_sets: tuple[Path, ...], questions: tuple[Path, ...],
                 corpus: tuple[Path, ...], metadata: Path | None, report: Path | None,
                 baselines: bool, thresholds: Path, gates: str | None,
                 fit_abstention: Path | None, index: Path | None, chroma_url: str | None,
                 model: str | None, llm_url: str | None, llm_model: str | None) -> None:
    """Measure retrieval, answers, citations, abstention and metadata on gold sets, each
    on its own papers in an index of its own."""
    from .evaluation.runner import GoldSource, run_sets

    sources = [GoldSource.folder(s, gates) for s in gold_sets]
    if questions or not sources:
        sources.append(GoldSource("samples", questions or (Path("evals/questions.jsonl"),),
                                  corpus, metadata, gates or "samples"))
    settings = Settings.load(index=index, chroma_url=chroma_url, model=model, llm_url=llm_url,
                             llm_model=llm_model)
    rows, failed_gates = run_sets(settings, sources, baselines, thresholds, report,
                                  "committee-qa eval " + " ".join(sys.argv[2:]),
                                  index is None, lambda line, error: click.echo(line, err=error))
    if fit_abstention is not None:
        from .abstention import fit

        fit(rows, fitted_on=", ".join(s.name for s in sources)).save(fit_abstention)
        click.echo(f"abstention model: {fit_abstention}")
    sys.exit(1 if failed_gates else 0)
