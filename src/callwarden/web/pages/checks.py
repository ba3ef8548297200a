"""Checks: the runs (and a form to run the checks now), a run's findings by severity and check,
and a finding's page with its evidence and, for compliance officers, the forms that work it.

Every step calls the services the API calls (`checks.runs`, `checks.findings`): the same
roles, the same lifecycle rules, the same audit events.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from fastapi import Depends, Form, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.checks import findings, runs
from callwarden.checks.registry import SEVERITIES, Period, registered
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput
from callwarden.server.deps import database, read_session, settings
from callwarden.server.paging import Cursor
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.nav import OVERSIGHT, NavEntry
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Checks", "/checks", "checks.read", order=45, group=OVERSIGHT)
PAGE_SIZE = 50
RUN_FINDINGS_SHOWN = 500
RANK = {name: -position for position, name in enumerate(SEVERITIES)}  # critical first
MAX_ID = 2**31 - 1  # the findings table's integer key
MOVES = {"acknowledge": "acknowledge", "resolve": "resolve", "accept-risk": "accept_risk"}


@router.get("/checks")
def runs_page(
    request: Request,
    cursor: Cursor = None,
    who: Principal = Depends(console_requires("checks.read")),
    session: Session = Depends(read_session),
) -> Response:
    """The runs, newest first, the checks there are, and (for those who may) the run form."""
    found = runs.list_runs(session, who, cursor or None, PAGE_SIZE)
    yesterday = runs.yesterday(clock.now()).start.date()
    context = {
        "rows": [findings.describe_run(row) for row in found.rows],
        "next_cursor": found.next_cursor,
        "checks": list(registered().values()),
        "may_run": bool(may(who, "checks.run")),
        "yesterday": yesterday.isoformat(),
        "severities": list(reversed(SEVERITIES)),
    }
    return render(request, "checks_runs.html", context, who=who)


def _day(value: str, name: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a date such as 2026-12-01") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@router.post("/checks/runs", dependencies=[Depends(csrf_checked)])
def run_now(
    request: Request,
    start: str = Form(max_length=10),
    end: str = Form(max_length=10),
    check: list[str] = Form(default=[]),
    who: Principal = Depends(console_requires("checks.run")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> Response:
    """Run the chosen checks (all, if none ticked) over the days given, both inclusive."""
    period = Period(_day(start, "From"), _day(end, "To") + timedelta(days=1))
    with db.unit_of_work() as session:
        run_id = runs.start(session, who, period, config, check or None).id
    return redirect(request, f"/checks/runs/{run_id}")


@router.get("/checks/runs/{run_id}")
def run_page(
    request: Request,
    run_id: str,
    who: Principal = Depends(console_requires("checks.read")),
    session: Session = Depends(read_session),
) -> Response:
    """One run: its period and outcome per check, and what it found by severity and check."""
    run = findings.describe_run(runs.get_run(session, who, run_id))
    where = findings.FindingFilter(run_id=run_id)
    found = findings.search(session, who, where, None, RUN_FINDINGS_SHOWN)
    rows = sorted(
        (findings.describe(row) for row in found.rows),
        key=lambda row: (RANK.get(row["severity"], 0), row["check"], row["finding_id"]),
    )
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["severity"], row["check"]), []).append(row)
    context = {
        "run": run,
        "groups": groups,
        "more": found.next_cursor is not None,
        "per_check": runs.counts_by_check(session, run_id),
    }
    return render(request, "checks_run.html", context, who=who)


@router.get("/checks/findings/{finding_id}")
def finding_page(
    request: Request,
    finding_id: int = Path(ge=1, le=MAX_ID),
    done: str | None = Query(default=None, max_length=20),
    who: Principal = Depends(console_requires("checks.read")),
    session: Session = Depends(read_session),
) -> Response:
    """One finding: what, the evidence (linked), the rule and its citation, where working it
    has got to, and the forms to work it for a compliance officer."""
    row = findings.describe(findings.get(session, who, finding_id))
    context = {
        "finding": row,
        "may_work": bool(may(who, "checks.work")),
        "done": done,
        "tomorrow": (clock.now().date() + timedelta(days=1)).isoformat(),
    }
    return render(request, "checks_finding.html", context, who=who)


@router.post("/checks/findings/{finding_id}/{move}", dependencies=[Depends(csrf_checked)])
def work(
    request: Request,
    move: Literal["acknowledge", "resolve", "accept-risk"],
    finding_id: int = Path(ge=1, le=MAX_ID),
    reason: str = Form(min_length=1, max_length=1000),
    expires: str = Form(default="", max_length=10),
    who: Principal = Depends(console_requires("checks.work")),
    db: Database = Depends(database),
) -> Response:
    """Acknowledge, resolve or accept the finding as a risk (an expiry date optional)."""
    until = _day(expires, "The expiry") if expires and move == "accept-risk" else None
    with db.unit_of_work() as session:
        findings.transition(session, who, finding_id, MOVES[move], reason, until)
    return redirect(request, f"/checks/findings/{finding_id}?done={move}")
