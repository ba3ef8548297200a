"""Audio verification through the product: notice present, notice missing, consent keyed, and a
payment leak inside a secure pause — recordings that arrive through intake, checked by the job."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from scipy.signal import resample_poly

from callwarden.analysis import decode, detect_dtmf
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.jobs import JobContext
from callwarden.verification.tasks import analyse_recordings
from tests.recordings.conftest import CALIFORNIA, objects, recorded_call
from tests.support.audio import encode
from tests.support.calls import CallDriver
from tests.support.corpus.phones import make_script
from tests.support.corpus.tones import dial, overlay
from tests.support.corpus.voice import random_voice, render

RATE = 8000


def speech(seed: int, seconds: float = 6.0) -> np.ndarray:
    voiced = render(
        make_script(seed, "en", seconds), random_voice(np.random.default_rng(seed)), seed
    )
    return np.asarray(resample_poly(voiced, 1, 2), dtype=np.float32)


@pytest.fixture(scope="module")
def prompt() -> np.ndarray:
    return speech(101, 5.0)


def two_channels(seconds: float) -> np.ndarray:
    return np.zeros((int(seconds * RATE), 2), dtype=np.float32)


def upload(api: TestClient, headers: dict[str, str], call_id: str, audio: np.ndarray) -> str:
    response = api.post(
        f"/v1/calls/{call_id}/recordings",
        content=encode(audio, RATE),
        headers=headers,
        params={"idempotency_key": "rec", "channel_map": "customer,agent"},
    )
    assert response.status_code == 201, response.text
    recording_id: str = response.json()["recording_id"]
    return recording_id


def check(
    api: TestClient,
    people: dict[str, dict[str, str]],
    settings: Settings,
    db: Database,
    recording_id: str,
) -> dict[str, list[dict[str, Any]]]:
    assert analyse_recordings(JobContext(settings, db)) >= 1
    body = api.get(f"/v1/recordings/{recording_id}/findings", headers=people["cora"]).json()
    assert body["analysed_at"] is not None, body
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for finding in body["findings"]:
        by_kind.setdefault(finding["kind"], []).append(finding)
    return by_kind


@pytest.fixture
def with_prompt(api: TestClient, people: dict[str, dict[str, str]], prompt: np.ndarray) -> None:
    response = api.post(
        "/v1/scripts/notice-en-v3/audio",
        params={"language": "en"},
        content=encode(prompt[:, None], RATE),
        headers=people["cora"],
    )
    assert response.status_code == 201, response.text


def test_notice_present_is_verified_on_the_facing_channel(
    api: TestClient,
    people: dict[str, dict[str, str]],
    vault_settings: Settings,
    db: Database,
    prompt: np.ndarray,
    with_prompt: None,
) -> None:
    call = recorded_call(api, people["pbx"])
    audio = two_channels(20.0)
    audio[:, 1] = overlay(audio[:, 1], prompt, 1.0)  # played towards the customer
    audio[:, 0] = overlay(audio[:, 0], speech(7, 5.0), 8.0)  # the customer talks afterwards
    found = check(api, people, vault_settings, db, upload(api, people["pbx"], call.call_id, audio))
    [verified] = found["notice_verified"]
    assert verified["channel"] == 1 and abs(verified["start_s"] - 1.0) < 0.1
    assert "notice_missing" not in found and "dtmf_in_recording" not in found


def test_notice_missing(
    api: TestClient,
    people: dict[str, dict[str, str]],
    vault_settings: Settings,
    db: Database,
    with_prompt: None,
) -> None:
    call = CallDriver(api, people["pbx"], CALIFORNIA)
    call.ok("recording_started", offset_s=0.0)
    call.ok("notice_played", party="customer")  # the ledger says: played while recording
    audio = two_channels(20.0)
    audio[:, 1] = overlay(audio[:, 1], speech(55, 6.0), 1.0)  # the agent talks; no notice
    found = check(api, people, vault_settings, db, upload(api, people["pbx"], call.call_id, audio))
    [missing] = found["notice_missing"]
    assert missing["severity"] == "high" and "notice-en-v3" in missing["summary"]


def test_a_notice_played_before_recording_began_is_not_reported_missing(
    api: TestClient,
    people: dict[str, dict[str, str]],
    vault_settings: Settings,
    db: Database,
    with_prompt: None,
) -> None:
    call = CallDriver(api, people["pbx"], CALIFORNIA)
    call.ok("notice_played", party="customer", event_id="pbx-notice-1")
    call.ok("recording_started", seconds=6.0)  # recording began 6 s after the notice
    audio = two_channels(12.0)
    audio[:, 1] = overlay(audio[:, 1], speech(55, 6.0), 1.0)  # the agent talks
    found = check(api, people, vault_settings, db, upload(api, people["pbx"], call.call_id, audio))
    assert "notice_missing" not in found
    [before] = found["notice_before_recording"]
    assert before["severity"] == "info"
    assert "6.0 s before the recording began" in before["summary"]
    assert "pbx-notice-1" in before["summary"] and before["detail"]["ledger_at_s"] == -6.0
    assert not [f for kind in found.values() for f in kind if f["severity"] != "info"]


def test_consent_keyed_before_recording_began_is_evidenced_by_the_ledger(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = CallDriver(
        api,
        people["pbx"],
        {
            "direction": "inbound",
            "parties": [
                {"role": "customer", "jurisdiction": "DE", "language": "de"},
                {"role": "agent", "jurisdiction": "US-TX"},
            ],
        },
    )
    call.ok("notice_played", party="customer")
    call.ok("consent_given", party="customer", method="dtmf", digit="1", event_id="pbx-key-1")
    call.ok("recording_started")  # consent came first: the keypress is not in the audio
    audio = two_channels(12.0)
    audio[:, 1] = overlay(audio[:, 1], speech(56, 5.0), 1.0)
    found = check(api, people, vault_settings, db, upload(api, people["pbx"], call.call_id, audio))
    assert "consent_keypress_missing" not in found
    [before] = found["consent_before_recording"]
    assert before["severity"] == "info" and before["start_s"] is None
    assert "1.0 s before the recording began" in before["summary"]
    assert "-1.0" not in before["summary"]
    assert "pbx-key-1" in before["summary"]


def test_a_secure_pause_is_not_dead_air(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = CallDriver(
        api,
        people["pbx"],
        {
            "direction": "inbound",
            "queue": "payments",
            "parties": [
                {"role": "customer", "jurisdiction": "US-TX"},
                {"role": "agent", "jurisdiction": "US-TX"},
            ],
        },
    )
    call.ok("notice_played", party="customer")
    call.ok("recording_started", offset_s=0.0)
    call.ok("recording_paused", reason="payment", offset_s=9.0)
    call.ok("recording_resumed", offset_s=29.0, seconds=20.0)
    audio = two_channels(58.0)
    audio[:, 1] = overlay(audio[:, 1], speech(57, 5.0), 0.5)  # before the pause (7.4 s)
    audio[:, 0] = overlay(audio[:, 0], speech(58, 5.0), 29.5)  # after 20 s of paused silence
    audio[:, 1] = overlay(audio[:, 1], speech(59, 5.0), 50.5)  # ...then 14 s of real dead air
    found = check(api, people, vault_settings, db, upload(api, people["pbx"], call.call_id, audio))
    [dead] = found["dead_air"]  # only the silence outside the pause
    assert dead["start_s"] > 35.0 and dead["end_s"] < 51.0, dead
    assert "payment_audio_leak" not in found


def test_payment_leak_inside_a_secure_pause(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = CallDriver(
        api,
        people["pbx"],
        {
            "direction": "inbound",
            "queue": "payments",
            "parties": [
                {"role": "customer", "jurisdiction": "US-TX"},
                {"role": "agent", "jurisdiction": "US-TX"},
            ],
        },
    )
    call.ok("notice_played", party="customer")
    call.ok("recording_started", offset_s=0.0)
    call.ok("recording_paused", reason="payment", offset_s=5.0)
    call.ok("recording_resumed", offset_s=15.0)
    audio = two_channels(20.0)
    keyed, _presses = dial("4111", RATE)
    audio[:, 0] = overlay(audio[:, 0], keyed, 8.0)  # card digits keyed while "paused"
    found = check(api, people, vault_settings, db, upload(api, people["pbx"], call.call_id, audio))
    [leak] = found["payment_audio_leak"]
    assert leak["severity"] == "critical" and leak["detail"]["keypresses"] == 4
    [stray] = found["dtmf_in_recording"]
    assert "4111" not in str(stray)  # the digits themselves are never stored


def test_consent_keypress_verified_and_missing(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    facts = {
        "direction": "inbound",
        "parties": [
            {"role": "customer", "jurisdiction": "DE", "language": "de"},
            {"role": "agent", "jurisdiction": "US-TX"},
        ],
    }
    outcomes = {}
    for keyed_in_audio in (True, False):
        call = CallDriver(api, people["pbx"], facts)
        call.ok("notice_played", party="customer")
        call.ok("consent_given", party="customer", method="dtmf", digit="1", offset_s=3.0)
        call.ok("recording_started", offset_s=0.0)
        audio = two_channels(12.0)
        if keyed_in_audio:
            audio[:, 0] = overlay(audio[:, 0], dial("1", RATE, lead_s=0.0)[0], 3.0)
        found = check(
            api, people, vault_settings, db, upload(api, people["pbx"], call.call_id, audio)
        )
        outcomes[keyed_in_audio] = set(found)
    assert (
        "consent_keypress_verified" in outcomes[True] and "dtmf_in_recording" not in outcomes[True]
    )
    assert "consent_keypress_missing" in outcomes[False]


def test_script_audio_must_name_a_policy_script(
    api: TestClient, people: dict[str, dict[str, str]], prompt: np.ndarray
) -> None:
    unknown = api.post(
        "/v1/scripts/notice-xx-v9/audio",
        params={"language": "en"},
        content=encode(prompt[:, None], RATE),
        headers=people["cora"],
    )
    assert unknown.status_code == 422 and "not in the policy" in unknown.json()["detail"]
    wrong_language = api.post(
        "/v1/scripts/notice-en-v3/audio",
        params={"language": "de"},
        content=encode(prompt[:, None], RATE),
        headers=people["cora"],
    )
    assert wrong_language.status_code == 422
    garbage = api.post(
        "/v1/scripts/notice-en-v3/audio",
        params={"language": "en"},
        content=b"junk" * 100,
        headers=people["cora"],
    )
    assert garbage.status_code == 422
    agent = api.post(
        "/v1/scripts/notice-en-v3/audio",
        params={"language": "en"},
        content=encode(prompt[:, None], RATE),
        headers=people["alice"],
    )
    assert agent.status_code == 403


def test_stray_keypresses_are_redacted_when_asked(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = recorded_call(api, people["pbx"])
    audio = two_channels(12.0)
    keyed, _presses = dial("1234", RATE)
    audio[:, 0] = overlay(audio[:, 0], keyed, 6.0)
    recording_id = upload(api, people["pbx"], call.call_id, audio)
    before = api.get(f"/v1/recordings/{recording_id}", headers=people["cora"]).json()
    redacting = vault_settings.model_copy(update={"redact_stray_dtmf": True})
    assert analyse_recordings(JobContext(redacting, db)) == 1
    body = api.get(f"/v1/recordings/{recording_id}/findings", headers=people["cora"]).json()
    [stray] = [f for f in body["findings"] if f["kind"] == "dtmf_in_recording"]
    assert stray["detail"]["redacted"] is True
    after = api.get(f"/v1/recordings/{recording_id}", headers=people["cora"]).json()
    assert (
        after["sha256"] != before["sha256"]
        and after["original_sha256"] == before["original_sha256"]
    )
    played = api.get(
        f"/v1/recordings/{recording_id}/audio",
        params={"reason": "check redaction"},
        headers=people["cora"],
    )
    assert played.status_code == 200 and detect_dtmf(decode(played.content)) == []
    assert len(played.content) == before["size"]  # same length and format
    trail = api.get(
        "/v1/audit/events", params={"action": "recording.redacted"}, headers=people["audra"]
    ).json()
    assert trail["items"][0]["data"]["previous_sha256"] == before["sha256"]
    assert [
        key for key in objects(vault_settings) if recording_id in key and "redacted" not in key
    ] == []
