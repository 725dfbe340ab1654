"""The command line's shared options: where the index is, which model answers, and which
papers a command reads (the filters and access), handed to each command in its words."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..errors import FilterError
from ..filters import DOC_TYPES, parse_filters

chroma_option = click.option("--chroma-url", help="Keep the index in this Chroma server "
                             "(`chroma run`) instead of the --index folder "
                             "[default: COMMITTEE_QA_CHROMA_URL].")
model_option = click.option("--model", help="Local sentence-transformers model folder "
                            "[default: the packaged all-MiniLM-L6-v2].")


def index_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--index and --chroma-url: where the index is."""
    return click.option("--index", type=click.Path(file_okay=False, path_type=Path),
                        help="Index folder [default: index, or COMMITTEE_QA_INDEX].")(
        chroma_option(command))


def llm_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--llm-url and --llm-model: the language model that writes answers, if any."""
    url = click.option("--llm-url", help="OpenAI-compatible server whose model writes the "
                       "answers, each sentence verified against the papers "
                       "[default: COMMITTEE_QA_LLM_URL; none: quoted answers].")
    return url(click.option("--llm-model", help="The model's name on that server "
                            "[default: COMMITTEE_QA_LLM_MODEL].")(command))


def reading_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--committee, --type, --since, --until and --restricted: what ask, brief and decisions
    read, handed to the command as `filters` and `access`."""
    @functools.wraps(command)
    def reading(committee: tuple[str, ...], doc_type: tuple[str, ...], since: str, until: str,
                restricted: bool, **rest: Any) -> Any:
        try:
            filters = parse_filters(committee, doc_type, since, until)
        except FilterError as error:
            raise click.BadParameter(str(error)) from None
        return command(filters=filters, access="restricted" if restricted else "public", **rest)

    for option in reversed([
        click.option("--committee", multiple=True,
                     help="Only committees whose name contains this (repeatable)."),
        click.option("--type", "doc_type", multiple=True, type=click.Choice(DOC_TYPES),
                     help="Only these documents of the packs (repeatable)."),
        click.option("--since", default="", help="Only meetings on or after this date "
                                                 "(YYYY-MM-DD, YYYY-MM or YYYY)."),
        click.option("--until", default="", help="Only meetings on or before this date."),
        click.option("--restricted", is_flag=True, help="Also use restricted papers (exempt "
                     "information): only for those entitled to read them."),
    ]):
        reading = option(reading)
    return reading
