"""The checks on data made the way it is made in service: calls and events through the API, a
recording uploaded, a look refused and a play allowed over HTTP. The shapes the checks read
(the ledger's columns, the audit events' actors, targets and data) are the real ones."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from tests.checks.support import run_check
from tests.support.console_calls import full_call, phone_system, upload_recording
from tests.support.factories import bearer, make_token


def test_a_missing_a_short_recording_and_a_refused_look_are_found(
    client: TestClient, db: Database, settings: Settings
) -> None:
    pbx = phone_system(db, settings)
    recorded = full_call(client, pbx)
    recording = upload_recording(client, pbx, recorded.call_id)  # 4 s of a 78 s call
    lost = full_call(client, pbx)  # ended, never uploaded
    amy = bearer(make_token(db, "agent", "amy"))  # not the agent of either call
    cora = bearer(make_token(db, "compliance_officer", "cora"))
    audio = f"/v1/recordings/{recording}/audio"
    assert client.get(audio, params={"reason": "just curious"}, headers=amy).status_code == 404
    assert client.get(audio, params={"reason": "complaint 12"}, headers=cora).status_code == 200
    now = clock.now()
    period = Period(now - timedelta(days=1), now + timedelta(minutes=1))

    soon = run_check(db, "completeness", period, now, settings)
    later = run_check(db, "completeness", period, now + timedelta(hours=2), settings)
    looks = run_check(db, "access", period, now, settings)

    assert f"missing:{lost.call_id}" not in soon  # ended under an hour ago: the upload may come
    assert f"missing:{lost.call_id}" in later
    assert f"missing:{recorded.call_id}" not in later
    assert later[f"short:{recorded.call_id}"].evidence.recordings == (recording,)
    denied = looks[f"denied:user:amy:{recording}"]
    assert denied.severity == "medium" and denied.evidence.users == ("amy",)
    assert not [key for key in looks if "cora" in key and not key.startswith("after-hours")]
