"""`/v1/cases` over HTTP: filing, the handler's work, the anonymous follow-up with its throttle,
problem+json refusals, size limits and case text kept as given; on both databases."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from callwarden.db import Database
from tests.cases.conftest import ADAS_CALL, BENS_CALL, Org
from tests.support.factories import bearer, token_for

SCRIPT = "<script>alert('case')</script><img src=x onerror=alert(1)>"


def headers(org: Org, who: str) -> dict[str, str]:
    return bearer(token_for(org.db, org.people[who]))


def test_a_case_through_the_api(client: TestClient, db: Database, org: Org) -> None:
    ada, olga = headers(org, "ada"), headers(org, "olga")
    filed = client.post(
        "/v1/cases",
        json={
            "kind": "private_call",
            "summary": SCRIPT,
            "details": SCRIPT,
            "recording_id": ADAS_CALL,
        },
        headers=ada,
    )
    assert filed.status_code == 201, filed.text
    body = filed.json()
    case = body["case"]
    assert body["joined"] is False and body["follow_up_code"] is None
    assert case["summary"] == SCRIPT and case["details"] == SCRIPT  # as given, JSON-encoded
    assert filed.headers["content-type"].startswith("application/json")
    path = f"/v1/cases/{case['case_id']}"
    again = client.post(
        "/v1/cases",
        json={
            "kind": "private_call",
            "summary": "s",
            "details": "again",
            "recording_id": ADAS_CALL,
        },
        headers=ada,
    )
    assert again.status_code == 201 and again.json()["joined"] is True
    assert client.get(f"/v1/cases/{case['label']}", headers=olga).json()["reporter"] == "ada"
    reply = client.post(f"{path}/replies", json={"body": SCRIPT}, headers=olga)
    assert reply.status_code == 201, reply.text
    assert client.post(f"{path}/notes", json={"body": "internal"}, headers=olga).status_code == 201
    assert client.post(f"{path}/review", headers=olga).json()["state"] == "in_review"
    decided = client.post(
        f"{path}/decision", json={"outcome": "upheld", "reasons": "it was personal"}, headers=olga
    )
    assert decided.status_code == 200 and decided.json()["outcome"] == "upheld"
    mine = client.get(path, headers=ada).json()
    assert mine["decision_reasons"] == "it was personal"
    assert SCRIPT in [entry["body"] for entry in mine["entries"]]
    assert "internal" not in [entry["body"] for entry in mine["entries"]]
    listed = client.get("/v1/cases", params={"scope": "mine"}, headers=ada).json()
    assert [row["case_id"] for row in listed["items"]] == [case["case_id"]]


def test_refusals_are_problems(client: TestClient, db: Database, org: Org) -> None:
    ada = headers(org, "ada")
    theirs = client.post(
        "/v1/cases",
        json={"kind": "private_call", "summary": "s", "details": "d", "recording_id": BENS_CALL},
        headers=ada,
    )
    missing = client.post(
        "/v1/cases",
        json={"kind": "private_call", "summary": "s", "details": "d", "recording_id": "rec_x"},
        headers=ada,
    )
    assert theirs.status_code == missing.status_code == 404
    assert theirs.headers["content-type"] == "application/problem+json"
    assert theirs.json()["detail"].replace(BENS_CALL, "X") == missing.json()["detail"].replace(
        "rec_x", "X"
    )
    wrong_kind = client.post(
        "/v1/cases", json={"kind": "gripe", "summary": "s", "details": "d"}, headers=ada
    )
    assert wrong_kind.status_code == 422
    too_long = client.post(
        "/v1/cases", json={"kind": "concern", "summary": "s" * 201, "details": "d"}, headers=ada
    )
    assert too_long.status_code == 422
    huge = client.post(
        "/v1/cases",
        json={"kind": "concern", "summary": "s", "details": "d" * 2_000_000},
        headers=ada,
    )
    assert huge.status_code == 413 and huge.json()["code"] == "payload_too_large"
    assert client.get("/v1/cases", params={"scope": "all"}, headers=ada).status_code == 403
    not_handler = client.post("/v1/cases/case_x/replies", json={"body": "b"}, headers=ada)
    assert not_handler.status_code == 403  # the role: only compliance officers reply


def _anonymous(client: TestClient, org: Org) -> tuple[str, str]:
    filed = client.post(
        "/v1/cases",
        json={"kind": "concern", "summary": "s", "details": "d", "anonymous": True},
        headers=headers(org, "ada"),
    )
    assert filed.status_code == 201, filed.text
    body: dict[str, Any] = filed.json()
    assert body["case"]["reporter"] is None
    return body["follow_up_code"], body["case"]["case_id"]


def test_an_anonymous_reporter_follows_up_with_the_code_only(
    client: TestClient, db: Database, org: Org
) -> None:
    code, case_id = _anonymous(client, org)
    olga = headers(org, "olga")
    client.post(f"/v1/cases/{case_id}/replies", json={"body": "tell us more"}, headers=olga)
    read = client.post("/v1/cases/follow-up", json={"code": code})  # no token
    assert read.status_code == 200, read.text
    assert [entry["body"] for entry in read.json()["entries"]] == ["tell us more"]
    wrote = client.post("/v1/cases/follow-up", json={"code": code, "message": "here is more"})
    assert wrote.json()["entries"][-1] == {**wrote.json()["entries"][-1], "author": "you"}
    assert client.get(f"/v1/cases/{case_id}", headers=headers(org, "ada")).status_code == 404
    appeal_early = client.post("/v1/cases/follow-up", json={"code": code, "appeal": True})
    assert appeal_early.status_code == 422


def test_guessed_codes_are_throttled_with_retry_after(
    client: TestClient, db: Database, org: Org
) -> None:
    code, _ = _anonymous(client, org)
    guesses = [client.post("/v1/cases/follow-up", json={"code": f"{n:028d}"}) for n in range(10)]
    assert {guess.status_code for guess in guesses} == {404}
    malformed = client.post("/v1/cases/follow-up", json={"code": "not a code"})
    assert malformed.status_code == 429  # ten wrong from this address: refused before lookup
    assert int(malformed.headers["Retry-After"]) > 0
    assert malformed.headers["content-type"] == "application/problem+json"
    right = client.post("/v1/cases/follow-up", json={"code": code})
    assert right.status_code == 429  # even the right code waits: nothing is looked up


def test_an_anonymous_reporter_appeals_with_the_code(
    client: TestClient, db: Database, org: Org
) -> None:
    code, case_id = _anonymous(client, org)
    olga = headers(org, "olga")
    assert client.post(f"/v1/cases/{case_id}/review", headers=olga).status_code == 200
    decided = client.post(
        f"/v1/cases/{case_id}/decision",
        json={"outcome": "not_upheld", "reasons": "recording is lawful"},
        headers=olga,
    )
    assert decided.status_code == 200, decided.text
    read = client.post("/v1/cases/follow-up", json={"code": code}).json()
    assert read["may_appeal"] is True and read["decision_reasons"] == "recording is lawful"
    appealed = client.post(
        "/v1/cases/follow-up", json={"code": code, "appeal": True, "message": "it is not"}
    )
    assert appealed.status_code == 200, appealed.text
    assert appealed.json()["state"] == "in_review" and appealed.json()["decision_reasons"] is None
    handler = client.get(f"/v1/cases/{case_id}", headers=headers(org, "oscar")).json()
    assert handler["handler"] == "oscar" and handler["first_handler"] == "olga"
    again = client.post(
        "/v1/cases/follow-up", json={"code": code, "appeal": True, "message": "twice"}
    )
    assert again.status_code == 409


def test_the_follow_up_path_answers_post_only(client: TestClient, db: Database) -> None:
    refused = client.get("/v1/cases/follow-up/x")
    assert refused.status_code in (401, 404)
    options = client.options("/v1/cases/follow-up")
    assert options.status_code == 405 and options.headers["Allow"] == "POST"
