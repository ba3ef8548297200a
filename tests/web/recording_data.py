"""Recordings for the console's tests: a vault, the example policy, a cast who sign in, and
calls recorded through the real API and intake (tones, or speech with keypresses in a pause)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
from fastapi.testclient import TestClient
from scipy.signal import resample_poly

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.jobs import JobContext
from callwarden.policy import service as policies
from callwarden.vault.keyring import Keyring
from callwarden.verification.tasks import analyse_recordings
from tests.recordings.conftest import CALIFORNIA
from tests.support.audio import encode, wav
from tests.support.calls import CallDriver
from tests.support.console import PASSWORD, make_person
from tests.support.corpus.phones import make_script
from tests.support.corpus.tones import dial, overlay
from tests.support.corpus.voice import random_voice, render
from tests.support.factories import bearer, make_token
from tests.support.policies import EXAMPLE_TEXT

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
RATE = 8000
# Who signs in: two agents in two teams, East's supervisor, compliance, an auditor.
CAST = {
    "alice": ("agent", "East"),
    "bob": ("agent", "West"),
    "east-lead": ("supervisor", "East"),
    "cora": ("compliance_officer", None),
    "audra": ("auditor", None),
}


def prepare(settings: Settings, db: Database) -> dict[str, str]:
    """A key ring, the example policy in force, the cast; returns the phone system's headers."""
    settings.keyring_path.parent.mkdir(parents=True, exist_ok=True)
    Keyring.create(settings.keyring_path)
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    for username, (role, team) in CAST.items():
        make_person(db, role, username, team=team)
    return bearer(make_token(db, "integration", "pbx"))


def record(
    api: TestClient,
    pbx: dict[str, str],
    agent: str,
    audio: bytes | None = None,
    queue: str = "support",
    pause: tuple[float, float] | None = None,
) -> str:
    """A call taken by `agent` (in their team), recorded and uploaded; the recording's id."""
    team = CAST[agent][1]
    call = CallDriver(api, pbx, {**CALIFORNIA, "queue": queue, "agent_team": team})
    call.ok("notice_played", party="customer")
    call.ok("recording_started", offset_s=0.0)
    if pause is not None:
        call.ok("recording_paused", reason="payment", offset_s=pause[0])
        call.ok("recording_resumed", offset_s=pause[1])
    answer = api.post(
        f"/v1/calls/{call.call_id}/recordings",
        content=audio if audio is not None else wav(2.0),
        headers=pbx,
        params={"idempotency_key": "rec", "agent": agent, "channel_map": "customer,agent"},
    )
    assert answer.status_code == 201, answer.text
    recording_id: str = answer.json()["recording_id"]
    return recording_id


def _speech(seed: int, seconds: float) -> np.ndarray:
    voiced = render(
        make_script(seed, "en", seconds), random_voice(np.random.default_rng(seed)), seed
    )
    return np.asarray(resample_poly(voiced, 1, 2), dtype=np.float32)


def payment_call_audio() -> bytes:
    """20 s: the agent talks, a payment pause from 6 s to 14 s in which card digits are keyed
    (the leak the audio check reports), then the customer talks."""
    audio = np.zeros((20 * RATE, 2), dtype=np.float32)
    audio[:, 1] = overlay(audio[:, 1], _speech(11, 5.0), 0.5)
    keyed, _presses = dial("4111", RATE)
    audio[:, 0] = overlay(audio[:, 0], keyed, 8.0)
    audio[:, 0] = overlay(audio[:, 0], _speech(12, 5.0), 14.5)
    return encode(audio, RATE)


def check_audio(settings: Settings, db: Database) -> None:
    """Run the audio check job, so the recordings have findings."""
    assert analyse_recordings(JobContext(settings, db)) >= 1


def signed_in(app: Any, username: str) -> TestClient:
    """A browser of its own (cookie jar) signed in to the console as `username`."""
    browser = TestClient(app, raise_server_exceptions=False)
    token = csrf_of(browser, "/sign-in")
    answer = browser.post(
        "/sign-in",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return browser


def csrf_of(browser: TestClient, path: str) -> str:
    found = CSRF.search(browser.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def give_reason(browser: TestClient, recording_id: str, reason: str) -> str:
    """Give the reason on the recording's page; the grant the player is given."""
    token = csrf_of(browser, f"/recordings/{recording_id}")
    answer = browser.post(
        f"/recordings/{recording_id}/listen",
        data={"reason": reason, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    grant: str = parse_qs(urlsplit(answer.headers["location"]).query)["grant"][0]
    return grant
