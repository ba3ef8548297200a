"""What a decision does, on SQLite and PostgreSQL: an upheld private call destroys its recording
through the retention disposal path (the key destroyed, a certified sweep of kind "case"),
unless a legal hold or a sector rule's minimum keeps it, which the note names with its citation;
not upheld lifts the restriction with the reasons; an upheld evaluation dispute has the
evaluation re-done by another reviewer, the first kept but no longer counted in the rates."""

from __future__ import annotations

from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.cases import outcomes, protection
from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import accounts
from callwarden.identity.principal import SYSTEM
from callwarden.law.knowledge import load_knowledge_base
from callwarden.models import (
    AuditEvent,
    Case,
    DataKey,
    QaEvaluation,
    Recording,
    RecordingRestriction,
    RetentionSweep,
)
from callwarden.qa import service as qa
from callwarden.qa.schemas import describe_evaluation
from callwarden.reports.qa_figures import gather_qa
from callwarden.retention import certificate
from callwarden.vault.runtime import vault_for
from tests.qa import conftest as qa_org
from tests.qa.test_service import _answers
from tests.retention import conftest as retention
from tests.support.case_rows import filed_case, principal_of, user_named
from tests.support.factories import make_token

api = retention.api
people = retention.people
signing_key = retention.signing_key
public = retention.public
org = qa_org.org
People = dict[str, dict[str, str]]
REASONS = "the call was to the employee's doctor"


def private_call(db: Database, recording_id: str) -> str:
    """A private-call case about the recording, filed (so restricting it) and decided."""
    make_token(db, "compliance_officer", "hana")
    hana = user_named(db, "hana").id
    case_id = filed_case(
        db,
        "private_call",
        recording_id=recording_id,
        reporter_user_id=user_named(db, "alice").id,
        handler_user_id=hana,
        first_handler_user_id=hana,
    )
    with db.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        protection.protect(session, principal_of(db, "alice"), case)
    return case_id


def decide(db: Database, case_id: str, outcome: str, settings: Settings | None = None) -> str:
    with db.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.state, case.outcome, case.decision_reasons = "decided", outcome, REASONS
        return outcomes.act_on_decision(session, principal_of(db, "hana"), case, settings)


def restricted(db: Database, recording_id: str) -> bool:
    with db.reading() as session:
        query = select(RecordingRestriction).where(
            RecordingRestriction.recording_id == recording_id,
            RecordingRestriction.lifted_at.is_(None),
        )
        return session.execute(query).first() is not None


def stored(db: Database, recording_id: str) -> bool:
    with db.reading() as session:
        row, key = session.get(Recording, recording_id), session.get(DataKey, recording_id)
        assert row is not None and key is not None
        return row.state == "stored" and key.wrapped is not None


def test_an_upheld_private_call_is_crypto_shredded_with_a_certificate(
    api: TestClient, people: People, db: Database, settings: Settings, public: Ed25519PublicKey
) -> None:
    recording = retention.record(api, people["pbx"])
    case_id = private_call(db, recording)
    note = decide(db, case_id, "upheld", settings)
    with db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.disposal_id is not None and case.outcome_note == note
        sweep = session.get(RetentionSweep, case.disposal_id)
        assert sweep is not None and (sweep.kind, sweep.reference) == ("case", case_id)
        assert sweep.certificate is not None
        text, sweep_id = sweep.certificate, sweep.id
        key = session.get(DataKey, recording)
        assert key is not None and key.wrapped is None and key.destroyed_at is not None
        object_key = session.get(Recording, recording).object_key  # type: ignore[union-attr]
    verified = certificate.verify(text, public)
    assert [entry["recording_id"] for entry in verified.recordings] == [recording]
    assert "CASE-0001 upheld" in verified.recordings[0]["rule"]
    assert "destroyed" in note and sweep_id in note
    assert api.get(
        f"/v1/recordings/{recording}/audio", params={"reason": "check"}, headers=people["alice"]
    ).status_code in (409, 410)
    with db.unit_of_work() as session:
        decided = session.get(Case, case_id)
        assert decided is not None
        assert outcomes.delete_disposed_object(session, settings, decided) == 1
    assert object_key not in [item.key for item in vault_for(settings).store.list("")]


def test_a_hold_keeps_an_upheld_private_call_and_the_note_says_so(
    api: TestClient, people: People, db: Database, settings: Settings
) -> None:
    recording = retention.record(api, people["pbx"])
    body = {"matter": "Smith v Bank", "reason": "claim expected"}
    made = api.post(
        "/v1/holds", json={**body, "scope": {"recording_ids": [recording]}}, headers=people["lee"]
    )
    assert made.status_code == 201, made.text
    case_id = private_call(db, recording)
    note = decide(db, case_id, "upheld", settings)
    assert "is kept" in note and made.json()["hold_id"] in note and "Smith v Bank" in note
    assert "claim expected" in note  # the hold's own reason, as its citation
    assert "not legal advice" in note
    assert stored(db, recording) and restricted(db, recording)
    with db.reading() as session:
        assert session.execute(select(RetentionSweep)).first() is None


