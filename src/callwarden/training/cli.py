"""`callwarden training course publish FILE`, `callwarden training records`: training from the
shell.

Publishing acts as a compliance officer (named by OS user in the audit trail), as keeping the
courses is their work; reading the records acts as the shell's administrator.
"""

from __future__ import annotations

import csv
from pathlib import Path

import typer

from callwarden.cli_support import console, new_app, new_table, print_json, reading, unit_of_work
from callwarden.identity.principal import Principal, cli_principal
from callwarden.identity.roles import Role
from callwarden.training import records, service
from callwarden.training.schemas import describe_rate

app = new_app("Training: publish courses (YAML) and read the records; export them as CSV.")
course_app = new_app("Training courses (YAML, versioned).")
app.add_typer(course_app, name="course")


def _officer() -> Principal:
    return Principal(actor=cli_principal().actor, role=Role.COMPLIANCE_OFFICER)


@course_app.command("publish")
def publish(file: Path, as_json: bool = typer.Option(False, "--json")) -> None:
    """Publish a course version and assign it to its audience (refused, with each problem's
    line, when the course is wrong, or when its audience matches nobody)."""
    text = file.read_text(encoding="utf-8")
    with unit_of_work() as session:
        published = service.publish_course(session, _officer(), text, file.name)
        row = published.version
        summary = {
            "course_version_id": row.id,
            "course": row.course,
            "version": row.version,
            "fingerprint": row.fingerprint,
            "assigned": published.assigned,
        }
    if as_json:
        print_json(summary)
    else:
        console.print(
            f"course {summary['course']} version {summary['version']}: "
            f"{summary['course_version_id']}, assigned to {summary['assigned']} people"
        )


@app.command("records")
def show_records(
    course: str | None = typer.Option(None, help="A course's name or version id."),
    csv_file: Path | None = typer.Option(None, "--csv", help="Write every assignment here."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Completion rate, overdue count and mean score per course (or policy version) and team;
    with --csv, every assignment with its attempts and acknowledgement as a CSV file."""
    who = cli_principal()
    with reading() as session:
        rates = [describe_rate(rate) for rate in records.rates(session, who, course)]
        rows = records.export_rows(session, who, course) if csv_file is not None else []
    if csv_file is not None:
        with csv_file.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=records.EXPORT_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        console.print(f"{len(rows)} assignment(s) written to {csv_file}")
    if as_json:
        print_json(rates)
        return
    table = new_table("subject", "team", "assigned", "completed", "rate", "overdue", "mean score")
    for rate in rates:
        share = rate["completion_rate"]
        score = rate["average_score"]
        table.add_row(
            rate["subject"],
            rate["team"] or "(no team)",
            str(rate["assigned"]),
            str(rate["completed"]),
            "–" if share is None else f"{share:.0%}",
            str(rate["overdue"]),
            "–" if score is None else f"{score:.1f}",
        )
    console.print(table)
