"""The committee-qa command: ingest, ask, brief, decisions, serve, eval. A thin shell over
the library: each command parses its options, calls one library function and renders the
result; the library's errors become one line, once, here."""

from __future__ import annotations

from typing import Any

import click

from ..assistant import Assistant
from ..config import Settings
from ..errors import CommitteeQAError
from ..wiring import build_assistant


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


def assistant_of(**overrides: Any) -> Assistant:
    """The assistant the settings name, with the command's options over them."""
    return build_assistant(Settings.load(**overrides))


# The commands, each group in its own module, join `main` as they are imported.
from . import asking, evaluating, keeping  # noqa: E402, F401
