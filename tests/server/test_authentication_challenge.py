"""Every 401 says how to authenticate (RFC 9110 §11.6.1): `WWW-Authenticate: Bearer`."""

from __future__ import annotations

from fastapi.testclient import TestClient

from callwarden.db import Database
from tests.support.factories import bearer, make_token


def test_a_request_without_a_token_is_challenged(client: TestClient) -> None:
    response = client.get("/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="callwarden"'


def test_a_rejected_token_is_challenged_as_invalid(client: TestClient) -> None:
    for presented in ("not-a-token", "cwt_tok_unknown.secret"):
        response = client.get("/v1/me", headers={"Authorization": f"Bearer {presented}"})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == (
            'Bearer realm="callwarden", error="invalid_token"'
        )


def test_a_failed_sign_in_is_challenged(client: TestClient) -> None:
    response = client.post("/v1/auth/token", json={"username": "nobody", "password": "wrong"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_other_refusals_carry_no_challenge(client: TestClient, db: Database) -> None:
    denied = client.get("/v1/audit/events", headers=bearer(make_token(db, "agent")))
    assert denied.status_code == 403 and "www-authenticate" not in denied.headers
