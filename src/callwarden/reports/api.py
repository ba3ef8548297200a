"""`GET /v1/reports/compliance`: a period's compliance report, for the oversight roles.

The period is whole days, both inclusive and UTC (`?from=2026-10-01&to=2026-12-31` is the
fourth quarter), as `callwarden report compliance --from --to` takes it. The report is read in
one read-only transaction: on PostgreSQL one snapshot, so its counts agree with each other.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from callwarden.config import Settings
from callwarden.identity.principal import Principal
from callwarden.reports.gather import build
from callwarden.reports.json_form import as_json
from callwarden.reports.periods import of_days
from callwarden.reports.schemas import ComplianceReportOut
from callwarden.server.deps import read_session, requires, settings

router = APIRouter(tags=["reports"])
# A day, YYYY-MM-DD, in the years every time we take lies in (kit.inputs).
DAY_PATTERN = r"^(19[7-9][0-9]|2[01][0-9]{2})-[0-9]{2}-[0-9]{2}$"


@router.get(
    "/v1/reports/compliance",
    response_class=JSONResponse,
    responses={200: {"model": ComplianceReportOut, "description": "The report, as JSON."}},
)
def compliance_report(
    since: Annotated[
        str,
        Query(alias="from", pattern=DAY_PATTERN, description="First day (UTC), inclusive."),
    ],
    until: Annotated[
        str, Query(alias="to", pattern=DAY_PATTERN, description="Last day (UTC), inclusive.")
    ],
    form: Annotated[
        Literal["json"], Query(alias="format", description="The report's form: json.")
    ] = "json",
    who: Principal = Depends(requires("reports.read")),
    session: Session = Depends(read_session),
    config: Settings = Depends(settings),
) -> JSONResponse:
    """The compliance report of a period (at most 366 days): summary rates with their weekly
    trend, findings by check and severity, per-team figures, QA results with their Wilson
    intervals, the audit chain's status and a methods section saying what each figure counts.
    A period with no calls answers an empty report that says so."""
    report = build(session, who, of_days(since, until), config)
    return JSONResponse(as_json(report), headers={"Cache-Control": "no-store"})
