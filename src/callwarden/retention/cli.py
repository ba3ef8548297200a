"""`callwarden holds create|list|show|release`: legal holds from the server's shell.

Commands on the server's shell act as legal staff (named by OS user in the audit trail): making
and releasing holds is legal's work, which the administrators' role does not include.
"""

from __future__ import annotations

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
from callwarden.config import load_settings
from callwarden.identity.principal import Principal, cli_principal
from callwarden.identity.roles import Role
from callwarden.kit.errors import InvalidInput
from callwarden.retention import holds
from callwarden.retention.certificate_cli import certificate_app
from callwarden.retention.schemas import describe
from callwarden.retention.scope import SEARCH_KEYS
from callwarden.retention.sweep_cli import sweep_command

app = new_app("Create, list, show and release legal holds.")


def _legal() -> Principal:
    return Principal(actor=cli_principal().actor, role=Role.LEGAL)


def _search(pairs: list[str]) -> dict[str, str] | None:
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput(f"--search takes KEY=VALUE ({', '.join(SEARCH_KEYS)}), not {pair!r}")
        found[key.strip()] = value
    return found or None


def _print(hold: dict[str, Any]) -> None:
    state = "active" if hold["active"] else f"released {hold['released_at'][:19]}"
    console.print(f"[bold]{hold['hold_id']}[/]  {hold['matter']}  ({state})", highlight=False)
    console.print(f"reason: {hold['reason']}", highlight=False)
    for key, value in hold["scope"].items():
        if value:
            console.print(f"  {key}: {value}", highlight=False)
    if hold["release_reason"]:
        console.print(f"released by {hold['released_by']}: {hold['release_reason']}")


def _answer(hold: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(hold)
    else:
        _print(hold)


@app.command("create")
def create(
    matter: str = typer.Option(..., help="The matter's name."),
    reason: str = typer.Option(..., help="Why the hold is needed (kept in the audit trail)."),
    recording: list[str] = typer.Option([], "--recording", help="A recording id (repeatable)."),
    call: list[str] = typer.Option([], "--call", help="A call id (repeatable)."),
    number: list[str] = typer.Option([], "--number", help="An E.164 number (repeatable)."),
    agent: list[str] = typer.Option([], "--agent", help="An agent's username (repeatable)."),
    team: list[str] = typer.Option([], "--team", help="A team's name (repeatable)."),
    since: str | None = typer.Option(None, "--from", help="Calls started from (ISO time)."),
    until: str | None = typer.Option(None, "--to", help="Calls started before (ISO time)."),
    search: list[str] = typer.Option([], "--search", help="KEY=VALUE of GET /v1/recordings."),
    yes: bool = typer.Option(False, "--yes", help="Make a broad hold without asking."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Open a hold: it keeps what its scope matches now and what arrives while it is active.

    A broad scope (over CALLWARDEN_HOLD_BROAD_SCOPE recordings, or open-ended in time) is made
    only once confirmed (asked here, or --yes)."""
    scope: dict[str, Any] = {
        "recording_ids": recording,
        "call_ids": call,
        "numbers": number,
        "agents": agent,
        "teams": team,
        "search": _search(search),
    }
    if since or until:
        scope["started"] = {"from": since, "to": until}
    broad_over = load_settings().hold_broad_scope
    try:
        with unit_of_work() as session:
            made = holds.create(session, _legal(), matter, reason, scope, yes, broad_over)
            hold = describe(made)
    except holds.BroadScope as broad:
        if not typer.confirm(f"{broad.detail.split(': send')[0]}. Make this hold?", err=True):
            raise typer.Exit(1) from None
        with unit_of_work() as session:
            hold = describe(
                holds.create(session, _legal(), matter, reason, scope, True, broad_over)
            )
    _answer(hold, as_json)


@app.command("list")
def list_holds(
    active: bool | None = typer.Option(None, "--active/--released", help="Only one kind."),
    cursor: str | None = CURSOR_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Holds, oldest first, a page at a time."""
    with reading() as session:
        found = holds.list_holds(session, _legal(), active, cursor, limit)
        rows = [describe(hold) for hold in found.rows]
    table = new_table("hold", "matter", "created", "state", keep_whole=("hold",))
    for row in rows:
        state = "active" if row["active"] else "released"
        table.add_row(row["hold_id"], row["matter"], row["created_at"][:19], state)
    print_page(rows, found.next_cursor, as_json, table)


@app.command("show")
def show(hold_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """A hold: its matter, reason, scope and whether it is still active."""
    with reading() as session:
        hold = describe(holds.get(session, _legal(), hold_id))
    _answer(hold, as_json)


@app.command("release")
def release(
    hold_id: str,
    reason: str = typer.Option(..., help="Why the hold ends (kept in the audit trail)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Release a hold, with why; it stays on record and keeps nothing any more."""
    with unit_of_work() as session:
        hold = describe(holds.release(session, _legal(), hold_id, reason))
    _answer(hold, as_json)


# `callwarden retention …`: what retention does to recordings and the proof it keeps.
retention_app = new_app("Retention: disposal sweeps and their destruction certificates.")
retention_app.add_typer(certificate_app, name="certificate")
retention_app.command("sweep")(sweep_command)