def test_a_sector_minimum_keeps_it_with_the_rules_citation(
    api: TestClient, people: People, db: Database, settings: Settings
) -> None:
    recording = retention.record(api, people["pbx"])
    with db.unit_of_work() as session:
        row = session.get(Recording, recording)
        assert row is not None
        row.purposes = ["regulatory_record"]  # MiFID II and FCA SYSC 10A: five years at least
    case_id = private_call(db, recording)
    note = decide(db, case_id, "upheld", settings)
    mifid = load_knowledge_base().sectors["mifid-ii"]
    assert "is kept" in note and mifid.name in note
    assert all(citation.cite in note for citation in mifid.citations)
    assert "not legal advice" in note and stored(db, recording) and restricted(db, recording)


def test_not_upheld_lifts_the_restriction_with_the_reasons(
    api: TestClient, people: People, db: Database
) -> None:
    recording = retention.record(api, people["pbx"])
    case_id = private_call(db, recording)
    note = decide(db, case_id, "not_upheld")
    assert "lifted" in note and REASONS in note
    assert stored(db, recording) and not restricted(db, recording)
    with db.reading() as session:
        lifted = session.execute(select(RecordingRestriction)).scalar_one()
        assert lifted.lifted_reason is not None and REASONS in lifted.lifted_reason


def _disputed(db: Database, org: qa_org.Org) -> tuple[str, str]:
    """rob's evaluation of one of ada's calls, failed on the notice, disputed and upheld."""
    with db.unit_of_work() as session:
        plan = qa.create_plan(
            session,
            org.officer,
            period_from=qa_org.START,
            period_to=qa_org.START + timedelta(days=3),
            size=12,
            scorecard="inbound-service",
            seed=42,
        )
        rob = qa_org.principal(org.reviewers["rob"])
        first = qa.list_evaluations(session, rob)[0]
        qa.submit(session, rob, first.id, _answers(notice_read="no"))
        plan_id, evaluation_id = plan.id, first.id
    make_token(db, "compliance_officer", "hana")
    hana = user_named(db, "hana").id
    case_id = filed_case(
        db,
        "evaluation_dispute",
        evaluation_id=evaluation_id,
        reporter_user_id=org.agents["ada"].id,
        subject_user_id=org.reviewers["rob"].id,
        handler_user_id=hana,
        first_handler_user_id=hana,
    )
    return plan_id, case_id


def _notice_rate(db: Database, org: qa_org.Org, plan_id: str) -> tuple[int, int]:
    with db.reading() as session:
        rates = {r.question: r.rate for r in qa.compliance_rates(session, org.officer, plan_id)}
        return rates["notice_read"].successes, rates["notice_read"].n


def test_an_upheld_evaluation_dispute_is_redone_by_another_reviewer(
    db: Database, org: qa_org.Org
) -> None:
    plan_id, case_id = _disputed(db, org)
    assert _notice_rate(db, org, plan_id) == (0, 1)
    note = decide(db, case_id, "upheld")
    with db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.redo_evaluation_id is not None
        old = session.get(QaEvaluation, case.evaluation_id)
        redo = session.get(QaEvaluation, case.redo_evaluation_id)
        assert old is not None and redo is not None
        assert old.superseded_at is not None and old.score is not None  # kept, for the history
        assert redo.redo_of == old.id and redo.state == "assigned"
        assert redo.reviewer_user_id == org.reviewers["roz"].id  # not rob, not ada's team
        assert (redo.plan_id, redo.recording_id) == (old.plan_id, old.recording_id)
        assert describe_evaluation(redo)["redo_of"] == old.id
        assert describe_evaluation(old)["superseded_at"] is not None
        redone = session.execute(
            select(AuditEvent).where(AuditEvent.action == "qa.evaluation_redone")
        ).scalar_one()
        assert redone.target == f"qa_evaluation:{old.id}" and redone.data["redo"] == redo.id
        redo_id = redo.id
    assert redo_id in note and "score history" in note
    assert _notice_rate(db, org, plan_id) == (0, 0)  # the superseded one no longer counts
    period = Period(qa_org.START, qa_org.START + timedelta(days=14))
    with db.reading() as session:
        assert gather_qa(session, period).results.evaluations == 0
    with db.unit_of_work() as session:
        qa.submit(session, qa_org.principal(org.reviewers["roz"]), redo_id, _answers())
    assert _notice_rate(db, org, plan_id) == (1, 1)
    with db.reading() as session:
        assert gather_qa(session, period).results.evaluations == 1


def test_with_no_other_reviewer_the_note_says_it_waits_for_one(
    db: Database, org: qa_org.Org
) -> None:
    plan_id, case_id = _disputed(db, org)
    with db.unit_of_work() as session:
        accounts.disable_user(session, SYSTEM, "roz", "left the company")
    note = decide(db, case_id, "partly_upheld")
    assert "no other QA reviewer" in note and "waits for a reviewer" in note
    with db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.redo_evaluation_id is None
        old = session.get(QaEvaluation, case.evaluation_id)
        assert old is not None and old.superseded_at is not None
    assert _notice_rate(db, org, plan_id) == (0, 0)
