"""Signing in and out in Chromium, as a person does it."""

from __future__ import annotations

import pytest

from callwarden.db import Database
from tests.support.console import Console, make_person

pytestmark = pytest.mark.browser


def test_sign_in_and_sign_out_in_a_browser(console: Console, db: Database) -> None:
    make_person(db, "compliance_officer", "cora-compliance")
    page = console.open("/")  # a browser asking for / is sent to the console, then to sign in
    assert "/sign-in" in page.url
    console.shot("sign-in")
    console.sign_in("cora-compliance", "not the password")
    assert page.get_by_role("alert").inner_text() == "wrong username or password"
    console.sign_in("cora-compliance")
    assert page.url.endswith("/home")
    assert page.get_by_text("cora-compliance").first.is_visible()
    console.shot("home-compliance-officer")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert "/sign-in" in page.url
    assert page.get_by_role("status").inner_text() == "You have signed out."
    console.open("/home")
    assert "/sign-in" in page.url  # the session is over, not only hidden


def test_times_are_shown_in_the_viewers_zone_with_utc_on_hover(
    console: Console, db: Database
) -> None:
    make_person(db, "agent", "ada-agent")
    page = console.sign_in("ada-agent")
    page.set_content('<time datetime="2026-06-01T12:00:00Z" title="2026-06-01 12:00 UTC">x</time>')
    page.add_script_tag(url=console.base + "/static/console/console.js")
    page.evaluate("document.dispatchEvent(new Event('DOMContentLoaded'))")
    shown = page.locator("time").inner_text()
    assert "14:00" in shown  # Europe/Berlin in summer, the browser context's zone
    assert page.locator("time").get_attribute("title") == "2026-06-01 12:00 UTC"


def test_a_form_posted_without_its_csrf_token_is_refused_in_the_browser(
    console: Console, db: Database
) -> None:
    make_person(db, "agent", "ada-agent")
    page = console.sign_in("ada-agent")
    page.evaluate(  # as a forged form would be: the same fields, no token
        "document.querySelectorAll('input[name=csrf_token]').forEach((field) => field.remove())"
    )
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Form refused").is_visible()
    console.shot("csrf-refused")
    console.open("/home")
    assert page.url.endswith("/home")  # the refused sign-out did nothing
