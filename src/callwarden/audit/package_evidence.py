"""What an audit package says about a period besides the audit events: the rows, read in batches.

The period's calls are those active in it (started before its end, last heard of after its
start: a call that began just before the period but whose consent arrived in it counts);
everything else follows from them (their decisions, parties and consent ledger, recordings,
findings), except disposals, which also count when they happened in the period (a recording of
an older call disposed of now). Each function
yields plain JSON-ready dicts, so the builder streams them into the zip without holding them.

The periodic checks (`checks/`) count by the period they looked at, not by the calls: the
package holds the check runs whose period overlaps its own, and the findings one of them saw
first or last (`check_findings`); a finding seen first by an older run names it, so that run
comes too, marked `in_period: false`, and every run id a finding names is in the package. Each
run carries the position of its `checks.run` audit event, which verify.py finds in the chain
when it falls in the period.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import Session, selectinload

from callwarden.models import (
    AuditEvent,
    Call,
    CallEvent,
    CheckFinding,
    CheckRun,
    DecisionRecord,
    Disposal,
    Finding,
    Recording,
    RetentionSweep,
)

BATCH = 1000


def moment(value: datetime | None) -> str | None:
    """Times as every signed statement of ours writes them: UTC, microseconds, Z."""
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    values = {}
    for field in fields:
        value = getattr(row, field)
        values[field] = moment(value) if isinstance(value, datetime) else value
    return values


def _stream(session: Session, query: Select[Any]) -> Iterator[Any]:
    yield from session.execute(query.execution_options(yield_per=BATCH)).scalars()


def _active(start: datetime, end: datetime) -> tuple[Any, ...]:
    return (Call.started_at < end, Call.last_event_at >= start)


def _calls(start: datetime, end: datetime) -> Select[Any]:
    return select(Call.id).where(*_active(start, end))


def decisions(session: Session, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    query = (
        select(DecisionRecord)
        .where(
            DecisionRecord.id.in_(select(Call.decision_id).where(Call.id.in_(_calls(start, end))))
        )
        .order_by(DecisionRecord.created_at, DecisionRecord.id)
    )
    fields = (
        "id", "external_call_id", "created_at", "requested_by", "facts", "outcome", "record",
        "governing_rule", "policy_version", "law_version",
    )  # fmt: skip
    for row in _stream(session, query):
        yield _plain(row, fields)


CALL_FIELDS = (
    "id", "source", "external_id", "direction", "state", "recording_state", "record_decision",
    "consent_level", "governing_rule", "notice_required", "secure_pause", "max_pause_s",
    "decision_id", "policy_version", "agent_user_id", "team_id", "started_at", "ended_at",
)  # fmt: skip
PARTY_FIELDS = (
    "key", "position", "role", "number", "jurisdiction", "rule", "needs_notice", "needs_consent",
    "notice_script_id", "notice_at", "consent_status", "consent_at", "consent_method",
    "joined_at", "left_at",
)  # fmt: skip


def calls(session: Session, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """Each call with its parties: who had to be told, who consented, when."""
    query = (
        select(Call)
        .options(selectinload(Call.parties))
        .where(*_active(start, end))
        .order_by(Call.started_at, Call.id)
    )
    for row in _stream(session, query):
        parties = sorted(row.parties, key=lambda party: party.position)
        yield {
            **_plain(row, CALL_FIELDS),
            "parties": [_plain(party, PARTY_FIELDS) for party in parties],
        }


def consent_ledger(session: Session, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """Every event the phone system reported for these calls (notices, consents, refusals,
    pauses), accepted or refused with the reason: the consent evidence as it arrived."""
    query = (
        select(CallEvent)
        .where(CallEvent.call_id.in_(_calls(start, end)))
        .order_by(CallEvent.call_id, CallEvent.occurred_at, CallEvent.id)
    )
    fields = (
        "call_id", "client_event_id", "kind", "occurred_at", "received_at", "party_key",
        "method", "script_id", "offset_s", "body", "accepted", "violation", "reported_by",
    )  # fmt: skip
    for row in _stream(session, query):
        yield _plain(row, fields)


def _recording_ids(start: datetime, end: datetime) -> Select[Any]:
    return select(Recording.id).where(Recording.call_id.in_(_calls(start, end)))


def recordings(session: Session, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """The recordings' hashes and their schedule (what must be kept until when)."""
    query = (
        select(Recording)
        .where(Recording.call_id.in_(_calls(start, end)))
        .order_by(Recording.started_at, Recording.id)
    )
    fields = (
        "id", "call_id", "state", "sha256", "size", "original_sha256", "original_size",
        "duration_s", "started_at", "retention_class", "retain_until", "dispose_by",
        "disposal_due", "disposed_at", "legal_hold", "verified_at", "damaged_at",
    )  # fmt: skip
    for row in _stream(session, query):
        yield _plain(row, fields)


