"""Whether the consent ledger lets a recording of this call be kept, and how much of it.

Pure: it reads the call, its parties and its accepted ledger events, and answers `Admission` —
take it whole, take it trimmed at the moment consent was withdrawn, or refuse it with the
reason. Recordings ask through `calls.service.admit_recording`; intake keeps refusals in the
audit trail, and a refused recording is never stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from callwarden.calls.snapshot import CallSnapshot, EventSnapshot
from callwarden.models import CallPause

LEDGER_KINDS = ("recording_started", "consent_withdrawn")  # the events admission reads


@dataclass(frozen=True, slots=True)
class Admission:
    """What to do with the recording. `violation` (with the parties it concerns in
    `missing_notice`) is set when it is kept although the ledger lacks a required notice:
    indexing then records the violation on the call and opens a high finding."""

    allowed: bool
    reason: str
    trim_to_s: float | None = None
    discard: bool = False
    violation: str | None = None
    missing_notice: tuple[str, ...] = ()


def admit(
    call: CallSnapshot, events: Sequence[EventSnapshot], recording_start: datetime
) -> Admission:
    """What the ledger lets be kept of a recording that began at `recording_start`."""
    if call.record_decision == "no":
        return Admission(False, "this call must not be recorded: its decision says do not record")
    customer_side = [party for party in call.parties if party.role != "agent"]
    if (
        any(party.consent_status == "declined" for party in customer_side)
        and call.halted == "declined"
    ):
        return Admission(False, "a party declined consent to recording on this call")
    if call.halted == "withdrawn":
        return _unheard_notice(call, _withdrawn(call, events, recording_start))
    never = [p.key for p in customer_side if p.needs_consent and p.consent_status not in {"given"}]
    if never:
        return Admission(False, f"explicit consent was never given by {', '.join(never)}")
    return _unheard_notice(call, Admission(True, "the consent ledger allows this recording"))


def _unheard_notice(call: CallSnapshot, admission: Admission) -> Admission:
    """A recording the decision required a notice for, with no notice in the ledger, is not
    "allowed by the ledger": the policy's `consent.missing_notice` refuses it or keeps it with a
    violation (which the audio check can clear if it hears the notice after all)."""
    if not admission.allowed:
        return admission
    unheard = tuple(
        p.key for p in call.parties if p.role != "agent" and p.needs_notice and p.notice_at is None
    )
    if not unheard:
        return admission
    gap = (
        f"the decision required a notice for {', '.join(unheard)} but the consent ledger holds none"
    )
    if call.on_missing_notice == "refuse":
        return Admission(False, f"{gap}; the policy (consent.missing_notice: refuse) refuses it")
    return Admission(
        True,
        f"{gap}; kept under consent.missing_notice: keep_with_violation, "
        "with a violation on the call and a high finding",
        trim_to_s=admission.trim_to_s,
        violation=gap,
        missing_notice=unheard,
    )


def _withdrawn(
    call: CallSnapshot, events: Sequence[EventSnapshot], recording_start: datetime
) -> Admission:
    if call.on_withdrawal == "stop_discard_all":
        return Admission(
            False, "consent was withdrawn and the policy discards the whole recording", discard=True
        )
    withdrawal = next((e for e in events if e.kind == "consent_withdrawn"), None)
    if withdrawal is None:
        return Admission(False, "consent was withdrawn but the ledger has no withdrawal event")
    offset = withdrawal.offset_s
    if offset is None:
        offset = (withdrawal.occurred_at - recording_start).total_seconds()
    if offset <= 0:
        return Admission(False, "consent was withdrawn before anything could be kept")
    return Admission(
        True,
        f"consent was withdrawn at {offset:.1f} s; only what came before is kept",
        trim_to_s=offset,
    )


def recording_start_time(
    events: Sequence[EventSnapshot], declared: datetime | None, fallback: datetime
) -> datetime:
    """When the audio's first sample was captured: as declared, else the recording_started event."""
    if declared is not None:
        return declared
    started = next((e for e in events if e.kind == "recording_started"), None)
    return started.occurred_at if started is not None else fallback


def pause_intervals(pauses: list[CallPause], recording_start: datetime) -> list[dict[str, object]]:
    """The ledger's pauses as offsets into the audio, for intake and audio verification."""
    intervals: list[dict[str, object]] = []
    for pause in pauses:
        start = pause.start_offset_s
        if start is None:
            start = (pause.started_at - recording_start).total_seconds()
        end = pause.end_offset_s
        if end is None and pause.ended_at is not None:
            end = (pause.ended_at - recording_start).total_seconds()
        intervals.append(
            {
                "start_s": round(start, 3),
                "end_s": None if end is None else round(end, 3),
                "reason": pause.reason,
                "exceeded": pause.exceeded,
            }
        )
    return intervals
