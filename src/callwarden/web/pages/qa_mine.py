"""An agent's own QA evaluations ("My evaluations"): each opens on the evaluation's page in
`qa.py`, where the agent reads the answers and acknowledges them."""

from __future__ import annotations

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.identity.principal import Principal
from callwarden.qa import service
from callwarden.server.deps import read_session
from callwarden.web.deps import console_requires
from callwarden.web.nav import WORK, NavEntry
from callwarden.web.pages.qa import listed
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("My evaluations", "/qa/mine", "qa.own", order=36, group=WORK)


@router.get("/qa/mine")
def mine(
    request: Request,
    who: Principal = Depends(console_requires("qa.own")),
    session: Session = Depends(read_session),
) -> Response:
    """The agent's submitted evaluations, newest first; those not yet acknowledged marked."""
    rows = listed(session, service.list_evaluations(session, who))
    return render(request, "qa_mine.html", {"evaluations": rows}, who=who)