def _disposals(start: datetime, end: datetime) -> Select[Any]:
    return select(Disposal).where(
        or_(
            Disposal.recording_id.in_(_recording_ids(start, end)),
            Disposal.disposed_at >= start,
        ),
        or_(Disposal.recording_id.in_(_recording_ids(start, end)), Disposal.disposed_at < end),
    )


def disposals(session: Session, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    fields = (
        "recording_id", "sweep_id", "call_id", "rule", "original_sha256", "original_size",
        "sha256", "size", "started_at", "retain_until", "dispose_by", "disposal_due",
        "disposed_at", "audit_seq", "object_deleted_at",
    )  # fmt: skip
    query = _disposals(start, end).order_by(Disposal.disposed_at, Disposal.recording_id)
    for row in _stream(session, query):
        yield _plain(row, fields)


def sweeps(session: Session, start: datetime, end: datetime) -> list[RetentionSweep]:
    """The sweeps of those disposals that have a certificate (a few per period)."""
    ids = _disposals(start, end).with_only_columns(Disposal.sweep_id).distinct()
    query = (
        select(RetentionSweep)
        .where(RetentionSweep.id.in_(ids), RetentionSweep.certificate.is_not(None))
        .order_by(RetentionSweep.started_at, RetentionSweep.id)
    )
    return list(session.execute(query).scalars())


def findings(session: Session, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    query = (
        select(Finding)
        .where(Finding.recording_id.in_(_recording_ids(start, end)))
        .order_by(Finding.created_at, Finding.id)
    )
    fields = (
        "id", "recording_id", "check_name", "kind", "severity", "status", "status_reason",
        "status_by", "status_at", "risk_expires_at", "channel", "start_s", "end_s", "summary",
        "detail", "created_at",
    )  # fmt: skip
    for row in _stream(session, query):
        yield _plain(row, fields)


def _runs_in(start: datetime, end: datetime) -> Select[Any]:
    return select(CheckRun.id).where(CheckRun.period_start < end, CheckRun.period_end > start)


def _check_findings(start: datetime, end: datetime) -> Select[Any]:
    runs = _runs_in(start, end)
    return select(CheckFinding).where(
        or_(CheckFinding.first_seen_run_id.in_(runs), CheckFinding.last_seen_run_id.in_(runs))
    )


def _named_runs(start: datetime, end: datetime) -> Select[Any]:
    """The period's runs and every run one of its findings names."""
    found = _check_findings(start, end).subquery()
    return select(
        union(
            _runs_in(start, end),
            select(found.c.first_seen_run_id),
            select(found.c.last_seen_run_id),
        ).subquery()
    )


def check_counts(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """How many runs (in the period, and named from outside it) and findings the package holds,
    for period.json, so a dropped line shows even where no other check would see it."""
    in_period = session.execute(
        select(func.count()).select_from(_runs_in(start, end).subquery())
    ).scalar_one()
    named = session.execute(
        select(func.count()).select_from(_named_runs(start, end).subquery())
    ).scalar_one()
    findings_count = session.execute(
        select(func.count()).select_from(_check_findings(start, end).subquery())
    ).scalar_one()
    return {
        "runs": int(in_period),
        "runs_named_from_outside": int(named) - int(in_period),
        "findings": int(findings_count),
    }


RUN_FIELDS = (
    "id", "period_start", "period_end", "checks", "started_by", "started_at", "finished_at",
    "counts", "errors",
)  # fmt: skip


def check_runs(session: Session, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """Each run with its audit event's seq and hash (a few hundred a year: read whole)."""
    in_period = set(session.execute(_runs_in(start, end)).scalars())
    query = (
        select(CheckRun)
        .where(CheckRun.id.in_(_named_runs(start, end)))
        .order_by(CheckRun.started_at, CheckRun.id)
    )
    rows = list(session.execute(query).scalars())
    events: dict[str, tuple[int, str]] = {}
    for chunk in range(0, len(rows), 500):
        targets = [f"check_run:{row.id}" for row in rows[chunk : chunk + 500]]
        found = session.execute(
            select(AuditEvent.target, AuditEvent.seq, AuditEvent.hash).where(
                AuditEvent.action == "checks.run", AuditEvent.target.in_(targets)
            )
        )
        events.update((target, (int(seq), digest)) for target, seq, digest in found)
    for row in rows:
        seq, digest = events.get(f"check_run:{row.id}", (None, None))
        yield {
            **_plain(row, RUN_FIELDS),
            "in_period": row.id in in_period,
            "audit_seq": seq,
            "audit_hash": digest,
        }


CHECK_FINDING_FIELDS = (
    "id", "check_name", "key", "severity", "status", "summary", "detail", "evidence", "rule",
    "first_seen_run_id", "last_seen_run_id", "created_at", "last_seen_at", "status_reason",
    "status_by", "status_at", "risk_expires_at",
)  # fmt: skip


def check_findings(session: Session, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """What the period's runs saw, with the rule and citation and where each finding stands."""
    query = _check_findings(start, end).order_by(CheckFinding.id)
    for row in _stream(session, query):
        yield _plain(row, CHECK_FINDING_FIELDS)
