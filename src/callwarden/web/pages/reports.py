"""The compliance report in the console: a period to choose (the last full quarter unless one
is asked for), the report shown in the page, and the same report to download as HTML, PDF or
JSON.

The page calls what the API route calls (`reports.gather.build`, with the signed-in person as
the principal, which checks `reports.read`) and shows `reports.rendering.html_fragment`: the same
figures and words as the files, and no `style` for the console's CSP to refuse (the charts carry
their look as SVG presentation attributes; the rest is `reports.css`).
"""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.config import Settings
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.reports import rendering, wording
from callwarden.reports.forms import FORMS, attachment, form
from callwarden.reports.gather import build
from callwarden.reports.model import ComplianceReport
from callwarden.reports.periods import of_days
from callwarden.server.deps import read_session, settings
from callwarden.web.deps import console_requires
from callwarden.web.nav import OVERSIGHT, NavEntry
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Reports", "/reports/compliance", "reports.read", order=46, group=OVERSIGHT)
DOWNLOADS = ("html", "pdf", "json")


def last_full_quarter(today: date) -> tuple[date, date]:
    """The calendar quarter before the one `today` is in, as its first and last days."""
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = quarter_start - timedelta(days=1)
    return date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), last


def _report(
    who: Principal, session: Session, config: Settings, since: str | None, until: str | None
) -> tuple[ComplianceReport, str, str]:
    if not since or not until:
        first, last = last_full_quarter(clock.now().date())
        since, until = since or first.isoformat(), until or last.isoformat()
    return build(session, who, of_days(since, until), config), since, until


@router.get("/reports/compliance")
def compliance_page(
    request: Request,
    since: str | None = Query(None, alias="from", max_length=10),
    until: str | None = Query(None, alias="to", max_length=10),
    who: Principal = Depends(console_requires("reports.read")),
    session: Session = Depends(read_session),
    config: Settings = Depends(settings),
) -> Response:
    """The report of the period asked for (both days inclusive, UTC), shown in the page."""
    report, since, until = _report(who, session, config, since, until)
    context = {
        "report": report,
        "title": rendering.title(report),
        "period": wording.period(report),
        "since": since,
        "until": until,
        "body": rendering.html_fragment(report),
        "downloads": [(name, FORMS[name].suffix.lstrip(".").upper()) for name in DOWNLOADS],
    }
    return render(request, "reports_compliance.html", context, who=who)


@router.get("/reports/compliance/download")
def compliance_download(
    since: str | None = Query(None, alias="from", max_length=10),
    until: str | None = Query(None, alias="to", max_length=10),
    form_name: str = Query("pdf", alias="format", max_length=8),
    who: Principal = Depends(console_requires("reports.read")),
    session: Session = Depends(read_session),
    config: Settings = Depends(settings),
) -> Response:
    """The same report as a file to save: html (one file, CSS and charts inside), pdf or json."""
    chosen = form(form_name)  # an unknown format is refused before anything is read
    report, _, _ = _report(who, session, config, since, until)
    return Response(
        chosen.render(report), media_type=chosen.media_type, headers=attachment(report, chosen)
    )
