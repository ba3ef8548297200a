"""`callwarden policy validate|apply|show|list|diff|render`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from callwarden.cli_support import (
    CURSOR_OPTION,
    LIMIT_OPTION,
    console,
    new_app,
    new_table,
    print_json,
    print_page,
    unit_of_work,
)
from callwarden.identity.principal import cli_principal
from callwarden.kit.clock import as_utc
from callwarden.kit.errors import InvalidInput
from callwarden.policy import service
from callwarden.policy.problems import PolicyInvalid, Problem
from callwarden.policy.render import render as render_policy
from callwarden.policy.schema import PolicyDocument

app = new_app("Validate, apply, show, compare and render the recording policy.")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {path}: {error}") from None


def _print_problems(problems: list[Problem], source: str) -> None:
    for problem in problems:
        colour = "red" if problem.severity == "error" else "yellow"
        console.print(f"[{colour}]{problem.describe(source)}[/]", highlight=False, soft_wrap=True)


@app.command("validate")
def validate(file: Path) -> None:
    """Check a policy file against the law knowledge base; exit 1 on any error."""
    try:
        validated = service.validate_text(_read(file), str(file))
    except PolicyInvalid as invalid:
        _print_problems(invalid.problems, str(file))
        errors = sum(problem.severity == "error" for problem in invalid.problems)
        typer.echo(f"error: {file} is not valid ({errors} error(s)); fix the lines above", err=True)
        raise typer.Exit(1) from None
    _print_problems(validated.warnings, str(file))
    console.print(f"{file} is valid ({len(validated.warnings)} warning(s))", highlight=False)


@app.command("apply")
def apply(
    file: Path, effective_from: datetime | None = typer.Option(None, help="ISO time; default now.")
) -> None:
    """Validate and store the policy as a new version (no change if it is already in force)."""
    text = _read(file)
    with unit_of_work() as session:
        try:
            applied = service.apply(
                session,
                cli_principal(),
                text,
                file.name,
                as_utc(effective_from) if effective_from else None,
            )
        except PolicyInvalid as invalid:
            _print_problems(invalid.problems, str(file))
            raise InvalidInput(f"{file} was not applied: fix the errors above") from None
        version = applied.version.version
    _print_problems(applied.warnings, str(file))
    if applied.created:
        console.print(f"applied {file} as policy version {version}", highlight=False)
    else:
        console.print(
            f"policy version {version} already has this content: nothing changed", highlight=False
        )


@app.command("show")
def show(
    version: int | None = typer.Option(None), as_json: bool = typer.Option(False, "--json")
) -> None:
    """Print a version (default: the one in force) with who applied it and when."""
    with unit_of_work() as session:
        row = service.get_version(session, version)
        meta = {
            "version": row.version,
            "content_hash": row.content_hash,
            "applied_by": row.applied_by,
            "applied_at": row.applied_at.isoformat(),
            "effective_from": row.effective_from.isoformat(),
            "law_version": row.law_version,
            "source": row.source_name,
        }
        if as_json:
            print_json({**meta, "policy": row.parsed, "warnings": row.warnings})
            return
        console.print(
            f"# policy version {row.version}, applied by {row.applied_by} at {meta['applied_at']}, "
            f"effective from {meta['effective_from']}, sha256 {row.content_hash[:16]}…",
            highlight=False,
        )
        typer.echo(row.document)


@app.command("list")
def list_versions(
    cursor: str | None = CURSOR_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The stored versions, oldest first, a page at a time."""
    with unit_of_work() as session:
        found = service.list_versions(session, cursor, limit)
        rows: list[dict[str, Any]] = [
            {
                "version": row.version,
                "effective_from": row.effective_from.isoformat(),
                "applied_by": row.applied_by,
                "source": row.source_name,
                "content_hash": row.content_hash,
            }
            for row in found.rows
        ]
    table = new_table(
        "version", "effective from", "applied by", "source", "sha256", keep_whole=("version",)
    )
    for row in rows:
        table.add_row(
            str(row["version"]),
            row["effective_from"][:19],
            row["applied_by"],
            row["source"],
            row["content_hash"][:12],
        )
    print_page(rows, found.next_cursor, as_json, table)


@app.command("diff")
def diff(first: int, second: int) -> None:
    """Show what changed between two versions."""
    with unit_of_work() as session:
        text = service.diff(session, first, second)
    typer.echo(text or f"versions {first} and {second} have the same text")


@app.command("render")
def render(
    fmt: str = typer.Option("md", "--format", help="md or html"),
    version: int | None = typer.Option(None),
    file: Path | None = typer.Option(
        None, "--file", help="Render a policy file instead of a stored version."
    ),
    output: Path | None = typer.Option(None, "--output", "-o"),
) -> None:
    """Render the policy as a readable document for employees."""
    if fmt not in {"md", "html"}:
        raise InvalidInput(f"unknown format {fmt!r}; use md or html")
    if file is not None:
        text = render_policy(service.validate_text(_read(file), str(file)).document, fmt)
    else:
        with unit_of_work() as session:
            row = service.get_version(session, version)
            document = PolicyDocument.model_validate(row.parsed)
            text = render_policy(document, fmt, row.version, row.effective_from.date().isoformat())
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}", highlight=False)
