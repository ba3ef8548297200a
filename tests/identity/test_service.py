"""Identity rules: bad input is refused with a clear error and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.identity import accounts, service
from callwarden.identity.principal import SYSTEM, Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, Forbidden, InvalidInput, Unauthenticated
from callwarden.models import AuditEvent, User
from tests.support.factories import make_team, make_user, token_for


def counts(db: Database) -> tuple[int, int]:
    with db.unit_of_work() as session:
        users = session.execute(select(func.count()).select_from(User)).scalar_one()
        events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return users, events


def test_create_user_is_audited_and_password_hashed(db: Database) -> None:
    with db.unit_of_work() as session:
        created = service.create_user(session, SYSTEM, username="alice", role="agent")
    assert created.password and len(created.password) >= 20
    assert created.user.password_hash and created.password not in created.user.password_hash
    assert created.user.password_hash.startswith("$argon2id$")
    assert counts(db) == (1, 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"username": "bob", "role": "wizard"}, InvalidInput, "unknown role 'wizard'"),
        ({"username": "Bob Smith", "role": "agent"}, InvalidInput, "invalid username"),
        ({"username": "bob", "role": "agent", "team": "nowhere"}, InvalidInput, "unknown team"),
        ({"username": "bob", "role": "agent", "password": "short"}, InvalidInput, "at least 12"),
        (
            {"username": "x'; DROP TABLE users;--", "role": "agent"},
            InvalidInput,
            "invalid username",
        ),
    ],
)
def test_bad_user_input_writes_nothing(
    db: Database, kwargs: dict[str, str], error: type, message: str
) -> None:
    before = counts(db)
    with pytest.raises(error, match=message), db.unit_of_work() as session:
        service.create_user(session, SYSTEM, **kwargs)  # type: ignore[arg-type]
    assert counts(db) == before


def test_duplicate_user_is_a_conflict(db: Database) -> None:
    make_user(db, "agent", "carol")
    before = counts(db)
    with pytest.raises(Conflict, match="already exists"), db.unit_of_work() as session:
        service.create_user(session, SYSTEM, username="carol", role="agent")
    assert counts(db) == before


def test_only_admins_create_users(db: Database) -> None:
    supervisor = Principal(actor="user:sup", role=Role.SUPERVISOR)
    with (
        pytest.raises(Forbidden, match=r"users\.manage needs one of the roles: admin"),
        db.unit_of_work() as session,
    ):
        service.create_user(session, supervisor, username="dave", role="agent")


def test_token_round_trip_and_scope(db: Database) -> None:
    make_team(db, "Support East")
    issued = token_for(db, make_user(db, "supervisor", "erin", team="Support East"))
    with db.unit_of_work() as session:
        who = service.authenticate(session, issued)
    assert who.role is Role.SUPERVISOR and who.username == "erin" and who.team_id is not None
    with db.unit_of_work() as session:
        stored = service.list_tokens(session, SYSTEM, "erin").rows[0]
    assert issued.split(".")[1] not in stored.secret_hash


def test_expired_revoked_and_disabled_tokens_are_refused(db: Database) -> None:
    frank = make_user(db, "agent", "frank")
    me = Principal(actor="user:frank", role=Role.AGENT, user_id=frank.id)
    with db.unit_of_work() as session:
        short = service.create_token(session, me, name="short", days=1)
        other = service.create_token(session, me, name="other", days=30)
    with (
        clock.frozen_at(clock.now() + timedelta(days=2)),
        db.unit_of_work() as session,
        pytest.raises(Unauthenticated, match="expired"),
    ):
        service.authenticate(session, short.plaintext)
    with db.unit_of_work() as session:
        service.revoke_token(session, SYSTEM, other.token.id)
    with db.unit_of_work() as session, pytest.raises(Unauthenticated, match="revoked"):
        service.authenticate(session, other.plaintext)
    with db.unit_of_work() as session:
        fresh = service.create_token(session, me, name="fresh")
        accounts.disable_user(session, SYSTEM, "frank", "left the company")
    with db.unit_of_work() as session, pytest.raises(Unauthenticated, match="disabled"):
        service.authenticate(session, fresh.plaintext)


@pytest.mark.parametrize(
    "presented", ["", "garbage", "cwt_", "cwt_abc", "cwt_tok_x.wrong", "x" * 500]
)
def test_malformed_or_unknown_tokens_are_refused(db: Database, presented: str) -> None:
    with db.unit_of_work() as session, pytest.raises(Unauthenticated):
        service.authenticate(session, presented)


def test_wrong_secret_for_a_real_token_id_is_refused(db: Database) -> None:
    issued = token_for(db, make_user(db, "agent", "gina"))
    forged = issued.rsplit(".", 1)[0] + ".not-the-secret"
    with db.unit_of_work() as session, pytest.raises(Unauthenticated, match="unknown"):
        service.authenticate(session, forged)


def test_people_manage_only_their_own_tokens(db: Database) -> None:
    hanks = token_for(db, make_user(db, "agent", "hank"))
    ivy = make_user(db, "agent", "ivy")
    ivy_principal = Principal(actor="user:ivy", role=Role.AGENT, user_id=ivy.id)
    hanks_id = hanks.removeprefix("cwt_").split(".")[0]
    with db.unit_of_work() as session, pytest.raises(Forbidden, match="owner or an administrator"):
        service.revoke_token(session, ivy_principal, hanks_id)


def test_revoking_through_the_api_stops_a_recently_used_token_at_once(
    client: TestClient, db: Database
) -> None:
    from tests.support.factories import bearer, make_token

    agent = bearer(make_token(db, "agent", "jan"))
    assert (
        client.get("/v1/me", headers=agent).status_code == 200
    )  # now remembered for a few seconds
    token_id = agent["Authorization"].removeprefix("Bearer cwt_").split(".")[0]
    assert client.delete(f"/v1/tokens/{token_id}", headers=agent).status_code == 200
    assert client.get("/v1/me", headers=agent).status_code == 401
