"""`callwarden calls show|list`."""

from __future__ import annotations

from datetime import datetime

import typer

from callwarden.calls import ledger, service
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

app = new_app("Show calls and their consent ledger.")


@app.command("show")
def show(call_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """A call: parties and their consent, the decision, events and violations."""
    with unit_of_work() as session:
        detail = ledger.call_detail(session, service.get_call(session, cli_principal(), call_id))
    if as_json:
        print_json(detail)
        return
    console.print(
        f"[bold]call {detail['call_id']}[/]  {detail['direction']}  state {detail['state']}  "
        f"recording {detail['recording_state']}  decision {detail['record']} "
        f"({detail['governing_rule']}, consent {detail['consent']})",
        highlight=False,
    )
    parties = new_table(
        "party",
        "role",
        "jurisdiction",
        "rule",
        "notice heard",
        "consent",
        "left",
        keep_whole=("party",),
    )
    for party in detail["parties"]:
        parties.add_row(
            party["key"],
            party["role"],
            f"{party['jurisdiction']} ({party['location_source']})",
            party["rule"],
            (party["notice_at"] or "-")[:19],
            party["consent_status"],
            (party["left_at"] or "")[:19],
        )
    console.print(parties)
    events = new_table(
        "time", "event", "party", "method", "accepted", "violation", keep_whole=("party",)
    )
    for event in detail["events"]:
        events.add_row(
            event["occurred_at"][:19],
            event["kind"],
            event["party_key"] or "",
            event["method"] or "",
            "yes" if event["accepted"] else "[red]refused[/]",
            event["violation"] or "",
        )
    console.print(events)
    console.print(f"next steps: {[step['action'] for step in detail['plan'].get('steps', [])]}")


@app.command("list")
def list_calls(
    since: datetime | None = typer.Option(None, "--from", help="ISO time, inclusive."),
    until: datetime | None = typer.Option(None, "--to", help="ISO time, exclusive."),
    state: str | None = typer.Option(None, help="active or ended"),
    cursor: str | None = CURSOR_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Calls, newest first, a page at a time."""
    if state not in {None, "active", "ended"}:
        raise InvalidInput(f"unknown state {state!r}; use active or ended")
    with unit_of_work() as session:
        found = service.list_calls(
            session,
            cli_principal(),
            as_utc(since) if since else None,
            as_utc(until) if until else None,
            state,
            cursor,
            limit,
        )
        rows = [ledger.call_summary(call) for call in found.rows]
    table = new_table(
        "call", "started", "direction", "state", "decision", "recording", keep_whole=("call",)
    )
    for row in rows:
        table.add_row(
            row["call_id"],
            row["started_at"][:19],
            row["direction"],
            row["state"],
            row["record"],
            row["recording_state"],
        )
    print_page(rows, found.next_cursor, as_json, table)
