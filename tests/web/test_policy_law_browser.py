"""The policy and law pages in Chromium: a compliance officer uploads a draft with an error and
sees the problem at its line; screenshots of each page for a person to look at."""

from __future__ import annotations

from playwright.sync_api import FilePayload, expect

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.models import PolicyVersion
from callwarden.policy import service
from tests.support.console import Console, follow_nav, make_person
from tests.support.policies import EXAMPLE_TEXT


def test_a_compliance_officer_sees_a_drafts_problem_at_its_line(
    console: Console, db: Database
) -> None:
    with db.unit_of_work() as session:
        service.apply(session, SYSTEM, EXAMPLE_TEXT.replace("rate: 0.2", "rate: 0.3"), "first")
        service.apply(session, SYSTEM, EXAMPLE_TEXT, "sample one sales call in five")
    make_person(db, "compliance_officer", "carol-co")
    page = console.sign_in("carol-co")
    follow_nav(page, "Policy")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Call recording policy")
    expect(page.get_by_role("note").first).to_contain_text("Not legal advice")
    console.shot("policy")

    page.get_by_role("link", name="Version history").click()
    expect(page.get_by_role("cell", name="sample one sales call in five")).to_be_visible()
    console.shot("policy-history")
    page.get_by_role("link", name="diff with version 1").click()
    expect(page.locator("table.diff tr.removed")).to_contain_text("− removed")
    console.shot("policy-diff")
    page.go_back()

    draft = EXAMPLE_TEXT.replace("on_withdrawal:", "on_withdrawl:")
    line = next(n for n, row in enumerate(draft.splitlines(), 1) if "on_withdrawl" in row)
    page.get_by_role("link", name="Check or apply a draft").click()
    upload: FilePayload = {"name": "draft.yaml", "mimeType": "text/yaml", "buffer": draft.encode()}
    page.get_by_label("YAML file").set_input_files(files=[upload])
    page.get_by_role("button", name="Check the draft").click()
    expect(page.get_by_role("alert")).to_contain_text("Not valid: 1 error(s)")
    problem = page.locator("table.problems tbody tr").first
    expect(problem.locator("td").first).to_have_text(str(line))
    marked = page.locator(f"#line-{line}")
    expect(marked).to_have_class("marked error")
    expect(marked).to_contain_text("▶ error")
    expect(marked).to_contain_text(f"line {line}, error: Extra inputs are not permitted")
    expect(page.get_by_role("button", name="Continue to apply…")).to_have_count(0)
    problem.get_by_role("link", name=str(line)).click()  # jumps to the marked line
    assert page.url.endswith(f"#line-{line}")
    console.shot("policy-draft-error")

    # Fixed and pasted instead: checked, confirmed with the change shown, applied as typed.
    fixed = EXAMPLE_TEXT.replace("rate: 0.2", "rate: 0.25")
    page.get_by_label("YAML file").set_input_files(files=[])
    page.get_by_label("…or the YAML text").fill(fixed)
    page.get_by_role("button", name="Check the draft").click()
    expect(page.get_by_role("status")).to_contain_text("Valid.")
    page.get_by_role("button", name="Continue to apply…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply this draft as the policy?")
    expect(page.locator("table.diff tr.added")).to_contain_text("rate: 0.25")
    page.get_by_label("Note kept with the version").fill("sample a quarter of sales calls")
    page.get_by_role("button", name="Apply as the policy in force").click()
    expect(page.get_by_role("status")).to_contain_text("Applied as version 3")
    with db.reading() as session:
        row = session.get(PolicyVersion, 3)
        assert row is not None and row.applied_by == "user:carol-co"
        assert row.document == fixed and row.source_name == "sample a quarter of sales calls"


def test_the_law_pages_in_the_browser(console: Console, db: Database) -> None:
    make_person(db, "agent", "ada-agent")
    page = console.sign_in("ada-agent")
    follow_nav(page, "Law")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Recording-consent law by jurisdiction"
    )
    console.shot("law")
    page.get_by_role("link", name="US-CA").click()
    expect(page.get_by_text("Cal. Penal Code § 632", exact=True)).to_be_visible()
    expect(page.get_by_role("note").first).to_contain_text("Not legal advice")
    console.shot("law-jurisdiction")
