"""Cases: filing, assignment, replies and notes, review, decision, appeal and closing.

Every change writes a `case.*` audit event in the caller's transaction (ids, kinds and
outcomes only, never the text, and never anything of an anonymous reporter: there is nothing
to write). Nothing commits here. A case the caller may not read answers NotFound, like one
that does not exist; one they may read but not act on answers Forbidden with the reason.
Reading (`show`, `list_cases`, `readable`) is `reading.py`'s, named here too so every caller
finds the cases' operations in one module; who a case is about and the automatic choice of its
handler are `assigning.py`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.cases import assigning, codes, filing, handlers, protection, reading, repository
from callwarden.cases import outcomes as acting
from callwarden.cases.filing import ANONYMOUS, Filing
from callwarden.cases.reading import list_cases as list_cases
from callwarden.cases.reading import readable as readable
from callwarden.cases.reading import show as show
from callwarden.cases.views import Reader
from callwarden.cases.workflow import (
    OUTCOME_WORDS,
    Action,
    Kind,
    Outcome,
    State,
    check_appeal,
    due_at,
    next_state,
)
from callwarden.cases.workflow import appeal_until as appeal_deadline
from callwarden.config import Settings
from callwarden.identity import service as identities
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from callwarden.kit.ids import new_id
from callwarden.models import Case, CaseEntry
from callwarden.policy import service as policies
from callwarden.policy.schema import CasesHandling


class HandlerNotEligible(InvalidInput):
    code, title = "handler_not_eligible", "Handler not eligible"


@dataclass(frozen=True, slots=True)
class Filed:
    case: Case
    code: str | None  # an anonymous concern's follow-up code: shown once, never stored
    joined: bool  # a private-call request joined the case already open for the recording


def handling(session: Session) -> CasesHandling:
    """The policy's `cases:` section, or its defaults when no policy is in force."""
    try:
        return policies.active_compiled(session).document.cases
    except NotFound:
        return CasesHandling()


def _audit(session: Session, actor: str, action: str, case: Case, **data: Any) -> None:
    audit.record(session, actor=actor, action=action, target=f"case:{case.id}", data=data)


def _entry(
    session: Session, case: Case, kind: str, visibility: str, author: str | None, body: str
) -> CaseEntry:
    row = CaseEntry(
        id=new_id("cen"),
        case_id=case.id,
        kind=kind,
        visibility=visibility,
        author_user_id=author,
        body=body,
        at=clock.now(),
    )
    repository.add(session, row)
    return row


# --- filing --------------------------------------------------------------------------------


def file_case(session: Session, principal: Principal, given: Filing) -> Filed:
    """File a case (or join the private-call request already open for the recording)."""
    require(principal, "cases.file")
    kind = filing.parse_kind(given.kind)
    summary = filing.text(given.summary, "summary")
    details = filing.text(given.details, "details")
    found = filing.about(session, principal, given, kind)
    if kind in (Kind.PRIVATE_CALL, Kind.EVALUATION_DISPUTE):
        open_one = repository.open_case_about(
            session,
            kind.value,
            recording_id=found.recording_id if kind is Kind.PRIVATE_CALL else None,
            evaluation_id=found.evaluation_id,
        )
        if open_one is not None and kind is Kind.PRIVATE_CALL:
            _message(session, open_one, principal.actor, principal.user_id, details, joined=True)
            return Filed(open_one, None, joined=True)
        if open_one is not None:
            raise InvalidInput(
                f"this evaluation is already disputed in CASE-{open_one.number:04d}; "
                "write to that case instead"
            )
    now = clock.now()
    case = Case(
        id=new_id("case"),
        kind=kind.value,
        state=State.OPEN.value,
        summary=summary,
        details=details,
        anonymous=given.anonymous,
        reporter_user_id=found.reporter_user_id,
        on_behalf_of=found.on_behalf_of,
        subject_user_id=found.subject_user_id,
        recording_id=found.recording_id,
        evaluation_id=found.evaluation_id,
        filed_by=ANONYMOUS if given.anonymous else principal.actor,
        filed_at=now,
        due_at=due_at(now, handling(session).answer_within_working_days),
        keep_hold=False,
    )
    code = filing.new_code_for(case) if given.anonymous else None
    filing.insert_numbered(session, case)
    actor = ANONYMOUS if given.anonymous else principal.actor
    _audit(
        session,
        actor,
        "case.filed",
        case,
        kind=case.kind,
        number=case.number,
        anonymous=case.anonymous,
        recording=case.recording_id,
        evaluation=case.evaluation_id,
        for_customer=case.on_behalf_of is not None,
    )
    protection.protect(session, principal, case)
    assigning.auto_assign(session, case)
    return Filed(case, code, joined=False)


