"""A person's training record in the console, over HTTP on both databases: every assignment,
attempt and acknowledgement; overdue work marked; who may open whose record (a person out of
reach answers exactly as a name nobody has); the CSV; links to it; hostile names escaped."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from fastapi.testclient import TestClient

from callwarden.db import Database
from callwarden.kit import clock
from callwarden.models import User
from tests.support.console import make_person
from tests.web.recording_data import csrf_of, signed_in
from tests.web.test_training_pages import course_assignment, publish
from tests.web.training_data import (
    EXAMPLE_COURSE,
    HOSTILE,
    hostile_course,
    right_answers,
    training_org,
)


def _take_and_acknowledge(ada: TestClient) -> str:
    """ada fails the quiz once, passes it, and acknowledges the policy; the sha256 she named."""
    assignment = course_assignment(ada)
    url = f"/training/assignments/{assignment}/quiz"
    token = csrf_of(ada, f"/training/assignments/{assignment}")
    ada.post(url, data={**right_answers(wrong=3), "csrf_token": token})
    ada.post(url, data={**right_answers(), "csrf_token": token})
    page = ada.get("/training/policy").text
    sha = re.search(r'name="text_sha256" value="([0-9a-f]{64})"', page)
    assert sha
    done = ada.post(
        "/training/policy/acknowledge",
        data={"version": "1", "text_sha256": sha.group(1), "csrf_token": token},
    )
    assert done.status_code == 200, done.text
    return sha.group(1)


def test_the_record_shows_every_assignment_attempt_and_acknowledgement(
    client: TestClient, db: Database
) -> None:
    training_org(db)
    olga = publish(signed_in(client.app, "olga"), EXAMPLE_COURSE)
    ada = signed_in(client.app, "ada")
    sha = _take_and_acknowledge(ada)

    overview = olga.get("/training/records").text
    assert (
        'href="/training/records/ada"' in overview and 'href="/training/records/olga"' in overview
    )
    page = olga.get("/training/records/ada").text
    assignments = page.split('class="sortable training-person"')[1].split("</table>")[0]
    assert "Call recording at Northwind Mutual (v1)" in assignments
    assert "Policy version 1 (acknowledgement)" in assignments
    assert assignments.count('<span class="tag good">completed</span>') == 2
    assert re.search(r'<span class="mono hash">[0-9a-f]{64}</span>', assignments)  # shown
    attempts = page.split('class="sortable training-attempts"')[1].split("</table>")[0]
    rows = attempts.split("<tbody>")[1].split("</tr>")[:-1]
    assert len(rows) == 2  # newest first: the pass, then the failure and what to review
    assert '<td class="num">2</td>' in rows[0] and "tag good" in rows[0] and "100%" in rows[0]
    assert '<td class="num">1</td>' in rows[1] and "not passed" in rows[1]
    assert "Why calls are recorded" in rows[1]
    acknowledged = page.split('class="sortable training-acknowledgements"')[1]
    assert f'<span class="mono hash">{sha}</span>' in acknowledged
    assert "nothing overdue" in page


def test_overdue_work_is_marked(client: TestClient, db: Database) -> None:
    training_org(db)
    publish(signed_in(client.app, "olga"), EXAMPLE_COURSE)
    with clock.frozen_at(clock.now() + timedelta(days=60)):
        aud = signed_in(client.app, "aud")
        page = aud.get("/training/records/ada").text
        overview = aud.get("/training/records").text
    assert '<span class="tag bad">2 overdue</span>' in page
    assert page.count('<tr class="overdue">') == 2
    ada_row = overview.split('href="/training/records/ada"')[1].split("</tr>")[0]
    assert '<span class="tag bad">2</span>' in ada_row


def _answer(browser: TestClient, path: str, name: str) -> tuple[int, str]:
    """The status and the page with the asked-for name blanked out, to compare answers."""
    answer = browser.get(path)
    return answer.status_code, answer.text.replace(name, "NAME")


def test_a_person_out_of_reach_answers_as_one_who_does_not_exist(
    client: TestClient, db: Database
) -> None:
    training_org(db)  # ada: agent on alpha; olga: compliance; aud: auditor
    make_person(db, "supervisor", "sue", "alpha")
    make_person(db, "agent", "ben", "beta")
    sue, ada = signed_in(client.app, "sue"), signed_in(client.app, "ada")
    assert sue.get("/training/records/ada").status_code == 200  # her team
    assert sue.get("/training/records/sue").status_code == 200  # her own
    assert ada.get("/training/records/ada").status_code == 200
    for browser, other in ((sue, "ben"), (sue, "olga"), (ada, "sue"), (ada, "ben")):
        for path in ("/training/records/{}", "/training/records/{}/record.csv"):
            status, page = _answer(browser, path.format(other), other)
            assert status == 404, (other, path)
            assert (status, page) == _answer(browser, path.format("nobody-here"), "nobody-here")
    assert "ben" not in sue.get("/training/records/ben").text  # not even the name asked for
    # The oversight roles read everyone's; the overview stays theirs alone.
    aud = signed_in(client.app, "aud")
    assert all(aud.get(f"/training/records/{name}").status_code == 200 for name in ("ben", "sue"))
    assert sue.get("/training/records").status_code == 403


def test_the_record_as_csv(client: TestClient, db: Database) -> None:
    training_org(db)
    olga = publish(signed_in(client.app, "olga"), EXAMPLE_COURSE)
    ada = signed_in(client.app, "ada")
    sha = _take_and_acknowledge(ada)
    page = olga.get("/training/records/ada").text
    assert 'href="/training/records/ada/record.csv" download' in page
    for browser in (olga, ada):
        answer = browser.get("/training/records/ada/record.csv")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        assert 'filename="training-record-ada.csv"' in answer.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        assert {row["username"] for row in rows} == {"ada"} and len(rows) == 2
        policy = next(row for row in rows if row["policy_version"] == "1")
        assert policy["acknowledged_sha256"] == sha and policy["state"] == "completed"
        course = next(row for row in rows if row["course"] == "recording-basics")
        assert course["attempts"] == "2" and course["best_score"] == "100.0"


def test_links_to_the_record(client: TestClient, db: Database) -> None:
    training_org(db)
    make_person(db, "admin", "root")
    ada = signed_in(client.app, "ada")
    assert 'href="/training/records/ada"' in ada.get("/training/mine").text
    assert 'href="/training/mine"' in ada.get("/training/records/ada").text
    root = signed_in(client.app, "root")
    assert 'href="/training/records/ada">training record</a>' in root.get("/admin/users/ada").text


def test_hostile_names_and_titles_are_escaped(client: TestClient, db: Database) -> None:
    training_org(db)
    mallory = make_person(db, "agent", "mallory", HOSTILE)  # a team named with HTML
    with db.unit_of_work() as session:
        row = session.get(User, mallory.id)
        assert row is not None
        row.display_name = HOSTILE
    publish(signed_in(client.app, "olga"), hostile_course())
    aud = signed_in(client.app, "aud")
    for page in (aud.get("/training/records/mallory").text, aud.get("/training/records").text):
        assert HOSTILE not in page and "<script>alert" not in page, page
        assert "onerror=alert(1)>" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    page = aud.get("/training/records/mallory").text
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") >= 3  # name, team, course title
