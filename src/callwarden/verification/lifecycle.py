"""The lifecycle every finding shares, whatever made it: open → acknowledged → resolved, or
accepted as a risk (with a reason, optionally until an expiry).

The audio findings (`verification.findings`) and the periodic checks' findings
(`checks.runs`) keep the same columns for it, so one set of rules decides which move is allowed
from where, and one function makes the move: the reason, who and when go on the row and into
an audit event in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput

Transition = Literal["acknowledge", "resolve", "accept_risk"]
# Where each move leads, and the statuses it may start from.
MOVES: dict[str, tuple[str, frozenset[str]]] = {
    "acknowledge": ("acknowledged", frozenset({"open"})),
    "resolve": ("resolved", frozenset({"open", "acknowledged", "accepted_risk"})),
    "accept_risk": ("accepted_risk", frozenset({"open", "acknowledged", "accepted_risk"})),
}
MAX_REASON = 1000


class Workable(Protocol):
    """A row with the lifecycle columns."""

    id: Any
    status: str
    status_reason: str | None
    status_by: str | None
    status_at: datetime | None
    risk_expires_at: datetime | None


def validate(move: str, reason: str, expires: datetime | None) -> str:
    """Refuse a move that could never be made, before any row is read; the cleaned reason."""
    if move not in MOVES:
        raise InvalidInput(f"unknown move {move!r}; use one of: {', '.join(MOVES)}")
    if not reason.strip():
        raise InvalidInput("a reason is required to move a finding")
    if expires is not None and move != "accept_risk":
        raise InvalidInput("only an accepted risk has an expiry")
    if expires is not None and expires <= clock.now():
        raise InvalidInput("an accepted risk's expiry must be in the future")
    return reason.strip()


def target_status(row: Workable, move: str) -> str:
    """Where `move` takes `row`, or Conflict when its status does not allow it."""
    status, starts = MOVES[move]
    if row.status not in starts:
        raise Conflict(
            f"finding {row.id} is {row.status}; {move} needs it to be one of: "
            + ", ".join(sorted(starts))
        )
    return status


def apply(
    session: Session,
    actor: str,
    row: Workable,
    status: str,
    reason: str,
    *,
    target: str,
    data: dict[str, Any],
    expires: datetime | None = None,
) -> None:
    """Move `row` to `status`, keep the reason on it, and audit the move (`finding.<status>`)."""
    previous = row.status
    row.status = status
    row.status_reason = reason[:MAX_REASON]
    row.status_by = actor
    row.status_at = clock.now()
    row.risk_expires_at = expires
    audit.record(
        session,
        actor=actor,
        action=f"finding.{status}",
        target=target,
        reason=reason[:MAX_REASON],
        data={
            **data,
            "from": previous,
            "risk_expires_at": expires.isoformat() if expires else None,
        },
    )


def risk_expired(row: Workable) -> bool:
    """An accepted risk whose expiry has passed needs working again."""
    return (
        row.status == "accepted_risk"
        and row.risk_expires_at is not None
        and row.risk_expires_at <= clock.now()
    )
