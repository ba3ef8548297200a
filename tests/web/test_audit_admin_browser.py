"""The audit trail and administration in Chromium: a tampered chain is reported, and an
administrator creates a person and a token, each secret shown once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from callwarden.audit import service as audit
from callwarden.db import Database
from tests.support.console import Console, follow_nav, make_person

pytestmark = pytest.mark.browser


def test_the_verify_action_reports_a_tampered_chain(console: Console, db: Database) -> None:
    make_person(db, "auditor", "aude-auditor")
    for number in range(8):
        with db.unit_of_work() as session:
            audit.record(
                session,
                actor="user:sam-supervisor",
                action="recording.played",
                target=f"recording:rec_{number}",
                reason="QA review",
                data={"offset_s": number * 12, "note": "<script>alert(1)</script>"},
            )
    page = console.sign_in("aude-auditor")
    follow_nav(page, "Audit trail")
    page.wait_for_load_state()
    assert page.locator("table.audit-events tbody tr").count() >= 8
    assert page.get_by_text('note: "<script>alert(1)</script>"').first.is_visible()
    console.shot("audit-trail")
    page.get_by_role("button", name="Verify the chain").click()
    page.wait_for_load_state()
    assert "The chain verifies" in page.get_by_role("status").inner_text()
    with db.engine.begin() as connection:  # someone with the database's password edits a row
        tampered = connection.execute(
            text("SELECT seq FROM audit_events WHERE target = 'recording:rec_3'")
        ).scalar_one()
        connection.execute(
            text("UPDATE audit_events SET reason = 'nothing to see' WHERE seq = :s"),
            {"s": tampered},
        )
    page.get_by_role("link", name="Verify again").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert").inner_text()
    assert f"event {tampered} content does not match its hash (edited)" in alert
    console.shot("audit-verify-tampered")
    page.get_by_role("link", name=f"Show position {tampered} in the trail").click()
    page.wait_for_load_state()
    row = page.locator(f"#event-{tampered}")
    assert "nothing to see" in row.inner_text()
    assert page.evaluate("location.hash") == f"#event-{tampered}"


def test_an_admin_creates_a_user_and_a_token(console: Console, db: Database) -> None:
    make_person(db, "admin", "ari-admin")
    make_person(db, "supervisor", "sam-supervisor", team="north")
    page = console.sign_in("ari-admin")
    page.get_by_role("link", name="Administration").click()
    page.wait_for_load_state()
    page.get_by_label("Username (lower case, 2–64 characters)").fill("nina-agent")
    page.get_by_label("Display name").first.fill("Nina <Agent>")
    page.get_by_label("Role").select_option("agent")
    page.get_by_label("Team").select_option("north")
    page.get_by_role("button", name="Create user").click()
    page.wait_for_load_state()
    password = page.locator("code.secret").inner_text()
    assert len(password) >= 12
    assert "must be changed at first sign-in" in page.locator(".once").inner_text()
    page.get_by_role("link", name="Back to the users").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="Nina <Agent>", exact=True).is_visible()
    assert password not in page.content()
    console.shot("admin-users")
    page.get_by_role("link", name="Tokens", exact=True).first.click()
    page.wait_for_load_state()
    page.get_by_label("Name (what it is for)").fill("reporting script")
    page.get_by_label("Valid for (days, 1–366)").fill("30")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()
    token = page.locator("code.secret").inner_text()
    assert re.fullmatch(r"cwt_\S+\.\S+", token)
    page.get_by_role("link", name="Back to the tokens").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="reporting script", exact=True).is_visible()
    assert token not in page.content()
    console.shot("admin-tokens")
    console.open("/admin/users/ari-admin")
    console.shot("admin-user")
    page.get_by_label("Reason (kept in the audit trail)").first.fill("testing")
    page.get_by_role("button", name="Disable ari-admin").click()
    page.wait_for_load_state()
    assert "would leave no active administrator" in page.get_by_role("alert").inner_text()
    console.shot("admin-last-admin-refused")
