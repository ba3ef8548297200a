"""The retention schedule in Chromium: a recording's page, and a draft's preview of its effect."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from tests.support.console import Console
from tests.support.policies import as_text, example_data
from tests.web.recording_data import prepare, record

pytestmark = pytest.mark.browser


@pytest.fixture
def api(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


def test_the_schedule_and_a_drafts_preview_read_in_words(
    console: Console, api: TestClient, settings: Settings, db: Database
) -> None:
    pbx = prepare(settings, db)
    recording_id = record(api, pbx, "alice")
    page = console.sign_in("cora")
    page.goto(f"{console.base}/recordings/{recording_id}")
    section = page.locator("section", has=page.get_by_role("heading", name="Retention schedule"))
    assert "the duty to keep wins" in section.inner_text()
    section.scroll_into_view_if_needed()
    console.shot("retention-recording-schedule")
    data = example_data()
    data["purposes"]["dispute_resolution"]["retention"] = {"min": "P6M", "max": "P2Y"}
    page.goto(f"{console.base}/policy/draft")
    page.get_by_label("…or the YAML text (used when no file is chosen)").fill(as_text(data))
    page.get_by_role("button", name="Check the draft").click()
    page.wait_for_load_state()
    preview = page.locator("section.retention-preview")
    assert "disposed of earlier" in preview.inner_text()
    console.shot("retention-draft-preview")
