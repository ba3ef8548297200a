"""Attacks on the console's session: forged, malformed, expired and revoked cookies, an API
token pasted as the cookie, and a person disabled, re-roled or reset while signed in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.identity import accounts, passwords
from callwarden.identity import service as identity
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.models import ApiToken
from callwarden.web import session as cookies
from tests.support.console import make_person
from tests.support.factories import token_for
from tests.web.console_forms import signed_in


def _sent_to_sign_in(browser: TestClient, path: str = "/home") -> bool:
    answer = browser.get(path, follow_redirects=False)
    location: str = answer.headers.get("location", "")
    return answer.status_code == 303 and location.startswith("/sign-in?")


def _with_cookie(client: TestClient, raw_cookie: str) -> int:
    """A request whose Cookie header is exactly `raw_cookie` (as a forger would write it)."""
    answer = client.get("/home", headers={"Cookie": raw_cookie}, follow_redirects=False)
    status: int = answer.status_code
    return status


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "cwt_.",
        "cwt_nosuchid.secret",
        "cwt_" + "a" * 300 + ".b",
        '"cwt_a\\000b.c"',  # an octal escape the cookie parser turns into a NUL
        '"cwt_\\303\\251t\\303\\251.s"',  # non-ASCII through the same escapes
        "cwt_a'--.b",
    ],
)
def test_a_forged_or_malformed_cookie_is_sent_to_sign_in(client: TestClient, value: str) -> None:
    status = _with_cookie(client, f"{cookies.SESSION_COOKIE}={value}")
    assert status == 303


def test_a_real_token_id_with_a_forged_secret_opens_nothing(
    client: TestClient, db: Database
) -> None:
    make_person(db, "agent", "forge-agent")
    signed_in(client, "forge-agent")
    real = client.cookies[cookies.SESSION_COOKIE]
    forged = real.rsplit(".", 1)[0] + ".not-the-secret"
    fresh = TestClient(client.app, raise_server_exceptions=False)
    fresh.cookies.set(cookies.SESSION_COOKIE, forged)
    assert _sent_to_sign_in(fresh)


def _session_token(db: Database, username: str) -> ApiToken:
    with db.reading() as session:
        user = identity.user_named(session, username)
        row = session.scalars(
            select(ApiToken).where(
                ApiToken.user_id == user.id, ApiToken.name == cookies.SESSION_LABEL
            )
        ).one()
        session.expunge(row)
        return row


def test_an_expired_session_ends(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "expired-agent")
    signed_in(client, "expired-agent")
    token = _session_token(db, "expired-agent")
    with db.unit_of_work() as session:
        session.get_one(ApiToken, token.id).expires_at = clock.now() - timedelta(seconds=1)
    assert _sent_to_sign_in(client)


def test_a_session_revoked_elsewhere_ends_at_once(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "revoked-agent")
    signed_in(client, "revoked-agent")
    assert client.get("/home", follow_redirects=False).status_code == 200
    token = _session_token(db, "revoked-agent")
    with db.unit_of_work() as session:
        identity.revoke_token(session, SYSTEM, token.id, reason="stolen laptop")
    assert _sent_to_sign_in(client)


@pytest.mark.parametrize("change", ["disable", "role", "reset"])
def test_an_account_changed_while_signed_in_ends_its_session_at_once(
    client: TestClient, db: Database, change: str
) -> None:
    make_person(db, "admin", "change-admin")
    make_person(db, "supervisor", "changed-person", team="East")
    signed_in(client, "changed-person")
    assert client.get("/recordings", follow_redirects=False).status_code == 200
    with db.unit_of_work() as session:
        if change == "disable":
            accounts.disable_user(session, SYSTEM, "changed-person", "left the company")
        elif change == "role":
            accounts.change_role(session, SYSTEM, "changed-person", "agent", "moved")
        else:
            passwords.reset_password(session, SYSTEM, "changed-person", "forgot it")
    assert _sent_to_sign_in(client, "/recordings")
    assert _sent_to_sign_in(client, "/home")


def test_an_api_token_as_the_cookie_is_that_token_nothing_more(
    client: TestClient, db: Database
) -> None:
    """A bearer token pasted as the cookie acts as its owner with the role it carries (what
    the API already grants its holder), keeps its own lifetime, and ends when revoked."""
    person = make_person(db, "agent", "pasting-agent")
    bearer = token_for(db, person)
    client.cookies.set(cookies.SESSION_COOKIE, bearer)
    home = client.get("/home", follow_redirects=False)
    assert home.status_code == 200 and "pasting-agent" in home.text
    assert client.get("/admin", follow_redirects=False).status_code == 403
    with db.reading() as session:
        row = session.scalars(select(ApiToken).where(ApiToken.user_id == person.id)).one()
        expires, token_id = row.expires_at, row.id
    client.get("/recordings")
    with db.reading() as session:
        assert session.get_one(ApiToken, token_id).expires_at == expires
    with db.unit_of_work() as session:
        identity.revoke_token(session, SYSTEM, token_id, reason="pasted")
    assert _sent_to_sign_in(client)


def test_a_session_read_while_its_account_is_being_disabled_is_not_remembered(
    client: TestClient, db: Database
) -> None:
    """A request that authenticates between the disabling and its commit sees the account
    still enabled, and the token cache would keep that answer for seconds after the commit:
    the cache is cleared again once the change is committed."""
    make_person(db, "agent", "racing-agent")
    signed_in(client, "racing-agent")
    presented = client.cookies[cookies.SESSION_COOKIE]
    with db.unit_of_work() as session:
        accounts.disable_user(session, SYSTEM, "racing-agent", "left the company")
        session.flush()
        with db.reading() as meanwhile:  # another request, reading what is committed
            assert identity.authenticate(meanwhile, presented).username == "racing-agent"
    assert _sent_to_sign_in(client)
