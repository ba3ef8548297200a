"""From an audio analysis and the consent ledger to findings: pure, so each rule is testable.

The ledger says what should be in the audio (a notice heard by this party, consent keyed on
this digit at about this time, nothing said during a payment pause); the analysis says what
is. Each rule compares the two and explains itself. Keyed digits are never copied into a
finding: they may be card data.

What the ledger says happened before the recording began (a notice played, consent keyed while
the phone system waited to record) cannot be in the audio: such evidence is reported as an
informational finding that names the ledger's event, never as missing. Silence inside a ledger
pause is the pause working, not dead air.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from callwarden.analysis import Keypress, RecordingAnalysis
from callwarden.analysis.spans import Span

CONSENT_TOLERANCE_S = 5.0


@dataclass(frozen=True)
class FindingDraft:
    kind: str
    severity: str
    summary: str
    channel: int | None = None
    start_s: float | None = None
    end_s: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LedgerEvidence:
    """An accepted ledger event, placed on the recording's timeline (negative: before it)."""

    event_id: str
    at_s: float
    occurred_at: str

    def describe(self) -> str:
        return f"ledger event {self.event_id!r} at {self.occurred_at}"


@dataclass(frozen=True)
class PartyFacts:
    key: str
    role: str
    needs_notice: bool
    notice_script_id: str | None
    notice_evidence: LedgerEvidence | None = None


@dataclass(frozen=True)
class ConsentKeying:
    party: str
    digit: str
    at_s: float
    evidence: LedgerEvidence | None = None


@dataclass(frozen=True)
class LedgerFacts:
    parties: Sequence[PartyFacts]
    channel_map: Sequence[str]
    consents: Sequence[ConsentKeying]
    pauses: Sequence[dict[str, Any]]
    notice_window_s: float
    prompts_available: frozenset[str]


def facing_channel(channel_map: Sequence[str], party: str, channels: int) -> int:
    """The channel carrying audio towards `party`: another party's channel, if the map says."""
    if channels == 1 or not channel_map:
        return 0
    others = [index for index, key in enumerate(channel_map) if key != party]
    return others[0] if others else 0


def own_channel(channel_map: Sequence[str], party: str) -> int | None:
    return channel_map.index(party) if party in channel_map else None


def findings(analysis: RecordingAnalysis, ledger: LedgerFacts) -> list[FindingDraft]:
    return [
        *_notices(analysis, ledger),
        *_consents(analysis, ledger),
        *_pauses(analysis, ledger),
        *_stray_dtmf(analysis, ledger),
        *_dead_air(analysis, ledger),
    ]


def _before_recording(evidence: LedgerEvidence) -> str:
    return f"{-evidence.at_s:.1f} s before the recording began"


def _notices(analysis: RecordingAnalysis, ledger: LedgerFacts) -> Iterator[FindingDraft]:
    for party in ledger.parties:
        if not party.needs_notice:
            continue
        script = party.notice_script_id
        if script is None or script not in ledger.prompts_available:
            yield FindingDraft(
                "notice_unverifiable",
                "info",
                f"no announcement audio for script {script or '(none played)'}; upload it "
                "with POST /v1/scripts/{id}/audio to verify notices",
                detail={"party": party.key},
            )
            continue
        match = analysis.notices[script]
        channel = facing_channel(ledger.channel_map, party.key, analysis.channels)
        facing = next((c for c in match.per_channel if c.channel == channel), None)
        in_window = (
            facing is not None
            and facing.detected
            and facing.offset_s is not None
            and facing.offset_s <= ledger.notice_window_s
        )
        detail = {
            "party": party.key,
            "script_id": script,
            "score": facing.score if facing else None,
            "threshold": match.threshold,
            "window_s": ledger.notice_window_s,
        }
        if in_window and facing is not None:
            yield FindingDraft(
                "notice_verified",
                "info",
                f"notice {script} found at {facing.offset_s:.1f} s, facing {party.key}",
                channel,
                facing.offset_s,
                detail=detail,
            )
            continue
        before = party.notice_evidence
        if before is not None and before.at_s < 0:
            yield FindingDraft(
                "notice_before_recording",
                "info",
                f"notice {script} for {party.key} was played {_before_recording(before)} "
                f"({before.describe()}); the audio cannot show it, the ledger is the evidence",
                detail={**detail, "ledger_event": before.event_id, "ledger_at_s": before.at_s},
            )
            continue
        elsewhere = [c.channel for c in match.per_channel if c.detected]
        reason = (
            f"found only on channel(s) {elsewhere}, not the one facing {party.key}"
            if elsewhere and not (facing and facing.detected)
            else f"not found in the first {ledger.notice_window_s:.0f} s"
        )
        yield FindingDraft(
            "notice_missing",
            "high",
            f"notice {script} for {party.key}: {reason}",
            channel,
            detail=detail,
        )


