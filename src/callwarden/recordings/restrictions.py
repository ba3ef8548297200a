"""A recording's restrictions: placed by an open private-call case, lifted when it ends.

The restriction is the recording's rule (who may play it), so it is kept and judged here, with
the recording's other access rules: `restriction_on` gives `access.may_play` and `may_download`
the open cases and the people they let listen, `repository.sampleable` leaves a restricted
recording out of QA sampling, and `protections` says in words which cases protect a recording,
for its API view and its console page. Placing and lifting are audited in the caller's
transaction (`recording.restricted`, `recording.restriction_lifted`). Services never commit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput
from callwarden.kit.ids import new_id
from callwarden.models import Case, Recording, RecordingRestriction, case_label
from callwarden.recordings import repository
from callwarden.recordings.access import Restriction

MAX_REASON = 2000


def restriction_on(session: Session, recording: Recording) -> Restriction | None:
    """The open cases restricting this recording and who they let listen; None: unrestricted."""
    found = repository.active_restrictions(session, recording.id)
    if not found:
        return None
    allowed = {recording.agent_user_id} if recording.agent_user_id else set()
    for _restriction, case in found:
        allowed.update(
            user_id for user_id in (case.handler_user_id, case.first_handler_user_id) if user_id
        )
    numbers = tuple(sorted({case.number for _restriction, case in found}))
    return Restriction(numbers, frozenset(allowed))


def restrict(session: Session, actor: str, case: Case) -> RecordingRestriction:
    """Restrict the case's recording to its agent and the case's handlers, audited.

    A case that already restricts it (asked twice) gets its existing restriction back."""
    if case.recording_id is None:
        raise InvalidInput(f"{case_label(case.number)} names no recording to restrict")
    for restriction, holder in repository.active_restrictions(session, case.recording_id):
        if holder.id == case.id:
            return restriction
    row = RecordingRestriction(
        id=new_id("rrs"),
        recording_id=case.recording_id,
        case_id=case.id,
        placed_at=clock.now(),
        lifted_at=None,
        lifted_reason=None,
    )
    repository.add_restriction(session, row)
    audit.record(
        session,
        actor=actor,
        action="recording.restricted",
        target=f"recording:{case.recording_id}",
        data={"case": case.id, "case_number": case.number, "restriction": row.id},
    )
    return row


def lift(session: Session, actor: str, case: Case, reason: str) -> list[RecordingRestriction]:
    """Lift the restrictions this case placed, with why (audited); the rows stay as history."""
    if case.recording_id is None:
        return []
    why = (reason or "").strip()
    if not why:
        raise InvalidInput("say why the restriction is lifted")
    lifted: list[RecordingRestriction] = []
    now = clock.now()
    for restriction, holder in repository.active_restrictions(session, case.recording_id):
        if holder.id != case.id:
            continue
        restriction.lifted_at = now
        restriction.lifted_reason = why[:MAX_REASON]
        lifted.append(restriction)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="recording.restriction_lifted",
            target=f"recording:{case.recording_id}",
            reason=why[:500],
            data={"case": case.id, "case_number": case.number, "restriction": restriction.id},
        )
    return lifted


def protections(session: Session, recording_id: str) -> list[str]:
    """What open cases do to this recording, in plain words ("restricted by case CASE-0003",
    "held by case CASE-0004"), naming the case and nothing of what it says."""
    restricted = sorted(
        {case.number for _r, case in repository.active_restrictions(session, recording_id)}
    )
    held = repository.holding_cases(session, recording_id)
    return [f"restricted by case {case_label(number)}" for number in restricted] + [
        f"held by case {case_label(number)}" for number in held
    ]
