"""Routes for cases: `/v1/cases`, and `/v1/cases/follow-up` for an anonymous reporter.

The follow-up route takes no token: the code in the body is the reporter's only credential (in
the body, never the address, so it is not written to logs or browser history). Wrong codes are
counted per client address and overall, and over the limit the route answers 429 with
Retry-After before looking any code up.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from callwarden.cases import exporting, legal, service
from callwarden.cases.codes import CodeThrottle, MalformedCode
from callwarden.cases.filing import Filing
from callwarden.cases.schemas import (
    AssignIn,
    CaseIn,
    CaseOut,
    CaseSummaryOut,
    DecideIn,
    EntryOut,
    FiledOut,
    FollowUpIn,
    KeepHoldIn,
    KindName,
    ReasonIn,
    StateName,
    TextIn,
)
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.errors import InvalidInput, NotFound
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.server.deps import client_address, database, read_session, requires, settings
from callwarden.server.paging import Cursor, Limit

router = APIRouter(tags=["cases"])
CaseRef = str


async def code_throttle(request: Request) -> CodeThrottle:
    """The app's one follow-up throttle (made with the app, `app.state.case_code_throttle`)."""
    throttle: CodeThrottle = request.app.state.case_code_throttle
    return throttle


@router.post("/v1/cases", status_code=201, response_model=FiledOut)
def file_case(
    body: CaseIn,
    who: Principal = Depends(requires("cases.file")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """File a case; a second private-call request for a recording joins the open one. An
    anonymous concern's follow-up code is in this answer and nowhere else."""
    with db.unit_of_work() as session:
        filed = service.file_case(session, who, Filing(**body.model_dump()))
        return {
            "case": service.shown_to_filer(session, filed),
            "joined": filed.joined,
            "follow_up_code": filed.code,
        }


@router.get("/v1/cases", response_model=Page[CaseSummaryOut])
def list_cases(
    scope: str = Query(
        default="mine", pattern="^(mine|handling|all)$", description="mine, handling or all"
    ),
    state: StateName | None = Query(default=None),
    kind: KindName | None = Query(default=None),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("cases.file")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """Cases you reported (`mine`), you handle (`handling`), or all of them (`all`, the
    oversight roles); newest first."""
    found = service.list_cases(session, who, scope, state, kind, cursor, limit)
    return {"items": found.rows, "next_cursor": found.next_cursor}


@router.post("/v1/cases/follow-up", response_model=CaseOut)
def follow_up(
    body: FollowUpIn,
    request: Request,
    db: Database = Depends(database),
    throttle: CodeThrottle = Depends(code_throttle),
) -> dict[str, Any]:
    """An anonymous reporter reads their case with its code, writes to it (`message`), or
    appeals the decision (`appeal` with `message` saying why). No token."""
    address = client_address(request)
    throttle.check(address)
    if body.appeal and body.message is None:
        raise InvalidInput("an appeal says why: send `message` with it")
    try:
        if body.message is None:
            with db.reading() as session:
                return service.follow_up(session, body.code)
        with db.unit_of_work() as session:
            return service.follow_up(session, body.code, message=body.message, appeal=body.appeal)
    except (NotFound, MalformedCode):
        throttle.wrong(address)
        raise


@router.get("/v1/cases/{case_ref}", response_model=CaseOut)
def show_case(
    case_ref: CaseRef,
    who: Principal = Depends(requires("cases.file")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """A case by id or label (`CASE-0001`), as you may see it."""
    return service.show(session, who, case_ref)


@router.post("/v1/cases/{case_ref}/assign", response_model=CaseOut)
def assign(
    case_ref: CaseRef,
    body: AssignIn,
    who: Principal = Depends(requires("cases.handle")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Give the case to another compliance officer, checked as at filing (422 otherwise)."""
    with db.unit_of_work() as session:
        case = service.assign(session, who, case_ref, body.handler)
        return service.show(session, who, case.id)


def _entry(row: Any) -> dict[str, Any]:
    return {
        "entry_id": row.id,
        "kind": row.kind,
        "visibility": row.visibility,
        "author": "you",
        "body": row.body,
        "at": row.at.isoformat(),
    }


@router.post("/v1/cases/{case_ref}/replies", status_code=201, response_model=EntryOut)
def reply(
    case_ref: CaseRef,
    body: TextIn,
    who: Principal = Depends(requires("cases.handle")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """A reply to the reporter (the handler only)."""
    with db.unit_of_work() as session:
        return _entry(service.reply(session, who, case_ref, body.body))


@router.post("/v1/cases/{case_ref}/notes", status_code=201, response_model=EntryOut)
def note(
    case_ref: CaseRef,
    body: TextIn,
    who: Principal = Depends(requires("cases.handle")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """An internal note, never shown to the reporter (the handler only)."""
    with db.unit_of_work() as session:
        return _entry(service.note(session, who, case_ref, body.body))


@router.post("/v1/cases/{case_ref}/messages", status_code=201, response_model=EntryOut)
def message(
    case_ref: CaseRef,
    body: TextIn,
    who: Principal = Depends(requires("cases.file")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """The reporter writes to the handler."""
    with db.unit_of_work() as session:
        return _entry(service.message(session, who, case_ref, body.body))


@router.post("/v1/cases/{case_ref}/review", response_model=CaseOut)
def start_review(
    case_ref: CaseRef,
    who: Principal = Depends(requires("cases.handle")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Start the review of an open case (the handler only)."""
    with db.unit_of_work() as session:
        case = service.start_review(session, who, case_ref)
        return service.show(session, who, case.id)


@router.post("/v1/cases/{case_ref}/decision", response_model=CaseOut)
def decide(
    case_ref: CaseRef,
    body: DecideIn,
    who: Principal = Depends(requires("cases.handle")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> dict[str, Any]:
    """Decide a case in review, with reasons the reporter reads; the outcome then acts (an
    upheld private call's recording is destroyed with a certificate, unless a hold or a
    regulatory minimum keeps it: the outcome note says which)."""
    with db.unit_of_work() as session:
        case_id = service.decide(session, who, case_ref, body.outcome, body.reasons, config).id
    with db.unit_of_work() as session:
        service.remove_destroyed_audio(session, config, case_id)
        return service.show(session, who, case_id)


@router.post("/v1/cases/{case_ref}/appeal", response_model=CaseOut)
def appeal(
    case_ref: CaseRef,
    body: ReasonIn,
    who: Principal = Depends(requires("cases.file")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """The reporter appeals the decision, once, within the policy's window."""
    with db.unit_of_work() as session:
        case = service.appeal(session, who, case_ref, body.reason)
        return service.show(session, who, case.id)


@router.post("/v1/cases/{case_ref}/close", response_model=CaseOut)
def close(
    case_ref: CaseRef,
    body: ReasonIn,
    who: Principal = Depends(requires("cases.handle")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Close a decided case once it can no longer be appealed (the handler only)."""
    with db.unit_of_work() as session:
        case = service.close(session, who, case_ref, body.reason)
        return service.show(session, who, case.id)


@router.get(
    "/v1/cases/{case_ref}/export.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The case as a PDF."}},
)
def export_pdf(
    case_ref: CaseRef,
    who: Principal = Depends(requires("cases.file")),
    db: Database = Depends(database),
) -> Response:
    """The case for the file, as an A4 PDF: its facts, protections, every entry marked "to the
    reporter" or "internal", and the decision. Its handlers and the oversight roles export it;
    only a handler's copy names the reporter. Audited."""
    with db.unit_of_work() as session:
        made = exporting.export_pdf(session, who, case_ref)
    return Response(
        made.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
    )


@router.post("/v1/cases/{case_ref}/hold", response_model=CaseOut)
def keep_hold(
    case_ref: CaseRef,
    body: KeepHoldIn,
    who: Principal = Depends(requires("cases.keep_hold")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Legal decides whether a recording dispute's hold outlives its case (`keep: true`) or is
    released when the case closes (`keep: false`, the default). Audited with the reason."""
    with db.unit_of_work() as session:
        case = legal.keep_hold(session, who, case_ref, body.keep, body.reason)
        return service.show(session, who, case.id)