def _near(keypress: Keypress, consent: ConsentKeying, channel: int | None) -> bool:
    return (
        keypress.digit == consent.digit
        and abs(keypress.start_s - consent.at_s) <= CONSENT_TOLERANCE_S
        and (channel is None or keypress.channel == channel)
    )


def _consents(analysis: RecordingAnalysis, ledger: LedgerFacts) -> Iterator[FindingDraft]:
    for consent in ledger.consents:
        channel = own_channel(ledger.channel_map, consent.party)
        found = [k for k in analysis.keypresses if _near(k, consent, channel)]
        detail = {
            "party": consent.party,
            "ledger_at_s": consent.at_s,
            "tolerance_s": CONSENT_TOLERANCE_S,
        }
        evidence = consent.evidence
        if not found and consent.at_s < 0:
            where = _before_recording(evidence) if evidence else "before the recording began"
            named = f" ({evidence.describe()})" if evidence else ""
            yield FindingDraft(
                "consent_before_recording",
                "info",
                f"consent was keyed by {consent.party} {where}{named}; the audio cannot show "
                "it, the ledger is the evidence",
                channel,
                detail={**detail, "ledger_event": evidence.event_id if evidence else None},
            )
        elif found:
            yield FindingDraft(
                "consent_keypress_verified",
                "info",
                f"consent key from {consent.party} heard at {found[0].start_s:.1f} s",
                found[0].channel,
                found[0].start_s,
                found[0].end_s,
                detail,
            )
        else:
            yield FindingDraft(
                "consent_keypress_missing",
                "high",
                f"the ledger records consent keyed by {consent.party} at {consent.at_s:.1f} s, "
                "but no such keypress is in the audio",
                channel,
                consent.at_s,
                detail=detail,
            )


def _overlaps(start: float, end: float, other_start: float, other_end: float) -> bool:
    return start < other_end and other_start < end


def _pauses(analysis: RecordingAnalysis, ledger: LedgerFacts) -> Iterator[FindingDraft]:
    for pause in ledger.pauses:
        start, end = pause.get("start_s"), pause.get("end_s")
        if start is None or end is None or end <= start:
            continue
        keys = [k for k in analysis.keypresses if _overlaps(k.start_s, k.end_s, start, end)]
        speech = [
            (channel.channel, span)
            for channel in analysis.speech.channels
            for span in channel.speech
            if _overlaps(span.start_s, span.end_s, start, end)
        ]
        if keys or speech:
            yield FindingDraft(
                "payment_audio_leak",
                "critical",
                f"audio inside the {pause.get('reason', 'secure')} pause {start:.1f}-{end:.1f} s: "
                f"{len(keys)} keypress(es), {len(speech)} speech span(s)",
                start_s=start,
                end_s=end,
                detail={"keypresses": len(keys), "speech_spans": len(speech)},
            )


def _stray_dtmf(analysis: RecordingAnalysis, ledger: LedgerFacts) -> Iterator[FindingDraft]:
    stray = [
        k
        for k in analysis.keypresses
        if not any(_near(k, consent, None) for consent in ledger.consents)
    ]
    if stray:
        yield FindingDraft(
            "dtmf_in_recording",
            "high",
            f"{len(stray)} keypress(es) outside consent prompts remain in the audio "
            "(they may be card or account data)",
            detail={"spans": [[round(k.start_s, 3), round(k.end_s, 3), k.channel] for k in stray]},
        )


def _outside_pauses(span: Span, ledger: LedgerFacts, duration_s: float) -> list[Span]:
    """The parts of `span` that no ledger pause covers (an open pause runs to the end)."""
    pieces = [span]
    for pause in ledger.pauses:
        start = pause.get("start_s")
        if start is None:
            continue
        end = pause.get("end_s")
        end = duration_s if end is None else end
        pieces = [
            part
            for piece in pieces
            for part in (
                Span(piece.start_s, min(piece.end_s, start)),
                Span(max(piece.start_s, end), piece.end_s),
            )
            if part.end_s > part.start_s
        ]
    return pieces


def _dead_air(analysis: RecordingAnalysis, ledger: LedgerFacts) -> Iterator[FindingDraft]:
    threshold = analysis.speech.dead_air_threshold_s
    spans = [
        piece
        for silent in analysis.speech.dead_air
        for piece in _outside_pauses(silent, ledger, analysis.duration_s)
        if piece.duration_s >= threshold
    ]
    for span in spans:
        yield FindingDraft(
            "dead_air",
            "medium",
            f"{span.duration_s:.0f} s of silence on every channel: a broken or empty recording?",
            start_s=span.start_s,
            end_s=span.end_s,
        )
