"""Intake: round trip, idempotency, the consent ledger's say, bad audio, and nothing left behind."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import Recording
from callwarden.vault.runtime import vault_for
from tests.recordings.conftest import CALIFORNIA, objects, recorded_call
from tests.support.audio import encode, tone_mix, wav
from tests.support.calls import CallDriver

TX_AGENT = {"role": "agent", "jurisdiction": "US-TX"}


def upload(
    api: TestClient,
    headers: dict[str, str],
    call_id: str,
    body: bytes,
    key: str = "up-1",
    **params: str,
) -> object:
    return api.post(
        f"/v1/calls/{call_id}/recordings",
        content=body,
        headers=headers,
        params={"idempotency_key": key, **params},
    )


def rows(db: Database) -> int:
    with db.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(Recording)).scalar_one()


def test_round_trip_with_retention_and_playback(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings
) -> None:
    call = recorded_call(api, people["pbx"])
    audio = wav(6.0)
    response = upload(
        api, people["pbx"], call.call_id, audio, channel_map="customer,agent", agent="alice"
    )
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["sha256"] == hashlib.sha256(audio).hexdigest() and body["size"] == len(audio)
    assert (body["channels"], body["sample_rate"], body["duration_s"]) == (2, 8000, 6.0)
    assert body["retention_class"] == "dispute_resolution"
    started = datetime.fromisoformat(body["started_at"])
    assert datetime.fromisoformat(body["retain_until"]) == started.replace(year=started.year + 1)
    played = api.get(
        f"/v1/recordings/{body['recording_id']}/audio",
        params={"reason": "complaint 42"},
        headers=people["cora"],
    )
    assert played.status_code == 200 and played.content == audio
    assert played.headers["accept-ranges"] == "bytes"
    [key] = objects(vault_settings)
    store = vault_for(vault_settings).store
    sealed = store.open_range(key, 0, store.size(key))
    assert audio[1000:1400] not in sealed and len(sealed) > len(audio)  # encrypted at rest


def test_range_playback_and_its_audit(api: TestClient, people: dict[str, dict[str, str]]) -> None:
    call = recorded_call(api, people["pbx"])
    audio = wav(20.0)
    recording = upload(api, people["pbx"], call.call_id, audio).json()["recording_id"]  # type: ignore[attr-defined]
    url = f"/v1/recordings/{recording}/audio"
    part = api.get(
        url,
        params={"reason": "QA check"},
        headers={**people["cora"], "Range": "bytes=70000-200000"},
    )
    assert part.status_code == 206 and part.content == audio[70000:200001]
    assert part.headers["content-range"] == f"bytes 70000-200000/{len(audio)}"
    tail = api.get(
        url, params={"reason": "QA check"}, headers={**people["cora"], "Range": "bytes=-500"}
    )
    assert tail.content == audio[-500:]
    outside = api.get(
        url,
        params={"reason": "QA check"},
        headers={**people["cora"], "Range": f"bytes={len(audio)}-"},
    )
    assert outside.status_code == 416
    no_reason = api.get(url, headers=people["cora"])
    assert no_reason.status_code == 422 and "say why" in no_reason.json()["detail"]
    trail = api.get(
        "/v1/audit/events",
        params={"action": "recording.played", "target": f"recording:{recording}"},
        headers=people["audra"],
    ).json()["items"]
    assert [event["data"]["range"] for event in trail] == [
        [70000, 200000],
        [len(audio) - 500, len(audio) - 1],
    ]
    assert trail[0]["reason"] == "QA check" and trail[0]["actor"] == "user:cora"


def test_same_idempotency_key_returns_the_same_recording(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = recorded_call(api, people["pbx"])
    first = upload(api, people["pbx"], call.call_id, wav(2.0), key="k1")
    again = upload(api, people["pbx"], call.call_id, wav(2.0), key="k1")
    assert (first.status_code, again.status_code) == (201, 200)  # type: ignore[attr-defined]
    assert first.json()["recording_id"] == again.json()["recording_id"]  # type: ignore[attr-defined]
    assert rows(db) == 1 and len(objects(vault_settings)) == 1


def test_a_call_that_must_not_be_recorded_is_refused(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = CallDriver(api, people["pbx"], {**CALIFORNIA, "line": "+15125550100"})
    response = upload(api, people["pbx"], call.call_id, wav(2.0))
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "must not be recorded" in response.json()["detail"]  # type: ignore[attr-defined]
    assert rows(db) == 0 and objects(vault_settings) == []
    trail = api.get(
        "/v1/audit/events", params={"action": "recording.refused"}, headers=people["audra"]
    ).json()
    assert trail["items"][0]["target"] == f"call:{call.call_id}"


def test_declined_consent_refuses_the_recording(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings
) -> None:
    call = CallDriver(
        api,
        people["pbx"],
        {"direction": "inbound", "parties": [{"role": "customer", "jurisdiction": "DE"}, TX_AGENT]},
    )
    call.ok("notice_played", party="customer")
    call.ok("consent_declined", party="customer", method="dtmf")
    response = upload(api, people["pbx"], call.call_id, wav(2.0))
    assert response.status_code == 409 and "declined" in response.json()["detail"]  # type: ignore[attr-defined]
    assert objects(vault_settings) == []


def test_withdrawal_keeps_only_what_came_before(
    api: TestClient, people: dict[str, dict[str, str]]
) -> None:
    call = recorded_call(api, people["pbx"])
    call.ok("consent_withdrawn", party="customer", method="speech", offset_s=4.0)
    audio = wav(10.0)
    body = upload(api, people["pbx"], call.call_id, audio).json()  # type: ignore[attr-defined]
    assert body["trimmed_to_s"] == 4.0 and body["duration_s"] == 4.0
    assert body["original_sha256"] == hashlib.sha256(audio).hexdigest() != body["sha256"]
    played = api.get(
        f"/v1/recordings/{body['recording_id']}/audio",
        params={"reason": "dispute"},
        headers=people["cora"],
    )
    assert len(played.content) == body["size"] < len(audio)


def test_flac_and_opus_are_taken(api: TestClient, people: dict[str, dict[str, str]]) -> None:
    call = recorded_call(api, people["pbx"])
    flac = encode(tone_mix(3.0), 8000, "FLAC", "PCM_16")
    opus = encode(tone_mix(3.0, rate=16000), 16000, "OGG", "OPUS")
    first = upload(api, people["pbx"], call.call_id, flac, key="f").json()  # type: ignore[attr-defined]
    second = upload(api, people["pbx"], call.call_id, opus, key="o").json()  # type: ignore[attr-defined]
    assert (first["format"], first["content_type"], first["duration_s"]) == (
        "flac",
        "audio/flac",
        3.0,
    )
    assert (second["codec"], second["channels"]) == ("opus", 2)
    assert abs(second["duration_s"] - 3.0) < 0.05


def test_bad_audio_leaves_nothing_behind(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = recorded_call(api, people["pbx"])
    for name, body in [
        ("text", b"hello, this is not audio" * 100),
        ("truncated", wav(2.0)[:40]),
        ("empty wav", wav(0.0)),
    ]:
        response = upload(api, people["pbx"], call.call_id, body, key=name)
        assert response.status_code == 422, (name, response.text)  # type: ignore[attr-defined]
    bad_map = upload(api, people["pbx"], call.call_id, wav(1.0), key="map", channel_map="customer")
    assert bad_map.status_code == 422 and "channel_map" in bad_map.json()["detail"]  # type: ignore[attr-defined]
    assert rows(db) == 0 and objects(vault_settings) == []


def test_missing_idempotency_key_and_unknown_call(
    api: TestClient, people: dict[str, dict[str, str]]
) -> None:
    call = recorded_call(api, people["pbx"])
    missing = api.post(
        f"/v1/calls/{call.call_id}/recordings", content=wav(1.0), headers=people["pbx"]
    )
    assert missing.status_code == 422 and "idempotency" in missing.json()["detail"]
    unknown = upload(api, people["pbx"], "call_nope", wav(1.0))
    assert unknown.status_code == 404  # type: ignore[attr-defined]


def test_retention_follows_the_longest_minimum(
    api: TestClient, people: dict[str, dict[str, str]]
) -> None:
    trading = {
        "direction": "inbound",
        "queue": "trading",
        "parties": [
            {"role": "customer", "jurisdiction": "GB"},
            {"role": "agent", "jurisdiction": "GB"},
        ],
    }
    call = recorded_call(api, people["pbx"], trading)
    body = upload(
        api, people["pbx"], call.call_id, wav(1.0), started_at="2026-01-15T09:00:00+00:00"
    ).json()  # type: ignore[attr-defined]
    assert body["retention_class"] == "regulatory_record"
    assert body["retain_until"].startswith("2031-01-15T09:00:00")
    assert datetime.fromisoformat(body["retain_until"]) - datetime.fromisoformat(
        body["started_at"]
    ) > timedelta(days=5 * 365)
