"""Routes for call sessions: create, report events, read the call and its consent evidence."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from callwarden.calls import ledger, service
from callwarden.calls.schemas import (
    CallCreate,
    CallCreated,
    CallDetail,
    CallSummary,
    ConsentEvidence,
    EventAccepted,
    EventIn,
)
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.clock import as_utc
from callwarden.kit.errors import NotFound
from callwarden.kit.inputs import QueryTimestamp
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.server.deps import database, read_session, requires
from callwarden.server.paging import Cursor, Limit

router = APIRouter(prefix="/v1/calls", tags=["calls"])


@router.post(
    "",
    status_code=201,
    response_model=CallCreated,
    responses={200: {"model": CallCreated, "description": "The call this external_id made."}},
)
def create_call(
    body: CallCreate,
    who: Principal = Depends(requires("calls.write")),
    db: Database = Depends(database),
) -> JSONResponse:
    """Create a call: the decision and the plan the phone system must follow.

    Sending the same `source` and `external_id` again returns the existing call (200).
    """
    with db.unit_of_work() as session:
        view = service.create_call(session, who, body)
        content = {
            "call_id": view.call.id,
            "state": view.call.state,
            "decision": view.decision,
            "plan": view.call.plan,
        }
    return JSONResponse(content, status_code=201 if view.created else 200)


@router.post(
    "/{call_id}/events",
    status_code=201,
    response_model=EventAccepted,
    responses={200: {"model": EventAccepted, "description": "A repeat of an event already taken."}},
)
def report_event(
    call_id: str,
    event: EventIn,
    who: Principal = Depends(requires("calls.write")),
    db: Database = Depends(database),
) -> JSONResponse:
    """Report an event; a forbidden one is refused (409, with why) and kept as a violation."""
    try:
        with db.unit_of_work() as session:
            result = service.record_event(session, who, call_id, event)
            content = {
                "accepted": True,
                "duplicate": result.duplicate,
                "message": result.message,
                "plan_changed": result.plan_changed,
                "plan": result.call.plan,
                "state": result.call.state,
                "recording_state": result.call.recording_state,
            }
    except (service.EventRefused, NotFound) as refusal:
        repeated = refusal.extra.get("repeated", False)
        if not repeated:
            kept = "a refused event is kept as a violation while the request fails"
            with db.separate_unit_of_work(kept) as session:
                service.record_violation(session, who, call_id, event, refusal.detail)
        raise
    return JSONResponse(content, status_code=200 if result.duplicate else 201)


@router.get("", response_model=Page[CallSummary])
def list_calls(
    since: QueryTimestamp | None = Query(default=None, alias="from"),
    until: QueryTimestamp | None = Query(default=None, alias="to"),
    state: Literal["active", "ended"] | None = Query(default=None),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("calls.read")),
    session: Session = Depends(read_session),
) -> Page[CallSummary]:
    """The calls the caller may read, newest first: agents their own, supervisors their
    team's, integrations the calls they created."""
    found = service.list_calls(
        session,
        who,
        as_utc(since) if since else None,
        as_utc(until) if until else None,
        state,
        cursor,
        limit,
    )
    items = [CallSummary.model_validate(ledger.call_summary(call)) for call in found.rows]
    return Page(items=items, next_cursor=found.next_cursor)


@router.get("/{call_id}", response_model=CallDetail)
def get_call(
    call_id: str,
    who: Principal = Depends(requires("calls.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    return ledger.call_detail(session, service.get_call(session, who, call_id))


@router.get("/{call_id}/consent", response_model=ConsentEvidence)
def consent(
    call_id: str,
    who: Principal = Depends(requires("calls.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    """The consent evidence for each party, as an auditor reads it."""
    return ledger.consent_evidence(session, service.get_call(session, who, call_id))
