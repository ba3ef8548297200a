"""API basics through the domains: health, OpenAPI, users, audit filters and paging, login,
denials (how errors are answered as problems: tests/server/test_problems.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.models import AuditEvent
from tests.support.factories import bearer, make_token
from tests.support.problems import assert_problem


def test_healthz_reports_a_current_schema(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_openapi_is_published(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/v1/audit/events" in spec["paths"]
    assert "not legal advice" in spec["info"]["description"]


def test_unknown_role_and_duplicate_user_via_api(client: TestClient, db: Database) -> None:
    token = make_token(db, "admin")
    body = assert_problem(
        client.post("/v1/users", json={"username": "zed", "role": "wizard"}, headers=bearer(token)),
        422,
        "invalid_input",
    )
    assert "wizard" in str(body["detail"])
    assert (
        client.post(
            "/v1/users", json={"username": "zed", "role": "agent"}, headers=bearer(token)
        ).status_code
        == 201
    )
    assert_problem(
        client.post("/v1/users", json={"username": "zed", "role": "agent"}, headers=bearer(token)),
        409,
        "conflict",
    )


def test_sql_in_filters_is_just_a_string(client: TestClient, db: Database) -> None:
    token = make_token(db, "auditor")
    for hostile in ["' OR 1=1 --", 'x"; DROP TABLE audit_events; --', "%", "_"]:
        response = client.get("/v1/audit/events", params={"actor": hostile}, headers=bearer(token))
        assert response.status_code == 200
        assert response.json()["items"] == []
    with db.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() > 0


def test_bad_filter_types_are_422(client: TestClient, db: Database) -> None:
    token = make_token(db, "auditor")
    assert_problem(
        client.get("/v1/audit/events", params={"since": "yesterday"}, headers=bearer(token)),
        422,
        "invalid_input",
    )
    assert_problem(
        client.get("/v1/audit/events", params={"limit": 100000}, headers=bearer(token)),
        422,
        "invalid_input",
    )


def test_audit_filters_and_paging(client: TestClient, db: Database) -> None:
    token = make_token(db, "admin")
    for name in ("u-one", "u-two", "u-three"):
        client.post("/v1/users", json={"username": name, "role": "agent"}, headers=bearer(token))
    created = client.get(
        "/v1/audit/events", params={"action": "user.created", "limit": 2}, headers=bearer(token)
    ).json()
    assert len(created["items"]) == 2 and created["next_cursor"] is not None
    rest = client.get(
        "/v1/audit/events",
        params={"action": "user.created", "cursor": created["next_cursor"]},
        headers=bearer(token),
    ).json()
    names = [event["data"]["username"] for event in created["items"] + rest["items"]]
    assert names[-3:] == ["u-one", "u-two", "u-three"] and rest["next_cursor"] is None
    assert all(event["actor"].startswith("user:admin") for event in created["items"][-1:])


def test_login_issues_a_token_and_failures_are_audited(client: TestClient, db: Database) -> None:
    admin = make_token(db, "admin")
    created = client.post(
        "/v1/users",
        json={"username": "lena", "role": "qa_reviewer", "password": "correct horse battery"},
        headers=bearer(admin),
    )
    assert created.status_code == 201 and created.json()["initial_password"] is None
    bad = client.post("/v1/auth/token", json={"username": "lena", "password": "wrong password!"})
    assert_problem(bad, 401, "unauthenticated")
    good = client.post(
        "/v1/auth/token", json={"username": "lena", "password": "correct horse battery"}
    )
    assert good.status_code == 201 and good.json()["password_change_required"] is True
    change = {"current_password": "correct horse battery", "new_password": "lena's own phrase"}
    changed = client.post("/v1/me/password", json=change, headers=bearer(good.json()["token"]))
    assert changed.status_code == 200
    again = client.post(
        "/v1/auth/token", json={"username": "lena", "password": "lena's own phrase"}
    )
    me = client.get("/v1/me", headers=bearer(again.json()["token"])).json()
    assert me["role"] == "qa_reviewer" and me["username"] == "lena"
    failures = client.get(
        "/v1/audit/events", params={"action": "auth.login_failed"}, headers=bearer(admin)
    ).json()
    assert failures["items"][0]["target"] == "username:lena"


def test_denials_reach_the_audit_trail(client: TestClient, db: Database) -> None:
    agent = make_token(db, "agent")
    denied = client.get("/v1/audit/events", headers=bearer(agent))
    body = assert_problem(denied, 403, "forbidden")
    assert "auditor" in str(body["detail"])
    auditor = make_token(db, "auditor")
    events = client.get(
        "/v1/audit/events", params={"action": "access.denied"}, headers=bearer(auditor)
    ).json()
    assert events["items"][0]["data"]["attempted"] == "audit.read"
    assert "auditor" in events["items"][0]["reason"]
