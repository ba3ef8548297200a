"""A person's own cases in the console ("My cases"): the list of the cases they reported, and
the filing form for a concern, a private-call request, an evaluation dispute or a recording
dispute.

Every page calls the cases' services the API calls (`cases.service`), with the signed-in person
as the principal: what a reader sees of each case is `cases.views`'s, never decided here. An
anonymous concern's follow-up code is shown once, on the page that answers the filing, and is
kept nowhere (only its hash is stored).
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Form, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.cases import service, wording
from callwarden.cases.filing import Filing
from callwarden.cases.workflow import Kind, State
from callwarden.db import Database
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit.errors import InvalidInput
from callwarden.server.deps import database, read_session
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.nav import WORK, NavEntry
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("My cases", "/cases", "cases.file", order=39, group=WORK)
PAGE_SIZE = 50
SCOPES = {"mine": "Cases I raised", "handling": "Cases I handle", "all": "All cases"}


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def scopes_for(who: Principal) -> list[str]:
    """The lists this person may open (the service refuses the others anyway)."""
    shown = ["mine"]
    if may(who, "cases.handle"):
        shown.append("handling")
    if may(who, "cases.read"):
        shown.append("all")
    return shown


def list_context(
    session: Session,
    who: Principal,
    scope: str,
    state: str | None,
    kind: str | None,
    cursor: str | None,
) -> dict[str, Any]:
    """One list of cases as `cases.service.list_cases` gives it, for the list pages."""
    found = service.list_cases(session, who, scope, _blank(state), _blank(kind), cursor, PAGE_SIZE)
    return {
        "cases": found.rows,
        "next_cursor": found.next_cursor,
        "scope": scope,
        "scopes": [(name, SCOPES[name]) for name in scopes_for(who)],
        "asked": {"state": _blank(state) or "", "kind": _blank(kind) or ""},
        "states": [(s.value, wording.state(s.value)) for s in State],
        "kinds": [(k.value, wording.kind(k.value)) for k in Kind],
        "may_file_for_customer": bool(may(who, "cases.file_for_customer")),
    }


@router.get("/cases")
def my_cases(
    request: Request,
    state: str | None = Query(default=None, max_length=20),
    kind: str | None = Query(default=None, max_length=40),
    cursor: str | None = Query(default=None, max_length=400),
    who: Principal = Depends(console_requires("cases.file")),
    session: Session = Depends(read_session),
) -> Response:
    """The cases this person raised (not the anonymous ones: those open with their code)."""
    context = list_context(session, who, "mine", state, kind, _blank(cursor))
    return render(request, "cases_list.html", context, who=who)


def _form_context(
    who: Principal, kind: str, given: dict[str, str], problem: str | None = None
) -> dict[str, Any]:
    try:
        chosen = Kind(kind)
    except ValueError:
        raise InvalidInput(
            f"unknown case kind {kind!r}; kinds: {', '.join(k.value for k in Kind)}"
        ) from None
    return {
        "kind": chosen.value,
        "kind_words": wording.kind(chosen.value),
        "given": given,
        "problem": problem,
        "for_customer": chosen is Kind.RECORDING_DISPUTE
        and bool(may(who, "cases.file_for_customer")),
    }


@router.get("/cases/new")
def new_case(
    request: Request,
    kind: str = Query(default="concern", max_length=40),
    recording_id: str | None = Query(default=None, max_length=64),
    evaluation_id: str | None = Query(default=None, max_length=64),
    who: Principal = Depends(console_requires("cases.file")),
) -> Response:
    """The filing form for one kind, the recording or evaluation filled in from the link."""
    given = {"recording_id": recording_id or "", "evaluation_id": evaluation_id or ""}
    return render(request, "cases_new.html", _form_context(who, kind, given), who=who)


@router.post("/cases/new", dependencies=[Depends(csrf_checked)])
def file_case(
    request: Request,
    kind: str = Form(..., max_length=40),
    summary: str = Form(default="", max_length=200),
    details: str = Form(default="", max_length=20_000),
    anonymous: bool = Form(default=False),
    recording_id: str = Form(default="", max_length=64),
    evaluation_id: str = Form(default="", max_length=64),
    on_behalf_of: str = Form(default="", max_length=500),
    subject: str = Form(default="", max_length=64),
    who: Principal = Depends(console_requires("cases.file")),
    db: Database = Depends(database),
) -> Response:
    """File the case; an anonymous concern answers with its follow-up code, once."""
    filing = Filing(
        kind=kind,
        summary=summary,
        details=details,
        anonymous=anonymous,
        recording_id=_blank(recording_id),
        evaluation_id=_blank(evaluation_id),
        on_behalf_of=_blank(on_behalf_of),
        subject=_blank(subject),
    )
    with db.unit_of_work() as session:
        filed = service.file_case(session, who, filing)
        shown = service.shown_to_filer(session, filed)
    if filed.code is not None:
        context = {"case": shown, "code": filed.code}
        return render(request, "cases_filed.html", context, who=who)
    done = "joined" if filed.joined else "filed"
    return redirect(request, f"/cases/{shown['label']}?done={done}")
