"""Working findings: open → acknowledged → resolved, or accepted as a risk, each step audited.

The lifecycle is generic on purpose: any compliance check (the audio check, admission into the
vault, and later the periodic checks) opens findings here, and a compliance officer works them
the same way. Each move keeps its reason, who made it and when on the row, and writes an audit
event in the caller's transaction. A check that runs again supersedes its own open findings
rather than deleting them, so nothing a person worked on disappears.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput, NotFound
from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import Finding, Recording

Transition = Literal["acknowledge", "resolve", "accept_risk"]
Status = Literal["open", "acknowledged", "resolved", "accepted_risk", "superseded"]
Severity = Literal["info", "low", "medium", "high", "critical"]
STATUSES: tuple[str, ...] = get_args(Status)
SEVERITIES: tuple[str, ...] = get_args(Severity)
# Where each move leads, and the statuses it may start from.
MOVES: dict[str, tuple[str, frozenset[str]]] = {
    "acknowledge": ("acknowledged", frozenset({"open"})),
    "resolve": ("resolved", frozenset({"open", "acknowledged", "accepted_risk"})),
    "accept_risk": ("accepted_risk", frozenset({"open", "acknowledged", "accepted_risk"})),
}
MAX_REASON = 1000


def open_finding(
    session: Session,
    actor: str,
    *,
    recording_id: str,
    check_name: str,
    kind: str,
    severity: str,
    summary: str,
    detail: dict[str, Any],
) -> Finding:
    """Open one finding made by a check outside the audio check (e.g. admission), audited."""
    row = Finding(
        recording_id=recording_id,
        check_name=check_name,
        kind=kind,
        severity=severity,
        status="open",
        summary=summary[:500],
        detail=detail,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="finding.opened",
        target=f"finding:{row.id}",
        reason=summary[:500],
        data={"recording_id": recording_id, "kind": kind, "severity": severity},
    )
    return row


def _move(
    session: Session,
    actor: str,
    row: Finding,
    status: str,
    reason: str,
    expires: datetime | None = None,
) -> None:
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
        target=f"finding:{row.id}",
        reason=reason[:MAX_REASON],
        data={
            "recording_id": row.recording_id,
            "kind": row.kind,
            "from": previous,
            "risk_expires_at": expires.isoformat() if expires else None,
        },
    )


def transition(
    session: Session,
    principal: Principal,
    finding_id: int,
    move: Transition,
    reason: str,
    expires: datetime | None = None,
) -> Finding:
    """Acknowledge, resolve or accept a finding as a risk, for the stated reason."""
    require(principal, "findings.manage")
    if move not in MOVES:
        raise InvalidInput(f"unknown move {move!r}; use one of: {', '.join(MOVES)}")
    if not reason.strip():
        raise InvalidInput("a reason is required to move a finding")
    if expires is not None and move != "accept_risk":
        raise InvalidInput("only an accepted risk has an expiry")
    if expires is not None and expires <= clock.now():
        raise InvalidInput("an accepted risk's expiry must be in the future")
    row = session.get(Finding, finding_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no finding {finding_id}")
    status, starts = MOVES[move]
    if row.status not in starts:
        raise Conflict(
            f"finding {finding_id} is {row.status}; {move} needs it to be one of: "
            + ", ".join(sorted(starts))
        )
    _move(session, principal.actor, row, status, reason.strip(), expires)
    session.flush()
    return row


def supersede(actor: str, rows: list[Finding], reason: str) -> list[int]:
    """Mark a check's earlier open findings as replaced by its new run; returns their ids,
    which the run's own audit event (same transaction) lists, so every move is in the trail."""
    now = clock.now()
    for row in rows:
        row.status = "superseded"
        row.status_reason = reason[:MAX_REASON]
        row.status_by = actor
        row.status_at = now
    return [row.id for row in rows]


def clear(session: Session, actor: str, row: Finding, reason: str) -> None:
    """A check found the evidence a finding said was missing: resolve it, audited."""
    if row.status in {"open", "acknowledged"}:
        _move(session, actor, row, "resolved", reason)


@dataclass(frozen=True)
class FindingFilter:
    kind: str | None = None
    severity: str | None = None
    status: str | None = None
    recording_id: str | None = None
    call_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


OLDEST_FIRST = Keyset("findings", (Finding.id,))


def search(
    session: Session, principal: Principal, where: FindingFilter, cursor: str | None, limit: int
) -> Slice[Finding]:
    """A page of findings across recordings, oldest first (filtered in SQL).

    `status=open` also finds accepted risks whose expiry has passed: they need working again.
    """
    require(principal, "findings.read")
    if where.status is not None and where.status not in STATUSES:
        raise InvalidInput(f"unknown status {where.status!r}; use one of: {', '.join(STATUSES)}")
    if where.severity is not None and where.severity not in SEVERITIES:
        raise InvalidInput(
            f"unknown severity {where.severity!r}; use one of: {', '.join(SEVERITIES)}"
        )
    query = select(Finding)
    if where.kind:
        query = query.where(Finding.kind == where.kind)
    if where.severity:
        query = query.where(Finding.severity == where.severity)
    if where.status == "open":
        expired = and_(Finding.status == "accepted_risk", Finding.risk_expires_at <= clock.now())
        query = query.where(or_(Finding.status == "open", expired))
    elif where.status:
        query = query.where(Finding.status == where.status)
    if where.recording_id:
        query = query.where(Finding.recording_id == where.recording_id)
    if where.call_id:
        on_call = select(Recording.id).where(Recording.call_id == where.call_id)
        query = query.where(Finding.recording_id.in_(on_call))
    if where.since:
        query = query.where(Finding.created_at >= where.since)
    if where.until:
        query = query.where(Finding.created_at < where.until)
    rows = list(session.execute(OLDEST_FIRST.apply(query, cursor, limit)).scalars())
    return OLDEST_FIRST.page(rows, limit)


def describe(row: Finding) -> dict[str, Any]:
    """A finding as the API and the CLI show it, with where working it has got to."""
    expired = (
        row.status == "accepted_risk"
        and row.risk_expires_at is not None
        and row.risk_expires_at <= clock.now()
    )
    return {
        "finding_id": row.id,
        "recording_id": row.recording_id,
        "check": row.check_name,
        "kind": row.kind,
        "severity": row.severity,
        "status": row.status,
        "summary": row.summary,
        "channel": row.channel,
        "start_s": row.start_s,
        "end_s": row.end_s,
        "detail": row.detail,
        "created_at": row.created_at.isoformat(),
        "status_reason": row.status_reason,
        "status_by": row.status_by,
        "status_at": row.status_at.isoformat() if row.status_at else None,
        "risk_expires_at": row.risk_expires_at.isoformat() if row.risk_expires_at else None,
        "risk_expired": expired,
    }
