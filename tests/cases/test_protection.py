"""What filing a case does at once, on SQLite and PostgreSQL, through the real API and intake:
a private call restricts its recording to its agent and the case's handlers (everyone else,
a compliance officer not handling it included, is refused with the case's number and nothing
of its content, and the refusal is audited); a recording dispute places a legal hold on exactly
that recording; both are shown on the recording and audited, and closing undoes them unless
legal keeps the hold."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.cases import protection
from callwarden.db import Database
from callwarden.models import AuditEvent, Case, LegalHold, RecordingRestriction
from callwarden.retention import holds
from tests.retention import conftest as retention
from tests.support.case_rows import filed_case, principal_of, user_named
from tests.support.factories import bearer, make_token

api = retention.api
people = retention.people
People = dict[str, dict[str, str]]


def play(client: TestClient, who: dict[str, str], recording_id: str) -> Any:
    return client.get(
        f"/v1/recordings/{recording_id}/audio", params={"reason": "case review"}, headers=who
    )


def filed(db: Database, kind: str, recording_id: str, handler: str = "hana") -> str:
    """A case about the recording, handled by `handler`, protected as filing protects it."""
    case_id = filed_case(
        db,
        kind,
        recording_id=recording_id,
        reporter_user_id=user_named(db, "alice").id,
        handler_user_id=user_named(db, handler).id,
        first_handler_user_id=user_named(db, handler).id,
    )
    with db.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        protection.protect(session, principal_of(db, "alice"), case)
    return case_id


def actions(db: Database, target: str) -> list[str]:
    with db.reading() as session:
        query = select(AuditEvent.action).where(AuditEvent.target == target)
        return list(session.execute(query.order_by(AuditEvent.seq)).scalars())


def test_a_private_call_is_played_only_by_its_agent_and_the_handler_until_closing(
    api: TestClient, people: People, db: Database
) -> None:
    hana = bearer(make_token(db, "compliance_officer", "hana"))
    recording = retention.record(api, people["pbx"])
    assert play(api, people["east-lead"], recording).status_code == 200
    case_id = filed(db, "private_call", recording)
    assert "recording.restricted" in actions(db, f"recording:{recording}")
    assert play(api, people["alice"], recording).status_code == 200
    assert play(api, hana, recording).status_code == 200
    for refused in ("east-lead", "cora", "lee"):
        answer = play(api, people[refused], recording)
        assert answer.status_code == 403, refused
        assert "CASE-0001" in answer.text and "restricted" in answer.text
        assert "doctor" not in answer.text and "personal call" not in answer.text
    with db.reading() as session:
        denied = session.execute(
            select(AuditEvent).where(
                AuditEvent.action == "access.denied",
                AuditEvent.target == f"recording:{recording}",
                AuditEvent.actor == "user:east-lead",
            )
        ).scalar_one()
        assert denied.reason is not None and "CASE-0001" in denied.reason
    export = api.get(
        f"/v1/recordings/{recording}/download",
        params={"reason": "for court"},
        headers=people["lee"],
    )
    assert export.status_code == 403 and "CASE-0001" in export.text
    shown = api.get(f"/v1/recordings/{recording}", headers=people["cora"]).json()
    assert shown["protections"] == ["restricted by case CASE-0001"]

    with db.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        protection.release(session, principal_of(db, "hana"), case, "the case is closed")
    with db.reading() as session:
        restriction = session.execute(select(RecordingRestriction)).scalar_one()
        assert restriction.lifted_at is not None
        assert restriction.lifted_reason == "the case is closed"
    assert "recording.restriction_lifted" in actions(db, f"recording:{recording}")
    assert play(api, people["east-lead"], recording).status_code == 200
    shown = api.get(f"/v1/recordings/{recording}", headers=people["cora"]).json()
    assert shown["protections"] == []


def test_a_recording_dispute_holds_exactly_that_recording_until_closing(
    api: TestClient, people: People, db: Database
) -> None:
    make_token(db, "compliance_officer", "hana")
    disputed = retention.record(api, people["pbx"])
    other = retention.record(api, people["pbx"])  # the same number and agent: not held
    case_id = filed(db, "recording_dispute", disputed)
    with db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.hold_id is not None
        hold = session.get(LegalHold, case.hold_id)
        assert hold is not None and hold.scope["recording_ids"] == [disputed]
        assert "CASE-0001" in hold.matter and "recording dispute" in hold.reason
        assert [h.id for h in holds.holds_covering(session, disputed)] == [hold.id]
        assert holds.holds_covering(session, other) == []
        hold_id = hold.id
    assert actions(db, f"hold:{hold_id}") == ["hold.created"]
    shown = api.get(f"/v1/recordings/{disputed}", headers=people["cora"]).json()
    assert shown["protections"] == ["held by case CASE-0001"] and shown["legal_hold"] is True
    assert play(api, people["east-lead"], disputed).status_code == 200  # held, not restricted

    with db.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        protection.release(session, principal_of(db, "hana"), case, "the case is closed")
    with db.reading() as session:
        assert holds.holds_covering(session, disputed) == []
    assert actions(db, f"hold:{hold_id}") == ["hold.created", "hold.released"]
    shown = api.get(f"/v1/recordings/{disputed}", headers=people["cora"]).json()
    assert shown["protections"] == []


def test_legal_may_keep_a_disputes_hold_beyond_closing(
    api: TestClient, people: People, db: Database
) -> None:
    make_token(db, "compliance_officer", "hana")
    disputed = retention.record(api, people["pbx"])
    case_id = filed(db, "recording_dispute", disputed)
    with db.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.keep_hold = True
        protection.release(session, principal_of(db, "hana"), case, "the case is closed")
    with db.reading() as session:
        assert len(holds.holds_covering(session, disputed)) == 1


def test_a_concern_protects_nothing(api: TestClient, people: People, db: Database) -> None:
    make_token(db, "compliance_officer", "hana")
    recording = retention.record(api, people["pbx"])
    filed(db, "concern", recording)
    assert play(api, people["east-lead"], recording).status_code == 200
    with db.reading() as session:
        assert session.execute(select(RecordingRestriction)).first() is None
        assert session.execute(select(LegalHold)).first() is None


def test_an_upheld_private_call_kept_by_an_exception_stays_restricted_after_closing(
    api: TestClient, people: People, db: Database
) -> None:
    make_token(db, "compliance_officer", "hana")  # the handler
    recording = retention.record(api, people["pbx"])
    kept = filed(db, "private_call", recording)
    lifted = filed(db, "private_call", retention.record(api, people["pbx"]))
    for case_id, outcome in ((kept, "upheld"), (lifted, "partly_upheld")):
        with db.unit_of_work() as session:
            case = session.get(Case, case_id)
            assert case is not None
            case.state, case.outcome = "closed", outcome
            protection.release(session, principal_of(db, "hana"), case, "closed after the window")
    with db.reading() as session:
        active = {
            row.case_id
            for row in session.scalars(
                select(RecordingRestriction).where(RecordingRestriction.lifted_at.is_(None))
            )
        }
    assert active == {kept}  # the upheld request keeps its protection; the partly upheld not
    assert play(api, people["east-lead"], recording).status_code == 403
