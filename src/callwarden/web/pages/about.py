"""About recording: what every person should know about how their calls are recorded, and,
where the policy allows it, who has opened the recordings of their own calls.

Both parts come from the services `GET /v1/about-recording` and `GET /v1/me/recording-access`
call (`transparency.about`, `transparency.access_log`), with the signed-in person as the
principal; the page asks `access_log.shown` first, so where the policy keeps the list off the
page says so instead of refusing the whole page.
"""

from __future__ import annotations

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.identity.principal import Principal
from callwarden.server.deps import read_session
from callwarden.server.paging import Cursor
from callwarden.transparency import about, access_log
from callwarden.web.deps import viewer
from callwarden.web.nav import RULES, NavEntry
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("About recording", "/about-recording", None, order=65, group=RULES)
PAGE_SIZE = 50


@router.get("/about-recording")
def about_recording(
    request: Request,
    cursor: Cursor = None,
    limit: int = Query(default=PAGE_SIZE, ge=1, le=200),
    who: Principal = Depends(viewer),
    session: Session = Depends(read_session),
) -> Response:
    """The page from the policy in force, with the access list when the policy allows it."""
    page = about.current(session)
    accesses = None
    if access_log.shown(session):
        accesses = access_log.my_recording_access(session, who, cursor, limit)
    context = {"about": page, "accesses": accesses, "paged": cursor is not None}
    return render(request, "about_recording.html", context, who=who)
