"""The training pages over HTTP, on both databases: a learner's assignments, a course and its
quiz (no right answer in the page), a quiz sent twice, the policy acknowledgement and a stale
one, hostile course text, publishing with line problems, the rates and the CSV."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.policy import service as policies
from tests.web.recording_data import csrf_of, signed_in
from tests.web.training_data import (
    EXAMPLE_COURSE,
    EXAMPLE_POLICY,
    HOSTILE,
    hostile_course,
    right_answers,
    training_org,
)

MATERIAL = EXAMPLE_POLICY.replace("notice_window_s: 15", "notice_window_s: 20")


def publish(officer: TestClient, text: str) -> TestClient:
    answer = officer.post(
        "/training/courses/new",
        data={"document": text, "csrf_token": csrf_of(officer, "/training/courses/new")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return officer


def course_assignment(learner: TestClient) -> str:
    found: list[str] = re.findall(
        r'href="/training/assignments/(tas_[0-9a-z]+)"', learner.get("/training/mine").text
    )
    assert found, learner.get("/training/mine").text
    return found[0]


def test_quiz_passed_once_and_refused_twice(client: TestClient, db: Database) -> None:
    training_org(db)
    publish(signed_in(client.app, "olga"), EXAMPLE_COURSE)
    ada = signed_in(client.app, "ada")
    mine = ada.get("/training/mine").text
    assert "Call recording at Northwind Mutual" in mine and "policy acknowledgement" in mine
    assignment = course_assignment(ada)
    page = ada.get(f"/training/assignments/{assignment}").text
    assert "<h2>Why calls are recorded</h2>" in page and "<strong>purposes</strong>" in page
    # The quiz's inputs carry only their type, question and option: nothing says which is right.
    inputs = re.findall(r"<input ([^>]*)>", page.split('class="stack training-quiz"')[1])
    options = [attrs for attrs in inputs if "q-" in attrs]
    assert options and all(
        re.fullmatch(r'type="(radio|checkbox)" name="q-[\w-]+" value="[\w-]+"', attrs)
        for attrs in options
    ), options
    assert "correct" not in page.lower()
    assert "object at 0x" not in page  # the page's context leaves the frame's own names alone

    url = f"/training/assignments/{assignment}/quiz"
    failed = ada.post(
        url,
        data={"csrf_token": csrf_of(ada, f"/training/assignments/{assignment}")},
        follow_redirects=True,
    )
    assert failed.status_code == 200 and "Not passed" in failed.text
    assert "Read these modules again" in failed.text and "Why calls are recorded" in failed.text
    token = csrf_of(ada, f"/training/assignments/{assignment}")
    passed = ada.post(url, data={**right_answers(), "csrf_token": token}, follow_redirects=True)
    assert "Passed." in passed.text and "100%" in passed.text
    again = ada.post(url, data={**right_answers(), "csrf_token": token})
    assert again.status_code == 409 and "passed" in again.text
    assert "completed" in ada.get("/training/mine").text

    # Someone else's assignment reads as no assignment at all.
    aud = signed_in(client.app, "aud")
    nothing = aud.get("/training/assignments/tas_nothing")
    for path in (
        f"/training/assignments/{assignment}",
        f"/training/assignments/{assignment}/result",
    ):
        theirs = aud.get(path)
        assert theirs.status_code == nothing.status_code == 404
        assert "nothing at this address that you may see" in theirs.text

    records = signed_in(client.app, "olga").get("/training/records").text
    assert "Call recording at Northwind Mutual (v1)" in records and "100.0%" in records
    csv = signed_in(client.app, "olga").get("/training/records.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("username,team,subject")
    assert any(
        line.startswith("ada,alpha,course:") and ",completed," in line
        for line in csv.text.splitlines()
    )


def test_policy_acknowledged_with_the_servers_hash(client: TestClient, db: Database) -> None:
    training_org(db)
    ada = signed_in(client.app, "ada")
    page = ada.get("/training/policy").text
    sha = re.search(r'name="text_sha256" value="([0-9a-f]{64})"', page)
    assert sha and 'name="version" value="1"' in page
    token = csrf_of(ada, "/training/policy")
    stale = ada.post(
        "/training/policy/acknowledge",
        data={"version": "2", "text_sha256": sha.group(1), "csrf_token": token},
    )
    assert stale.status_code == 409 and "not the one in force" in stale.text
    other_text = ada.post(
        "/training/policy/acknowledge",
        data={"version": "1", "text_sha256": "0" * 64, "csrf_token": token},
    )
    assert other_text.status_code == 422 and "reload and read it" in other_text.text
    done = ada.post(
        "/training/policy/acknowledge",
        data={"version": "1", "text_sha256": sha.group(1), "csrf_token": token},
        follow_redirects=True,
    )
    assert "your acknowledgement of the policy is recorded" in done.text
    assert "You have acknowledged version 1" in ada.get("/training/policy").text
    twice = ada.post(
        "/training/policy/acknowledge",
        data={"version": "1", "text_sha256": sha.group(1), "csrf_token": token},
    )
    assert twice.status_code == 409 and "already acknowledged" in twice.text


def test_hostile_course_text_is_escaped(client: TestClient, db: Database) -> None:
    training_org(db)
    publish(signed_in(client.app, "olga"), hostile_course())
    ada = signed_in(client.app, "ada")
    for page in (
        ada.get("/training/mine").text,
        ada.get(f"/training/assignments/{course_assignment(ada)}").text,
    ):
        assert (
            HOSTILE not in page and "<script>alert" not in page and "onerror=alert(1)>" not in page
        )
        assert "&lt;script&gt;" in page
    page = ada.get(f"/training/assignments/{course_assignment(ada)}").text
    assert 'href="javascript:' not in page
    records = signed_in(client.app, "olga").get("/training/records").text
    assert HOSTILE not in records and "&lt;img src=x onerror=alert(1)&gt;" in records
    read = ada.post(
        f"/training/assignments/{course_assignment(ada)}/read",
        data={"csrf_token": csrf_of(ada, "/training/mine")},
        follow_redirects=True,
    )
    assert "the course is completed" in read.text


def test_publishing_shows_each_problem_at_its_line(client: TestClient, db: Database) -> None:
    training_org(db)
    olga = signed_in(client.app, "olga")
    broken = EXAMPLE_COURSE.replace("pass_mark: 80", "pass_mark: 180")
    answer = olga.post(
        "/training/courses/new",
        data={"document": broken, "csrf_token": csrf_of(olga, "/training/courses/new")},
    )
    assert answer.status_code == 422 and "Not published" in answer.text
    line = broken.splitlines().index("  pass_mark: 180") + 1
    assert f'<tr id="line-{line}" class="marked error">' in answer.text
    assert "No course is published yet" in olga.get("/training/records").text
    # The learner and the auditor may not publish; the auditor reads the records.
    assert signed_in(client.app, "ada").get("/training/courses/new").status_code == 403
    aud = signed_in(client.app, "aud")
    assert aud.get("/training/courses/new").status_code == 403
    assert aud.get("/training/records").status_code == 200
    assert signed_in(client.app, "ada").get("/training/records").status_code == 403


def test_overdue_marked_and_what_changed_shown(client: TestClient, db: Database) -> None:
    training_org(db)
    later = clock.now() + timedelta(days=60)
    with clock.frozen_at(later):
        ada = signed_in(client.app, "ada")
        mine = ada.get("/training/mine").text
    assert '<span class="tag bad">overdue</span>' in mine
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, MATERIAL, "policy.yaml")
    page = ada.get("/training/policy").text
    assert 'id="what-changed"' in page and 'name="version" value="2"' in page
    # A page read before the new version took effect can no longer acknowledge.
    stale = ada.post(
        "/training/policy/acknowledge",
        data={
            "version": "1",
            "text_sha256": "0" * 64,
            "csrf_token": csrf_of(ada, "/training/mine"),
        },
    )
    assert stale.status_code == 409 and "acknowledge version 2" in stale.text


def test_a_course_uploaded_as_a_file_is_published(client: TestClient, db: Database) -> None:
    training_org(db)
    olga = signed_in(client.app, "olga")
    answer = olga.post(
        "/training/courses/new",
        data={"csrf_token": csrf_of(olga, "/training/courses/new")},
        files={
            "upload": ("course.yaml", EXAMPLE_COURSE.replace("\n", "\r\n").encode(), "text/yaml")
        },
        follow_redirects=True,
    )
    assert "Published recording-basics v1" in answer.text
    again = olga.post(
        "/training/courses/new",
        data={"document": EXAMPLE_COURSE, "csrf_token": csrf_of(olga, "/training/courses/new")},
    )
    assert again.status_code == 409 and "raise `version` above it" in again.text


def test_a_quiz_after_its_last_attempt_is_refused(client: TestClient, db: Database) -> None:
    training_org(db)
    publish(signed_in(client.app, "olga"), EXAMPLE_COURSE.replace("attempts: 3", "attempts: 1"))
    ada = signed_in(client.app, "ada")
    course = f"/training/assignments/{course_assignment(ada)}"
    token = csrf_of(ada, course)
    failed = ada.post(
        f"{course}/quiz",
        data={**right_answers(wrong=3), "csrf_token": token},
        follow_redirects=True,
    )
    assert "Not passed" in failed.text and "no attempts left" in failed.text
    assert "You have used all 1 attempts" in ada.get(course).text
    assert "training-quiz" not in ada.get(course).text
    late = ada.post(f"{course}/quiz", data={**right_answers(), "csrf_token": token})
    assert late.status_code == 409 and "attempt" in late.text
