"""One case in the console (`/cases/{ref}`, by id or `CASE-0001`): the case as
`cases.service.show` gives it to this reader, and the forms of what they may do with it.

The handler replies, notes, starts the review, decides, closes; a compliance officer assigns;
the reporter writes and appeals; legal keeps a dispute's hold; the handlers and the oversight
roles download the PDF for the file. Each form posts to a route that calls the service the API
route calls, so the rules (who acts, in what state) are the service's: the forms shown are a
courtesy, and a refused action answers with the service's reason. A case the reader may not
see answers exactly as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.cases import exporting, legal, service
from callwarden.cases.workflow import Outcome
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.server.deps import database, read_session, settings
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
TEXT = 20_000
OUTCOMES = [(o.value, o.value.replace("_", " ")) for o in Outcome]
NOTICES = {
    "filed": "Your case is filed. You can follow it here.",
    "joined": "A request about this recording was already open: yours joined that case.",
    "replied": "Your reply is sent to the reporter.",
    "noted": "The internal note is added.",
    "review": "The review has started.",
    "decided": "The decision is recorded, and what it does is done.",
    "closed": "The case is closed.",
    "assigned": "The case is assigned.",
    "message": "Your message is sent to the handler.",
    "appealed": "Your appeal is filed; another compliance officer takes the case.",
    "hold": "Legal's word on the hold is recorded.",
}


def _offers(who: Principal, case: dict[str, Any]) -> dict[str, bool]:
    """Which forms to show this reader (the service decides whether each may be taken)."""
    view, state = case["view"], case["state"]
    acting = view == "handler" and case["handler"] == who.username
    undecided = state in ("open", "in_review")
    return {
        "handle": acting and state != "closed",
        "review": acting and state == "open",
        "decide": acting and state == "in_review",
        "close": acting and state == "decided",
        "assign": bool(may(who, "cases.handle")) and view in ("handler", "oversight") and undecided,
        "message": view == "reporter" and state != "closed",
        "appeal": bool(case["may_appeal"]),
        "hold": bool(may(who, "cases.keep_hold")) and bool(case["hold_id"]) and state != "closed",
        "export": view in ("handler", "oversight"),
    }


def _back(who: Principal, case: dict[str, Any]) -> str:
    return "/cases" if case["view"] == "reporter" or not may(who, "cases.read") else "/cases/desk"


@router.get("/cases/{ref}")
def case_page(
    request: Request,
    ref: str,
    who: Principal = Depends(console_requires("cases.file")),
    session: Session = Depends(read_session),
) -> Response:
    """The case as this reader may see it, with the forms of what they may do."""
    case = service.show(session, who, ref)
    done = request.query_params.get("done")
    context = {
        "case": case,
        "offers": _offers(who, case),
        "outcomes": OUTCOMES,
        "notice": NOTICES.get(done or ""),
        "back": _back(who, case),
    }
    return render(request, "cases_case.html", context, who=who)


def _after(request: Request, case_id: str, done: str) -> Response:
    return redirect(request, f"/cases/{case_id}?done={done}")


@router.post("/cases/{ref}/reply", dependencies=[Depends(csrf_checked)])
def reply(
    request: Request,
    ref: str,
    body: str = Form(default="", max_length=TEXT),
    who: Principal = Depends(console_requires("cases.handle")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        case_id = service.reply(session, who, ref, body).case_id
    return _after(request, case_id, "replied")


@router.post("/cases/{ref}/note", dependencies=[Depends(csrf_checked)])
def note(
    request: Request,
    ref: str,
    body: str = Form(default="", max_length=TEXT),
    who: Principal = Depends(console_requires("cases.handle")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        case_id = service.note(session, who, ref, body).case_id
    return _after(request, case_id, "noted")


@router.post("/cases/{ref}/review", dependencies=[Depends(csrf_checked)])
def start_review(
    request: Request,
    ref: str,
    who: Principal = Depends(console_requires("cases.handle")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        case_id = service.start_review(session, who, ref).id
    return _after(request, case_id, "review")


@router.post("/cases/{ref}/decide", dependencies=[Depends(csrf_checked)])
def decide(
    request: Request,
    ref: str,
    outcome: str = Form(..., max_length=20),
    reasons: str = Form(default="", max_length=TEXT),
    who: Principal = Depends(console_requires("cases.handle")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> Response:
    """Decide, and let the outcome act; a destroyed recording's object goes after the commit."""
    with db.unit_of_work() as session:
        case_id = service.decide(session, who, ref, outcome, reasons, config).id
    with db.unit_of_work() as session:
        service.remove_destroyed_audio(session, config, case_id)
    return _after(request, case_id, "decided")


@router.post("/cases/{ref}/close", dependencies=[Depends(csrf_checked)])
def close(
    request: Request,
    ref: str,
    reason: str = Form(default="", max_length=TEXT),
    who: Principal = Depends(console_requires("cases.handle")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        case_id = service.close(session, who, ref, reason).id
    return _after(request, case_id, "closed")


@router.post("/cases/{ref}/assign", dependencies=[Depends(csrf_checked)])
def assign(
    request: Request,
    ref: str,
    handler: str = Form(default="", max_length=64),
    who: Principal = Depends(console_requires("cases.handle")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        case_id = service.assign(session, who, ref, handler.strip()).id
    return _after(request, case_id, "assigned")


@router.post("/cases/{ref}/message", dependencies=[Depends(csrf_checked)])
def message(
    request: Request,
    ref: str,
    body: str = Form(default="", max_length=TEXT),
    who: Principal = Depends(console_requires("cases.file")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        case_id = service.message(session, who, ref, body).case_id
    return _after(request, case_id, "message")


@router.post("/cases/{ref}/appeal", dependencies=[Depends(csrf_checked)])
def appeal(
    request: Request,
    ref: str,
    reason: str = Form(default="", max_length=TEXT),
    who: Principal = Depends(console_requires("cases.file")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        case_id = service.appeal(session, who, ref, reason).id
    return _after(request, case_id, "appealed")


@router.post("/cases/{ref}/hold", dependencies=[Depends(csrf_checked)])
def keep_hold(
    request: Request,
    ref: str,
    keep: bool = Form(default=False),
    reason: str = Form(default="", max_length=TEXT),
    who: Principal = Depends(console_requires("cases.keep_hold")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        case_id = legal.keep_hold(session, who, ref, keep, reason).id
    return _after(request, case_id, "hold")


@router.get("/cases/{ref}/export.pdf")
def export_pdf(
    ref: str,
    who: Principal = Depends(console_requires("cases.file")),
    db: Database = Depends(database),
) -> Response:
    """The case's PDF for the file (its handlers and the oversight roles), audited."""
    with db.unit_of_work() as session:
        made = exporting.export_pdf(session, who, ref)
    return Response(
        made.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
    )
