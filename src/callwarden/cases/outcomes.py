"""What a decided case does, and a note in plain words of what it did and why.

- A private call upheld: the recording is destroyed by crypto-shredding through the retention
  disposal path (`retention.disposal`: the key destroyed, the tombstone, `recording.disposed`,
  a sweep of kind "case" referencing the case, and its signed destruction certificate), unless
  an exception keeps it: an active legal hold (`retention.holds.holds_covering`), or a sector
  rule's minimum retention for its purposes (`retention.schedule.rules_for`) not yet run out.
  Then it stays, still restricted, and the note names the exception and its citation. The
  organisation's own purposes' minima are its choice, not a duty, so they do not stand against
  an upheld request. Partly upheld: nothing is destroyed; the restriction stays until closing.
- A private call not upheld: the restriction lifts, with the decision's reasons.
- An evaluation dispute upheld or partly upheld: the evaluation is re-done by another reviewer
  (`qa.service.redo_evaluation`), the first kept for the score history.
- A recording dispute: its hold stays until the case closes (`protection.release`).

The note is stored on the case (`outcome_note`) and returned. Services never commit; the
sealed object of a destroyed recording is deleted after the commit (`delete_disposed_object`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from callwarden.config import Settings, load_settings
from callwarden.decisions.compiled import CompiledPolicy
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import NotFound
from callwarden.models import Case, Recording, case_label
from callwarden.policy import service as policies
from callwarden.qa import service as qa
from callwarden.recordings import restrictions
from callwarden.recordings import service as recordings
from callwarden.retention import certificate, disposal, holds, schedule
from callwarden.vault.runtime import vault_for

NOT_ADVICE = "This is not legal advice: confirm the exception with counsel."
UPHELD = ("upheld", "partly_upheld")


@dataclass(frozen=True)
class Kept:
    """One reason an upheld private call's recording is kept, with its citation."""

    text: str
    citation: str


def act_on_decision(
    session: Session, principal: Principal, case: Case, settings: Settings | None = None
) -> str:
    """Carry out the decided case's outcome; the note of what was done, also on the case.

    `settings` signs a destruction certificate; without them the process's own are read."""
    label = case_label(case.number)
    if case.kind == "private_call":
        note = _private_call(session, principal, case, label, settings)
    elif case.kind == "evaluation_dispute":
        note = _evaluation_dispute(session, principal, case, label)
    elif case.kind == "recording_dispute":
        note = (
            f"{label}: the legal hold on the recording stays until the case closes; "
            "it is released then unless legal keeps it."
        )
    else:
        note = f"{label}: the decision changes no recording or evaluation."
    case.outcome_note = note
    session.flush()
    return note


def _private_call(
    session: Session,
    principal: Principal,
    case: Case,
    label: str,
    settings: Settings | None,
) -> str:
    recording = recordings.find_recording(session, case.recording_id or "")
    if recording is None:
        return f"{label}: the case names no recording; nothing was done."
    if case.outcome == "not_upheld":
        reasons = (case.decision_reasons or "").strip() or "no reasons given"
        restrictions.lift(session, principal.actor, case, f"{label} not upheld: {reasons}")
        return (
            f"{label} not upheld: the restriction on recording {recording.id} is lifted "
            f"({reasons})."
        )
    if case.outcome != "upheld":
        return (
            f"{label} partly upheld: recording {recording.id} is not destroyed; it stays "
            "restricted to its agent and the case's handlers until the case closes."
        )
    if recording.state != "stored":
        return f"{label} upheld: recording {recording.id} was already disposed of."
    kept = exceptions(session, recording)
    if not kept:
        sweep_id = _shred(session, principal, case, recording, label, settings)
        if sweep_id is not None:
            case.disposal_id = sweep_id
            return (
                f"{label} upheld: recording {recording.id} was destroyed (its key shredded); "
                f"destruction certificate of disposal {sweep_id}."
            )
        made_since = "a legal hold made while the decision was carried out keeps it"
        kept = [Kept(made_since, "see the recording's legal holds")]
    said = "; ".join(f"{keep.text} ({keep.citation})" for keep in kept)
    return (
        f"{label} upheld, but recording {recording.id} is kept: {said}. It stays restricted "
        f"to its agent and the case's handlers. {NOT_ADVICE}"
    )


