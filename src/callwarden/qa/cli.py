"""`callwarden qa scorecard add|list`, `callwarden qa plan create|show`: QA review from the shell.

Commands on the server's shell act as a compliance officer (named by OS user in the audit
trail): keeping scorecards and planning QA samples is the QA lead's work.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from callwarden.cli_support import console, new_app, new_table, print_json, reading, unit_of_work
from callwarden.identity.principal import Principal, cli_principal
from callwarden.identity.roles import Role
from callwarden.kit.errors import InvalidInput
from callwarden.qa import service
from callwarden.qa.schemas import describe_plan, describe_scorecard

app = new_app("QA review: scorecards (YAML) and seeded, stratified sampling plans.")
scorecard_app = new_app("QA scorecards (YAML, versioned).")
plan_app = new_app("QA sampling plans: a stratified random sample of a period, dealt to reviewers.")
app.add_typer(scorecard_app, name="scorecard")
app.add_typer(plan_app, name="plan")


def _lead() -> Principal:
    return Principal(actor=cli_principal().actor, role=Role.COMPLIANCE_OFFICER)


def _moment(value: str, what: str) -> datetime:
    """An ISO date (midnight UTC) or date-time (UTC when it names no zone)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{what}: use an ISO date or date-time, e.g. 2026-11-01") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@scorecard_app.command("add")
def add(file: Path, as_json: bool = typer.Option(False, "--json")) -> None:
    """Store a scorecard as the next version of its name (refused, with each problem's line,
    when its weights do not add up to 100 or anything else is wrong)."""
    text = file.read_text(encoding="utf-8")
    with unit_of_work() as session:
        row = describe_scorecard(service.add_scorecard(session, _lead(), text, file.name))
    if as_json:
        print_json(row)
    else:
        console.print(f"scorecard {row['name']} version {row['version']}: {row['scorecard_id']}")


@scorecard_app.command("list")
def list_cards(as_json: bool = typer.Option(False, "--json")) -> None:
    """Every scorecard version, newest first within each name."""
    with reading() as session:
        rows = [describe_scorecard(row) for row in service.list_scorecards(session, _lead())]
    if as_json:
        print_json(rows)
        return
    table = new_table("scorecard", "name", "version", "title", keep_whole=("scorecard",))
    for row in rows:
        table.add_row(row["scorecard_id"], row["name"], str(row["version"]), row["title"])
    console.print(table)


@plan_app.command("create")
def create(
    period_from: str = typer.Option(..., "--from", help="Start of the period (ISO date)."),
    period_to: str = typer.Option(..., "--to", help="End of the period, exclusive (ISO date)."),
    size: int = typer.Option(..., help="How many recordings to sample."),
    seed: int | None = typer.Option(None, help="The seed (default: chosen and kept)."),
    scorecard: str = typer.Option("inbound-service", help="Scorecard id or name (latest)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Draw the sample and deal it to the QA reviewers; the same seed draws the same sample."""
    with unit_of_work() as session:
        plan = service.create_plan(
            session,
            _lead(),
            period_from=_moment(period_from, "--from"),
            period_to=_moment(period_to, "--to"),
            size=size,
            scorecard=scorecard,
            seed=seed,
        )
        row = describe_plan(plan)
    if as_json:
        print_json(row)
        return
    console.print(
        f"plan {row['plan_id']}: {row['size']} of {row['population']} recordings, "
        f"seed {row['seed']}, {len(row['strata'])} strata, "
        f"{len(row['unassigned'])} with no eligible reviewer"
    )
    for item in row["unassigned"]:
        console.print(f"  not assigned: {item['recording_id']} ({item['reason']})")


@plan_app.command("show")
def show(plan_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """A plan and each compliance item's pass rate, with its 95% interval and sample size."""
    with reading() as session:
        plan = service.get_plan(session, _lead(), plan_id)
        row = describe_plan(plan, service.compliance_rates(session, _lead(), plan.id))
    if as_json:
        print_json(row)
        return
    console.print(
        f"plan {row['plan_id']}: {row['size']} of {row['population']}, seed {row['seed']}"
    )
    for rate in row["rates"] or []:
        console.print(f"  {rate['question']}: {rate['described']}", highlight=False)
