"""`callwarden subjects open|list|show|export|erase|close`: data-subject requests from the shell.

Commands on the server's shell act as a compliance officer (named by OS user in the audit
trail): answering data-subject requests is compliance's work.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
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
    reading,
    unit_of_work,
)
from callwarden.config import Settings, load_settings
from callwarden.db import Database
from callwarden.identity.principal import Principal, cli_principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.models import SubjectRequest
from callwarden.subjects import service, workflows
from callwarden.subjects.schemas import describe as describe_row

app = new_app("Data-subject requests: open, list, show, export, erase and close.")


def _officer() -> Principal:
    return Principal(actor=cli_principal().actor, role=Role.COMPLIANCE_OFFICER)


def _describe(row: SubjectRequest) -> dict[str, Any]:
    return describe_row(row, service.deadline_of(row))


@contextmanager
def _opened() -> Iterator[tuple[Database, Settings]]:
    from callwarden.runtime import open_database

    config = load_settings()
    db = open_database(config)
    try:
        yield db, config
    finally:
        db.dispose()


def _print(row: dict[str, Any]) -> None:
    console.print(
        f"[bold]{row['request_id']}[/]  {row['kind']} under {row['law']}  ({row['state']})",
        highlight=False,
    )
    console.print(f"numbers: {', '.join(row['numbers'])}", highlight=False)
    console.print(f"received {row['received_at'][:19]}, due {row['due_at'][:19]}")
    for milestone in row["milestones"]:
        console.print(
            f"  by {milestone['due_at'][:10]}: {milestone['what']} ({milestone['citation']})"
        )
    console.print(f"identity: {row['identity_verification']} (by {row['verified_by']})")
    if row["found"]:
        found = row["found"]
        console.print(
            f"found: {len(found['calls'])} call(s), {len(found['recordings'])} recording(s)"
        )
    if row["outcome"]:
        console.print(f"outcome: {row['outcome']['summary']}", highlight=False)
    console.print(row["notice"], style="dim")


def _answer(row: dict[str, Any], as_json: bool) -> None:
    print_json(row) if as_json else _print(row)


@app.command("open")
def open_request(
    kind: str = typer.Option(..., help="access or erasure"),
    number: list[str] = typer.Option(..., "--number", help="An E.164 number (repeatable)."),
    law: str = typer.Option(..., help="gdpr, uk-gdpr or ccpa"),
    identity: str = typer.Option(..., help="How the person's identity was verified."),
    verified_by: str = typer.Option(..., help="Who verified it."),
    received: str | None = typer.Option(None, help="When received (ISO time; default now)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Open a request; its legal deadline follows from the law (not legal advice)."""
    with unit_of_work() as session:
        row = _describe(
            service.open_request(
                session,
                _officer(),
                kind=kind,
                numbers=number,
                law=law,
                received_at=received or clock.now(),
                identity_verification=identity,
                verified_by=verified_by,
            )
        )
    _answer(row, as_json)


@app.command("list")
def list_requests(
    state: str | None = typer.Option(None, help="open or closed"),
    cursor: str | None = CURSOR_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Requests, oldest first, a page at a time."""
    with reading() as session:
        found = service.list_requests(session, _officer(), state, cursor, limit)
        rows = [_describe(row) for row in found.rows]
    table = new_table("request", "kind", "law", "due", "state", keep_whole=("request",))
    for row in rows:
        table.add_row(row["request_id"], row["kind"], row["law"], row["due_at"][:10], row["state"])
    print_page(rows, found.next_cursor, as_json, table)


@app.command("show")
def show(request_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """A request: its deadline and what is due when, what was found, its outcome."""
    with reading() as session:
        row = _describe(service.get(session, _officer(), request_id))
    _answer(row, as_json)


@app.command("find")
def find(request_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Find every call and recording where the person was a party."""
    with unit_of_work() as session:
        row = _describe(service.find(session, _officer(), request_id))
    _answer(row, as_json)


@app.command("export")
def export(
    request_id: str,
    out: Path = typer.Option(..., "--out", help="The zip file to write."),
) -> None:
    """Write the access export (one vCon per call, the audio, manifest.json) to a zip."""
    with _opened() as (db, config):
        file, manifest = workflows.build_export(db, config, _officer(), request_id)
        with file, out.open("wb") as target:
            shutil.copyfileobj(file, target)
    console.print(
        f"wrote {out}: {len(manifest['files'])} file(s), {len(manifest['withheld'])} withheld"
    )


@app.command("erase")
def erase(
    request_id: str,
    yes: bool = typer.Option(False, "--yes", help="Confirm: recordings are destroyed for good."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Erase what may be erased; print the response letter (what was kept, and why)."""
    if not yes:
        raise typer.BadParameter("erasure destroys recordings for good: add --yes to confirm")
    with _opened() as (db, config):
        result = workflows.run_erasure(db, config, _officer(), request_id)
    if as_json:
        print_json(asdict(result))
    else:
        typer.echo(result.letter)


@app.command("close")
def close(
    request_id: str,
    outcome: str = typer.Option(..., help="What was done, in words (required)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Close a request with its outcome; never without one."""
    with unit_of_work() as session:
        row = _describe(service.close(session, _officer(), request_id, outcome))
    _answer(row, as_json)
