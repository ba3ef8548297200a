"""The QA pages over HTTP: drawing a plan from the form, a reviewer's queue and evaluation
beside the player, the agent's view and acknowledgement, the rates, and what is refused."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from callwarden.config import Settings
from callwarden.db import Database
from tests.web.qa_data import HOSTILE, draw_by_form, qa_setting
from tests.web.recording_data import csrf_of, signed_in

ANSWERS = {
    "answer-notice_read": "no",
    "answer-consent_before_recording": "yes",
    "answer-greeting": "yes",
    "answer-identity_checked": "na",
    "answer-understanding": "4",
    "answer-resolution": "5",
    "answer-summary_given": "yes",
    "at-notice_read": "1.5",
    "comment-notice_read": HOSTILE,
}


def _evaluations(html: str) -> list[str]:
    return re.findall(r'href="/qa/evaluations/(qev_[0-9a-f]+)"', html)


def test_plan_review_acknowledge_through_the_console(
    client: TestClient, settings: Settings, db: Database
) -> None:
    qa_setting(settings, db, client)
    lead = signed_in(client.app, "cora")
    too_big = draw_by_form(lead, size=5)
    assert too_big.status_code == 422 and "asks for 5 recordings" in too_big.text
    drawn = draw_by_form(lead)
    assert drawn.status_code == 303, drawn.text
    plan_path = drawn.headers["location"]
    plan_page = lead.get(plan_path).text
    assert "4 of 4 recordings" in plan_page and "no sample (n=0)" in plan_page

    # rita (East) reviews only bob's (West) calls, and the other way round.
    rita = signed_in(client.app, "rita")
    queue = rita.get("/qa").text
    mine = _evaluations(queue)
    assert len(mine) == 2 and "alice" not in queue
    evaluation = f"/qa/evaluations/{mine[0]}"
    page = rita.get(evaluation).text
    assert "Give reason and listen" in page and 'name="answer-notice_read"' in page
    listened = rita.post(
        f"{evaluation}/listen",
        data={"reason": "QA evaluation", "csrf_token": csrf_of(rita, evaluation)},
        follow_redirects=False,
    )
    assert listened.status_code == 303
    with_player = rita.get(listened.headers["location"]).text
    audio = re.search(r'<audio [^>]*src="([^"]+)"', with_player)
    assert audio, with_player[-2000:]
    played = rita.get(audio.group(1).replace("&amp;", "&"), headers={"Range": "bytes=0-99"})
    assert played.status_code == 206
    done = rita.post(
        f"{evaluation}/submit",
        data={**ANSWERS, "csrf_token": csrf_of(rita, evaluation)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    shown = rita.get(evaluation).text
    # identity n/a leaves 85 applicable; earned 15 + 5 + 16 + 20 + 10 = 66 (the notice: no)
    assert "77.65 of 100" in shown and "failed" in shown and "notice_read" in shown
    assert "&lt;script&gt;" in shown and HOSTILE not in shown
    again = rita.post(
        f"{evaluation}/submit",
        data={**ANSWERS, "csrf_token": csrf_of(rita, evaluation)},
        follow_redirects=False,
    )
    assert again.status_code == 409

    bob = signed_in(client.app, "bob")
    assert _evaluations(bob.get("/qa/mine").text) == [mine[0]]
    assert "I have read this evaluation" in bob.get(evaluation).text
    acknowledged = bob.post(
        f"{evaluation}/acknowledge",
        data={"comment": "<b>ok</b>", "csrf_token": csrf_of(bob, evaluation)},
        follow_redirects=False,
    )
    assert acknowledged.status_code == 303
    after = bob.get(evaluation).text
    assert "&lt;b&gt;ok&lt;/b&gt;" in after and "I have read this evaluation" not in after
    twice = bob.post(
        f"{evaluation}/acknowledge",
        data={"csrf_token": csrf_of(bob, "/qa/mine")},
        follow_redirects=False,
    )
    assert twice.status_code == 409

    # alice's page for bob's evaluation answers as one that does not exist.
    alice = signed_in(client.app, "alice")
    hidden = alice.get(evaluation)
    missing = alice.get("/qa/evaluations/qev_000000000000000000000000000000000000")
    assert hidden.status_code == missing.status_code == 404
    assert alice.get("/qa").status_code == 403
    rates = lead.get(plan_path).text
    assert "0.0% (95% CI 0.0–79.3%, n=1)" in rates
    auditor = signed_in(client.app, "audra")
    assert "0.0% (95% CI 0.0–79.3%, n=1)" in auditor.get(plan_path).text
    assert "Draw a sample" not in auditor.get("/qa").text
