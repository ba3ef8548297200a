"""The Disposals pages in Chromium: from the list to a sweep, and a certificate file checked in
the verifier, then the same file edited by one byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from callwarden.config import Settings
from callwarden.db import Database
from tests.support.console import Console, follow_nav, make_person
from tests.web.disposals_data import disposed

pytestmark = pytest.mark.browser


def test_a_compliance_officer_follows_a_sweep_and_verifies_its_certificate(
    console: Console, db: Database, settings: Settings, tmp_path: Path
) -> None:
    made = disposed(db, settings)
    make_person(db, "compliance_officer", "cora")
    page = console.sign_in("cora")
    follow_nav(page, "Disposals")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Disposals"
    console.shot("disposals-list")
    page.get_by_role("link", name=made.sweep_id, exact=True).click()
    page.wait_for_load_state()
    rows = page.locator("table.disposals-entries tbody tr")
    assert rows.count() == 2
    console.shot("disposals-sweep")

    good = tmp_path / "certificate.json"
    good.write_bytes(made.text.encode())
    console.open("/disposals/verify")
    page.get_by_label("Certificate file").set_input_files(str(good))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    verdict = page.get_by_role("status")
    assert "VERIFIED" in verdict.inner_text() and made.sweep_id in verdict.inner_text()
    console.shot("disposals-verified")

    edited = tmp_path / "edited.json"
    edited.write_bytes(made.text.encode().replace(b'"rule": "r', b'"rule": "R', 1))
    page.get_by_label("Certificate file").set_input_files(str(edited))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "NOT VERIFIED" in alert.inner_text()
    assert "recordings[0] (entry 1, recording" in alert.inner_text()
    console.shot("disposals-not-verified")
