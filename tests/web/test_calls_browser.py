"""The calls pages in Chromium: a compliance officer goes from home to the list to a call, and
an agent's home shows their own calls."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from tests.support.console import Console, make_person
from tests.support.console_calls import (
    full_call,
    open_finding,
    phone_system,
    quiet_call,
    upload_recording,
)

pytestmark = pytest.mark.browser


def test_a_compliance_officer_opens_a_call_from_the_list(
    console: Console, db: Database, settings: Settings
) -> None:
    make_person(db, "compliance_officer", "cora")
    make_person(db, "agent", "ann", team="red")
    with TestClient(create_app(settings, db)) as api:
        pbx = phone_system(db, settings)
        call = full_call(api, pbx, agent="ann", queue="billing", external_id="pbx-7731")
        recording = upload_recording(api, pbx, call.call_id)
        open_finding(db, recording, "notice_missing", "The notice is not on the customer's side")
        quiet_call(api, pbx, queue="sales")
        quiet_call(api, pbx, queue="support", agent="ann")

    page = console.sign_in("cora")
    assert page.get_by_role("heading", name="Calls with violations").is_visible()
    assert page.get_by_role("link", name=recording).is_visible()
    console.shot("home-compliance-officer")
    page.get_by_role("link", name="Calls", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Calls", exact=True).get_attribute("aria-current")
    page.get_by_label("State").select_option("ended")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/calls?*state=ended*")  # htmx swaps the results and moves the address
    rows = page.locator("table.calls tbody tr")
    assert rows.count() == 1
    console.shot("calls-list")
    rows.first.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/calls/{call.call_id}")
    assert page.get_by_role("note").first.inner_text().startswith("Not legal advice.")
    timeline = page.get_by_role("img", name=f"Consent timeline of call {call.call_id}")
    assert timeline.is_visible()
    assert timeline.locator("text", has_text="consent given").count() == 1
    assert page.get_by_role("cell", name="no events are accepted after call_ended").is_visible()
    console.shot("call-page")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    console.sign_in("ann")
    assert page.get_by_role("heading", name="Your recent calls").is_visible()
    own = page.locator("section[aria-labelledby=h-own] tbody tr")
    assert own.count() == 2
    console.shot("home-agent")
