"""What an audit package says about a period besides the audit events: the rows, read in batches.

The period's calls are those active in it (started before its end, last heard of after its
start: a call that began just before the period but whose consent arrived in it counts);
everything else follows from them (their decisions, parties and consent ledger, recordings,
findings), except disposals, which also count when they happened in the period (a recording of
an older call disposed of now). Each function
yields plain JSON-ready dicts, so the builder streams them into the zip without holding them.

Check runs and their findings (`checks/`, issue 14) are not yet stored tables; when they are,
their rows go here as `checks/runs.jsonl` and `checks/findings.jsonl`. Until then the package
carries the audio findings (`findings.jsonl`), the findings the system already records.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from callwarden.models import (
    Call,
    CallEvent,
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
