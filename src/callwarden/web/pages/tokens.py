"""API tokens in the console, for every signed-in person: "your tokens" in the account area.

Everyone manages their own tokens (`GET/POST/DELETE /v1/tokens` take no role either), and
administrators see and revoke everyone's and issue the tokens of service identities; the
service functions decide, as they do for the API. A token's secret is in the answer to the form
that made it and nowhere else. A token one may not manage answers as one that does not exist.
"""

from __future__ import annotations

from fastapi import Depends, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Forbidden, NotFound
from callwarden.kit.pagination import MAX_LIMIT
from callwarden.models import User
from callwarden.server.deps import database, read_session
from callwarden.server.paging import Cursor
from callwarden.web.deps import csrf_checked, viewer
from callwarden.web.nav import NavEntry
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Tokens", "/account/tokens", None, order=890)
PAGE_SIZE = 100


def _service_identities(session: Session, who: Principal) -> list[User]:
    """The service identities an administrator may issue tokens to (first thousand users)."""
    if not may(who, "tokens.manage_any") or not may(who, "users.read"):
        return []
    return [
        user for user in identity.list_users(session, who, None, MAX_LIMIT).rows if user.is_service
    ]


@router.get("/account/tokens")
def tokens_page(
    request: Request,
    cursor: Cursor = None,
    done: str | None = None,
    who: Principal = Depends(viewer),
    session: Session = Depends(read_session),
) -> Response:
    """Your tokens, oldest first (an administrator's page lists everyone's)."""
    found = identity.list_tokens(session, who, None, cursor, PAGE_SIZE)
    context = {
        "tokens": found.rows,
        "next_cursor": found.next_cursor,
        "everyone": bool(may(who, "tokens.manage_any")),
        "services": _service_identities(session, who),
        "revoked": done == "revoked",
        "now": clock.now(),
        "title": "Tokens",
    }
    return render(request, "tokens.html", context, who=who)


@router.post("/account/tokens", dependencies=[Depends(csrf_checked)])
def create_token(
    request: Request,
    name: str = Form(max_length=120),
    days: int = Form(default=90, ge=1, le=366),
    user: str = Form(default="", max_length=64),
    who: Principal = Depends(viewer),
    db: Database = Depends(database),
) -> Response:
    """A token for yourself, or (administrators) for a service identity; shown once."""
    with db.unit_of_work() as session:
        issued = identity.create_token(
            session, who, name=name.strip(), owner=user.strip() or None, days=days
        )
        context = {
            "token": issued.token,
            "owner": issued.token.user.username,
            "secret": issued.plaintext,
            "title": "Token created",
        }
    return render(request, "token_issued.html", context, who=who, status=201)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Depends(csrf_checked)])
def revoke_token(
    request: Request,
    token_id: str,
    reason: str = Form(default="", max_length=500),
    who: Principal = Depends(viewer),
    db: Database = Depends(database),
) -> Response:
    """Revoke a token at once; someone else's token reads as no token at all."""
    try:
        with db.unit_of_work() as session:
            identity.revoke_token(session, who, token_id, reason.strip() or None)
    except Forbidden:
        raise NotFound(f"no token {token_id!r}") from None
    return redirect(request, "/account/tokens?done=revoked")
