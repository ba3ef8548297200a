"""QA in Chromium: a compliance officer draws a sample from the desk and reads the plan; a
reviewer opens their queue, gives a reason, plays the recording beside the scorecard and
submits; screenshots of the desk, the plan, the form beside the player, and the result."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from tests.support.console import Console
from tests.web.qa_data import qa_setting

pytestmark = pytest.mark.browser


def test_draw_a_sample_then_review_beside_the_player(
    console: Console, db: Database, settings: Settings
) -> None:
    with TestClient(create_app(settings, db)) as api:
        qa_setting(settings, db, api)
    page = console.sign_in("cora")
    console.open("/qa")
    page.get_by_label("From (first day)").fill((clock.now() - timedelta(days=1)).date().isoformat())
    page.get_by_label("How many recordings").fill("4")
    page.get_by_label("Seed (leave empty").fill("7")
    console.shot("qa-desk")
    page.get_by_role("button", name="Draw and assign").click()
    page.wait_for_url("**/qa/plans/qpl_*")
    assert page.get_by_text("4 of 4 recordings").is_visible()
    assert page.get_by_role("cell", name="no sample (n=0)").first.is_visible()
    console.shot("qa-plan")
    page.get_by_role("button", name="Sign out").click()

    page = console.sign_in("rita")
    console.open("/qa")
    page.locator("a[href^='/qa/evaluations/']").first.click()
    page.get_by_role("button", name="Give reason and listen").click()
    page.wait_for_url("**#player")
    player = page.locator("audio.player")
    assert player.is_visible()
    page.wait_for_function("document.querySelector('audio.player').readyState >= 1")
    for question, answer in {
        "notice_read": "yes",
        "consent_before_recording": "yes",
        "greeting": "yes",
        "identity_checked": "na",
        "understanding": "4",
        "resolution": "5",
        "summary_given": "no",
    }.items():
        page.locator(f"#a-{question}").select_option(answer)
    page.locator("#t-understanding").fill("1.2")
    page.locator("#c-understanding").fill("restated the need clearly")
    console.shot("qa-evaluation-form")
    page.get_by_role("button", name="Submit evaluation").click()
    page.wait_for_load_state()
    # identity n/a leaves 85; earned 15 + 15 + 5 + 16 + 20 = 71
    assert page.get_by_text("83.53 of 100").is_visible()
    assert page.get_by_text("restated the need clearly").is_visible()
    console.shot("qa-evaluation-done")
