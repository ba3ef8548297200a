"""A learner in Chromium: takes the example course's quiz and passes, acknowledges the policy in
force, and the compliance officer's Training page shows the completion."""

from __future__ import annotations

import pytest

from callwarden.db import Database
from callwarden.training import service
from tests.support.console import Console, follow_nav
from tests.web.training_data import EXAMPLE_COURSE, right_answers, training_org

pytestmark = pytest.mark.browser


def test_a_learner_passes_the_course_and_acknowledges_the_policy(
    console: Console, db: Database
) -> None:
    officer = training_org(db)
    with db.unit_of_work() as session:
        service.publish_course(session, officer, EXAMPLE_COURSE, "recording-basics.yaml")
    page = console.sign_in("ada")
    follow_nav(page, "My training")
    page.get_by_role("link", name="Call recording at Northwind Mutual (version 1)").click()
    assert page.get_by_role("heading", name="Why calls are recorded").is_visible()
    for field, chosen in right_answers().items():
        for option in chosen:
            page.locator(f'input[name="{field}"][value="{option}"]').check()
    console.shot("training_course")
    page.get_by_role("button", name="Submit my answers").click()
    assert page.get_by_text("Passed.").is_visible()
    console.shot("training_result")

    follow_nav(page, "My training")
    page.get_by_role("link", name="The call recording policy, version 1").click()
    console.shot("training_policy")
    page.get_by_role("button", name="I have read and understood this policy").click()
    assert page.get_by_text("your acknowledgement of the policy is recorded").is_visible()
    assert page.locator("table.training-mine").get_by_text("overdue").count() == 0
    assert page.locator("table.training-mine .tag.good").count() == 2
    console.shot("training_mine")

    page.context.clear_cookies()
    page = console.sign_in("olga")
    follow_nav(page, "Training")
    rates = page.locator("table.training-rates")
    course_row = rates.locator("tr", has_text="Call recording at Northwind Mutual (v1)").filter(
        has_text="alpha"
    )
    assert course_row.get_by_text("100.0%").is_visible()
    policy_row = rates.locator("tr", has_text="Policy version 1").filter(has_text="alpha")
    assert policy_row.get_by_text("100.0%").is_visible()
    console.shot("training_records")

    page.get_by_role("link", name="Publish a course…").click()
    broken = EXAMPLE_COURSE.replace("pass_mark: 80", "pass_mark: 180").replace(
        "version: 1", "version: 2", 1
    )
    page.get_by_label("…or the YAML text (used when no file is chosen)").fill(broken)
    page.get_by_role("button", name="Publish the course").click()
    assert page.get_by_role("alert").get_by_text("Not published").is_visible()
    assert page.locator("tr.marked.error").count() == 1
    console.shot("training_publish_problems")
