"""/v1/retention/sweeps: a dry count and a run as compliance, reads for the oversight roles."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.models import Recording
from tests.retention.conftest import record
from tests.retention.test_disposal import make_due

People = dict[str, dict[str, str]]


def test_a_dry_run_counts_and_a_run_disposes_through_the_api(
    api: TestClient, people: People, db: Database
) -> None:
    kept = record(api, people["pbx"], number="+14155550111")
    gone = record(api, people["pbx"], number="+14155550122")
    body = {"matter": "M", "reason": "litigation", "scope": {"recording_ids": [kept]}}
    assert api.post("/v1/holds", json=body, headers=people["lee"]).status_code == 201
    make_due(db, kept, gone)
    dry = api.post("/v1/retention/sweeps", json={"dry_run": True}, headers=people["cora"])
    assert dry.status_code == 200, dry.text
    assert (dry.json()["due"], dry.json()["held"], dry.json()["sweep_id"]) == (1, 1, None)
    assert api.post("/v1/retention/sweeps", json={}, headers=people["audra"]).status_code == 403
    with db.reading() as session:
        assert (
            session.execute(select(func.count()).where(Recording.state == "disposed")).scalar_one()
            == 0
        )
    listed = api.get("/v1/retention/sweeps", headers=people["audra"])
    assert listed.status_code == 200 and listed.json()["items"] == []
    missing = api.get("/v1/retention/sweeps/sweep_nope", headers=people["lee"])
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
