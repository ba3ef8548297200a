"""Is every call recorded that should be, and none that should not?

Four things, over the calls that started in the period: a call the decision said to record
that has no recording (once it has ended and the upload's grace period has passed; a call still
going is never missing); a call the decision said not to record that was recorded anyway (a
stored recording, or a recording start the ledger refused); a recording much shorter than its
call; and a call in the phone system's own call-detail records (`callwarden cdr import`) that
callwarden never heard of.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select, union_all
from sqlalchemy.orm import Session

from callwarden.checks.cdr_matching import unmatched
from callwarden.checks.registry import Context, Evidence, Found, Period, Rule, check
from callwarden.checks.sql import seconds_between
from callwarden.checks.thresholds import thresholds
from callwarden.models import (
    Call,
    CallEvent,
    CallPause,
    ProviderRecording,
    Recording,
)

RECORDED = ("yes", "after_consent")
# A call the phone system never said had ended, silent this long, may hide a missing recording.
UNENDED_AFTER = timedelta(hours=24)
SHORTEST_CALL_S = 10.0  # below this, a recording's length says nothing

MISSING = Rule(
    "A call the decision said to record is recorded and its recording kept (the "
    "organisation's policy; for a regulated purpose the sector rule in the decision's reasons)."
)
VIOLATION = Rule(
    "A call the decision said not to record is not recorded (the organisation's policy and the "
    "law in the decision's reasons)."
)
SHORT = Rule(
    "A recording covers its call, pauses aside: one shorter than checks.short_recording_ratio "
    "of the call is looked into (the organisation's policy)."
)
UNKNOWN = Rule(
    "Every call the phone system carried reaches callwarden for a decision before it is "
    "recorded (the organisation's policy)."
)


def has_recording() -> ColumnElement[bool]:
    """The call has a recording (stored, or stored once and since disposed of)."""
    return exists().where(Recording.call_id == Call.id)


def recording_began() -> ColumnElement[bool]:
    """The ledger shows the recording began (what a "record after consent" call owes)."""
    return exists().where(
        CallEvent.call_id == Call.id,
        CallEvent.kind == "recording_started",
        CallEvent.accepted.is_(True),
    )


def _ended_in(period: Period, settled: datetime) -> tuple[ColumnElement[bool], ...]:
    """Calls of the period that ended before `settled` (the upload's grace) and were not
    halted."""
    return (
        Call.started_at >= period.start,
        Call.started_at < period.end,
        Call.state == "ended",
        Call.ended_at <= settled,
        Call.halted.is_(None),
    )


def owes_recording(period: Period, settled: datetime) -> ColumnElement[bool]:
    """The calls of the period that must have a recording by now: the decision said record
    (or record after consent, and the ledger shows recording began), the call ended before
    `settled` (the upload's grace period) and was not halted. The compliance report's
    `recorded_as_decided` counts these too, so the rate and the findings agree."""
    return and_(
        *_ended_in(period, settled),
        Call.record_decision.in_(RECORDED),
        (Call.record_decision == "yes") | recording_began(),
    )


def _missing(session: Session, period: Period, settled: datetime) -> Iterator[Found]:
    provider = (
        select(
            ProviderRecording.call_id,
            func.count().label("reported"),
            func.max(ProviderRecording.fetch_error).label("error"),
        )
        .group_by(ProviderRecording.call_id)
        .subquery()
    )

    def unrecorded(decision: str, *more: ColumnElement[bool]) -> Select[Any]:
        return (
            select(
                Call.id,
                Call.record_decision,
                Call.decision_id,
                Call.ended_at,
                provider.c.reported,
                provider.c.error,
            )
            .outerjoin(provider, provider.c.call_id == Call.id)
            .where(
                *_ended_in(period, settled),
                Call.record_decision == decision,
                ~has_recording(),
                *more,
            )
        )

    # `owes_recording` as two queries, not one with an OR: the OR made PostgreSQL test the
    # ledger for every call of the period.
    both = union_all(unrecorded("yes"), unrecorded("after_consent", recording_began())).subquery()
    rows = session.execute(select(both).order_by(both.c.id))
    for call_id, decision, decision_id, ended_at, reported, error in rows:
        detail = (
            f"The phone system reported {reported} recording(s) that never arrived"
            + (f"; the last download failed: {error}" if error else "")
            + "."
            if reported
            else "The phone system reported no recording."
        )
        yield Found(
            key=f"missing:{call_id}",
            severity="high",
            summary=f"call {call_id} should have been recorded (decision {decision}) but has "
            "no recording",
            evidence=Evidence(
                calls=(call_id,),
                figures={
                    "decision_id": decision_id,
                    "ended_at": str(ended_at),
                    "provider_reported": reported or 0,
                },
            ),
            rule=MISSING,
            detail=detail,
        )


def _unended(session: Session, period: Period, now: datetime) -> Iterator[Found]:
    rows = session.execute(
        select(Call.id, Call.last_event_at)
        .where(
            Call.started_at >= period.start,
            Call.started_at < period.end,
            Call.record_decision.in_(RECORDED),
            Call.state != "ended",
            Call.last_event_at <= now - UNENDED_AFTER,
        )
        .order_by(Call.id)
    )
    for call_id, last in rows:
        yield Found(
            key=f"unended:{call_id}",
            severity="low",
            summary=f"call {call_id} was never reported ended; nothing was heard of it since "
            f"{last:%Y-%m-%d %H:%M} UTC, so whether its recording is missing cannot be told",
            evidence=Evidence(calls=(call_id,), figures={"last_event_at": last.isoformat()}),
            rule=MISSING,
        )


def _violations(session: Session, period: Period) -> Iterator[Found]:
    in_period = and_(
        Call.started_at >= period.start, Call.started_at < period.end, Call.record_decision == "no"
    )
    stored = session.execute(
        select(Call.id, Call.decision_id, Recording.id)
        .join(Recording, Recording.call_id == Call.id)
        .where(in_period, Recording.state == "stored")
        .order_by(Call.id, Recording.id)
    )
    for call_id, decision_id, recording_id in stored:
        yield Found(
            key=f"violation:{call_id}:{recording_id}",
            severity="critical",
            summary=f"call {call_id} must not be recorded, yet recording {recording_id} is stored",
            evidence=Evidence(
                calls=(call_id,), recordings=(recording_id,), figures={"decision_id": decision_id}
            ),
            rule=VIOLATION,
        )
    refused = session.execute(
        select(Call.id, Call.decision_id, func.min(CallEvent.occurred_at), func.count())
        .join(CallEvent, CallEvent.call_id == Call.id)
        .where(in_period, CallEvent.kind == "recording_started", CallEvent.accepted.is_(False))
        .group_by(Call.id, Call.decision_id)
        .order_by(Call.id)
    )
    for call_id, decision_id, first, count in refused:
        yield Found(
            key=f"violation-started:{call_id}",
            severity="high",
            summary=f"the phone system started recording call {call_id}, which must not be "
            f"recorded ({count} time(s); the ledger refused it)",
            evidence=Evidence(
                calls=(call_id,),
                figures={"decision_id": decision_id, "first_at": first.isoformat()},
            ),
            rule=VIOLATION,
        )


def _short(session: Session, period: Period, ratio: float) -> Iterator[Found]:
    in_period = and_(
        Call.started_at >= period.start,
        Call.started_at < period.end,
        Call.ended_at.is_not(None),
        Call.record_decision.in_(RECORDED),  # one that should not be is a violation
    )
    rows = session.execute(
        select(
            Call.id, Call.started_at, Call.ended_at,
            func.sum(Recording.duration_s), func.min(Recording.id),
        )
        .join(Recording, Recording.call_id == Call.id)
        .where(in_period, Recording.state == "stored")
        .group_by(Call.id, Call.started_at, Call.ended_at)
        # Only calls whose recordings are short of the whole call (pauses only make the
        # expected length shorter), with a second's margin: the loop decides each one.
        .having(
            func.sum(Recording.duration_s)
            < ratio * seconds_between(session, Call.started_at, Call.ended_at) + 1
        )
        .order_by(Call.id)
    ).all()  # fmt: skip
    paused = _paused_seconds(session, in_period)
    for call_id, started, ended, recorded, recording_id in rows:
        if ended is None:  # excluded by the query; for the type checker
            continue
        expected = (ended - started).total_seconds() - paused.get(call_id, 0.0)
        if expected < SHORTEST_CALL_S or recorded >= ratio * expected:
            continue
        yield Found(
            key=f"short:{call_id}",
            severity="medium",
            summary=f"call {call_id} lasted {expected:.0f} s (pauses aside) but its recording "
            f"{recording_id} is {recorded:.0f} s",
            evidence=Evidence(
                calls=(call_id,),
                recordings=(recording_id,),
                figures={
                    "call_s": round(expected, 1),
                    "recorded_s": round(recorded, 1),
                    "ratio": ratio,
                },
            ),
            rule=SHORT,
        )


def _paused_seconds(session: Session, calls: ColumnElement[bool]) -> dict[str, float]:
    """Seconds paused per call, over the closed pauses of the calls matching `calls`."""
    spans = session.execute(
        select(CallPause.call_id, CallPause.started_at, CallPause.ended_at)
        .join(Call, Call.id == CallPause.call_id)
        .where(calls, CallPause.ended_at.is_not(None))
    )
    paused: dict[str, float] = defaultdict(float)
    for call_id, start, end in spans:
        if end is not None:
            paused[call_id] += (end - start).total_seconds()
    return paused


def _unknown(session: Session, period: Period, window: timedelta) -> Iterator[Found]:
    for record in unmatched(session, period.start, period.end, window):
        yield Found(
            key=f"unknown:{record.source}:{record.external_id}",
            severity="high",
            summary=f"the phone system's call {record.external_id} ({record.source}, "
            f"{record.from_number or '?'} to {record.to_number or '?'}, "
            f"{record.started_at:%Y-%m-%d %H:%M} UTC) never reached callwarden",
            evidence=Evidence(
                figures={
                    "source": record.source,
                    "external_id": record.external_id,
                    "started_at": record.started_at.isoformat(),
                    "duration_s": record.duration_s or 0,
                    "import_file": record.import_file,
                }
            ),
            rule=UNKNOWN,
        )


@check(
    "completeness",
    "Completeness of recording",
    "Over the calls that started in the period: each call the decision said to record (or to "
    "record after consent, once recording began) that ended more than "
    "checks.recording_grace_minutes (default 60) before the run and has no recording; each "
    "such call never reported ended and silent for 24 hours; each "
    "call the decision said not to record with a stored recording, or a recording start the "
    "ledger refused; each call whose stored recordings are shorter than "
    "checks.short_recording_ratio (default 0.5) of the call, pauses aside (calls under 10 s "
    "left out); and each connected call in the imported call-detail records that matches no "
    "call, by source and external id (or Twilio's parent call) or, failing that, by its "
    "numbers within checks.cdr_match_window_s (default 120 s) of its start.",
)
def completeness(session: Session, period: Period, context: Context) -> Iterator[Found]:
    limits = thresholds(session)
    settled = context.now - timedelta(minutes=limits.recording_grace_minutes)
    yield from _missing(session, period, settled)
    yield from _unended(session, period, context.now)
    yield from _violations(session, period)
    yield from _short(session, period, limits.short_recording_ratio)
    yield from _unknown(session, period, timedelta(seconds=limits.cdr_match_window_s))
