"""The command line's error contract, in one place.

Every exception the library raises on purpose is a
``disclosures.model.errors.DisclosuresError``; a command lets it propagate,
and ``CliApp``'s command class answers it with one ``Error: …`` line on
stderr and the exception's exit code (2 for ``BadInput``, 1 for
``Failure``). The answer lives in the click command's ``invoke``, so it holds
alike for the installed script (``app()``) and for typer's ``CliRunner``.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Annotated, Any

import click
import typer
from disclosures.model.errors import DisclosuresError
from typer.core import TyperCommand, TyperGroup


def one_line(message: str) -> str:
    """A message fit for one line of a terminal: line breaks and other control
    characters (a file may be named with a newline) written as escapes."""
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
                   for ch in message)


def error_line(exc: BaseException) -> str:
    return f"Error: {one_line(str(exc))}"


def answer(exc: DisclosuresError) -> None:
    click.echo(error_line(exc), err=True)
    raise typer.Exit(exc.exit_code)


# ``ctx`` is click's Context as typer vendors it (``typer._click``, not public): Any.
class ContractCommand(TyperCommand):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DisclosuresError as exc:
            answer(exc)


class ContractGroup(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DisclosuresError as exc:  # raised by a callback, outside any command
            answer(exc)


class CliApp(typer.Typer):
    """A ``typer.Typer`` whose commands keep the error contract."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", ContractGroup)
        super().__init__(**kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None,
                **kwargs: Any) -> Any:
        return super().command(name, cls=cls or ContractCommand, **kwargs)


def note(message: str) -> None:
    """A line for the person at the terminal (stderr), printed as given."""
    click.echo(message, err=True)


# the options most commands share
DB_HELP = ("Database URL: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB; "
           "default $DISCLOSURES_DB or sqlite:///./disclosures.db")
Db = Annotated[str | None, typer.Option("--db", help=DB_HELP)]
RawDir = Annotated[str | None, typer.Option("--raw-dir", help="Raw store; default $DISCLOSURES_RAW or ./disclosures-raw")]
