"""`GET /v1/reports/compliance`: a period's compliance report, for the oversight roles.

The period is whole days, both inclusive and UTC (`?from=2026-10-01&to=2026-12-31` is the
fourth quarter), as `callwarden report compliance --from --to` takes it. The report is read in
one read-only transaction: on PostgreSQL one snapshot, so its counts agree with each other.
`format=html` and `format=pdf` answer the same report as a file to save (`reports.forms`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from callwarden.config import Settings
from callwarden.identity.principal import Principal
from callwarden.reports.forms import attachment, form
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
    responses={
        200: {
            "model": ComplianceReportOut,
            "description": "The report: JSON, or with `format` a standalone HTML file or a PDF.",
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
def compliance_report(
    since: Annotated[
        str,
        Query(alias="from", pattern=DAY_PATTERN, description="First day (UTC), inclusive."),
    ],
    until: Annotated[
        str, Query(alias="to", pattern=DAY_PATTERN, description="Last day (UTC), inclusive.")
    ],
    form_name: Annotated[
        Literal["json", "html", "pdf"],
        Query(alias="format", description="The report's form: json, html or pdf."),
    ] = "json",
    who: Principal = Depends(requires("reports.read")),
    session: Session = Depends(read_session),
    config: Settings = Depends(settings),
) -> Response:
    """The compliance report of a period (at most 366 days): summary rates with their weekly
    trend, findings by check and severity, per-team figures, QA results with their Wilson
    intervals, the audit chain's status and a methods section saying what each figure counts.
    A period with no calls answers an empty report that says so. `format=html` gives the
    report as one HTML file (CSS and charts inside) and `format=pdf` as an A4 PDF, to save."""
    report = build(session, who, of_days(since, until), config)
    if form_name == "json":
        return JSONResponse(as_json(report), headers={"Cache-Control": "no-store"})
    chosen = form(form_name)
    return Response(
        chosen.render(report), media_type=chosen.media_type, headers=attachment(report, chosen)
    )
