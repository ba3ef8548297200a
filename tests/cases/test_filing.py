"""Filing each kind of case, and what is refused, on both databases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from callwarden.cases import service
from callwarden.cases.codes import code_hash
from callwarden.kit import clock
from callwarden.kit.errors import Forbidden, InvalidInput, NotFound
from callwarden.models import AuditEvent, Case, CaseEntry
from tests.cases.conftest import ADAS_CALL, BENS_CALL, START, Org, file

CASE_ACTIONS = ("case.filed", "case.assigned", "case.replied", "case.noted")


@dataclass(frozen=True)
class Event:
    action: str
    actor: str
    data: dict[str, Any]


def events(org: Org, case_id: str) -> list[Event]:
    """The audit events about one case, in order."""
    with org.db.reading() as session:
        query = select(AuditEvent).where(AuditEvent.target == f"case:{case_id}")
        rows = session.execute(query.order_by(AuditEvent.seq)).scalars()
        return [Event(row.action, row.actor, dict(row.data)) for row in rows]


def test_a_concern_is_filed_numbered_due_in_ten_working_days_and_assigned(
    db: object, org: Org
) -> None:
    with clock.frozen_at(START):
        first = file(org, "ada", summary="Why is every call recorded?")
        second = file(org, "ben")
    case = first.case
    assert case.number == 1 and second.case.number == 2
    assert case.state == "open" and case.reporter_user_id == org.id("ada")
    assert clock.as_utc(case.due_at) == datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    assert first.code is None and first.joined is False
    # the eligible officer with the fewest open cases: olga first, then oscar (otto is on
    # ada's team, so not eligible for her; ben's case goes to the least loaded)
    assert case.handler_user_id == org.id("olga")
    assert second.case.handler_user_id in (org.id("oscar"), org.id("otto"))
    actions = [event.action for event in events(org, case.id)]
    assert actions == ["case.filed", "case.assigned"]
    filed = events(org, case.id)[0]
    assert filed.actor == "user:ada" and filed.data["kind"] == "concern"
    assert "Why is every call" not in str(filed.data)


def test_an_anonymous_concern_keeps_nothing_of_its_filer(db: object, org: Org) -> None:
    with clock.frozen_at(START):
        filed = file(org, "ada", anonymous=True, details="my supervisor listens for fun")
    case = filed.case
    assert filed.code is not None and len(filed.code) == 34
    assert case.reporter_user_id is None and case.anonymous is True
    assert case.filed_by == "anonymous" and case.code_hash == code_hash(filed.code)
    with db.reading() as session:  # type: ignore[attr-defined]
        row = session.get(Case, case.id)
        assert row is not None and filed.code not in repr(vars(row))
    for event in events(org, case.id):
        assert "ada" not in event.actor and org.id("ada") not in str(event.data)
        assert "supervisor listens" not in str(event.data)
    assert events(org, case.id)[0].actor == "anonymous"


def test_only_a_concern_may_be_anonymous(db: object, org: Org) -> None:
    with pytest.raises(InvalidInput, match="only a concern"):
        file(org, "ada", kind="private_call", recording_id=ADAS_CALL, anonymous=True)


def test_a_private_call_must_be_the_filers_own_recording(db: object, org: Org) -> None:
    with pytest.raises(NotFound) as someone_elses:
        file(org, "ada", kind="private_call", recording_id=BENS_CALL)
    with pytest.raises(NotFound) as none_at_all:
        file(org, "ada", kind="private_call", recording_id="rec_nothing_here")
    # the same answer whether the recording exists or not
    assert str(someone_elses.value).replace(BENS_CALL, "X") == str(none_at_all.value).replace(
        "rec_nothing_here", "X"
    )
    with pytest.raises(NotFound):  # a supervisor of the team is not the call's agent either
        file(org, "sue", kind="private_call", recording_id=ADAS_CALL)
    filed = file(org, "ada", kind="private_call", recording_id=ADAS_CALL)
    assert filed.case.recording_id == ADAS_CALL and filed.case.subject_user_id is None


def test_a_second_private_call_request_joins_the_open_case(db: object, org: Org) -> None:
    first = file(org, "ada", kind="private_call", recording_id=ADAS_CALL, details="personal")
    again = file(org, "ada", kind="private_call", recording_id=ADAS_CALL, details="please")
    assert again.joined is True and again.case.id == first.case.id
    with db.reading() as session:  # type: ignore[attr-defined]
        cases = session.execute(select(Case.id)).scalars().all()
        entries = session.execute(select(CaseEntry.kind, CaseEntry.body)).all()
    assert len(cases) == 1
    assert [tuple(e) for e in entries] == [("message", "please")]
    assert [e.action for e in events(org, first.case.id)][-1] == "case.replied"


def test_an_evaluation_dispute_is_the_agents_own_and_concerns_its_reviewer(
    db: object, org: Org
) -> None:
    with pytest.raises(NotFound):
        file(org, "ben", kind="evaluation_dispute", evaluation_id=org.evaluation_id)
    with pytest.raises(NotFound):
        file(org, "ada", kind="evaluation_dispute", evaluation_id="qev_nothing")
    with pytest.raises(InvalidInput, match="names the evaluation"):
        file(org, "ada", kind="evaluation_dispute")
    filed = file(org, "ada", kind="evaluation_dispute", evaluation_id=org.evaluation_id)
    assert filed.case.subject_user_id == org.id("rae")
    assert filed.case.recording_id == ADAS_CALL
    with pytest.raises(InvalidInput, match="already disputed in CASE-0001"):
        file(org, "ada", kind="evaluation_dispute", evaluation_id=org.evaluation_id)


def test_a_recording_dispute_for_a_customer_is_entered_by_compliance_or_legal(
    db: object, org: Org
) -> None:
    for_customer = {"kind": "recording_dispute", "recording_id": ADAS_CALL}
    with pytest.raises(Forbidden, match=r"cases\.file_for_customer"):
        file(org, "sue", on_behalf_of="Mrs Jones, account 42", **for_customer)
    with pytest.raises(NotFound):
        file(org, "lee", on_behalf_of="Mrs Jones", kind="recording_dispute", recording_id="x")
    filed = file(org, "lee", on_behalf_of="Mrs Jones, account 42", **for_customer)
    case = filed.case
    assert case.on_behalf_of == "Mrs Jones, account 42"
    assert case.subject_user_id == org.id("ada") and case.reporter_user_id == org.id("lee")
    # otto sits on ada's team: never the handler of a dispute about her call
    assert case.handler_user_id in (org.id("olga"), org.id("oscar"))
    own = file(org, "ben", kind="recording_dispute", recording_id=BENS_CALL)
    assert own.case.subject_user_id is None
    with pytest.raises(NotFound):
        file(org, "ben", kind="recording_dispute", recording_id=ADAS_CALL)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"kind": "complaint"}, "unknown case kind"),
        ({"summary": "   "}, "summary must not be empty"),
        ({"details": ""}, "details must not be empty"),
        ({"recording_id": ADAS_CALL}, "does not take recording_id"),
        ({"subject": "nobody"}, "no user named"),
        ({"kind": "private_call"}, "names the recording"),
        ({"kind": "private_call", "recording_id": ADAS_CALL, "subject": "sue"}, "subject"),
    ],
)
def test_bad_filings_are_refused_and_leave_nothing(
    db: object, org: Org, given: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        file(org, "ada", **given)
    with db.reading() as session:  # type: ignore[attr-defined]
        assert session.execute(select(Case)).first() is None


def test_an_integration_may_not_file(db: object, org: Org) -> None:
    from callwarden.cases.filing import Filing
    from callwarden.identity.principal import Principal
    from callwarden.identity.roles import Role

    pbx = Principal(actor="user:pbx", role=Role.INTEGRATION, user_id="usr_pbx")
    with org.db.unit_of_work() as session, pytest.raises(Forbidden):
        service.file_case(session, pbx, Filing("concern", "s", "d"))


def test_script_in_case_text_is_stored_as_given(db: object, org: Org) -> None:
    script = "<script>alert('x')</script> & <b>bold</b>"
    filed = file(org, "ada", summary=script, details=script)
    with db.reading() as session:  # type: ignore[attr-defined]
        row = session.get(Case, filed.case.id)
        assert row is not None and row.summary == script and row.details == script
