"""The three routes that move a finding through its lifecycle, shared by every kind of finding.

The audio findings (`/v1/findings`) and the periodic checks' findings (`/v1/checks/findings`)
move the same way (`verification.lifecycle`); only the table, the action that may move them and
the shape they are described in differ, so one function adds the routes for each.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from fastapi import APIRouter, Depends, Path
from pydantic import Field
from sqlalchemy.orm import Session

from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.clock import as_utc
from callwarden.kit.inputs import RequestModel, Timestamp
from callwarden.server.deps import database, requires
from callwarden.verification.lifecycle import MAX_REASON

MAX_ID = 2**31 - 1  # the findings tables' integer keys


class Move(RequestModel):
    """Why the finding moves; every move is kept on the finding and in the audit trail."""

    reason: str = Field(min_length=1, max_length=MAX_REASON)


class RiskAcceptance(Move):
    expires_at: Timestamp | None = Field(
        default=None, description="When the accepted risk needs looking at again (optional)."
    )


class Transition(Protocol):
    def __call__(
        self,
        session: Session,
        principal: Principal,
        finding_id: int,
        move: Any,
        reason: str,
        expires: datetime | None = None,
    ) -> Any: ...


def add_lifecycle_routes(
    router: APIRouter,
    prefix: str,
    action: str,
    transition: Transition,
    describe: Callable[[Any], dict[str, Any]],
    response_model: type[Any],
) -> None:
    """Add `POST {prefix}/{finding_id}/acknowledge|resolve|accept-risk` to `router`, each
    requiring `action` and owning its unit of work."""

    def moved(
        db: Database, who: Principal, finding_id: int, move: str, reason: str, expires: Any = None
    ) -> dict[str, Any]:
        with db.unit_of_work() as session:
            return describe(transition(session, who, finding_id, move, reason, expires))

    @router.post(f"{prefix}/{{finding_id}}/acknowledge", response_model=response_model)
    def acknowledge(
        body: Move,
        finding_id: int = Path(ge=1, le=MAX_ID),
        who: Principal = Depends(requires(action)),
        db: Database = Depends(database),
    ) -> dict[str, Any]:
        """Someone is working on it: open → acknowledged."""
        return moved(db, who, finding_id, "acknowledge", body.reason)

    @router.post(f"{prefix}/{{finding_id}}/resolve", response_model=response_model)
    def resolve(
        body: Move,
        finding_id: int = Path(ge=1, le=MAX_ID),
        who: Principal = Depends(requires(action)),
        db: Database = Depends(database),
    ) -> dict[str, Any]:
        """Dealt with (say how in the reason). A later check run that sees a periodic finding
        again reopens it."""
        return moved(db, who, finding_id, "resolve", body.reason)

    @router.post(f"{prefix}/{{finding_id}}/accept-risk", response_model=response_model)
    def accept_risk(
        body: RiskAcceptance,
        finding_id: int = Path(ge=1, le=MAX_ID),
        who: Principal = Depends(requires(action)),
        db: Database = Depends(database),
    ) -> dict[str, Any]:
        """Knowingly left as it is, for the reason given; optionally until `expires_at`."""
        expires = as_utc(body.expires_at) if body.expires_at else None
        return moved(db, who, finding_id, "accept_risk", body.reason, expires)