# --- the handler's actions -----------------------------------------------------------------


def _handled(session: Session, principal: Principal, ref: str) -> Case:
    """The case, if the principal is its handler now and still eligible to be (re-checked)."""
    require(principal, "cases.handle")
    case, _ = reading.readable(session, principal, ref)
    if case.handler_user_id is None:
        raise Forbidden("this case has no handler yet; assign one first (cases assign)")
    if case.handler_user_id != principal.user_id:
        raise Forbidden("only the case's handler acts on it; ask for it to be reassigned")
    user = identities.find_user_by_id(session, case.handler_user_id)
    why = (
        handlers.refusal(assigning.person(user), assigning.parties(session, case))
        if user
        else "no such user"
    )
    if why is not None:
        raise Forbidden(f"you may no longer handle this case: {why}")
    return case


def assign(session: Session, principal: Principal, ref: str, username: str) -> Case:
    """Give the case to `username`, checked as at filing; by a compliance officer who is not
    one of the people the case is about."""
    require(principal, "cases.handle")
    case, reader = reading.readable(session, principal, ref)
    about = assigning.parties(session, case)
    if reader in (Reader.REPORTER, Reader.NAMED) or principal.user_id in about.employees:
        raise Forbidden("you are one of the people this case is about; another officer assigns it")
    next_state(Action.ASSIGN, case.state)
    user = identities.find_user(session, username)
    if user is None:
        raise HandlerNotEligible(f"no user named {username!r}")
    why = handlers.refusal(assigning.person(user), about)
    if why is not None:
        raise HandlerNotEligible(f"{why}; choose another compliance officer")
    case.handler_user_id = user.id
    _audit(session, principal.actor, "case.assigned", case, handler=user.id, auto=False)
    return case


def reply(session: Session, principal: Principal, ref: str, body: str) -> CaseEntry:
    """A reply to the reporter (they read it, with the code if anonymous)."""
    case = _handled(session, principal, ref)
    next_state(Action.REPLY, case.state)
    row = _entry(session, case, "reply", "reporter", principal.user_id, filing.text(body, "reply"))
    _audit(session, principal.actor, "case.replied", case, entry=row.id, by="handler")
    return row


def note(session: Session, principal: Principal, ref: str, body: str) -> CaseEntry:
    """An internal note: handlers and oversight read it, the reporter never does."""
    case = _handled(session, principal, ref)
    next_state(Action.NOTE, case.state)
    row = _entry(session, case, "note", "internal", principal.user_id, filing.text(body, "note"))
    _audit(session, principal.actor, "case.noted", case, entry=row.id)
    return row


def start_review(session: Session, principal: Principal, ref: str) -> Case:
    case = _handled(session, principal, ref)
    case.state = next_state(Action.REVIEW, case.state).value
    _entry(session, case, "state", "reporter", principal.user_id, "Review started.")
    _audit(session, principal.actor, "case.review_started", case)
    return case


def decide(
    session: Session,
    principal: Principal,
    ref: str,
    outcome: str,
    reasons: str,
    settings: Settings | None = None,
) -> Case:
    """Decide with reasons (shown to the reporter); the outcome then acts (outcomes.py), its
    destruction certificate signed with `settings`' key. After the commit, call
    `remove_destroyed_audio` to delete the object of a recording the decision destroyed."""
    case = _handled(session, principal, ref)
    if outcome not in set(Outcome):
        raise InvalidInput(
            f"unknown outcome {outcome!r}; one of: upheld, partly_upheld, not_upheld"
        )
    said = filing.text(reasons, "reasons")
    case.state = next_state(Action.DECIDE, case.state).value
    now = clock.now()
    case.outcome, case.decision_reasons, case.decided_at = outcome, said, now
    final = case.appealed_at is not None
    case.appeal_until = (
        None if final else appeal_deadline(now, handling(session).appeal_within_days)
    )
    case.outcome_note = acting.act_on_decision(session, principal, case, settings)
    words = OUTCOME_WORDS[Outcome(outcome)]
    body = f"Decision{' on appeal' if final else ''}: {words}.\n\n{said}"
    if case.outcome_note:
        body += f"\n\n{case.outcome_note}"
    _entry(session, case, "decision", "reporter", principal.user_id, body)
    _audit(session, principal.actor, "case.decided", case, outcome=outcome, on_appeal=final)
    return case


