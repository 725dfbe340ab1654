"""The committee-qa command: ingest, ask, serve. A thin shell over the library."""

from __future__ import annotations

import ipaddress
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

import click

from . import integrity
from .config import Settings
from .errors import CommitteeQAError, FilterError
from .filters import DOC_TYPES, parse_filters
from .ingestion import find_papers
from .render import (
    answer_dict,
    answer_text,
    decisions_csv,
    decisions_text,
    ingest_summary,
    status_text,
)
from .retrieval import Access
from .schema import Filters
from .users import add_user, load_users
from .wiring import Assistant, build_assistant

_CHROMA = click.option("--chroma-url", help="Keep the index in this Chroma server "
                                            "(`chroma run`) instead of the --index folder "
                                            "[default: COMMITTEE_QA_CHROMA_URL].")


def _INDEX(command: Callable[..., Any]) -> Callable[..., Any]:  # noqa: N802
    """--index and --chroma-url: where the index is."""
    return click.option("--index", type=click.Path(file_okay=False, path_type=Path),
                        help="Index folder [default: index, or COMMITTEE_QA_INDEX].")(
        _CHROMA(command))
_MODEL = click.option("--model", help="Local sentence-transformers model folder "
                                      "[default: the packaged all-MiniLM-L6-v2].")


def _LLM(command: Callable[..., Any]) -> Callable[..., Any]:  # noqa: N802
    """--llm-url and --llm-model: the language model that writes answers, if any."""
    url = click.option("--llm-url", help="OpenAI-compatible server whose model writes the "
                       "answers, each sentence verified against the papers "
                       "[default: COMMITTEE_QA_LLM_URL; none: quoted answers].")
    return url(click.option("--llm-model", help="The model's name on that server "
                            "[default: COMMITTEE_QA_LLM_MODEL].")(command))


@click.group()
@click.version_option(package_name="committee-qa")
def main() -> None:
    """Ask questions of committee papers; every answer cites the passages it comes from."""


def _assistant(**overrides: Any) -> Assistant:
    try:
        return build_assistant(Settings.load(**overrides))
    except CommitteeQAError as error:
        raise click.ClickException(str(error)) from None


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Remove papers no longer among PATHS from the index.")
@_INDEX
@_MODEL
def ingest_command(paths: tuple[Path, ...], prune: bool, index: Path | None,
                   chroma_url: str | None, model: str | None) -> None:
    """Add or update the papers at PATHS (files or folders; default: the inbox, ingest/)."""
    assistant = _assistant(index=index, chroma_url=chroma_url, model=model)
    targets = list(paths) or [assistant.settings.inbox]
    files, _missing = find_papers(targets)
    try:
        with click.progressbar(length=len(files), label="Ingesting", file=sys.stderr,
                               item_show_func=lambda name: name) as bar:
            report = assistant.ingest(targets, prune=prune,
                                      progress=lambda name: bar.update(1, name))
    except CommitteeQAError as error:
        raise click.ClickException(str(error)) from None
    for failure in report.failed:
        click.echo(f"error: {failure.source}: {failure.reason}", err=True)
    click.echo(ingest_summary(report))
    if report.failed:
        sys.exit(1)


