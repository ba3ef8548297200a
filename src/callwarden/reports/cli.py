"""`callwarden report compliance --from --to --format json|html|pdf -o FILE`: a period's
compliance report, written as a file.

The shell is trusted as for every other command (its principal is named by the OS user). The
file is written whole or not at all: a failure leaves the previous file, if any, as it was.
"""

from __future__ import annotations

from pathlib import Path

import typer

from callwarden.cli_support import console, new_app

app = new_app("Reports: the compliance report of a period, as a file.")


@app.command("compliance")
def compliance_command(
    since: str = typer.Option(..., "--from", help="First day (UTC, YYYY-MM-DD), inclusive."),
    until: str = typer.Option(..., "--to", help="Last day (UTC, YYYY-MM-DD), inclusive."),
    form_name: str = typer.Option(
        "json", "--format", help="The file's format: json, html (one file to read) or pdf."
    ),
    output: Path = typer.Option(..., "--output", "-o", help="The file to write."),
) -> None:
    """The compliance report of a period (at most 366 days): rates and their weekly trend,
    findings, teams, QA results, the audit chain and what each figure counts."""
    from callwarden.config import load_settings
    from callwarden.identity.principal import cli_principal
    from callwarden.kit.files import write_atomically
    from callwarden.reports.forms import form
    from callwarden.reports.gather import build
    from callwarden.reports.periods import of_days
    from callwarden.runtime import open_database

    period = of_days(since, until)  # refused in one line before the database is opened
    chosen = form(form_name)
    settings = load_settings()
    db = open_database(settings)
    try:
        with console.status("gathering the report's figures…"), db.reading() as session:
            report = build(session, cli_principal(), period, settings)
    finally:
        db.dispose()
    with console.status(f"writing {form_name}…"):
        write_atomically(output, chosen.render(report))
    what = (
        "no calls in the period (an empty report that says so)"
        if report.empty
        else f"{report.calls} calls, {report.recordings} recordings"
    )
    chain = "verified" if report.chain.verified else f"NOT verified: {report.chain.problem}"
    console.print(
        f"wrote {output}: {since} to {until} (UTC, both days included), {what}; "
        f"audit trail {chain}",
        highlight=False,
        soft_wrap=True,
    )