def remove_destroyed_audio(session: Session, settings: Settings, case_id: str) -> int:
    """Delete the sealed object of the recording a committed decision destroyed (unreadable
    already: its key is gone); left undone, the next retention sweep deletes it."""
    case = repository.get(session, case_id)
    return acting.delete_disposed_object(session, settings, case) if case is not None else 0


def close(session: Session, principal: Principal, ref: str, reason: str) -> Case:
    """Close a decided case once its reporter can no longer appeal (or has, and it is final);
    what filing protected is released (unless legal keeps the hold)."""
    case = _handled(session, principal, ref)
    next_state(Action.CLOSE, case.state)
    said = filing.text(reason, "reason")
    now = clock.now()
    until = case.appeal_until
    if case.appealed_at is None and until is not None and now <= clock.as_utc(until):
        raise Conflict(
            f"the reporter may appeal until {clock.as_utc(until).isoformat()}; "
            "close the case after that"
        )
    case.state, case.closed_at = State.CLOSED.value, now
    protection.release(session, principal, case, said)
    _entry(session, case, "state", "reporter", principal.user_id, f"Closed. {said}")
    _audit(session, principal.actor, "case.closed", case, outcome=case.outcome)
    return case


# --- the reporter's actions ----------------------------------------------------------------


def _reported(session: Session, principal: Principal, ref: str) -> Case:
    case, reader = reading.readable(session, principal, ref)
    if reader is not Reader.REPORTER:
        raise Forbidden("only the case's reporter writes to it this way")
    return case


def _message(
    session: Session,
    case: Case,
    actor: str,
    author: str | None,
    body: str,
    joined: bool = False,
) -> CaseEntry:
    next_state(Action.MESSAGE, case.state)
    row = _entry(session, case, "message", "reporter", author, filing.text(body, "message"))
    _audit(session, actor, "case.replied", case, entry=row.id, by="reporter", joined=joined)
    return row


def message(session: Session, principal: Principal, ref: str, body: str) -> CaseEntry:
    """The reporter writes to the handler."""
    case = _reported(session, principal, ref)
    return _message(session, case, principal.actor, principal.user_id, body)


def _appeal(session: Session, case: Case, actor: str, author: str | None, reason: str) -> Case:
    said = filing.text(reason, "the reason for the appeal")
    after = next_state(Action.APPEAL, case.state)
    now = clock.now()
    until = clock.as_utc(case.appeal_until) if case.appeal_until is not None else None
    check_appeal(appealed_at=case.appealed_at, until=until, now=now)
    case.state = after.value
    case.first_handler_user_id = case.handler_user_id
    case.appealed_at, case.appeal_until = now, None
    case.outcome = case.decision_reasons = case.outcome_note = None
    case.decided_at = None
    _entry(session, case, "appeal", "reporter", author, said)
    _audit(session, actor, "case.appealed", case, first_handler=case.first_handler_user_id)
    assigning.auto_assign(session, case)
    return case


def appeal(session: Session, principal: Principal, ref: str, reason: str) -> Case:
    """Appeal the decision once, within the policy's window; another handler takes it."""
    case = _reported(session, principal, ref)
    return _appeal(session, case, principal.actor, principal.user_id, reason)


# --- an anonymous reporter, by code --------------------------------------------------------


def by_code(session: Session, code: str) -> Case:
    """The case this follow-up code opens, or NotFound (the route counts it as a wrong code)."""
    found = repository.by_code_hash(session, codes.code_hash(code))
    if found is None:
        raise NotFound("no case has this follow-up code")
    return found


def follow_up(
    session: Session, code: str, *, message: str | None = None, appeal: bool = False
) -> dict[str, Any]:
    """What an anonymous reporter does with the code alone: read, write, or appeal."""
    case = by_code(session, code)
    if appeal:
        _appeal(session, case, ANONYMOUS, None, message or "")
    elif message is not None:
        _message(session, case, ANONYMOUS, None, message)
    return reading.shown(session, case, Reader.REPORTER)


def shown_to_filer(session: Session, filed: Filed) -> dict[str, Any]:
    """The case as its filer sees it right after filing: its reporter (anonymous or not)."""
    return reading.shown(session, filed.case, Reader.REPORTER)