def exceptions(session: Session, recording: Recording) -> list[Kept]:
    """What keeps this recording from destruction now: active holds, then sector minima."""
    found = [
        Kept(f"legal hold {hold.id} (matter: {hold.matter}) keeps it", f"the hold: {hold.reason}")
        for hold in holds.holds_covering(session, recording.id)
    ]
    for rule, until in _minima_running(session, recording):
        found.append(
            Kept(
                f"{rule.name} requires it be kept until {until.date().isoformat()}",
                rule.citation,
            )
        )
    return found


def _policy(session: Session, recording: Recording) -> CompiledPolicy | None:
    """The policy version that scheduled the recording, else the one in force."""
    try:
        if recording.retention_policy_version is not None:
            return policies.compiled_version(session, recording.retention_policy_version)
        return policies.active_compiled(session)
    except NotFound:
        return None


def _minima_running(session: Session, recording: Recording) -> list[tuple[schedule.Rule, datetime]]:
    """The sector rules' minima for the recording's purposes that have not yet run out."""
    policy = _policy(session, recording)
    if policy is None:
        return []
    started = clock.as_utc(recording.started_at)
    now = clock.now()
    running = []
    for rule in schedule.rules_for(policy, recording.purposes or []).minima:
        if rule.id.startswith("purpose:"):
            continue  # the organisation's own minimum: a choice, not a duty
        until = rule.period.add_to(started)
        if until > now:
            running.append((rule, until))
    return running


def _shred(
    session: Session,
    principal: Principal,
    case: Case,
    recording: Recording,
    label: str,
    settings: Settings | None,
) -> str | None:
    """Destroy the recording in a sweep of kind "case" and certify it; the sweep's id, or
    None when the disposal's own re-check found a hold (the sweep is then closed empty)."""
    sweep = disposal.open_sweep(session, "case", principal.actor, clock.now(), reference=case.id)
    rule = f"case: {label} upheld (private call)"
    done = disposal.dispose(session, [recording.id], sweep, rule_for=lambda _row: rule)
    if not done:
        disposal.close_empty(session, sweep)
        return None
    certificate.issue(session, sweep, settings or load_settings())
    return sweep.id


def delete_disposed_object(session: Session, settings: Settings, case: Case) -> int:
    """After the decision's commit: delete the destroyed recording's sealed object (already
    unreadable, its key gone). Left undone, the next retention sweep deletes it."""
    if case.disposal_id is None or case.recording_id is None:
        return 0
    return disposal.delete_objects(session, vault_for(settings).store, [case.recording_id])


def _evaluation_dispute(session: Session, principal: Principal, case: Case, label: str) -> str:
    if case.outcome not in UPHELD:
        return f"{label} not upheld: evaluation {case.evaluation_id} stands."
    if case.evaluation_id is None:
        return f"{label}: the case names no evaluation; nothing was re-done."
    decided = f"{label} {(case.outcome or '').replace('_', ' ')}"
    redone = qa.redo_evaluation(session, principal, case.evaluation_id, decided)
    if redone.redo is None:
        return (
            f"{decided}: evaluation {case.evaluation_id} no "
            "longer counts, but no other QA reviewer may re-do it (none who is not its first "
            "reviewer, the agent or on the agent's team); it waits for a reviewer to be assigned."
        )
    case.redo_evaluation_id = redone.redo.id
    return (
        f"{decided}: evaluation {case.evaluation_id} is re-done "
        f"as {redone.redo.id} by another reviewer; the first is kept in the score history and "
        "no longer counts in the QA rates."
    )
