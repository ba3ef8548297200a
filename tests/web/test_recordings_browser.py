"""Recordings in Chromium: a supervisor gives a reason and plays a team recording (and the
access is in the audit trail with that reason); an agent cannot open another's by URL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import AuditEvent
from tests.support.console import Console
from tests.web.recording_data import check_audio, payment_call_audio, prepare, record

pytestmark = pytest.mark.browser
REASON = "Complaint 8812: customer says the card was read out"


@pytest.fixture
def api(settings: Settings, db: Database) -> Iterator[TestClient]:
    """The API beside the served console, to record calls as the phone system does."""
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


def trail(db: Database, recording_id: str) -> list[tuple[str, str, str | None]]:
    with db.reading() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.reason)
            .where(AuditEvent.target == f"recording:{recording_id}")
            .order_by(AuditEvent.seq)
        )
        return [(action, actor, reason) for action, actor, reason in rows]


def test_a_supervisor_plays_a_team_recording_after_giving_a_reason(
    console: Console, api: TestClient, settings: Settings, db: Database
) -> None:
    pbx = prepare(settings, db)
    recording_id = record(api, pbx, "alice", payment_call_audio(), queue="payments", pause=(6, 14))
    record(api, pbx, "bob")  # another team's: not listed for East's supervisor
    check_audio(settings, db)
    page = console.sign_in("east-lead")
    page.get_by_role("link", name="Recordings").click()
    page.wait_for_load_state()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and recording_id in rows.first.inner_text()
    console.shot("recordings-search")
    page.get_by_role("link", name=recording_id).click()
    page.wait_for_load_state()
    assert page.locator("audio").count() == 0  # no player before the reason
    page.get_by_label("Why are you listening to this recording?").fill(REASON)
    page.get_by_role("button", name="Give reason and listen").click()
    page.wait_for_load_state()
    player = page.locator("audio")
    player.wait_for()
    duration = page.evaluate(
        """async () => {
          const audio = document.querySelector("audio");
          if (audio.readyState < 1) await new Promise(r => audio.addEventListener("loadedmetadata", r, {once: true}));
          audio.muted = true;
          await audio.play();
          audio.currentTime = 12;
          await new Promise(r => audio.addEventListener("seeked", r, {once: true}));
          audio.pause();
          return audio.duration;
        }"""
    )
    assert abs(duration - 20.0) < 0.1
    picture = page.locator("figure.energy svg")
    assert picture.is_visible()
    labels = picture.locator("text").all_text_contents()
    assert "P1 payment" in labels and any(label.startswith("F") for label in labels)
    assert page.get_by_text(REASON).is_visible()
    console.shot("recording-page")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    console.sign_in("cora")  # compliance reads who has listened, with why
    console.open(f"/recordings/{recording_id}")
    log = page.locator("table.access-log")
    assert "east-lead" in log.inner_text() and REASON in log.inner_text()
    console.shot("recording-access-log")
    events = trail(db, recording_id)
    assert ("recording.listening_granted", "user:east-lead", REASON) in events
    played = [e for e in events if e[0] == "recording.played"]
    assert played and all(e[1:] == ("user:east-lead", REASON) for e in played)


def test_an_agent_cannot_open_another_agents_recording_by_url(
    console: Console, api: TestClient, settings: Settings, db: Database
) -> None:
    pbx = prepare(settings, db)
    bobs = record(api, pbx, "bob")
    page = console.sign_in("alice")
    answer = page.goto(f"{console.base}/recordings/{bobs}")
    assert answer is not None and answer.status == 404
    shown = page.locator("main").inner_text()
    assert bobs not in shown and "nothing at this address that you may see" in shown
    missing = page.goto(f"{console.base}/recordings/rec_that_never_was")
    assert missing is not None and missing.status == 404
    assert page.locator("main").inner_text() == shown
    audio = page.goto(f"{console.base}/recordings/{bobs}/audio")
    assert audio is not None and audio.status == 404
    assert ("access.denied", "user:alice") in [e[:2] for e in trail(db, bobs)]
