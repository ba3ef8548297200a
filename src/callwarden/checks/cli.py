"""`callwarden checks run|list|findings|finding|acknowledge|resolve|accept-risk`: run the
compliance checks on demand, read what they found, and work a finding, from the server's shell.

The shell is trusted as for every other command: a run here acts as a compliance officer named
by the OS user in the audit trail, the same run as the daily job's (`checks.daily`); working a
finding goes through `checks.findings.transition`, the lifecycle the API and the console use,
with the audio findings' commands' helpers (`verification.working_cli`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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
)
from callwarden.kit.errors import InvalidInput

app = new_app("Compliance checks: run them, list them, and read their findings.")


def _day(value: str, option: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} {value!r} is not a date such as 2026-12-01") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@app.command("run")
def run_command(
    check: list[str] = typer.Option([], "--check", help="Only this check (repeatable)."),
    since: str | None = typer.Option(None, "--from", help="First day (UTC), inclusive."),
    until: str | None = typer.Option(
        None, "--to", help="Last day (UTC), inclusive. Default: --from, or yesterday for both."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Run the checks over a period (default: yesterday) and store the run and its findings."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from callwarden.checks import findings, runs
    from callwarden.checks.registry import Period
    from callwarden.config import load_settings
    from callwarden.identity.principal import Principal, cli_principal
    from callwarden.identity.roles import Role
    from callwarden.kit import clock
    from callwarden.runtime import open_database

    if since is None and until is None:
        period = runs.yesterday(clock.now())
    else:
        first = _day(since or until or "", "--from")
        last = _day(until, "--to") if until else first
        period = Period(first, last + timedelta(days=1))
    chosen = runs.choose(check)
    settings = load_settings()
    db = open_database(settings)
    officer = Principal(actor=cli_principal().actor, role=Role.COMPLIANCE_OFFICER)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("checking", total=len(chosen))

            def advance(name: str, count: int) -> None:
                bar.update(task, advance=1, description=f"{name}: {count} found")

            with db.unit_of_work() as session:
                run = runs.start(
                    session, officer, period, settings, [c.name for c in chosen], advance
                )
                described = findings.describe_run(run)
                per_check = runs.counts_by_check(session, run.id)
    finally:
        db.dispose()
    if as_json:
        print_json({**described, "by_check": per_check})
        return
    table = new_table("check", "findings", "outcome", title=f"check run {run.id}")
    for name in described["checks"]:
        error = described["errors"].get(name)
        table.add_row(name, str(per_check.get(name, 0)), f"failed: {error}" if error else "ran")
    console.print(table)
    counts = ", ".join(f"{n} {s}" for s, n in sorted(described["counts"].items())) or "nothing"
    console.print(
        f"period {period.start:%Y-%m-%d} to {period.end:%Y-%m-%d} (exclusive): found {counts}"
    )
    if described["errors"]:
        raise typer.Exit(1)


@app.command("list")
def list_command(as_json: bool = typer.Option(False, "--json")) -> None:
    """The checks there are, and what each counts."""
    from callwarden.checks.registry import registered

    rows = [
        {"name": c.name, "title": c.title, "description": c.description}
        for c in registered().values()
    ]
    if as_json:
        print_json(rows)
        return
    table = new_table("check", "title", "what it counts", keep_whole=("check",))
    for row in rows:
        table.add_row(row["name"], row["title"], row["description"])
    console.print(table)


@app.command("findings")
def findings_command(
    check: str | None = typer.Option(None, "--check", help="Only this check's findings."),
    status: str | None = typer.Option(
        None, help="open (with expired accepted risks), acknowledged, resolved, accepted_risk"
    ),
    severity: str | None = typer.Option(None, help="info, low, medium, high or critical"),
    cursor: str | None = CURSOR_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The checks' findings, oldest first, a page at a time."""
    from callwarden.checks import findings
    from callwarden.identity.principal import Principal, cli_principal
    from callwarden.identity.roles import Role

    reader = Principal(actor=cli_principal().actor, role=Role.COMPLIANCE_OFFICER)
    where = findings.FindingFilter(check=check, status=status, severity=severity)
    with reading() as session:
        found = findings.search(session, reader, where, cursor, limit)
        rows = [findings.describe(row) for row in found.rows]
    table = new_table("id", "check", "severity", "status", "summary", keep_whole=("id",))
    for row in rows:
        table.add_row(
            str(row["finding_id"]),
            row["check"],
            row["severity"],
            row["status"] + (" (expired)" if row["risk_expired"] else ""),
            row["summary"],
        )
    print_page(rows, found.next_cursor, as_json, table)