def _filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--committee, --type, --since, --until: the filters shared by ask and decisions."""
    for option in reversed([
        click.option("--committee", multiple=True,
                     help="Only committees whose name contains this (repeatable)."),
        click.option("--type", "doc_type", multiple=True, type=click.Choice(DOC_TYPES),
                     help="Only these documents of the packs (repeatable)."),
        click.option("--since", default="", help="Only meetings on or after this date "
                                                 "(YYYY-MM-DD, YYYY-MM or YYYY)."),
        click.option("--until", default="", help="Only meetings on or before this date."),
    ]):
        command = option(command)
    return command


_RESTRICTED = click.option("--restricted", is_flag=True,
                           help="Also use restricted papers (exempt information): only for "
                                "those entitled to read them.")


def _access(restricted: bool) -> Access:
    return "restricted" if restricted else "public"


def _filters(committee: tuple[str, ...], doc_type: tuple[str, ...], since: str,
             until: str) -> Filters:
    try:
        return parse_filters(committee, doc_type, since, until)
    except FilterError as error:
        raise click.BadParameter(str(error)) from None


@main.command("ask")
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.option("--jsonl", type=click.File("r"),
              help="Answer every line of FILE (JSON with a `question`); '-' reads stdin.")
@_filter_options
@_RESTRICTED
@_INDEX
@_MODEL
@_LLM
def ask_command(question: str | None, as_json: bool, jsonl: TextIO | None,
                committee: tuple[str, ...], doc_type: tuple[str, ...], since: str, until: str,
                restricted: bool, index: Path | None, chroma_url: str | None,
                model: str | None, llm_url: str | None, llm_model: str | None) -> None:
    """Answer QUESTION from the papers, citing the passages it comes from."""
    if (question is None) == (jsonl is None):
        raise click.UsageError("give either a QUESTION or --jsonl FILE")
    filters = _filters(committee, doc_type, since, until)
    assistant = _assistant(index=index, chroma_url=chroma_url, model=model, llm_url=llm_url,
                           llm_model=llm_model)
    if assistant.retriever.is_empty():
        click.echo("warning: the index holds no papers; run `committee-qa ingest` first",
                   err=True)
    if jsonl is not None:
        failures = 0
        for line_no, row, error in _rows(jsonl):
            if error:
                failures += 1
                click.echo(f"error: {jsonl.name}:{line_no}: {error}", err=True)
                continue
            answer = assistant.ask(row["question"], row.get("history") or (), filters,
                                   _access(restricted))
            click.echo(json.dumps({**row, **answer_dict(answer)}, ensure_ascii=False))
        sys.exit(1 if failures else 0)
    assert question is not None
    answer = assistant.ask(question, filters=filters, access=_access(restricted))
    if as_json:
        click.echo(json.dumps({"question": question, **answer_dict(answer)},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(answer_text(answer))


def _rows(lines: TextIO) -> Iterator[tuple[int, dict[str, Any], str]]:
    """(line number, object, error) for each non-blank line; error is '' when it is usable."""
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


@main.command("decisions")
@_filter_options
@_RESTRICTED
@click.option("--search", default="", help="Only decisions whose minute holds all these words.")
@click.option("--format", "form", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="How to print the register.")
@_INDEX
@_MODEL
def decisions_command(committee: tuple[str, ...], doc_type: tuple[str, ...], since: str,
                      until: str, restricted: bool, search: str, form: str,
                      index: Path | None, chroma_url: str | None, model: str | None) -> None:
    """List the register of decisions: every RESOLVED in the minutes, newest first."""
    filters = _filters(committee, doc_type, since, until)
    assistant = _assistant(index=index, chroma_url=chroma_url, model=model)
    decisions = assistant.decisions(filters, search, _access(restricted))
    if form == "json":
        click.echo(json.dumps([{**asdict(d), "link": d.link} for d in decisions],
                              ensure_ascii=False, indent=2))
    elif form == "csv":
        click.echo(decisions_csv(decisions), nl=False)
    else:
        click.echo(decisions_text(decisions))


@main.command("status")
@click.option("--repair", is_flag=True, help="Mend what can be mended, then check again.")
@_INDEX
@_MODEL
def status_command(repair: bool, index: Path | None, chroma_url: str | None,
                   model: str | None) -> None:
    """Report what the index holds and anything wrong with it; exit 1 when something is."""
    assistant = _assistant(index=index, chroma_url=chroma_url, model=model)
    try:
        if repair:
            for line in integrity.repair(assistant.store):
                click.echo(f"repaired: {line}")
        status = integrity.inspect(assistant.store)
    except CommitteeQAError as error:
        raise click.ClickException(str(error)) from None
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
@_INDEX
@_MODEL
@_LLM
def serve_command(host: str | None, port: int | None, ingest_first: bool,
                  users_file: Path | None, no_auth: bool, index: Path | None,
                  chroma_url: str | None, model: str | None, llm_url: str | None,
                  llm_model: str | None) -> None:
    """Start the chat app in the browser (bound to 127.0.0.1 unless --host says otherwise).

    Bound to any other address it asks people to sign in (--users), or says plainly that
    it will not start unless told --no-auth."""
    from .ui import launch

    settings = Settings.load(host=host, users=str(users_file) if users_file else None)
    users = None
    try:
        if settings.users:
            users = load_users(Path(settings.users))
    except CommitteeQAError as error:
        raise click.ClickException(str(error)) from None
    if users is None and not no_auth and not _loopback(settings.host):
        raise click.ClickException(
            f"--host {settings.host} lets anyone who can reach this machine use the chat; "
            "give a users file so people sign in (--users FILE, made with `committee-qa "
            "user add NAME`), or pass --no-auth to serve the public papers without sign-in")
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


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


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
    try:
        add_user(path, name, password, _access(restricted))
    except CommitteeQAError as error:
        raise click.ClickException(str(error)) from None
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
@_CHROMA
@_MODEL
@_LLM
def eval_command(gold_sets: tuple[Path, ...], questions: tuple[Path, ...],
                 corpus: tuple[Path, ...], metadata: Path | None, report: Path | None,
                 baselines: bool, thresholds: Path, gates: str | None,
                 fit_abstention: Path | None, index: Path | None, chroma_url: str | None,
                 model: str | None, llm_url: str | None, llm_model: str | None) -> None:
    """Measure retrieval, answers, citations, abstention and metadata on gold sets, each
    on its own papers in an index of its own."""
    from .evaluation import report as reporting
    from .evaluation.runner import GoldSource, evaluate_source, fitting_rows

    sources = [GoldSource.folder(s, gates) for s in gold_sets]
    if questions or not sources:
        sources.append(GoldSource("samples", questions or (Path("evals/questions.jsonl"),),
                                  corpus, metadata, gates or "samples"))
    settings = Settings.load(index=index, chroma_url=chroma_url, model=model, llm_url=llm_url,
                             llm_model=llm_model)
    rows: list[tuple[dict[str, float], bool, str]] = []
    failed_gates = False
    for source in sources:
        try:
            results, outcomes, failed, misses = evaluate_source(
                settings, source, baselines, thresholds, scratch=index is None)
        except CommitteeQAError as error:
            raise click.ClickException(str(error)) from None
        for failure in failed:
            click.echo(f"error: {failure.source}: {failure.reason}", err=True)
        if len(sources) > 1:
            click.echo(f"\n{source.name}")
        click.echo(reporting.text_table(results))
        for miss in misses:
            click.echo(f"gate failed: {source.name}: {miss}", err=True)
        if report is not None:
            path = report if len(sources) == 1 else report.with_name(
                f"{report.stem}-{source.name}{report.suffix}")
            command = "committee-qa eval " + " ".join(sys.argv[2:])
            data = reporting.write_reports(path, results, outcomes, command, misses)
            click.echo(f"report: {path} and {data}")
        rows += fitting_rows(outcomes)
        failed_gates = failed_gates or bool(misses)
    if fit_abstention is not None:
        from .abstention import fit

        try:
            fit(rows, fitted_on=", ".join(s.name for s in sources)).save(fit_abstention)
        except CommitteeQAError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"abstention model: {fit_abstention}")
    sys.exit(1 if failed_gates else 0)
