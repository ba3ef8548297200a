"""What filing a case does at once to the recording it is about, and what closing undoes.

A private call is restricted, in the filing's transaction, to its agent and the case's
handlers (`recordings.restrictions`: the recording's own access rule, which also keeps it out of
QA sampling). A recording dispute places a legal hold scoped to exactly that recording through
`retention.holds.create`, the one way holds are made (so it is audited, listed and judged like
any other, and disposal and erasure respect it); its matter names the case, never its text. At
closing both are undone, except a hold legal chose to keep (`case.keep_hold`). Other kinds of
case protect nothing. Services take a Session and never commit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit.errors import InvalidInput
from callwarden.models import Case, case_label
from callwarden.recordings import restrictions
from callwarden.retention import holds

# Who places and releases a case's hold when the person filing or closing may not manage holds
# (an employee disputing a recording): the cases process itself, under legal's authority.
CASES = Principal(actor="system:cases", role=Role.LEGAL)
KIND_WORDS = {
    "private_call": "private call",
    "recording_dispute": "recording dispute",
    "evaluation_dispute": "evaluation dispute",
    "concern": "concern",
}


def _holder(principal: Principal) -> Principal:
    return principal if may(principal, "holds.manage") else CASES


def protect(session: Session, principal: Principal, case: Case) -> None:
    """Protect the case's recording right after filing, in the same transaction."""
    if case.kind == "private_call":
        _needs_recording(case)
        restrictions.restrict(session, principal.actor, case)
    elif case.kind == "recording_dispute":
        _needs_recording(case)
        if case.hold_id is not None:
            return  # already held by this case
        label = case_label(case.number)
        hold = holds.create(
            session,
            _holder(principal),
            matter=f"{label}: recording dispute",
            reason=f"{KIND_WORDS[case.kind]}: kept while {label} runs",
            data={"recording_ids": [case.recording_id]},
        )
        case.hold_id = hold.id
        session.flush()


def _needs_recording(case: Case) -> None:
    if case.recording_id is None:
        raise InvalidInput(f"a {KIND_WORDS.get(case.kind, case.kind)} names its recording")


def release(session: Session, principal: Principal, case: Case, reason: str) -> None:
    """At closing: lift the case's restriction and release its hold (unless legal keeps it).

    An upheld private call keeps its restriction: the recording is gone, or a hold or a
    regulatory minimum keeps it, and then only its agent and the handlers may still play it."""
    why = (reason or "").strip() or f"{case_label(case.number)} closed"
    if not (case.kind == "private_call" and case.outcome == "upheld"):
        restrictions.lift(session, principal.actor, case, why)
    if case.hold_id is None or case.keep_hold:
        return
    holder = _holder(principal)
    if holds.get(session, holder, case.hold_id).released_at is not None:
        return
    if len(why) < holds.MIN_REASON:
        why = f"{case_label(case.number)} closed: {why}"
    holds.release(session, holder, case.hold_id, why[: holds.MAX_REASON])
