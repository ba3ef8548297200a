"""Tokens in the console over HTTP: everyone's own, an administrator's view of all, shown once."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.models import ApiToken
from tests.support.console import make_person
from tests.web.test_session import csrf_of, sign_in

SECRET = re.compile(r'<code class="secret">(cwt_[^<]+)</code>')


def make_token(client: TestClient, name: str, **extra: str) -> str:
    token = csrf_of(client, "/account/tokens")
    answer = client.post("/account/tokens", data={"name": name, "csrf_token": token, **extra})
    assert answer.status_code == 201, answer.text
    found = SECRET.search(answer.text)
    assert found
    return found.group(1)


def token_id(db: Database, name: str) -> str:
    with db.reading() as session:
        return session.scalars(select(ApiToken.id).where(ApiToken.name == name)).one()


def test_an_agent_makes_a_token_that_works_and_is_shown_once(
    client: TestClient, db: Database
) -> None:
    make_person(db, "agent", "ada-agent")
    sign_in(client, "ada-agent")
    assert 'href="/account/tokens"' in client.get("/home").text  # in every role's navigation
    secret = make_token(client, "my script")
    listed = client.get("/account/tokens").text
    assert "my script" in listed and secret not in listed
    assert secret.split(".")[1] not in listed
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["username"] == "ada-agent"


def test_revoking_a_token_stops_it(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "ada-agent")
    sign_in(client, "ada-agent")
    secret = make_token(client, "old script")
    revoked = client.post(
        f"/account/tokens/{token_id(db, 'old script')}/revoke",
        data={"reason": "no longer used", "csrf_token": csrf_of(client, "/account/tokens")},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert "is revoked" in client.get(revoked.headers["location"]).text
    assert client.get("/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_others_see_only_their_own_and_cannot_revoke_anothers(
    client: TestClient, db: Database
) -> None:
    make_person(db, "agent", "ada-agent")
    make_person(db, "agent", "ben-agent")
    sign_in(client, "ada-agent")
    make_token(client, "ada's <i>own</i> script")
    client.cookies.clear()
    sign_in(client, "ben-agent")
    page = client.get("/account/tokens").text
    assert "own</i>" not in page and "Your tokens" in page
    foreign = token_id(db, "ada's <i>own</i> script")
    answer = client.post(
        f"/account/tokens/{foreign}/revoke",
        data={"csrf_token": csrf_of(client, "/account/tokens")},
    )
    missing = client.post(
        "/account/tokens/tok_doesnotexist/revoke",
        data={"csrf_token": csrf_of(client, "/account/tokens")},
    )
    assert answer.status_code == missing.status_code == 404
    assert answer.text.replace(foreign, "X") == missing.text.replace("tok_doesnotexist", "X")
    with db.reading() as session:
        assert session.get(ApiToken, foreign).revoked_at is None  # type: ignore[union-attr]


def test_an_admin_sees_everyones_and_issues_a_service_identitys_token(
    client: TestClient, db: Database
) -> None:
    make_person(db, "agent", "ada-agent")
    sign_in(client, "ada-agent")
    make_token(client, "ada's <i>own</i> script")
    client.cookies.clear()
    make_person(db, "admin", "ari-admin")
    sign_in(client, "ari-admin")
    page = client.get("/account/tokens").text
    assert "everyone" in page and "ada&#39;s &lt;i&gt;own&lt;/i&gt; script" in page
    client.post(
        "/admin/service-identities",
        data={"name": "pbx", "csrf_token": csrf_of(client, "/admin")},
    )
    secret = make_token(client, "pbx integration", user="pbx", days="30")
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()
    assert me["username"] == "pbx" and me["role"] == "integration"
    assert "pbx integration" in client.get("/admin/users/pbx").text
    refused = client.post(
        "/account/tokens",
        data={"name": "x", "user": "ada-agent", "csrf_token": csrf_of(client, "/account/tokens")},
    )
    assert refused.status_code == 403 and "nobody may create a token for another person" in (
        refused.text
    )


def test_a_token_form_without_csrf_is_refused(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "ada-agent")
    sign_in(client, "ada-agent")
    refused = client.post("/account/tokens", data={"name": "sneaky"})
    assert refused.status_code == 403
    with db.reading() as session:
        assert session.scalars(select(ApiToken).where(ApiToken.name == "sneaky")).first() is None
