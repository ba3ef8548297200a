"""A person's training record in Chromium: the auditor finds ada among the people of the
Training page and opens her record, with a failed and a passed attempt and an overdue policy
acknowledgement."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.training import service
from tests.support.console import Console, follow_nav
from tests.web.training_data import EXAMPLE_COURSE, right_answers, training_org

pytestmark = pytest.mark.browser


def test_the_auditor_opens_a_persons_record(console: Console, db: Database) -> None:
    officer = training_org(db)
    with db.unit_of_work() as session:
        service.publish_course(session, officer, EXAMPLE_COURSE, "recording-basics.yaml")
    with db.unit_of_work() as session:
        ada = Principal("user:ada", Role.AGENT, user_id=identity.user_named(session, "ada").id)
        (course,) = [row for row in service.my_assignments(session, ada) if row.course_version_id]
        for wrong in (3, 0):
            answers = {k.removeprefix("q-"): v for k, v in right_answers(wrong=wrong).items()}
            service.take_quiz(session, ada, course.id, answers)
    with clock.frozen_at(clock.now() + timedelta(days=40)):
        page = console.sign_in("aud")
        follow_nav(page, "Training")
        page.locator("table.training-people").get_by_role("link", name="ada").click()
        assert page.get_by_role("heading", name="Training record: ada (ada)").is_visible()
        assert page.locator("table.training-person tr.overdue").count() == 1
        assert page.locator("table.training-attempts tbody tr").count() == 2
        assert page.get_by_text("1 overdue").is_visible()
        console.shot("training_person")
