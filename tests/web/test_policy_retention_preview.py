"""The policy draft pages say what a valid draft would do to the recordings' schedules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.retention import holds
from tests.support.policies import as_text, example_data
from tests.web.recording_data import csrf_of, prepare, record, signed_in


@pytest.fixture
def pbx(settings: Settings, db: Database) -> dict[str, str]:
    return prepare(settings, db)


def short_draft() -> str:
    data = example_data()
    for name in ("quality", "dispute_resolution"):
        data["purposes"][name]["retention"] = {"min": "P1D", "max": "P2D"}
    return as_text(data)


def test_a_valid_draft_shows_moves_due_at_once_and_the_holds_keeping_some(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    kept = record(client, pbx, "alice")
    record(client, pbx, "bob")
    cora = Principal(actor="user:cora", role=Role.COMPLIANCE_OFFICER)
    with db.unit_of_work() as session:
        holds.create(session, cora, "Matter <b>Smith</b>", "litigation", {"recording_ids": [kept]})
    with clock.frozen_at(clock.now() + timedelta(days=5)):
        officer = signed_in(client.app, "cora")
        answer = officer.post(
            "/policy/draft",
            data={"csrf_token": csrf_of(officer, "/policy/draft"), "note": "", "document": ""},
            files={"upload": ("draft.yaml", short_draft().encode(), "application/yaml")},
        )
    assert answer.status_code == 200, answer.text
    page = answer.text
    assert "What it does to the recordings' schedules" in page
    assert '<tr><td>disposed of earlier</td><td class="num">2</td></tr>' in page
    assert '<tr><td>would become due at once</td><td class="num">2</td></tr>' in page
    assert '<tr><td>of those, kept by a legal hold</td><td class="num">1</td></tr>' in page
    assert "Matter &lt;b&gt;Smith&lt;/b&gt;" in page and "<b>Smith</b>" not in page


def test_an_invalid_draft_shows_no_preview(client: TestClient, pbx: dict[str, str]) -> None:
    record(client, pbx, "alice")
    data = example_data()
    data["purposes"]["regulatory_record"]["retention"] = {"min": "P1Y"}
    officer = signed_in(client.app, "cora")
    answer = officer.post(
        "/policy/draft",
        data={"csrf_token": csrf_of(officer, "/policy/draft"), "note": "", "document": ""},
        files={"upload": ("draft.yaml", as_text(data).encode(), "application/yaml")},
    )
    assert answer.status_code == 422
    assert "recordings' schedules" not in answer.text
