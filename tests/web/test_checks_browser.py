"""Checks in Chromium: a compliance officer runs the checks now, opens what the run found and
accepts a finding as a risk with an expiry; each page passes the accessibility audit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callwarden.db import Database
from tests.checks.conftest import DAY
from tests.support import bulk
from tests.support.console import Console, follow_nav, make_person
from tests.web.test_accessibility_browser import AUDIT_PAGE

pytestmark = pytest.mark.browser


def test_an_officer_runs_the_checks_and_accepts_a_risk(console: Console, db: Database) -> None:
    row = bulk.new_row(1, DAY, extra={"dispose_by": DAY - timedelta(days=3)})
    bulk.load(db, [row])
    make_person(db, "compliance_officer", "cora")
    page = console.sign_in("cora")
    follow_nav(page, "Checks")
    page.get_by_label("From (UTC day, inclusive)").fill(f"{DAY:%Y-%m-%d}")
    page.get_by_label("To (UTC day, inclusive)").fill(f"{DAY:%Y-%m-%d}")
    console.shot("checks-runs")
    assert page.evaluate(AUDIT_PAGE) == []
    page.get_by_role("button", name="Run checks now").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Check run")
    assert page.evaluate(AUDIT_PAGE) == []
    console.shot("checks-run")
    page.get_by_role("region", name="high findings of retention").get_by_role("link").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name=row.recording_id).count() == 1
    page.get_by_label("Accept the risk: why it is left as it is").fill("restore test under way")
    page.get_by_label("Look at it again on (optional)").fill("2099-01-31")
    assert page.evaluate(AUDIT_PAGE) == []
    console.shot("checks-finding")
    page.get_by_role("button", name="Accept the risk").click()
    page.wait_for_load_state()
    assert "Done: accept-risk" in page.get_by_role("status").inner_text()
    assert "accepted_risk" in page.locator("main").inner_text()
