"""Analysing a stored recording: decrypt to a private temp file, analyse, keep the findings.

`examine` only reads (so a job can run it outside any write transaction); `keep` replaces the
recording's findings and audits the run. Findings never contain keyed digits.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.analysis import Prompt, analyse_recording, prepare_prompt
from callwarden.audit import service as audit
from callwarden.calls import service as calls
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import NotFound
from callwarden.models import Call, CallEvent, DataKey, DecisionRecord, Finding, Recording
from callwarden.policy import service as policies
from callwarden.recordings.playback import stream
from callwarden.vault.runtime import Vault
from callwarden.verification import findings as lifecycle
from callwarden.verification import redaction, scripts
from callwarden.verification.checks import (
    ConsentKeying,
    FindingDraft,
    LedgerEvidence,
    LedgerFacts,
    PartyFacts,
    findings,
)
from callwarden.verification.redaction import Redacted


def _played_script(session: Session, call: Call) -> str | None:
    """The notice script the call's decision chose (what the parties should have heard)."""
    decision = session.get(DecisionRecord, call.decision_id)
    notice = decision.outcome.get("notice", {}) if decision is not None else {}
    script_id = notice.get("script_id")
    return str(script_id) if script_id else None


def _evidence(event: CallEvent, recording: Recording) -> LedgerEvidence:
    """Where a ledger event falls on the recording's timeline: its offset, else by the clock."""
    at = event.offset_s
    if at is None:
        at = (event.occurred_at - recording.started_at).total_seconds()
    return LedgerEvidence(event.client_event_id, at, event.occurred_at.isoformat())


def ledger_facts(
    session: Session, recording: Recording, call: Call, prompts: Iterable[str]
) -> LedgerFacts:
    """What the consent ledger says should be in this recording's audio."""
    fallback = _played_script(session, call)
    events = [event for event in calls.ledger_events(session, call.id) if event.accepted]
    notices: dict[str | None, LedgerEvidence] = {}
    for event in events:
        if event.kind == "notice_played":
            notices.setdefault(event.party_key, _evidence(event, recording))
    parties = [
        PartyFacts(
            p.key,
            p.role,
            p.needs_notice and p.role != "agent",
            p.notice_script_id or fallback,
            notices.get(p.key) or notices.get(None),
        )
        for p in call.parties
    ]
    consents = []
    for event in events:
        if event.kind == "consent_given" and event.method == "dtmf" and event.party_key:
            evidence = _evidence(event, recording)
            digit = event.body.get("digit") or "1"
            consents.append(ConsentKeying(event.party_key, digit, evidence.at_s, evidence))
    window = policies.compiled_version(session, call.policy_version).document.notice_window_s
    return LedgerFacts(
        parties,
        recording.channel_map,
        consents,
        recording.pauses,
        float(window),
        frozenset(prompts),
    )


@dataclass(frozen=True)
class AudioCheckResult:
    """What one run of the audio check found, before `keep` writes it: the findings it would
    open, the audio's length and, when stray keypresses were redacted, the redacted copy."""

    drafts: list[FindingDraft]
    duration_s: float
    redacted: Redacted | None = None


def examine(
    session: Session, vault: Vault, recording_id: str, spool_dir: Path, redact_stray: bool = False
) -> AudioCheckResult:
    """Decrypt, analyse and compare with the ledger; optionally redact keypresses left in."""
    recording = session.get(Recording, recording_id)
    call = calls.find_call(session, recording.call_id) if recording else None
    key = session.get(DataKey, recording_id)
    if recording is None or call is None or key is None or key.wrapped is None:
        raise NotFound(f"no analysable recording {recording_id!r}")
    wanted = {p.notice_script_id for p in call.parties if p.notice_script_id} | {
        _played_script(session, call)
    }
    prompts: dict[str, Prompt] = {}
    for row in scripts.for_scripts(session, {s for s in wanted if s}):
        prompts.setdefault(row.script_id, prepare_prompt(scripts.load(vault, row), row.script_id))
    spool_dir.mkdir(parents=True, exist_ok=True)
    suffix = f".{recording.format}"
    with tempfile.NamedTemporaryFile(dir=spool_dir, prefix=".analysis-", suffix=suffix) as plain:
        for piece in stream(vault, recording, key.wrapped, None):
            plain.write(piece)
        plain.flush()
        result = analyse_recording(Path(plain.name), prompts)
    drafts = findings(result, ledger_facts(session, recording, call, prompts))
    stray = next((d for d in drafts if d.kind == "dtmf_in_recording"), None)
    if not redact_stray or stray is None:
        return AudioCheckResult(drafts, result.duration_s)
    redacted = redaction.redact(vault, recording, key.wrapped, stray.detail["spans"], spool_dir)
    note = {**stray.detail, "redacted": True}
    marked = [
        replace(d, detail=note, summary=d.summary + "; redacted automatically") if d is stray else d
        for d in drafts
    ]
    return AudioCheckResult(marked, result.duration_s, redacted)


