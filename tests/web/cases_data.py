"""An organisation for the cases pages: the people of `tests/cases/conftest.py` with passwords
(so they sign in to the console), ada's and ben's recordings, a submitted evaluation of ada's
call, and the service's key ring and signing key (an upheld private call destroys and certifies)."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.models import QaEvaluation
from callwarden.qa import service as qa
from callwarden.qa.service import Given
from callwarden.signing import create_signing_key_file
from callwarden.vault.keyring import Keyring
from tests.cases.conftest import ADAS_CALL, ALL_YES, PEOPLE, SCORECARD, START, principal
from tests.support.bulk import load, new_row
from tests.support.console import make_person
from tests.web.recording_data import csrf_of

__all__ = ["ADAS_CALL", "cases_org", "filed_ref", "post_form"]


def cases_org(settings: Settings, db: Database) -> str:
    """The people, recordings and ada's submitted evaluation; the evaluation's id."""
    if not settings.keyring_path.exists():
        settings.keyring_path.parent.mkdir(parents=True, exist_ok=True)
        Keyring.create(settings.keyring_path)
        create_signing_key_file(settings.signing_key_path)
    people = {name: make_person(db, role, name, team) for name, (role, team) in PEOPLE.items()}
    make_person(db, "qa_reviewer", "rex")  # who re-does an evaluation a dispute upholds
    teams = {people["ada"].team_id, people["ben"].team_id}
    assert None not in teams
    load(
        db,
        [
            new_row(1, START - timedelta(days=3), agent_user_id=people["ada"].id,
                    team_id=people["ada"].team_id, extra={"duration_s": 120.0}),
            new_row(2, START - timedelta(days=3), agent_user_id=people["ben"].id,
                    team_id=people["ben"].team_id, extra={"duration_s": 120.0}),
        ],
    )  # fmt: skip
    with clock.frozen_at(START), db.unit_of_work() as session:
        officer = principal(people["olga"])
        qa.add_scorecard(session, officer, SCORECARD, "inbound.yaml")
        plan = qa.create_plan(
            session,
            officer,
            period_from=START - timedelta(days=4),
            period_to=START,
            size=2,
            scorecard="inbound-service",
            seed=1,
        )
        query = select(QaEvaluation).where(
            QaEvaluation.plan_id == plan.id, QaEvaluation.recording_id == ADAS_CALL
        )
        evaluation = session.execute(query).scalar_one()
        qa.submit(
            session,
            principal(people["rae"]),
            evaluation.id,
            [Given(q, a) for q, a in ALL_YES.items()],
        )
        return str(evaluation.id)


def post_form(browser: TestClient, page: str, action: str, **fields: str) -> str:
    """Send a form of `page` (its CSRF token) to `action`; the page the browser lands on."""
    answer = browser.post(
        action, data={**fields, "csrf_token": csrf_of(browser, page)}, follow_redirects=True
    )
    assert answer.status_code == 200, answer.text
    return str(answer.text)


def filed_ref(html: str) -> str:
    """The case id of the case page the browser landed on."""
    found = re.search(r'action="/cases/(case_[0-9a-z]+)/', html) or re.search(
        r'href="/cases/(case_[0-9a-z]+)/', html
    )
    assert found, html
    return str(found.group(1))
