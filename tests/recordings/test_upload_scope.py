"""Uploads are scoped like calls: an integration records only the calls it created."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import Recording
from tests.recordings.conftest import CALIFORNIA, objects, recorded_call
from tests.support.audio import wav
from tests.support.factories import bearer, make_token


def test_another_integrations_call_is_not_there_for_an_upload(
    api: TestClient, db: Database, vault_settings: Settings, people: dict[str, dict[str, str]]
) -> None:
    call = recorded_call(api, people["pbx"])
    other = bearer(make_token(db, "integration", "pbx-elsewhere"))
    refused = api.post(
        f"/v1/calls/{call.call_id}/recordings",
        content=wav(1.0),
        headers=other,
        params={"idempotency_key": "k-1", "channel_map": "customer,agent"},
    )
    assert refused.status_code == 404, refused.text
    assert refused.json()["code"] == "not_found"
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(Recording)).scalar_one() == 0
    assert objects(vault_settings) == []
    own = api.post(
        f"/v1/calls/{call.call_id}/recordings",
        content=wav(1.0),
        headers=people["pbx"],
        params={"idempotency_key": "k-1", "channel_map": "customer,agent"},
    )
    assert own.status_code == 201, own.text


def test_the_agent_named_on_the_call_finds_and_plays_its_recording(
    api: TestClient, people: dict[str, dict[str, str]]
) -> None:
    """The agent is named once, when the call is created; the upload need not repeat it."""
    call = recorded_call(api, people["pbx"], {**CALIFORNIA, "agent": "alice"})
    stored = api.post(
        f"/v1/calls/{call.call_id}/recordings",
        content=wav(1.0),
        headers=people["pbx"],
        params={"idempotency_key": "k-2", "channel_map": "customer,agent"},
    )
    assert stored.status_code == 201, stored.text
    recording_id = stored.json()["recording_id"]
    listed = api.get("/v1/recordings", headers=people["alice"]).json()["items"]
    assert [row["recording_id"] for row in listed] == [recording_id]
    played = api.get(
        f"/v1/recordings/{recording_id}/audio",
        params={"reason": "my own call"},
        headers=people["alice"],
    )
    assert played.status_code == 200, played.text
    assert api.get("/v1/recordings", headers=people["bob"]).json()["items"] == []
