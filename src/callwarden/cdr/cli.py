"""`callwarden cdr import FILE [--format csv|twilio]`: the phone system's call-detail records.

The file is streamed (read line by line, written in batches in one transaction); malformed rows
are printed by line and the rest imported; importing the same file again adds nothing.
"""

from __future__ import annotations

from pathlib import Path

import typer

from callwarden.cdr import service
from callwarden.cdr.formats import FORMATS, Format
from callwarden.cli_support import console, new_app, print_json, unit_of_work
from callwarden.identity.principal import cli_principal
from callwarden.kit.errors import InvalidInput

app = new_app("Import call-detail records from the phone system.")
SHOWN_PROBLEMS = 50


@app.command("import")
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    layout: str = typer.Option("csv", "--format", help="csv (see README) or twilio"),
    source: str = typer.Option(
        "cdr", help="The calls' source for csv rows that name none (as in POST /v1/calls)."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import a call-detail file; the completeness check compares it with the calls."""
    if layout not in FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}, not {layout!r}")
    chosen: Format = "twilio" if layout == "twilio" else "csv"
    with file.open(newline="", encoding="utf-8-sig") as lines, unit_of_work() as session:
        report = service.import_lines(
            session, cli_principal(), lines, chosen, file.name, default_source=source
        )
    if as_json:
        print_json(
            {
                "read": report.read,
                "imported": report.imported,
                "duplicates": report.duplicates,
                "malformed": [{"line": b.line, "problem": b.problem} for b in report.bad],
            }
        )
        return
    for bad in report.bad[:SHOWN_PROBLEMS]:
        console.print(f"line {bad.line}: {bad.problem}", markup=False, highlight=False)
    if len(report.bad) > SHOWN_PROBLEMS:
        console.print(f"... and {len(report.bad) - SHOWN_PROBLEMS} more malformed rows")
    console.print(
        f"{report.imported} imported, {report.duplicates} already there, "
        f"{len(report.bad)} malformed"
    )
