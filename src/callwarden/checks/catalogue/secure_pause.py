"""Secure pause: payment calls with no pause, pauses longer than the policy allows, and audio
inside a pause (`payment_audio_leak`)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from callwarden.checks.catalogue._law import policy
from callwarden.checks.registry import Context, Evidence, Found, Period, check
from callwarden.models import Call, CallPause, Finding, Recording

NEEDS_PAUSE = policy(
    "scope: secure_pause",
    "card details are never recorded: a payment call "
    "pauses the recording while they are given (PCI DSS v4.0 req. 3.2)",
)
MAX_PAUSE = policy(
    "payment_pause.max_pause_s",
    "a secure pause lasts no longer than the policy's maximum, so the rest of the call is recorded",
)


def payment_call() -> ColumnElement[bool]:
    """A call whose decision required a secure pause (a scope rule with secure_pause) and that
    was recorded: the calls that must show a pause."""
    recorded = select(Recording.id).where(Recording.call_id == Call.id).exists()
    return Call.secure_pause.is_(True) & recorded


def paused() -> ColumnElement[bool]:
    """The call has at least one pause in its ledger."""
    return select(CallPause.call_id).where(CallPause.call_id == Call.id).exists()


@check(
    "secure_pause",
    "Secure pause on payment calls",
    "Calls of the period whose decision required a secure pause (a scope rule with "
    "secure_pause) but that were recorded without one; pauses longer than the call's maximum "
    "(the policy's `payment_pause.max_pause_s` when it was decided); and each open "
    "`payment_audio_leak` audio finding (keypresses or speech inside a pause).",
)
def secure_pause(session: Session, period: Period, context: Context) -> Iterator[Found]:
    in_period = (Call.started_at >= period.start) & (Call.started_at < period.end)
    unpaused = session.execute(
        select(Call.id).where(in_period, payment_call(), ~paused()).order_by(Call.id)
    )
    for (call_id,) in unpaused:
        yield Found(
            key=f"no_pause:{call_id}",
            severity="high",
            summary=f"payment call {call_id} was recorded without a secure pause",
            evidence=Evidence(calls=(call_id,)),
            rule=NEEDS_PAUSE,
        )
    pauses = session.execute(
        select(CallPause, Call.max_pause_s)
        .join(Call, Call.id == CallPause.call_id)
        .where(in_period, CallPause.ended_at.is_not(None))
        .order_by(CallPause.id)
    )
    for pause, max_pause_s in pauses:
        assert pause.ended_at is not None
        length = (pause.ended_at - pause.started_at).total_seconds()
        if pause.exceeded or length > max_pause_s:
            yield Found(
                key=f"long_pause:{pause.id}",
                severity="medium",
                summary=f"call {pause.call_id}: a {pause.reason} pause lasted {length:.0f} s, "
                f"over the maximum of {max_pause_s} s",
                evidence=Evidence(
                    calls=(pause.call_id,),
                    figures={"pause_s": round(length, 1), "max_pause_s": max_pause_s},
                ),
                rule=MAX_PAUSE,
            )
    leaks = session.execute(
        select(Finding.id, Finding.recording_id, Finding.summary, Recording.call_id)
        .join(Recording, Recording.id == Finding.recording_id)
        .where(
            Recording.started_at >= period.start,
            Recording.started_at < period.end,
            Finding.kind == "payment_audio_leak",
            Finding.status == "open",
        )
        .order_by(Finding.id)
    )
    for finding_id, recording_id, summary, call_id in leaks:
        yield Found(
            key=f"leak:{finding_id}",
            severity="critical",
            summary=f"recording {recording_id}: {summary}",
            evidence=Evidence(
                calls=(call_id,), recordings=(recording_id,), figures={"audio_finding": finding_id}
            ),
            rule=NEEDS_PAUSE,
        )
