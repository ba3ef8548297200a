"""Working the periodic checks' findings, with the lifecycle the audio findings use.

The moves and their rules are `verification.lifecycle`'s, shared with the audio findings; here
are only what differs: the table, who may work them (`checks.work`), and the filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.checks.registry import SEVERITIES
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput, NotFound
from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import CheckFinding
from callwarden.verification import lifecycle

STATUSES = ("open", "acknowledged", "resolved", "accepted_risk")


def transition(
    session: Session,
    principal: Principal,
    finding_id: int,
    move: str,
    reason: str,
    expires: datetime | None = None,
) -> CheckFinding:
    """Acknowledge, resolve or accept a periodic finding as a risk, for the stated reason."""
    require(principal, "checks.work")
    reason = lifecycle.validate(move, reason, expires)
    row = session.get(CheckFinding, finding_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no check finding {finding_id}")
    status = lifecycle.target_status(row, move)
    lifecycle.apply(
        session,
        principal.actor,
        row,
        status,
        reason,
        target=f"check_finding:{row.id}",
        data={"check": row.check_name, "key": row.key},
        expires=expires,
    )
    session.flush()
    return row


@dataclass(frozen=True)
class FindingFilter:
    check: str | None = None
    status: str | None = None
    severity: str | None = None
    run_id: str | None = None  # findings the run saw (new or again)


OLDEST_FIRST = Keyset("check_findings", (CheckFinding.id,))


def search(
    session: Session, principal: Principal, where: FindingFilter, cursor: str | None, limit: int
) -> Slice[CheckFinding]:
    """A page of findings, oldest first; `status=open` includes accepted risks past expiry."""
    require(principal, "checks.read")
    if where.status is not None and where.status not in STATUSES:
        raise InvalidInput(f"unknown status {where.status!r}; use one of: {', '.join(STATUSES)}")
    if where.severity is not None and where.severity not in SEVERITIES:
        raise InvalidInput(f"unknown severity {where.severity!r}")
    query = select(CheckFinding)
    if where.check:
        query = query.where(CheckFinding.check_name == where.check)
    if where.severity:
        query = query.where(CheckFinding.severity == where.severity)
    if where.status == "open":
        now = clock.now()
        expired = and_(CheckFinding.status == "accepted_risk", CheckFinding.risk_expires_at <= now)
        query = query.where(or_(CheckFinding.status == "open", expired))
    elif where.status:
        query = query.where(CheckFinding.status == where.status)
    if where.run_id:
        query = query.where(CheckFinding.last_seen_run_id == where.run_id)
    rows = list(session.execute(OLDEST_FIRST.apply(query, cursor, limit)).scalars())
    return OLDEST_FIRST.page(rows, limit)


def get(session: Session, principal: Principal, finding_id: int) -> CheckFinding:
    require(principal, "checks.read")
    row = session.get(CheckFinding, finding_id)
    if row is None:
        raise NotFound(f"no check finding {finding_id}")
    return row


HISTORY_SHOWN = 200


def history(session: Session, principal: Principal, finding_id: int) -> list[dict[str, Any]]:
    """What happened to a finding, oldest first: its audit events (acknowledged, resolved,
    accepted, reopened by a run), as the trail has them; part of reading the finding."""
    get(session, principal, finding_id)
    where = audit.EventFilter(target=f"check_finding:{finding_id}")
    page = audit.find(session, where, None, HISTORY_SHOWN)
    return [
        {
            "seq": event.seq,
            "at": event.occurred_at.isoformat(),
            "actor": event.actor,
            "action": event.action,
            "reason": event.reason,
            "risk_expires_at": (event.data or {}).get("risk_expires_at"),
        }
        for event in page.rows
    ]


def describe(row: CheckFinding) -> dict[str, Any]:
    """A finding as the API, the CLI and the console show it."""
    return {
        "finding_id": row.id,
        "check": row.check_name,
        "key": row.key,
        "severity": row.severity,
        "status": row.status,
        "summary": row.summary,
        "detail": row.detail,
        "evidence": row.evidence,
        "rule": row.rule,
        "first_seen_run_id": row.first_seen_run_id,
        "last_seen_run_id": row.last_seen_run_id,
        "created_at": row.created_at.isoformat(),
        "last_seen_at": row.last_seen_at.isoformat(),
        "status_reason": row.status_reason,
        "status_by": row.status_by,
        "status_at": row.status_at.isoformat() if row.status_at else None,
        "risk_expires_at": row.risk_expires_at.isoformat() if row.risk_expires_at else None,
        "risk_expired": lifecycle.risk_expired(row),
    }


def describe_run(row: Any) -> dict[str, Any]:
    return {
        "run_id": row.id,
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "checks": row.checks,
        "started_by": row.started_by,
        "started_at": row.started_at.isoformat(),
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
        "counts": row.counts,
        "errors": row.errors,
    }