def keep(
    session: Session,
    vault: Vault,
    principal: Principal,
    recording: Recording,
    checked: AudioCheckResult,
) -> list[Finding]:
    """Keep this run's findings, supersede the audio check's earlier open ones, and audit it.

    Findings someone has worked (acknowledged, resolved, accepted) stay as they are; a finding
    another check opened because evidence was missing is cleared when the audio shows it.
    """
    earlier = list(
        session.execute(
            select(Finding).where(Finding.recording_id == recording.id).with_for_update()
        ).scalars()
    )
    now = clock.now()
    superseded = lifecycle.supersede(
        principal.actor,
        [f for f in earlier if f.check_name == "audio" and f.status == "open"],
        f"replaced by the audio check run at {now.isoformat()}",
    )
    _clear_missing_notice(session, principal, earlier, checked.drafts)
    rows = [
        Finding(
            recording_id=recording.id,
            check_name="audio",
            kind=d.kind,
            severity=d.severity,
            status="open",
            channel=d.channel,
            start_s=d.start_s,
            end_s=d.end_s,
            summary=d.summary[:500],
            detail=d.detail,
            created_at=now,
        )
        for d in checked.drafts
    ]
    session.add_all(rows)
    if checked.redacted is not None:
        redaction.apply(session, vault, principal, recording, checked.redacted)
    recording.analysed_at = now
    recording.analysis_error = None
    counts: dict[str, int] = {}
    for draft in checked.drafts:
        counts[draft.kind] = counts.get(draft.kind, 0) + 1
    audit.record(
        session,
        actor=principal.actor,
        action="recording.analysed",
        target=f"recording:{recording.id}",
        data={
            "findings": counts,
            "duration_s": round(checked.duration_s, 3),
            "superseded": superseded,
        },
    )
    session.flush()
    return rows


def _clear_missing_notice(
    session: Session, principal: Principal, earlier: list[Finding], drafts: list[FindingDraft]
) -> None:
    """Resolve admission's "no notice in the ledger" once the audio shows every such notice."""
    heard = {d.detail.get("party"): d for d in drafts if d.kind == "notice_verified"}
    for row in earlier:
        if row.kind != "notice_not_in_ledger" or row.status not in {"open", "acknowledged"}:
            continue
        parties = [str(p) for p in row.detail.get("parties", [])]
        if parties and all(p in heard for p in parties):
            proof = "; ".join(heard[p].summary for p in parties)
            lifecycle.clear(session, principal.actor, row, f"the audio check heard it: {proof}")


def analyse(
    session: Session, vault: Vault, principal: Principal, recording_id: str, spool_dir: Path
) -> list[Finding]:
    """Examine one recording and keep its findings, in the caller's transaction."""
    checked = examine(session, vault, recording_id, spool_dir)
    recording = session.get(Recording, recording_id)
    assert recording is not None
    return keep(session, vault, principal, recording, checked)


def list_findings(session: Session, recording_id: str) -> list[Finding]:
    """The recording's findings, without those a later run of their check replaced."""
    query = (
        select(Finding)
        .where(Finding.recording_id == recording_id, Finding.status != "superseded")
        .order_by(Finding.id)
    )
    return list(session.execute(query).scalars())