@app.command("finding")
def finding_command(finding_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """One finding: the summary, its evidence, the rule with its citation, and its history."""
    from callwarden.checks import findings
    from callwarden.verification import working_cli as working

    number = working.finding_id(finding_id)
    with reading() as session:
        row = findings.describe(findings.get(session, working.officer(), number))
        row["history"] = findings.history(session, working.officer(), number)
    if as_json:
        print_json(row)
        return
    status = row["status"] + (" (expired)" if row["risk_expired"] else "")
    if row["risk_expires_at"]:
        status += f" until {row['risk_expires_at']}"
    if row["status_reason"]:
        status += f": {row['status_reason']}"
    lines = [
        f"finding {row['finding_id']} ({row['check']}, {row['severity']}): {status}",
        row["summary"],
        *([row["detail"]] if row["detail"] else []),
        f"seen first by run {row['first_seen_run_id']}, last by run {row['last_seen_run_id']} "
        f"at {row['last_seen_at']}",
    ]
    rule = row["rule"] or {}
    uncertain = " (the law is uncertain here)" if rule.get("uncertain") else ""
    lines.append(f"rule: {rule.get('text') or '-'}{uncertain}")
    if rule.get("citation"):
        lines.append(f"  citation: {rule['citation']}")
    lines.append("evidence:")
    evidence = {name: value for name, value in (row["evidence"] or {}).items() if value}
    lines += [f"  {name}: {_listed(value)}" for name, value in evidence.items()] or ["  (none)"]
    lines.append("history:")
    lines += [
        f"  {event['at']} {event['action']} by {event['actor']}"
        + (f": {event['reason']}" if event["reason"] else "")
        for event in row["history"]
    ] or ["  (not worked yet)"]
    for line in lines:
        typer.echo(line)  # plain text: a summary or reason is printed as it was written


def _listed(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{name} {figure}" for name, figure in value.items())
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


REASON = typer.Option(None, "--reason", help="Why (required; kept on the finding, audited).")


@app.command("acknowledge")
def acknowledge_command(finding_id: str, reason: str | None = REASON) -> None:
    """Acknowledge an open finding: someone is working on it."""
    from callwarden.checks import findings
    from callwarden.verification import working_cli as working

    working.work(findings.transition, findings.describe, finding_id, "acknowledge", reason)


@app.command("resolve")
def resolve_command(finding_id: str, reason: str | None = REASON) -> None:
    """Resolve a finding: it was dealt with (a later run that sees it again reopens it)."""
    from callwarden.checks import findings
    from callwarden.verification import working_cli as working

    working.work(findings.transition, findings.describe, finding_id, "resolve", reason)


@app.command("accept-risk")
def accept_risk_command(
    finding_id: str,
    reason: str | None = REASON,
    expires: str | None = typer.Option(
        None, "--expires", help="YYYY-MM-DD (UTC): when the risk needs a new look. Required."
    ),
) -> None:
    """Accept a finding as a risk until a day in the future, for the stated reason."""
    from callwarden.checks import findings
    from callwarden.verification import working_cli as working

    until = working.expiry(expires)
    if until is None:
        raise InvalidInput("an accepted risk needs --expires YYYY-MM-DD, a day in the future")
    working.work(findings.transition, findings.describe, finding_id, "accept_risk", reason, until)
