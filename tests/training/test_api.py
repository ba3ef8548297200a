"""The training API: publish, read a course without its answers, take the quiz, acknowledge the
policy, and the records; on both databases."""

from __future__ import annotations

from fastapi.testclient import TestClient

from callwarden.db import Database
from tests.support.factories import bearer, make_team, make_token
from tests.training.conftest import EXAMPLE_COURSE, apply_policy
from tests.training.test_service import RIGHT, WRONG


def test_a_learner_takes_the_course_and_acknowledges_the_policy(
    client: TestClient, db: Database
) -> None:
    make_team(db, "alpha")
    officer = bearer(make_token(db, "compliance_officer", "olga"))
    learner = bearer(make_token(db, "agent", "ada", "alpha"))
    auditor = bearer(make_token(db, "auditor", "aud"))
    apply_policy(db)

    published = client.post(
        "/v1/training/courses", json={"document": EXAMPLE_COURSE}, headers=officer
    )
    assert published.status_code == 201, published.text
    assert published.json()["assigned"] == 2  # the officer and the agent
    shown = client.get("/v1/training/courses/recording-basics", headers=learner).json()
    assert shown["quiz"]["questions"]
    assert "correct" not in published.text and "correct" not in str(shown)

    mine = client.get("/v1/training/assignments", headers=learner).json()
    course = next(row for row in mine if row["course_version_id"])
    path = f"/v1/training/assignments/{course['assignment_id']}/attempts"
    failed = client.post(path, json={"answers": WRONG}, headers=learner).json()
    assert failed["attempt"]["passed"] is False and failed["attempt"]["review"]
    passed = client.post(path, json={"answers": RIGHT}, headers=learner).json()
    assert passed["assignment"]["state"] == "completed"
    again = client.post(path, json={"answers": RIGHT}, headers=learner)
    assert again.status_code == 409

    policy = client.get("/v1/training/policy", headers=learner).json()
    wrong = client.post(
        "/v1/training/acknowledgements",
        json={"version": policy["version"], "text_sha256": "0" * 64},
        headers=learner,
    )
    assert wrong.status_code == 422
    acknowledged = client.post(
        "/v1/training/acknowledgements",
        json={"version": policy["version"], "text_sha256": policy["text_sha256"]},
        headers=learner,
    )
    assert acknowledged.status_code == 201, acknowledged.text

    record = client.get("/v1/training/records/ada", headers=auditor).json()
    assert {row["state"] for row in record["assignments"]} == {"completed"}
    assert [row["passed"] for row in record["attempts"]] == [False, True]
    assert record["acknowledgements"][0]["text_sha256"] == policy["text_sha256"]
    rates = client.get("/v1/training/rates", params={"course": "recording-basics"}, headers=auditor)
    by_team = {row["team"]: row for row in rates.json()}
    assert by_team["alpha"]["completion_rate"] == 1.0
    assert by_team[None]["completed"] == 0
    assert client.get("/v1/training/records/ada", headers=learner).status_code == 200  # her own
    others = client.get("/v1/training/records/aud", headers=learner)
    nobody = client.get("/v1/training/records/nobody", headers=learner)
    assert others.status_code == nobody.status_code == 404
    assert others.json()["detail"] == "no user named 'aud'"


def test_someone_elses_assignment_answers_as_one_that_does_not_exist(
    client: TestClient, db: Database
) -> None:
    officer = bearer(make_token(db, "compliance_officer", "olga"))
    other = bearer(make_token(db, "agent", "ben"))
    client.post("/v1/training/courses", json={"document": EXAMPLE_COURSE}, headers=officer)
    (olgas,) = client.get("/v1/training/assignments", headers=officer).json()
    theirs = client.post(
        f"/v1/training/assignments/{olgas['assignment_id']}/attempts",
        json={"answers": RIGHT},
        headers=other,
    )
    made_up = client.post(
        "/v1/training/assignments/tas_nothing/attempts", json={"answers": RIGHT}, headers=other
    )
    assert theirs.status_code == made_up.status_code == 404
