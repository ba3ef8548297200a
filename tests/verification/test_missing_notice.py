"""A recording of a call whose decision required a notice the ledger never got is not "allowed
by the consent ledger": the policy keeps it with a violation and a high finding (which the audio
check clears when it hears the notice after all), or refuses it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.policy import service as policies
from tests.recordings.conftest import CALIFORNIA
from tests.support.audio import encode
from tests.support.calls import CallDriver
from tests.support.corpus.tones import overlay
from tests.support.policies import as_text, example_data
from tests.verification.test_findings import check, prompt, speech, two_channels, with_prompt

__all__ = ["prompt", "with_prompt"]  # fixtures shared with test_findings
RATE = 8000


def unannounced_upload(api: TestClient, pbx: dict[str, str], audio: np.ndarray) -> Any:
    """A call with no ledger events at all, and its recording uploaded anyway."""
    call = CallDriver(api, pbx, CALIFORNIA)
    started = (call.clock + timedelta(seconds=2)).isoformat()
    response = api.post(
        f"/v1/calls/{call.call_id}/recordings",
        content=encode(audio, RATE),
        headers=pbx,
        params={"idempotency_key": "rec", "channel_map": "customer,agent", "started_at": started},
    )
    return call, response


def audit_events(api: TestClient, people: dict[str, dict[str, str]], action: str) -> Any:
    return api.get("/v1/audit/events", params={"action": action}, headers=people["audra"]).json()[
        "items"
    ]


def findings_of(api: TestClient, cora: dict[str, str], recording_id: str) -> dict[str, Any]:
    rows = api.get("/v1/findings", params={"recording_id": recording_id}, headers=cora).json()
    return {row["kind"]: row for row in rows["items"]}


def test_kept_with_a_violation_on_the_call_and_a_high_finding(
    api: TestClient,
    people: dict[str, dict[str, str]],
    vault_settings: Settings,
    db: Database,
    with_prompt: None,
) -> None:
    audio = two_channels(12.0)
    audio[:, 1] = overlay(audio[:, 1], speech(60, 5.0), 1.0)  # the agent talks; no notice
    call, response = unannounced_upload(api, people["pbx"], audio)
    assert response.status_code == 201, response.text
    recording_id = response.json()["recording_id"]
    [stored] = audit_events(api, people, "recording.stored")
    assert "allows" not in stored["reason"]
    assert "required a notice for customer" in stored["reason"]
    assert "keep_with_violation" in stored["reason"]
    [violation] = call.consent()["violations"]
    assert violation["kind"] == "recording_stored" and "holds none" in violation["reason"]
    finding = findings_of(api, people["cora"], recording_id)["notice_not_in_ledger"]
    assert (finding["severity"], finding["status"], finding["check"]) == ("high", "open", "intake")
    assert finding["detail"] == {"parties": ["customer"]}
    # The audio does not show the notice either: the finding stays open, and the audio check
    # adds its own.
    found = check(api, people, vault_settings, db, recording_id)
    assert found["notice_missing"][0]["severity"] == "high"
    still = findings_of(api, people["cora"], recording_id)["notice_not_in_ledger"]
    assert still["status"] == "open"


def test_the_audio_check_clears_it_when_it_hears_the_notice(
    api: TestClient,
    people: dict[str, dict[str, str]],
    vault_settings: Settings,
    db: Database,
    prompt: np.ndarray,
    with_prompt: None,
) -> None:
    audio = two_channels(14.0)
    audio[:, 1] = overlay(audio[:, 1], prompt, 1.0)  # the notice was played after all
    _call, response = unannounced_upload(api, people["pbx"], audio)
    assert response.status_code == 201, response.text
    recording_id = response.json()["recording_id"]
    found = check(api, people, vault_settings, db, recording_id)
    assert "notice_verified" in found and "notice_missing" not in found
    cleared = findings_of(api, people["cora"], recording_id)["notice_not_in_ledger"]
    assert (cleared["status"], cleared["status_by"]) == ("resolved", "system:audio-check")
    assert "the audio check heard it" in cleared["status_reason"]
    [resolved] = audit_events(api, people, "finding.resolved")
    assert resolved["target"] == f"finding:{cleared['finding_id']}"


def test_the_policy_can_refuse_it(
    api: TestClient, people: dict[str, dict[str, str]], db: Database
) -> None:
    data = example_data()
    data["consent"]["missing_notice"] = "refuse"
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, as_text(data), "refusing.yaml")
    call, response = unannounced_upload(api, people["pbx"], two_channels(6.0))
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["code"] == "recording_refused"
    assert "required a notice for customer" in problem["detail"]
    assert "consent.missing_notice: refuse" in problem["detail"]
    [refused] = audit_events(api, people, "recording.refused")
    assert refused["target"] == f"call:{call.call_id}" and refused["reason"] == problem["detail"]
    listed = api.get(
        "/v1/recordings", params={"call_id": call.call_id}, headers=people["cora"]
    ).json()
    assert listed["items"] == []
