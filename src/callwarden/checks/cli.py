"""`callwarden checks run|list|findings`: run the compliance checks on demand and read what
they found, from the server's shell.

The shell is trusted as for every other command: a run here acts as a compliance officer named
by the OS user in the audit trail, the same run as the daily job's (`checks.daily`).
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
