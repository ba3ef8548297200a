"""An organisation with cases to raise: two teams, their agents and supervisor, four compliance
officers (one on team alpha), a QA reviewer, legal, an auditor, recordings of ada's and ben's,
and one submitted evaluation of ada's call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest
from sqlalchemy import select

from callwarden.cases import service
from callwarden.cases.filing import Filing
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.models import QaEvaluation, User
from callwarden.qa import service as qa
from callwarden.qa.service import Given
from callwarden.signing import create_signing_key_file
from callwarden.vault.keyring import Keyring
from tests.support.bulk import load, new_row
from tests.support.factories import make_team, make_user, principal_of

# A Monday: ten working days later is the Monday two weeks on.
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SCORECARD = resources.files("callwarden.qa").joinpath("examples/inbound.yaml").read_text()
ALL_YES = {
    "notice_read": "yes",
    "consent_before_recording": "na",
    "greeting": "yes",
    "identity_checked": "yes",
    "understanding": 5,
    "resolution": 4,
    "summary_given": "no",
}
ADAS_CALL = "rec_000000000001"
BENS_CALL = "rec_000000000002"


principal = principal_of  # the person behind a user row


@dataclass
class Org:
    db: Database
    people: dict[str, User]
    evaluation_id: str

    def who(self, username: str) -> Principal:
        return principal(self.people[username])

    def id(self, username: str) -> str:
        return self.people[username].id


PEOPLE = {
    "ada": ("agent", "alpha"),
    "ben": ("agent", "beta"),
    "sue": ("supervisor", "alpha"),
    "olga": ("compliance_officer", None),
    "oscar": ("compliance_officer", None),
    "otto": ("compliance_officer", "alpha"),
    "rae": ("qa_reviewer", None),
    "lee": ("legal", None),
    "aud": ("auditor", None),
    "adm": ("admin", None),
}


@pytest.fixture
def service_keys(settings: Settings) -> None:
    """The service's key ring and signing key: an upheld private call's recording is destroyed
    (its data key, in the ring) and the destruction certified (signed)."""
    settings.keyring_path.parent.mkdir(parents=True, exist_ok=True)
    Keyring.create(settings.keyring_path)
    create_signing_key_file(settings.signing_key_path)


@pytest.fixture
def org(db: Database, service_keys: None) -> Org:
    with clock.frozen_at(START - timedelta(days=7)):
        teams = {name: make_team(db, name) for name in ("alpha", "beta")}
        people = {name: make_user(db, role, name, team) for name, (role, team) in PEOPLE.items()}
        load(
            db,
            [
                new_row(1, START - timedelta(days=3), agent_user_id=people["ada"].id,
                        team_id=teams["alpha"], extra={"duration_s": 120.0}),
                new_row(2, START - timedelta(days=3), agent_user_id=people["ben"].id,
                        team_id=teams["beta"], extra={"duration_s": 120.0}),
            ],
        )  # fmt: skip
        officer = principal(people["olga"])
        with db.unit_of_work() as session:
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
            evaluation_id = evaluation.id
    return Org(db, people, evaluation_id)


def file(org: Org, who: str, **given: object) -> service.Filed:
    """File a case as `who` (kind, summary and details defaulted) at the frozen START."""
    values: dict[str, object] = {"kind": "concern", "summary": "a concern", "details": "details"}
    values.update(given)
    with org.db.unit_of_work() as session:
        return service.file_case(session, org.who(who), Filing(**values))  # type: ignore[arg-type]
