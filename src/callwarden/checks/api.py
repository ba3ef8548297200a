"""Routes for the compliance checks: the registry, runs (start one, list, read), and findings
(list, read, acknowledge / resolve / accept as a risk)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from callwarden.checks import findings, runs
from callwarden.checks.registry import SEVERITIES, Period, registered
from callwarden.checks.schemas import (
    CheckFindingOut,
    CheckOut,
    RunIn,
    RunOut,
)
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.clock import as_utc
from callwarden.kit.errors import InvalidInput
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.server.deps import database, read_session, requires, settings
from callwarden.server.paging import Cursor, Limit
from callwarden.verification.lifecycle_api import MAX_ID, add_lifecycle_routes

router = APIRouter(tags=["checks"])


@router.get("/v1/checks", response_model=list[CheckOut])
def list_checks(who: Principal = Depends(requires("checks.read"))) -> list[dict[str, str]]:
    """Every registered check, with what it counts."""
    return [
        {"name": c.name, "title": c.title, "description": c.description}
        for c in registered().values()
    ]


def period_of(start: datetime | None, end: datetime | None) -> Period:
    """The period asked for: both ends, or neither (yesterday, UTC)."""
    if start is None and end is None:
        return runs.yesterday(clock.now())
    if start is None or end is None:
        raise InvalidInput("give both start and end, or neither (yesterday)")
    return Period(as_utc(start), as_utc(end))


@router.post("/v1/checks/runs", response_model=RunOut, status_code=201)
def start_run(
    body: RunIn,
    who: Principal = Depends(requires("checks.run")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> dict[str, Any]:
    """Run the checks now over a period; a check that fails is named in `errors`, the others
    still run. Findings seen before are the same findings (`last_seen_run_id` moves on)."""
    period = period_of(body.start, body.end)
    with db.unit_of_work() as session:
        return findings.describe_run(runs.start(session, who, period, config, body.checks))


@router.get("/v1/checks/runs", response_model=Page[RunOut])
def list_runs(
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("checks.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """Runs, newest first."""
    found = runs.list_runs(session, who, cursor, limit)
    items = [findings.describe_run(row) for row in found.rows]
    return {"items": items, "next_cursor": found.next_cursor}


@router.get("/v1/checks/runs/{run_id}", response_model=RunOut)
def show_run(
    run_id: str = Path(max_length=40),
    who: Principal = Depends(requires("checks.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """One run: its period, checks, counts per severity and errors."""
    return findings.describe_run(runs.get_run(session, who, run_id))


@router.get("/v1/checks/findings", response_model=Page[CheckFindingOut])
def list_findings(
    check: str | None = Query(default=None, max_length=40),
    status: str | None = Query(
        default=None,
        pattern="^(open|acknowledged|resolved|accepted_risk)$",
        description="`open` includes accepted risks past expiry.",
    ),
    severity: str | None = Query(default=None, pattern="^(" + "|".join(SEVERITIES) + ")$"),
    run_id: str | None = Query(default=None, max_length=40, description="Seen by this run."),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("checks.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """The checks' findings, oldest first, a page at a time."""
    where = findings.FindingFilter(check=check, status=status, severity=severity, run_id=run_id)
    found = findings.search(session, who, where, cursor, limit)
    return {"items": [findings.describe(r) for r in found.rows], "next_cursor": found.next_cursor}


@router.get("/v1/checks/findings/{finding_id}", response_model=CheckFindingOut)
def show_finding(
    finding_id: int = Path(ge=1, le=MAX_ID),
    who: Principal = Depends(requires("checks.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """One finding with its evidence and rule."""
    return findings.describe(findings.get(session, who, finding_id))


add_lifecycle_routes(
    router,
    "/v1/checks/findings",
    "checks.work",
    findings.transition,
    findings.describe,
    CheckFindingOut,
)
