"""Commands that keep the index and the service: ingest, status, serve, user add."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import integrity
from ..config import Settings
from ..errors import CommitteeQAError
from ..ingestion import find_papers
from ..render import ingest_summary, status_text
from ..users import add_user, check_exposure, load_users
from . import assistant_of, main
from .options import index_options, llm_options, model_option


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Remove papers no longer among PATHS from the index.")
@index_options
@model_option
def ingest_command(paths: tuple[Path, ...], prune: bool, index: Path | None,
                   chroma_url: str | None, model: str | None) -> None:
    """Add or update the papers at PATHS (files or folders; default: the inbox, ingest/)."""
    assistant = assistant_of(index=index, chroma_url=chroma_url, model=model)
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


@main.command("status")
@click.option("--repair", is_flag=True, help="Mend what can be mended, then check again.")
@index_options
@model_option
def status_command(repair: bool, index: Path | None, chroma_url: str | None,
                   model: str | None) -> None:
    """Report what the index holds and anything wrong with it; exit 1 when something is."""
    assistant = assistant_of(index=index, chroma_url=chroma_url, model=model)
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
    from ..serving import launch

    settings = Settings.load(host=host, users=str(users_file) if users_file else None)
    users = load_users(Path(settings.users)) if settings.users else None
    check_exposure(settings.host, users is not None, no_auth)
    assistant = assistant_of(index=index, chroma_url=chroma_url, model=model, host=host,
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
