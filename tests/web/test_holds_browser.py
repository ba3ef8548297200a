"""Legal holds in Chromium: a legal user makes a hold on a phone number a recording exists for,
confirms it after seeing what it keeps, sees the recording covered, and releases it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from tests.support.console import Console, follow_nav, make_person
from tests.web.holds_data import audited, call_from
from tests.web.recording_data import prepare
from tests.web.test_accessibility_browser import AUDIT_PAGE

pytestmark = pytest.mark.browser


@pytest.fixture
def api(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


def test_a_legal_user_holds_a_number_sees_it_covered_and_releases_it(
    console: Console, api: TestClient, settings: Settings, db: Database
) -> None:
    pbx = prepare(settings, db)
    recording_id = call_from(api, pbx, "+14155550123")
    call_from(api, pbx, "+14155550999", agent="bob")  # another number: not covered
    make_person(db, "legal", "lee")
    page = console.sign_in("lee")
    follow_nav(page, "Holds")
    page.get_by_role("link", name="Make a new hold").click()
    page.get_by_label("Matter").fill("Smith v. Bank <2026-114>")
    page.get_by_label("Reason (kept in the audit trail)").fill("Claim filed on 27 November")
    page.get_by_label("Phone numbers (E.164)").fill("+1 (415) 555-0123")
    console.shot("holds-new")
    page.get_by_role("button", name="Check what it keeps").click()
    page.wait_for_load_state()
    confirm = page.get_by_role("status")
    assert "This hold covers 1 recording now and every future call from or to +14155550123" in (
        confirm.inner_text()
    )
    assert page.get_by_role("link", name=recording_id).count() == 1
    assert page.evaluate(AUDIT_PAGE) == []
    console.shot("holds-confirm")
    page.get_by_role("button", name="Create the hold").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Hold: Smith v. Bank <2026-114>"
    assert "1 recording now" in page.get_by_role("region", name="What it keeps now").inner_text()
    assert page.evaluate(AUDIT_PAGE) == []
    console.shot("holds-hold")
    page.get_by_role("link", name=recording_id).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Smith v. Bank <2026-114>").count() == 1
    page.go_back()
    page.get_by_label("Why it is released (kept in the audit trail)").fill("Claim settled")
    page.get_by_role("button", name="Release…").click()
    page.wait_for_load_state()
    assert "It keeps 1 recording now." in page.get_by_role("status").inner_text()
    console.shot("holds-release-confirm")
    page.get_by_role("button", name="Release the hold").click()
    page.wait_for_load_state()
    assert "The hold is released" in page.get_by_role("status").inner_text()
    console.shot("holds-released")
    hold_id = page.url.split("/holds/", 1)[1].split("?", 1)[0]
    console.open("/holds?state=all")
    assert page.get_by_role("link", name="Smith v. Bank <2026-114>").count() == 1
    console.shot("holds-list")
    [released] = audited(db, "hold.released", hold_id)
    assert released.actor == "user:lee" and released.reason == "Claim settled"
