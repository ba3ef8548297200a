"""htmx: a filter or the next page replaces the results in place (the address follows, so the
back button and a shared link still work); without JavaScript the same form loads the page."""

from __future__ import annotations

import pytest

from callwarden.audit import service as audit
from callwarden.db import Database
from tests.support.console import Console, make_person

pytestmark = pytest.mark.browser


def test_filtering_the_audit_trail_updates_the_table_in_place(
    console: Console, db: Database
) -> None:
    make_person(db, "auditor", "aude-auditor")
    make_person(db, "agent", "ada-agent")
    page = console.sign_in("aude-auditor")
    console.open("/audit")
    page.evaluate("window.stillTheSamePage = true")
    with page.expect_request(lambda request: "action=user.created" in request.url) as sent:
        page.get_by_label("Action").fill("user.created")
        page.get_by_role("button", name="Filter").click()
    assert sent.value.headers.get("hx-request") == "true"
    page.wait_for_url("**/audit?*action=user.created*")
    actions = page.locator("#results tbody tr td:nth-child(4)").all_inner_texts()
    assert page.evaluate("window.stillTheSamePage === true")  # no full page load
    rows = page.locator("#results tbody tr").count()
    assert rows >= 2 and all("user.created" in text for text in actions), actions


def test_the_filter_form_works_without_javascript(
    browser_without_scripts: Console, db: Database
) -> None:
    make_person(db, "auditor", "aude-auditor")
    console = browser_without_scripts
    page = console.sign_in("aude-auditor")
    console.open("/audit")
    page.get_by_label("Action").fill("user.created")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/audit?*action=user.created*")
    actions = page.locator("#results tbody tr td:nth-child(4)").all_inner_texts()
    assert actions and all("user.created" in text for text in actions), actions


def test_the_next_page_replaces_the_results_in_place(console: Console, db: Database) -> None:
    make_person(db, "auditor", "aude-auditor")
    with db.unit_of_work() as session:
        for number in range(60):  # more than one page of the trail
            audit.record(session, actor="system", action="test.filler", target=f"thing:{number}")
    page = console.sign_in("aude-auditor")
    console.open("/audit")
    first = page.locator("#results tbody tr td:first-child").first.inner_text()
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**/audit?*cursor=*")
    page.wait_for_function(
        "first => document.querySelector('#results tbody td').textContent.trim() !== first",
        arg=first,
    )
    assert page.evaluate("window.stillTheSamePage === true")
    assert int(page.locator("#results tbody tr td:first-child").first.inner_text()) < int(first)


def test_a_table_sorts_by_the_column_whose_header_is_pressed(
    console: Console, db: Database
) -> None:
    make_person(db, "auditor", "aude-auditor")
    page = console.sign_in("aude-auditor")
    console.open("/audit")

    def positions() -> list[int]:
        cells = page.locator("#results tbody tr td:first-child").all_inner_texts()
        return [int(cell) for cell in cells]

    assert positions() == sorted(positions(), reverse=True)  # newest first, as served
    header = page.get_by_role("button", name="Position")
    header.focus()
    page.keyboard.press("Enter")  # by keyboard, as by mouse
    assert positions() == sorted(positions())
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "ascending"
    header.click()
    assert positions() == sorted(positions(), reverse=True)
