"""A subject request in Chromium: a compliance officer opens an erasure request from the form,
finds the person's calls, goes through the erase confirm step (a held recording is kept) and
reads the response letter; screenshots of the list, the request and the confirm step."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.retention import holds
from callwarden.signing import create_signing_key_file
from tests.support.console import Console
from tests.web.recording_data import prepare, record

pytestmark = pytest.mark.browser
NUMBER = "+14155550123"


def test_an_erasure_request_from_the_form_to_the_letter(
    console: Console, db: Database, settings: Settings
) -> None:
    create_signing_key_file(settings.signing_key_path)  # an erasure's sweep is certified
    with TestClient(create_app(settings, db)) as api:
        pbx = prepare(settings, db)
        kept = record(api, pbx, "alice")
        record(api, pbx, "bob")
    with db.unit_of_work() as session:
        legal = Principal(actor="user:lee", role=Role.LEGAL)
        holds.create(session, legal, "Doe v Bank", "claim expected", {"recording_ids": [kept]})
    page = console.sign_in("cora")
    console.open("/subjects")
    page.get_by_label("Kind").select_option("erasure")
    page.get_by_label("Phone numbers (E.164, one a line)").fill("+1 (415) 555-0123")
    page.get_by_label("Law").select_option("ccpa")
    page.get_by_label("Received (UTC)").fill("2026-11-20T09:30:00")
    page.get_by_label("How the person's identity was verified").fill("account PIN and address")
    page.get_by_label("Verified by").fill("Cora")
    page.get_by_role("button", name="Open the request").click()
    page.wait_for_url("**/subjects/dsr_*")
    page.get_by_role("button", name="Find every call and recording").click()
    page.wait_for_url("**#found")
    assert page.get_by_text("2 call(s), 2 recording(s)").is_visible()
    assert page.get_by_text("Cal. Civ. Code § 1798.130(a)(2)").first.is_visible()
    console.shot("subjects-request")
    page.get_by_role("link", name="Erase…").click()
    assert page.get_by_role("heading", name="Would be destroyed (1)").is_visible()
    assert page.get_by_role("heading", name="Kept, and why (1)").is_visible()
    console.shot("subjects-erase-confirm")
    page.get_by_role("button", name="Erase now").click()  # the tick is required first
    assert "/erase" in page.url
    page.get_by_label("I confirm").check()
    page.get_by_role("button", name="Erase now").click()
    page.wait_for_url("**#letter")
    letter = page.locator("#letter")
    assert letter.get_by_text("Erased (1 recording(s))").is_visible()
    assert letter.get_by_text("Doe v Bank", exact=False).is_visible()
    console.shot("subjects-letter")
    console.open("/subjects")
    console.shot("subjects-list")
