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
from callwarden.kit.errors import InvalidInput, NotFound
from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import Finding, Recording
from callwarden.verification import lifecycle
from callwarden.verification.lifecycle import MAX_REASON, Transition

Status = Literal["open", "acknowledged", "resolved", "accepted_risk", "superseded"]
Severity = Literal["info", "low", "medium", "high", "critical"]
STATUSES: tuple[str, ...] = get_args(Status)
SEVERITIES: tuple[str, ...] = get_args(Severity)


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
    lifecycle.apply(
        session,
        actor,
        row,
        status,
        reason,
        target=f"finding:{row.id}",
        data={"recording_id": row.recording_id, "kind": row.kind},
        expires=expires,
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
    reason = lifecycle.validate(move, reason, expires)
    row = session.get(Finding, finding_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no finding {finding_id}")
    status = lifecycle.target_status(row, move)
    _move(session, principal.actor, row, status, reason, expires)
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
    expired = lifecycle.risk_expired(row)
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
