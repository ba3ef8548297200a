"""What every CLI command shares: a console, a unit of work on the database, JSON output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from sqlalchemy.orm import Session
from typer._click.core import Context as ClickContext  # typer vendors click since 0.29
from typer.core import TyperGroup

from callwarden.config import load_settings
from callwarden.kit.errors import CallwardenError
from callwarden.runtime import open_database

console = Console()


class CallwardenGroup(TyperGroup):
    """Turns any CallwardenError raised by a command into one plain line and exit status 1."""

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except CallwardenError as error:
            typer.echo(f"error: {error.detail}", err=True)
            raise typer.Exit(1) from None


def new_app(help_text: str) -> typer.Typer:
    return typer.Typer(
        help=help_text, cls=CallwardenGroup, no_args_is_help=True, add_completion=False
    )


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One committed transaction on the configured database for one CLI command."""
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
    db = open_database(load_settings())
    try:
        with db.reading() as session:
            yield session
    finally:
        db.dispose()


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, default=str, ensure_ascii=False))
