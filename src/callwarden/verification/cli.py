"""`callwarden findings list|ack|resolve|accept`: work findings from the server's shell.

The shell is trusted as it is for every other command; working findings is a compliance
officer's move, so these commands act in that role, and the audit trail names the OS user.
"""

from __future__ import annotations

from datetime import datetime

import typer

from callwarden.cli_support import (
    CURSOR_OPTION,
    LIMIT_OPTION,
    new_app,
    new_table,
    print_page,
    reading,
)
from callwarden.kit.clock import as_utc
from callwarden.verification import findings
from callwarden.verification import working_cli as working

app = new_app("Findings of the compliance checks: list them and work them.")


@app.command("list")
def list_findings(
    kind: str | None = typer.Option(None, help="e.g. notice_missing"),
    severity: str | None = typer.Option(None, help="info, low, medium, high or critical"),
    status: str | None = typer.Option(
        None, help="open (with expired accepted risks), acknowledged, resolved, accepted_risk"
    ),
    recording: str | None = typer.Option(None, help="a recording id"),
    call: str | None = typer.Option(None, help="a call id"),
    since: datetime | None = typer.Option(None, "--from", help="ISO time, inclusive."),
    until: datetime | None = typer.Option(None, "--to", help="ISO time, exclusive."),
    cursor: str | None = CURSOR_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Findings across recordings, oldest first, a page at a time."""
    where = findings.FindingFilter(
        kind=kind,
        severity=severity,
        status=status,
        recording_id=recording,
        call_id=call,
        since=as_utc(since) if since else None,
        until=as_utc(until) if until else None,
    )
    with reading() as session:
        found = findings.search(session, working.officer(), where, cursor, limit)
        rows = [findings.describe(row) for row in found.rows]
    table = new_table(
        "id", "recording", "kind", "severity", "status", "summary", keep_whole=("id", "recording")
    )
    for row in rows:
        table.add_row(
            str(row["finding_id"]),
            row["recording_id"],
            row["kind"],
            row["severity"],
            row["status"] + (" (expired)" if row["risk_expired"] else ""),
            row["summary"],
        )
    print_page(rows, found.next_cursor, as_json, table)


@app.command("ack")
def acknowledge(
    finding_id: str, reason: str | None = typer.Option(None, help="Why, e.g. who is looking at it.")
) -> None:
    """Acknowledge an open finding: someone is working on it."""
    working.work(findings.transition, findings.describe, finding_id, "acknowledge", reason)


@app.command("resolve")
def resolve(
    finding_id: str, reason: str | None = typer.Option(None, help="How it was dealt with.")
) -> None:
    """Resolve a finding."""
    working.work(findings.transition, findings.describe, finding_id, "resolve", reason)


@app.command("accept")
def accept_risk(
    finding_id: str,
    reason: str | None = typer.Option(None, help="Why the risk is accepted."),
    expires: str | None = typer.Option(
        None, help="When it needs a new look: a day (2027-03-31) or an ISO time."
    ),
) -> None:
    """Accept a finding as a risk, optionally until a date."""
    until = working.expiry(expires)
    working.work(findings.transition, findings.describe, finding_id, "accept_risk", reason, until)
