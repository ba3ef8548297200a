"""Home: what needs the signed-in person's attention, by role.

Each list comes from the service the API uses for it, with the viewer's own reach: calls whose
ledger holds a violation (every role that reads calls, each seeing only the calls it may read),
recordings with open `notice_missing` or `payment_audio_leak` findings (only the roles that may
read findings), and an agent's own recent calls. A role none of these apply to gets a short page
that says so and points at its navigation.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.calls import service as calls
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.server.deps import read_session
from callwarden.verification import findings
from callwarden.web.deps import viewer
from callwarden.web.nav import NavEntry
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Home", "/home", None, order=0)

SHOWN = 20  # each list shows the first few; its own page has the rest
# The findings that mean a recording may be unlawful to keep or to play as it is.
URGENT_FINDINGS = (
    ("notice_missing", "Recordings without the notice on the audio"),
    ("payment_audio_leak", "Recordings with audio inside a payment pause"),
)


def attention(session: Session, who: Principal) -> dict[str, Any]:
    """The lists this person's home shows; a list their role may not read is None."""
    shown: dict[str, Any] = {"violations": None, "findings": None, "own_calls": None}
    if may(who, "calls.read"):
        shown["violations"] = calls.calls_with_violations(session, who, SHOWN)
        if who.role is Role.AGENT:
            recent = calls.list_calls(session, who, None, None, None, None, SHOWN)
            shown["own_calls"] = recent.rows
    if may(who, "findings.read"):
        shown["findings"] = [
            (
                kind,
                heading,
                findings.search(
                    session, who, findings.FindingFilter(kind=kind, status="open"), None, SHOWN
                ).rows,
            )
            for kind, heading in URGENT_FINDINGS
        ]
    return shown


@router.get("/home")
def home(
    request: Request,
    who: Principal = Depends(viewer),
    session: Session = Depends(read_session),
) -> Response:
    context = {"title": "Home", "shown": SHOWN, **attention(session, who)}
    return render(request, "home.html", context, who=who)
