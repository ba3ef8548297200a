"""About recording in Chromium: a supervisor listens to an agent's call with a reason; the
agent opens "About recording" from the navigation and reads the rules and who listened, why."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from tests.support.console import Console, follow_nav
from tests.web.recording_data import prepare, record

pytestmark = pytest.mark.browser
REASON = "Coaching: the refund script on call 4471"


@pytest.fixture
def api(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


def test_an_agent_reads_about_recording_and_who_listened(
    console: Console, api: TestClient, settings: Settings, db: Database
) -> None:
    pbx = prepare(settings, db)
    recording_id = record(api, pbx, "alice", queue="payments")
    page = console.sign_in("east-lead")
    console.open(f"/recordings/{recording_id}")
    page.get_by_label("Why are you listening to this recording?").fill(REASON)
    page.get_by_role("button", name="Give reason and listen").click()
    page.locator("audio").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    page = console.sign_in("alice")
    follow_nav(page, "About recording")
    page.wait_for_load_state()
    assert page.get_by_role(
        "heading", name="Which of your calls are recorded, and why"
    ).is_visible()
    assert page.get_by_role("link", name="Ask for a private call to be removed").is_visible()
    assert page.get_by_role("link", name="Raise a concern").is_visible()
    access = page.locator("table.about-access")
    row = access.locator("tbody tr")
    assert row.count() == 1
    assert "east-lead" in row.inner_text() and REASON in row.inner_text()
    assert recording_id in row.inner_text()
    console.shot("about-recording")
