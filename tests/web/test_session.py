"""Signing in and out of the console over HTTP: cookies, CSRF, forged and ended sessions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.kit import clock
from callwarden.models import ApiToken, AuditEvent
from callwarden.web import session as cookies
from tests.support.console import PASSWORD, make_person

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def csrf_of(client: TestClient, path: str = "/sign-in") -> str:
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    answer = client.post(
        "/sign-in",
        data={"username": username, "password": password, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/home"


def test_signing_in_sets_a_strict_http_only_cookie_and_opens_home(
    client: TestClient, db: Database
) -> None:
    make_person(db, "supervisor", "sam-supervisor", team="north")
    answer = client.post(
        "/sign-in",
        data={"username": "sam-supervisor", "password": PASSWORD, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    cookie = next(
        v for k, v in answer.headers.multi_items() if k == "set-cookie" and "session=" in v
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    home = client.get("/home")
    assert home.status_code == 200 and "sam-supervisor" in home.text


def test_a_form_without_its_csrf_token_is_refused(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "ada-agent")
    client.get("/sign-in")
    refused = client.post("/sign-in", data={"username": "ada-agent", "password": PASSWORD})
    assert refused.status_code == 403 and "not sent from a page of this console" in refused.text
    sign_in(client, "ada-agent")
    forged = client.post("/sign-out", data={"csrf_token": "0" * 64}, follow_redirects=False)
    assert forged.status_code == 403
    assert client.get("/home").status_code == 200  # still signed in: the forged form did nothing


def test_signing_out_revokes_the_sessions_token(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "ada-agent")
    sign_in(client, "ada-agent")
    presented = client.cookies[cookies.SESSION_COOKIE]
    out = client.post(
        "/sign-out", data={"csrf_token": csrf_of(client, "/home")}, follow_redirects=False
    )
    assert out.status_code == 303
    client.cookies.set(cookies.SESSION_COOKIE, presented)  # a copy of the cookie kept elsewhere
    again = client.get("/home", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/sign-in")
    with db.reading() as session:
        token = session.scalars(select(ApiToken).where(ApiToken.name == "console session")).one()
        assert token.revoked_at is not None


def test_a_forged_session_cookie_is_sent_to_sign_in(client: TestClient) -> None:
    client.cookies.set(cookies.SESSION_COOKIE, "cwt_forged.secret")
    answer = client.get("/home", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in?next=/home")


def test_an_idle_session_ends(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_person(db, "agent", "ada-agent")
    sign_in(client, "ada-agent")
    assert client.get("/home").status_code == 200
    later = clock.now() + timedelta(minutes=31)  # the default idle timeout is 30 minutes
    monkeypatch.setattr(clock, "now", lambda: later)
    ended = client.get("/home", follow_redirects=False)
    assert ended.status_code == 303 and "why=ended" in ended.headers["location"]


def test_wrong_passwords_are_refused_audited_and_throttled(
    client: TestClient, db: Database
) -> None:
    make_person(db, "agent", "ada-agent")
    statuses = []
    for _ in range(6):  # the default allows 5 failures per username in the window
        answer = client.post(
            "/sign-in",
            data={"username": "ada-agent", "password": "wrong", "csrf_token": csrf_of(client)},
        )
        statuses.append(answer.status_code)
    assert statuses == [401] * 5 + [429]
    assert (
        "wrong username or password"
        in client.post(
            "/sign-in",
            data={"username": "nobody", "password": "x", "csrf_token": csrf_of(client)},
        ).text
    )
    with db.reading() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "auth.login_failed" in actions


def test_a_temporary_password_must_be_changed_first(client: TestClient, db: Database) -> None:
    from callwarden.identity import service as identity
    from callwarden.identity.principal import SYSTEM

    with db.unit_of_work() as session:
        identity.create_user(
            session, SYSTEM, username="new-agent", role="agent", password="temporary-password-1"
        )
    answer = client.post(
        "/sign-in",
        data={
            "username": "new-agent",
            "password": "temporary-password-1",
            "csrf_token": csrf_of(client),
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/account/password"
    assert client.get("/home", follow_redirects=False).headers["location"] == "/account/password"
    changed = client.post(
        "/account/password",
        data={
            "current_password": "temporary-password-1",
            "new_password": "a-password-of-my-own",
            "confirm_password": "a-password-of-my-own",
            "csrf_token": csrf_of(client, "/account/password"),
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303 and changed.headers["location"].startswith("/sign-in")
    sign_in(client, "new-agent", "a-password-of-my-own")


def test_next_never_leaves_the_console(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "ada-agent")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        answer = client.post(
            "/sign-in",
            data={
                "username": "ada-agent",
                "password": PASSWORD,
                "next": target,
                "csrf_token": csrf_of(client),
            },
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/home"


def test_markup_in_a_name_is_shown_as_text(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "ada-agent")
    answer = client.get("/sign-in?why=<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in answer.text
    assert "alert(1)" not in answer.text  # `why` names a notice; its text is never shown
