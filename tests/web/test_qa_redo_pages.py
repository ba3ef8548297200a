"""The console's QA pages say which evaluation was re-done after a dispute (kept, superseded,
counted in no rate) and which one re-does it."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.models import QaEvaluation
from callwarden.qa import service
from callwarden.qa.service import Given
from tests.qa.test_service import ALL_YES
from tests.support.case_rows import principal_of
from tests.support.console import make_person
from tests.web.qa_data import qa_setting
from tests.web.recording_data import signed_in


def test_a_superseded_evaluation_and_its_redo_are_marked(
    client: TestClient, settings: Settings, db: Database
) -> None:
    qa_setting(settings, db, client)
    make_person(db, "qa_reviewer", "rhea")  # no team: may re-do anyone's
    cora, ron = principal_of(db, "cora"), principal_of(db, "ron")
    today = clock.now()
    with db.unit_of_work() as session:
        service.create_plan(
            session,
            cora,
            period_from=today - timedelta(days=1),
            period_to=today + timedelta(days=1),
            size=4,
            scorecard="inbound-service",
            seed=7,
        )
        first = (
            session.execute(
                select(QaEvaluation).where(QaEvaluation.reviewer_user_id == ron.user_id)
            )
            .scalars()
            .first()
        )
        assert first is not None
        service.submit(session, ron, first.id, [Given(q, a) for q, a in ALL_YES.items()])
        redone = service.redo_evaluation(session, cora, first.id, "CASE-0001 upheld")
        assert redone.redo is not None
        old_id, redo_id = first.id, redone.redo.id
    officer = signed_in(client.app, "cora")
    old = officer.get(f"/qa/evaluations/{old_id}").text
    assert "superseded" in old and "counted in no rate" in old
    redo = officer.get(f"/qa/evaluations/{redo_id}").text
    assert f'href="/qa/evaluations/{old_id}"' in redo and "re-does" in redo
    listing = officer.get("/qa").text
    assert "superseded" in listing and "re-do" in listing
