"""Each role's navigation bar shows exactly its pages, and the pages it does not show refuse
that role with the page naming the roles that may open them (the refusal audited)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.models import AuditEvent
from tests.support.console import Console, make_person
from tests.web.test_session import sign_in

EVERYONE = {
    "Home", "Tokens", "Account", "Policy", "Law", "My training", "About recording", "My cases"
}  # fmt: skip
# The specification, written out per role (not derived from the permission table it checks).
NAVIGATION = {
    "admin": EVERYONE
    | {
        "Calls",
        "Recordings",
        "Holds",
        "Disposals",
        "Checks",
        "Reports",
        "Training",
        "Audit trail",
        "Administration",
    },
    "compliance_officer": EVERYONE
    | {
        "QA",
        "Calls",
        "Recordings",
        "Holds",
        "Disposals",
        "Checks",
        "Reports",
        "Training",
        "Subject requests",
        "Audit trail",
        "Administration",
        "Cases",
    },
    "auditor": EVERYONE
    | {
        "QA",
        "Calls",
        "Recordings",
        "Holds",
        "Disposals",
        "Checks",
        "Reports",
        "Training",
        "Subject requests",
        "Audit trail",
        "Administration",
        "Cases",
    },
    "legal": EVERYONE
    | {"Calls", "Recordings", "Holds", "Disposals", "Checks", "Reports", "Subject requests"}
    | {"Cases"},
    "supervisor": EVERYONE | {"Calls", "Recordings", "QA"},
    "agent": EVERYONE | {"Calls", "Recordings", "My evaluations"},
    "qa_reviewer": EVERYONE | {"Recordings", "QA"},
}
PAGES = {
    "Calls": "/calls",
    "Recordings": "/recordings",
    "Holds": "/holds",
    "Disposals": "/disposals",
    "Subject requests": "/subjects",
    "Checks": "/checks",
    "Reports": "/reports/compliance",
    "Audit trail": "/audit",
    "Administration": "/admin",
    "QA": "/qa",
    "My evaluations": "/qa/mine",
    "My training": "/training/mine",
    "Training": "/training/records",
    "My cases": "/cases",
    "Cases": "/cases/desk",
}
MAIN_NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)


def shown(html: str) -> set[str]:
    found = MAIN_NAV.search(html)
    assert found, "no navigation bar"
    return set(re.findall(r"<a [^>]*>([^<]+)</a>", found.group(1)))


@pytest.mark.parametrize("role", sorted(NAVIGATION))
def test_each_role_sees_its_pages_and_is_refused_the_others(
    client: TestClient, db: Database, role: str
) -> None:
    make_person(db, role, f"{role.replace('_', '-')}-person", team="north")
    sign_in(client, f"{role.replace('_', '-')}-person")
    assert shown(client.get("/home").text) == NAVIGATION[role]
    for label, path in PAGES.items():
        answer = client.get(path)
        if label in NAVIGATION[role]:
            assert answer.status_code == 200, (role, path, answer.text[:300])
        else:
            assert answer.status_code == 403, (role, path)
            assert "Not allowed" in answer.text and "needs one of the roles" in answer.text
    with db.reading() as session:
        denials = session.scalars(
            select(AuditEvent.target).where(AuditEvent.action == "access.denied")
        ).all()
    refused = {path for label, path in PAGES.items() if label not in NAVIGATION[role]}
    assert {target.split(" ", 1)[1] for target in denials} >= refused


@pytest.mark.browser
def test_the_bar_in_chromium_for_an_agent(console: Console, db: Database) -> None:
    make_person(db, "agent", "ada-agent", team="north")
    page = console.sign_in("ada-agent")
    bar = page.get_by_role("navigation", name="Main")
    labels = {text.strip() for text in bar.locator("a").all_text_contents()}
    assert labels == NAVIGATION["agent"]
    assert bar.get_by_role("link", name="My training").count() == 0  # inside a closed menu
    page.keyboard.press("Tab")  # the first stop is the skip link, for keyboard users
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    bar.locator("summary", has_text="My work").click()
    assert bar.get_by_role("link", name="My training").is_visible()
    console.shot("navigation-menu-open")
    page.keyboard.press("Escape")  # closes the menu again
    assert not bar.get_by_role("link", name="My training").is_visible()
