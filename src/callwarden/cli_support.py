"""What every CLI command shares: a console, a unit of work on the database, JSON output, tables,
and the lazy mounting that lets `callwarden --help` answer without importing every domain.

This module is imported by the root command, so it imports only Typer, rich and `kit.errors`;
the database and the settings are imported when a command first opens them.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
import typer.main
from rich.console import Console
from typer._click.core import Command as ClickCommand  # typer vendors click since 0.29
from typer._click.core import Context as ClickContext
from typer.core import TyperCommand, TyperGroup

from callwarden.kit.errors import CallwardenError

if TYPE_CHECKING:
    from rich.table import Table
    from sqlalchemy.orm import Session

console = Console()


class CallwardenGroup(TyperGroup):
    """Turns any CallwardenError raised by a command into one plain line and exit status 1."""

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except CallwardenError as error:
            typer.echo(f"error: {error.detail}", err=True)
            raise typer.Exit(1) from None


class LazyCommand(TyperCommand):
    """Stands in for a command in its group's help until the command itself is asked for.

    `target` is `"package.module:attribute"`, the attribute a Typer app (a group of commands) or
    a plain command function. Importing it is what costs time (a domain's service brings in
    SQLAlchemy, numpy, scipy or boto3), so only `load` imports it.
    """

    def __init__(self, name: str, target: str, help_text: str) -> None:
        super().__init__(name, help=help_text)
        self.target = target

    def load(self) -> ClickCommand:
        module_name, _, attribute = self.target.partition(":")
        found = getattr(importlib.import_module(module_name), attribute)
        command: ClickCommand
        if isinstance(found, typer.Typer):
            command = typer.main.get_group(found)  # a group even when it holds one command
        else:
            single = typer.Typer(add_completion=False)
            single.command(self.name)(found)
            command = typer.main.get_command(single)
        command.name = self.name
        return command


class LazyGroup(CallwardenGroup):
    """A group whose `lazy_commands` ({name: (target, one-line help)}) are imported on use.

    Its help lists them from the one-line help alone; running one, or asking for its own help,
    imports just that one.
    """

    lazy_commands: dict[str, tuple[str, str]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, (target, help_text) in self.lazy_commands.items():
            self.commands.setdefault(name, LazyCommand(name, target, help_text))

    def resolve_command(
        self, ctx: ClickContext, args: list[str]
    ) -> tuple[str | None, ClickCommand | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(command, LazyCommand):
            command = self.commands[name] = command.load()
        return name, command, rest


def new_app(help_text: str) -> typer.Typer:
    return typer.Typer(
        help=help_text, cls=CallwardenGroup, no_args_is_help=True, add_completion=False
    )


def new_table(*headers: str, keep_whole: tuple[str, ...] = (), title: str | None = None) -> Table:
    """A table that never cuts a value: cells fold onto the next line instead of ending in '…'.

    Columns named in `keep_whole` (the identifier people copy into the next command, short values
    such as "5 years") also keep to one line while the other columns wrap.
    """
    from rich.table import Table

    table = Table(title=title)
    for header in headers:
        table.add_column(header, no_wrap=header in keep_whole, overflow="fold")
    return table


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One committed transaction on the configured database for one CLI command."""
    from callwarden.config import load_settings
    from callwarden.runtime import open_database

    db = open_database(load_settings())
    try:
        with db.unit_of_work() as session:
            yield session
    finally:
        db.dispose()


@contextmanager
def reading() -> Iterator[Session]:
    """One read-only transaction (never committed) for a CLI command that only reads: on
    SQLite it takes no write lock, so a long read (the whole audit chain) blocks no writer."""
    from callwarden.config import load_settings
    from callwarden.runtime import open_database

    db = open_database(load_settings())
    try:
        with db.reading() as session:
            yield session
    finally:
        db.dispose()


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, default=str, ensure_ascii=False))


# Every list command pages as the API does: `--cursor` takes the cursor a page printed. The
# shell may ask for longer pages than the API allows (`--limit` up to CLI_MAX_LIMIT).
CLI_MAX_LIMIT = 10_000
CURSOR_OPTION = typer.Option(
    None, "--cursor", help="Start after the page that printed this cursor (its next cursor)."
)
# The API's default page (kit.pagination.DEFAULT_LIMIT, not imported: it pulls in SQLAlchemy).
LIMIT_OPTION = typer.Option(100, min=1, max=CLI_MAX_LIMIT, help="Items on a page, at most.")


def print_page(rows: list[Any], next_cursor: str | None, as_json: bool, table: Table) -> None:
    """A list command's page: with --json the API's page shape, else the table, then the
    cursor of the next page when there is one."""
    if as_json:
        print_json({"items": rows, "next_cursor": next_cursor})
        return
    console.print(table)
    if next_cursor is not None:
        console.print(f"more: --cursor {next_cursor}", highlight=False, soft_wrap=True)
