"""A hold whose scope is broad (over the threshold, or open-ended in time) is made only when
confirmed: the API answers 409 `confirm_broad_required` stating the count, the command asks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import AuditEvent, LegalHold
from callwarden.retention import holds
from tests.retention.sweeping import LEGAL
from tests.support.bulk import load, new_row

People = dict[str, dict[str, str]]


def test_a_scope_over_the_threshold_states_its_count_until_confirmed(db: Database) -> None:
    load(db, [new_row(i, datetime(2025, 1, 1 + i, tzinfo=UTC), queue="support") for i in range(5)])
    scope = {"search": {"queue": "support"}}
    with db.unit_of_work() as session, pytest.raises(holds.BroadScope) as refused:
        holds.create(session, LEGAL, "M", "litigation", scope, broad_over=4)
    assert refused.value.status == 409 and refused.value.extra["count"] == 5
    assert "keeps 5 recordings now (more than 4)" in refused.value.detail
    with db.unit_of_work() as session:
        made = holds.create(session, LEGAL, "M", "litigation", scope, broad_over=5)
        narrow = holds.create(
            session, LEGAL, "N", "litigation", {"call_ids": ["call_x"]}, broad_over=0
        )
        assert made.id and narrow.id
        with pytest.raises(holds.BroadScope):
            holds.change_scope(session, LEGAL, narrow.id, scope, "wider now", broad_over=4)
        holds.change_scope(session, LEGAL, narrow.id, scope, "wider now", True, broad_over=4)
    with db.reading() as session:
        changed = session.execute(
            select(AuditEvent.data).where(AuditEvent.action == "hold.scope_changed")
        ).scalar_one()
        assert changed["confirmed_broad"] == 5


def test_the_api_asks_for_confirm_broad_for_an_open_ended_time_range(
    api: TestClient, people: People, db: Database
) -> None:
    body = {
        "matter": "M",
        "reason": "litigation",
        "scope": {"started": {"from": "2016-01-01T00:00:00Z"}},
    }
    refused = api.post("/v1/holds", json=body, headers=people["lee"])
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "confirm_broad_required" and problem["count"] == 0
    assert problem["open_ended"] is True and "confirm_broad: true" in problem["detail"]
    with db.reading() as session:
        assert session.execute(select(LegalHold)).first() is None  # nothing left behind
    made = api.post("/v1/holds", json={**body, "confirm_broad": True}, headers=people["lee"])
    assert made.status_code == 201, made.text


def test_the_command_asks_before_making_a_broad_hold(settings: Settings, db: Database) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    args = [
        "holds",
        "create",
        "--matter",
        "M",
        "--reason",
        "litigation",
        "--from",
        "2016-01-01T00:00:00Z",
    ]
    declined = CliRunner().invoke(cli, args, env=env, input="n\n")
    assert declined.exit_code == 1 and "open at one end" in declined.output
    accepted = CliRunner().invoke(cli, args, env=env, input="y\n")
    assert accepted.exit_code == 0, accepted.output
    with db.reading() as session:
        assert len(session.execute(select(LegalHold)).all()) == 1
