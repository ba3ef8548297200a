"""Legal holds: the list, making a hold (with a confirm step saying how much it keeps now), a
hold's page (its scope in words and what it covers now), changing its scope and releasing it.

Every step calls the service the API calls (`retention.holds`): the same checks, the same
roles, the same audit events. A hold that does not exist answers as the console's 404.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Depends, Form, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.db import Database
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit.errors import Conflict, InvalidInput
from callwarden.recordings.schemas import describe as describe_recording
from callwarden.retention import holds
from callwarden.retention.schemas import describe
from callwarden.server.deps import database, read_session
from callwarden.server.paging import Cursor
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.hold_forms import (
    FIELDS,
    fields_of,
    future_words,
    hold_fields,
    in_words,
    scope_data,
)
from callwarden.web.nav import OVERSIGHT, NavEntry
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Holds", "/holds", "holds.read", order=35, group=OVERSIGHT)
PAGE_SIZE = 50
COVERED_SHOWN = 50  # the first covered recordings listed on a hold's page
STATES = {"active": True, "released": False, "all": None}


@router.get("/holds")
def list_page(
    request: Request,
    state: Literal["active", "released", "all"] = "active",
    cursor: Cursor = None,
    done: str | None = Query(default=None, max_length=20),
    who: Principal = Depends(console_requires("holds.read")),
    session: Session = Depends(read_session),
) -> Response:
    """Holds, active ones first (by default only those), a page at a time."""
    found = holds.list_holds(session, who, STATES[state], cursor or None, PAGE_SIZE)
    rows = sorted((describe(row) for row in found.rows), key=lambda row: not row["active"])
    context = {
        "rows": rows,
        "state": state,
        "next_cursor": found.next_cursor,
        "may_manage": bool(may(who, "holds.manage")),
        "done": done,
    }
    return render(request, "holds_list.html", context, who=who)


def _form_page(
    request: Request, who: Principal, fields: dict[str, str], error: str | None = None
) -> Response:
    context = {"fields": {**dict.fromkeys(FIELDS, ""), **fields}, "error": error}
    return render(request, "holds_new.html", context, who=who, status=422 if error else 200)


@router.get("/holds/new")
def new_page(
    request: Request, who: Principal = Depends(console_requires("holds.manage"))
) -> Response:
    """The form for a new hold: a matter, why, and what it keeps."""
    return _form_page(request, who, {})


@router.post("/holds", dependencies=[Depends(csrf_checked)])
def create(
    request: Request,
    step: Literal["check", "edit", "create"] = Form("check"),
    fields: dict[str, str] = Depends(hold_fields),
    who: Principal = Depends(console_requires("holds.manage")),
    db: Database = Depends(database),
) -> Response:
    """Check the form and say how many recordings the hold would keep now (`check`), go back
    to the form (`edit`), or, once confirmed, make the hold (`create`)."""
    if step == "edit":
        return _form_page(request, who, fields)
    data = scope_data(fields)
    if step == "create":
        with db.unit_of_work() as session:
            hold = holds.create(session, who, fields["matter"], fields["reason"], data)
            hold_id = hold.id
        return redirect(request, f"/holds/{hold_id}?done=created")
    try:
        with db.reading() as session:
            checked, coverage = holds.preview(
                session, who, fields["matter"], fields["reason"], data, COVERED_SHOWN
            )
            stored = checked.as_json()
            context = {
                "fields": fields,
                "count": coverage.count,
                "first": [describe_recording(row) for row in coverage.first],
                "scope_words": in_words(stored),
                "future": future_words(stored),
            }
    except InvalidInput as invalid:
        return _form_page(request, who, fields, invalid.detail)
    return render(request, "holds_confirm.html", context, who=who)


def _hold_context(session: Session, who: Principal, hold_id: str) -> dict[str, Any]:
    hold = holds.get(session, who, hold_id)
    shown = describe(hold)
    coverage = holds.covered(session, who, hold_id, COVERED_SHOWN)
    return {
        "hold": shown,
        "scope_words": in_words(hold.scope),
        "future": future_words(hold.scope) if shown["active"] else None,
        "count": coverage.count,
        "first": [describe_recording(row) for row in coverage.first],
        "fields": fields_of(hold.scope),
        "may_manage": bool(may(who, "holds.manage")) and shown["active"],
    }


@router.get("/holds/{hold_id}")
def hold_page(
    request: Request,
    hold_id: str,
    done: str | None = Query(default=None, max_length=20),
    who: Principal = Depends(console_requires("holds.read")),
    session: Session = Depends(read_session),
) -> Response:
    """One hold: who made it and why, its scope in words, and what it keeps now."""
    context = {**_hold_context(session, who, hold_id), "done": done}
    return render(request, "holds_hold.html", context, who=who)


@router.post("/holds/{hold_id}/scope", dependencies=[Depends(csrf_checked)])
def change_scope(
    request: Request,
    hold_id: str,
    reason: str = Form(min_length=4, max_length=1000),
    fields: dict[str, str] = Depends(hold_fields),
    who: Principal = Depends(console_requires("holds.manage")),
    db: Database = Depends(database),
) -> Response:
    """Give an active hold a new scope, with why (the service audits the old and the new)."""
    with db.unit_of_work() as session:
        holds.change_scope(session, who, hold_id, scope_data(fields), reason)
    return redirect(request, f"/holds/{hold_id}?done=changed")


@router.post("/holds/{hold_id}/release", dependencies=[Depends(csrf_checked)])
def release(
    request: Request,
    hold_id: str,
    reason: str = Form(min_length=4, max_length=1000),
    confirmed: bool = Form(False),
    who: Principal = Depends(console_requires("holds.manage")),
    db: Database = Depends(database),
) -> Response:
    """Release a hold with why, after a page saying what it stops keeping."""
    if not confirmed:
        with db.reading() as session:
            context = {**_hold_context(session, who, hold_id), "reason": reason}
        if not context["hold"]["active"]:
            raise Conflict(f"hold {hold_id} was released already")
        return render(request, "holds_release.html", context, who=who)
    with db.unit_of_work() as session:
        holds.release(session, who, hold_id, reason)
    return redirect(request, f"/holds/{hold_id}?done=released")
