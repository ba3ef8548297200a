"""Filing a case: what each kind must name, and whose it may be.

A private call or a recording dispute of one's own is about a recording whose agent is the
filer; an evaluation dispute about one of the filer's own submitted evaluations. Anything
else — someone else's recording, one that does not exist — is refused with the same NotFound,
so filing cannot be used to learn whether a recording exists. A recording dispute entered for
a customer (`cases.file_for_customer`) describes the customer in `on_behalf_of` and names the
call's agent as the person it concerns. A concern may be anonymous: then nothing of the filer
is kept, and a follow-up code is returned once instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callwarden.cases import codes, repository
from callwarden.cases.workflow import Kind
from callwarden.identity import service as identities
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit.errors import Conflict, InvalidInput, NotFound
from callwarden.models import Case, QaEvaluation, Recording
from callwarden.qa import service as qa
from callwarden.recordings import service as recordings

ANONYMOUS = "anonymous"  # the actor and filer of an anonymous concern: there is no one else
NUMBER_TRIES = 5


@dataclass(frozen=True, slots=True)
class Filing:
    """What the filer says: the kind, a one-line summary, the account, and what it is about."""

    kind: str
    summary: str
    details: str
    anonymous: bool = False
    recording_id: str | None = None
    evaluation_id: str | None = None
    on_behalf_of: str | None = None
    subject: str | None = None  # a concern's person of concern, by username


@dataclass(frozen=True, slots=True)
class About:
    """What filing found the case to be about."""

    reporter_user_id: str | None
    subject_user_id: str | None = None
    recording_id: str | None = None
    evaluation_id: str | None = None
    on_behalf_of: str | None = None


def parse_kind(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        kinds = ", ".join(kind.value for kind in Kind)
        raise InvalidInput(f"unknown case kind {value!r}; kinds: {kinds}") from None


def text(value: str | None, what: str) -> str:
    """Case text as given (script and all: it is escaped where shown), but not empty."""
    if value is None or not value.strip():
        raise InvalidInput(f"{what} must not be empty")
    return value


def _not_yours(what: str, ref: str) -> NotFound:
    return NotFound(f"no {what} {ref!r} of yours")


def own_recording(session: Session, principal: Principal, recording_id: str) -> Recording:
    """The filer's own recording (they were its agent), or the same NotFound as no recording."""
    found = recordings.find_recording(session, recording_id)
    if found is None or principal.user_id is None or found.agent_user_id != principal.user_id:
        raise _not_yours("recording", recording_id)
    return found


def own_evaluation(session: Session, principal: Principal, evaluation_id: str) -> QaEvaluation:
    """The filer's own submitted evaluation, or the same NotFound as no evaluation."""
    try:
        found = qa.get_evaluation(session, principal, evaluation_id)
    except NotFound:
        raise _not_yours("evaluation", evaluation_id) from None
    if (
        principal.user_id is None
        or found.agent_user_id != principal.user_id
        or found.state not in ("submitted", "acknowledged")
    ):
        raise _not_yours("evaluation", evaluation_id)
    return found


def _refuse_extras(filing: Filing, kind: Kind, *fields: str) -> None:
    for name in fields:
        if getattr(filing, name) is not None:
            raise InvalidInput(f"a {kind.value} case does not take {name}")


def about(session: Session, principal: Principal, filing: Filing, kind: Kind) -> About:
    """What the case is about and who it concerns, checked for this filer."""
    if filing.anonymous and kind is not Kind.CONCERN:
        raise InvalidInput("only a concern may be raised anonymously")
    if not filing.anonymous and principal.user_id is None:
        raise InvalidInput("a case is filed by a person; act as one (the CLI's --as USERNAME)")
    reporter = None if filing.anonymous else principal.user_id
    if kind is Kind.CONCERN:
        _refuse_extras(filing, kind, "recording_id", "evaluation_id", "on_behalf_of")
        subject = None
        if filing.subject is not None:
            named = identities.find_user(session, filing.subject)
            if named is None:
                raise InvalidInput(f"no user named {filing.subject!r}")
            subject = named.id
        return About(reporter, subject_user_id=subject)
    if kind is Kind.EVALUATION_DISPUTE:
        _refuse_extras(filing, kind, "recording_id", "on_behalf_of", "subject")
        if filing.evaluation_id is None:
            raise InvalidInput("an evaluation dispute names the evaluation (evaluation_id)")
        evaluation = own_evaluation(session, principal, filing.evaluation_id)
        return About(
            reporter,
            subject_user_id=evaluation.reviewer_user_id,
            recording_id=evaluation.recording_id,
            evaluation_id=evaluation.id,
        )
    _refuse_extras(filing, kind, "evaluation_id", "subject")
    if filing.recording_id is None:
        raise InvalidInput(f"a {kind.value} case names the recording (recording_id)")
    if kind is Kind.RECORDING_DISPUTE and filing.on_behalf_of is not None:
        require(principal, "cases.file_for_customer")
        customer = text(filing.on_behalf_of, "on_behalf_of (the customer, described)")
        found = recordings.find_recording(session, filing.recording_id)
        if found is None:
            raise NotFound(f"no recording {filing.recording_id!r}")
        return About(
            reporter,
            subject_user_id=found.agent_user_id,
            recording_id=found.id,
            on_behalf_of=customer,
        )
    _refuse_extras(filing, kind, "on_behalf_of")
    own = own_recording(session, principal, filing.recording_id)
    return About(reporter, recording_id=own.id)


def new_code_for(case: Case) -> str:
    """A follow-up code for an anonymous case; only its hash is kept on the row."""
    code = codes.new_code()
    case.code_hash = codes.code_hash(code)
    return code


def insert_numbered(session: Session, case: Case) -> None:
    """Insert the case with the next number; a number taken at the same moment is retried."""
    for _ in range(NUMBER_TRIES):
        case.number = repository.next_number(session)
        try:
            with session.begin_nested():
                repository.add(session, case)
            return
        except IntegrityError:
            continue
    raise Conflict("cases were being filed too quickly to number this one; try again")
