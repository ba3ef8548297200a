"""A recording's page shows its retention schedule and the reasons for it, in words."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from callwarden.config import Settings
from callwarden.db import Database
from tests.web.recording_data import prepare, record, signed_in


@pytest.fixture
def pbx(settings: Settings, db: Database) -> dict[str, str]:
    return prepare(settings, db)


def test_the_page_shows_the_schedule_and_why_the_duty_to_keep_wins(
    client: TestClient, pbx: dict[str, str]
) -> None:
    own = record(client, pbx, "alice")
    page = signed_in(client.app, "alice").get(f"/recordings/{own}").text
    assert "Retention schedule" in page
    assert "May be disposed of from" in page and "Must be disposed of by" in page
    assert "the policy disposes at the earliest moment" in page
    assert "policy version 1" in page
    # Support calls: dispute resolution's year outlasts quality's six months.
    assert "the duty to keep wins" in page and "the quality purpose" in page
    assert "no rule sets a limit" not in page
