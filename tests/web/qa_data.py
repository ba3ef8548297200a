"""QA for the console's tests: recorded calls of two teams, two reviewers, a scorecard."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources
from typing import Any

from fastapi.testclient import TestClient

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.qa import service
from tests.support.console import make_person
from tests.web.recording_data import csrf_of, prepare, record

EXAMPLE = resources.files("callwarden.qa").joinpath("examples/inbound.yaml").read_text()
HOSTILE = '<script>alert("qa")</script> talked over the customer'


def qa_setting(settings: Settings, db: Database, api: TestClient) -> list[str]:
    """Four recordings (alice of East, bob of West, two each), reviewers rita (East) and ron
    (West), and the example scorecard; the recordings' ids."""
    pbx = prepare(settings, db)
    made = [record(api, pbx, agent) for agent in ("alice", "alice", "bob", "bob")]
    make_person(db, "qa_reviewer", "rita", team="East")
    make_person(db, "qa_reviewer", "ron", team="West")
    with db.unit_of_work() as session:
        service.add_scorecard(session, Principal("setup", Role.COMPLIANCE_OFFICER), EXAMPLE)
    return made


def draw_by_form(browser: TestClient, size: int = 4, seed: str = "7") -> Any:
    today = clock.now().date()
    form = {
        "period_from": (today - timedelta(days=1)).isoformat(),
        "period_to": today.isoformat(),
        "size": str(size),
        "seed": seed,
        "scorecard": "inbound-service",
        "csrf_token": csrf_of(browser, "/qa"),
    }
    return browser.post("/qa/plans", data=form, follow_redirects=False)
