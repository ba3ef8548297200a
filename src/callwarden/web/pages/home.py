"""Home: what needs the signed-in person's attention, by role."""

from __future__ import annotations

from fastapi import Depends, Request
from starlette.responses import Response

from callwarden.identity.principal import Principal
from callwarden.web.deps import viewer
from callwarden.web.nav import NavEntry
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Home", "/home", None, order=0)


@router.get("/home")
def home(request: Request, who: Principal = Depends(viewer)) -> Response:
    return render(request, "home.html", {}, who=who)
