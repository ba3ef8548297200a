"""In Chromium, the issue's "done when" for cases: an agent asks from her recording's page for a
private call to be removed, and her supervisor can no longer play it; the handler upholds it
and the case page says what the decision did (destroyed with a certificate, or kept and why);
an anonymous concern's reporter reads the handler's reply with the code alone. (An upheld
evaluation dispute's second evaluation is tested over HTTP in `test_cases_pages.py`.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.signing import create_signing_key_file
from tests.support.console import Console, follow_nav
from tests.web.cases_data import cases_org
from tests.web.recording_data import prepare, record

pytestmark = pytest.mark.browser


@pytest.fixture
def api(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


def _as(console: Console, username: str) -> None:
    console.page.context.clear_cookies()
    console.sign_in(username)


def test_a_private_call_and_an_anonymous_concern(
    console: Console, api: TestClient, settings: Settings, db: Database
) -> None:
    pbx = prepare(settings, db)
    create_signing_key_file(settings.signing_key_path)
    recording_id = record(api, pbx, "alice")
    page = console.sign_in("alice")
    console.open(f"/recordings/{recording_id}")
    page.get_by_role("link", name="Ask for this private call to be removed").click()
    assert page.get_by_label("Recording id").input_value() == recording_id
    page.get_by_label("Summary, in one line").fill("A call to my doctor")
    page.get_by_label("What happened, and what you ask for").fill("<b>personal</b>, please remove")
    page.get_by_role("button", name="File the case").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your case is filed").is_visible()
    assert "<b>personal</b>" in page.inner_text("main")  # shown as typed, not as markup
    console.shot("cases-filed")

    _as(console, "east-lead")
    console.open(f"/recordings/{recording_id}")
    assert page.get_by_text("restricted by case CASE-0001").is_visible()
    assert page.get_by_role("button", name="Give reason and listen").count() == 0

    _as(console, "cora")
    follow_nav(page, "Cases")
    page.get_by_role("link", name="CASE-0001").click()
    page.get_by_role("button", name="Start the review").click()
    page.wait_for_load_state()
    page.get_by_label("Outcome").select_option("upheld")
    page.get_by_label("Reasons (the reporter reads them)").fill("The call was personal.")
    page.get_by_role("button", name="Decide").click()
    page.wait_for_load_state()
    decision = page.locator(".case-decision").inner_text()
    assert "Decision: upheld" in decision and "What the decision did" in decision
    assert "certificate" in decision or "kept" in decision, decision
    console.shot("cases-decided")

    _as(console, "alice")
    console.open("/cases/new?kind=concern")
    page.get_by_label("Summary, in one line").fill("Who listens to us?")
    page.get_by_label("What happened, and what you ask for").fill("I would like to know.")
    page.get_by_label("Raise it anonymously", exact=False).check()
    page.get_by_role("button", name="File the case").click()
    page.wait_for_load_state()
    code = page.get_by_label("Follow-up code").inner_text().strip()
    assert len(code.replace("-", "")) == 28
    console.shot("cases-code-once")

    _as(console, "cora")
    console.open("/cases/CASE-0002")
    page.get_by_label("Reply to the reporter (they read it)").fill("Your supervisor and QA.")
    page.get_by_role("button", name="Send the reply").click()
    page.wait_for_load_state()

    console.page.context.clear_cookies()  # the reporter needs no session: the code is enough
    console.open("/cases/follow-up")
    page.get_by_label("Follow-up code").fill(code)
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your supervisor and QA.").is_visible()
    console.shot("cases-follow-up")


def test_an_upheld_evaluation_dispute_leads_to_a_second_evaluation(
    console: Console, settings: Settings, db: Database
) -> None:
    evaluation_id = cases_org(settings, db)
    page = console.sign_in("ada")
    console.open(f"/qa/evaluations/{evaluation_id}")
    page.get_by_role("link", name="Dispute this evaluation").click()
    assert page.get_by_label("Evaluation id").input_value() == evaluation_id
    page.get_by_label("Summary, in one line").fill("The summary was given")
    page.get_by_label("What happened, and what you ask for").fill("Listen at 1:40, please.")
    page.get_by_role("button", name="File the case").click()
    page.wait_for_load_state()
    label = page.locator("h1").inner_text().split()[0]
    for officer in ("olga", "oscar"):
        _as(console, officer)
        console.open(f"/cases/{label}")
        if page.get_by_role("button", name="Start the review").count():
            break
    page.get_by_role("button", name="Start the review").click()
    page.wait_for_load_state()
    page.get_by_label("Outcome").select_option("upheld")
    page.get_by_label("Reasons (the reporter reads them)").fill("The summary item was misjudged.")
    page.get_by_role("button", name="Decide").click()
    page.wait_for_load_state()
    assert "Evaluated again" in page.locator(".case-decision").inner_text()
    console.shot("cases-evaluation-redone")
    page.locator(".case-decision").get_by_role("link").last.click()
    page.wait_for_load_state()
    heading = page.locator("h1").inner_text()
    assert heading.startswith("Evaluation") and evaluation_id not in heading  # the second one
    assert "assigned" in page.inner_text("main")
    _as(console, "ada")
    console.open(f"/cases/{label}")
    assert "Evaluated again by another reviewer" in page.locator(".case-decision").inner_text()
