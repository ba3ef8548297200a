"""Sign-in is throttled per username and per address, and unauthenticated refusals are audited
once per source and window with a count, so they cannot grow the trail without bound."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.models import AuditEvent
from tests.identity.conftest import PASSWORD, audited, sign_in

FAILED = ("auth.login_failed", "auth.login_failed.repeated")


def event_count(db: Database) -> int:
    with db.reading() as session:
        return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_thirty_wrong_passwords_are_throttled_and_audited_as_a_count(
    client: TestClient, db: Database, admin: dict[str, str], settings: Settings
) -> None:
    body = {"username": "ann", "role": "agent", "password": PASSWORD}
    assert client.post("/v1/users", json=body, headers=admin).status_code == 201
    before = event_count(db)
    with clock.frozen_at(clock.now()):
        answers = [sign_in(client, "ann", f"guess number {n}") for n in range(30)]
        statuses = [answer.status_code for answer in answers]
        limit = settings.signin_failures_per_user
        assert statuses == [401] * limit + [429] * (30 - limit)
        throttled = answers[-1]
        assert int(throttled.headers["Retry-After"]) == settings.signin_window_seconds
        assert throttled.json()["code"] == "too_many_requests"
        assert throttled.json()["retry_after_s"] == settings.signin_window_seconds
        # Even the right password waits: guessing cannot go on behind the limit.
        assert sign_in(client, "ann", PASSWORD).status_code == 429
        assert event_count(db) - before == 1
        [(action, _reason, data)] = audited(db, *FAILED)
        assert action == "auth.login_failed" and data["count"] == 1

        clock.advance(timedelta(seconds=settings.signin_window_seconds))
        allowed = sign_in(client, "ann", PASSWORD)
        assert allowed.status_code == 201, allowed.text
        assert sign_in(client, "ann", "wrong again").status_code == 401
    events = audited(db, *FAILED)
    assert [action for action, _r, _d in events] == [
        "auth.login_failed",
        "auth.login_failed.repeated",
        "auth.login_failed",
    ]
    summary = events[1][2]
    assert summary["count"] == 30 and summary["subjects"] == ["ann"]  # 29 guesses + the right one
    assert summary["source"] == "address:testclient"


def test_one_address_is_throttled_across_usernames(
    client: TestClient, db: Database, settings: Settings
) -> None:
    limit = settings.signin_failures_per_address
    with clock.frozen_at(clock.now()):
        statuses = [sign_in(client, f"user{n}", "guess").status_code for n in range(limit + 3)]
    assert statuses == [401] * limit + [429] * 3
    assert len(audited(db, *FAILED)) == 1


def test_the_limits_are_settings(settings: Settings, db: Database) -> None:
    strict = settings.model_copy(
        update={"signin_failures_per_user": 2, "signin_window_seconds": 60}
    )
    with (
        TestClient(create_app(strict, db), raise_server_exceptions=False) as client,
        clock.frozen_at(clock.now()),
    ):
        statuses = [sign_in(client, "ann", "guess").status_code for _ in range(3)]
        assert statuses == [401, 401, 429]
        clock.advance(timedelta(seconds=30))
        later = sign_in(client, "ann", "guess")
        assert later.status_code == 429 and later.headers["Retry-After"] == "30"


def test_counts_left_in_memory_are_written_when_the_server_stops(
    settings: Settings, db: Database
) -> None:
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        for _ in range(4):
            sign_in(client, "nobody", "guess")
    events = audited(db, *FAILED)
    assert [(action, data["count"]) for action, _r, data in events] == [
        ("auth.login_failed", 1),
        ("auth.login_failed.repeated", 3),
    ]
