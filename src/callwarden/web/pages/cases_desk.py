"""The cases desk ("Cases", for the compliance officers who handle cases and the oversight
roles that read them): the cases one handles, and all of them, filtered by state and kind.

The lists are `cases.service.list_cases`'s (scopes `handling` and `all`), so each line shows
what `cases.views` lets this reader see: never who reported a case, except to its handler.
"""

from __future__ import annotations

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.server.deps import read_session
from callwarden.web.deps import console_requires
from callwarden.web.nav import OVERSIGHT, NavEntry
from callwarden.web.pages.cases import list_context
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Cases", "/cases/desk", "cases.read", order=48, group=OVERSIGHT)


@router.get("/cases/desk")
def desk(
    request: Request,
    scope: str | None = Query(default=None, pattern="^(handling|all)$"),
    state: str | None = Query(default=None, max_length=20),
    kind: str | None = Query(default=None, max_length=40),
    cursor: str | None = Query(default=None, max_length=400),
    who: Principal = Depends(console_requires("cases.read")),
    session: Session = Depends(read_session),
) -> Response:
    """A handler starts on the cases they handle; the other oversight roles on all of them."""
    chosen = scope or ("handling" if may(who, "cases.handle") else "all")
    context = list_context(session, who, chosen, state, kind, cursor or None)
    return render(request, "cases_list.html", context, who=who)
