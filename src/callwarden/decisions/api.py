"""Routes for call-setup decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from callwarden.db import Database
from callwarden.decisions import service
from callwarden.decisions.facts import CallFactsIn
from callwarden.identity.principal import Principal
from callwarden.server.deps import database, read_session, requires

router = APIRouter(prefix="/v1/decisions", tags=["decisions"])


class DecisionOut(BaseModel):
    """The decision; its parts are described in the guide and keep their names across versions."""

    model_config = ConfigDict(extra="allow")

    decision_id: str
    record: str
    governing_rule: str
    consent: str
    notice: dict[str, Any]
    reasons: list[Any]
    policy_version: int
    law_version: str
    disclaimer: str


class StoredDecision(BaseModel):
    decision: dict[str, Any]
    facts: dict[str, Any]
    requested_by: str
    created_at: datetime


@router.post("", status_code=201, response_model=DecisionOut)
def make_decision(
    facts: CallFactsIn,
    explain: bool = Query(default=False),
    who: Principal = Depends(requires("decisions.make")),
    db: Database = Depends(database),
) -> JSONResponse:
    """Decide whether and how to record a call; the decision is stored and audited.

    The answer says whether to record (`yes`, `no`, `after_consent`), what to announce, whose
    consent is needed and how, and why, with the citations and versions of law and policy used.
    It is not legal advice.
    """
    # Deciding only reads, so it runs outside the write transaction: the writer lock is held
    # for the two inserts alone.
    with db.reading() as session:
        decision = service.take_decision(session, who, facts, explain)
    with db.unit_of_work() as session:
        service.keep_decision(session, who, facts, decision, explain)
    # A ready Response skips FastAPI's generic encoder, which costs more than deciding.
    return JSONResponse(decision.as_dict(include_trace=explain), status_code=201)


@router.get("/{decision_id}", response_model=StoredDecision)
def get_decision(
    decision_id: str,
    who: Principal = Depends(requires("decisions.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    row = service.get_decision(session, who, decision_id)
    return {
        "decision": row.outcome,
        "facts": row.facts,
        "requested_by": row.requested_by,
        "created_at": row.created_at.isoformat(),
    }
