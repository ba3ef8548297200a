"""Subject requests through the API on SQLite and PostgreSQL: opening one (numbers normalised,
malformed ones refused with nothing written), who may do what, finding every call and
recording of the person, and closing only with an outcome; every step in the audit trail."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.models import AuditEvent, SubjectRequest
from tests.subjects.conftest import GOOD, People, open_request, record


def actions(db: Database, request_id: str) -> list[str]:
    with db.reading() as session:
        query = select(AuditEvent.action).where(
            AuditEvent.target == f"subject_request:{request_id}"
        )
        return list(session.scalars(query.order_by(AuditEvent.seq)))


def test_open_normalises_numbers_and_states_the_deadline(
    api: TestClient, people: People, db: Database
) -> None:
    opened = open_request(api, people["cora"], ["+44 20 7183 8750", "+442071838750"], law="uk-gdpr")
    assert opened["numbers"] == ["+442071838750"]
    assert opened["due_at"].startswith("2026-02-05T09:00")
    assert opened["state"] == "open" and opened["verified_by"] == GOOD["verified_by"]
    assert any("UK GDPR Art. 12(3)" in m["citation"] for m in opened["milestones"])
    assert actions(db, opened["request_id"]) == ["subject_request.opened"]


def test_malformed_numbers_are_refused_and_nothing_is_written(
    api: TestClient, people: People, db: Database
) -> None:
    for bad in (["0207 183 8750"], ["+1"], ["+44 20 7183 8750 x"], []):
        body = {"kind": "access", "numbers": bad, "law": "gdpr"}
        body |= {"received_at": "2026-01-05T09:00:00+00:00", **GOOD}
        answer = api.post("/v1/subject-requests", json=body, headers=people["cora"])
        assert answer.status_code == 422, (bad, answer.text)
    future = {"kind": "access", "numbers": ["+14155550123"], "law": "gdpr", **GOOD}
    future["received_at"] = "2999-01-01T00:00:00+00:00"
    assert api.post("/v1/subject-requests", json=future, headers=people["cora"]).status_code == 422
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(SubjectRequest)) == 0
        opened = select(func.count()).where(AuditEvent.action == "subject_request.opened")
        assert session.scalar(opened) == 0


def test_roles_compliance_and_legal_manage_auditors_read_others_nothing(
    api: TestClient, people: People
) -> None:
    opened = open_request(api, people["lee"], ["+14155550123"])
    path = f"/v1/subject-requests/{opened['request_id']}"
    assert api.get(path, headers=people["audra"]).status_code == 200
    assert api.post(f"{path}/find", headers=people["audra"]).status_code == 403
    for outsider in ("alice", "east-lead", "root", "pbx"):
        assert api.get(path, headers=people[outsider]).status_code == 403, outsider
    assert api.get("/v1/subject-requests/dsr_nope", headers=people["cora"]).status_code == 404


def test_find_gets_every_call_and_recording_of_the_number(
    api: TestClient, people: People, db: Database
) -> None:
    mine = [record(api, people["pbx"], number="+14155550123") for _ in range(2)]
    other = record(api, people["pbx"], number="+14155550199")
    opened = open_request(api, people["cora"], ["+1 415 555 0123"], kind="erasure", law="ccpa")
    found = api.post(
        f"/v1/subject-requests/{opened['request_id']}/find", headers=people["cora"]
    ).json()["found"]
    assert sorted(r["recording_id"] for r in found["recordings"]) == sorted(mine)
    assert other not in {r["recording_id"] for r in found["recordings"]}
    assert len(found["calls"]) == 2
    assert actions(db, opened["request_id"]) == [
        "subject_request.opened",
        "subject_request.searched",
    ]
    listed = api.get("/v1/subject-requests?state=open", headers=people["audra"]).json()
    assert [item["request_id"] for item in listed["items"]] == [opened["request_id"]]


def test_closing_needs_an_outcome_and_is_audited_once(
    api: TestClient, people: People, db: Database
) -> None:
    opened = open_request(api, people["cora"], ["+14155550123"])
    close = f"/v1/subject-requests/{opened['request_id']}/close"
    for silent in ("", "   ", "ok"):
        answer = api.post(close, json={"outcome": silent}, headers=people["cora"])
        assert answer.status_code == 422, silent
    done = api.post(close, json={"outcome": "export sent by post"}, headers=people["cora"])
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "closed" and done.json()["outcome"]["summary"]
    again = api.post(close, json={"outcome": "export sent again"}, headers=people["cora"])
    assert again.status_code == 409
    assert actions(db, opened["request_id"]) == ["subject_request.opened", "subject_request.closed"]
