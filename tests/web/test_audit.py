"""The audit trail pages over HTTP: filters, paging newest first, escaping, verification."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from callwarden.app import create_app
from callwarden.audit import service as audit
from callwarden.cli import app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.runtime import open_database
from tests.audit.tampering import CheckpointTrail, rewrite_event, write_events
from tests.support.console import make_person
from tests.web.test_session import sign_in

POSITION = re.compile(r'<tr id="event-(\d+)">')


def write(db: Database, count: int, **fields: str) -> None:
    for number in range(count):
        with db.unit_of_work() as session:
            audit.record(
                session,
                actor=fields.get("actor", "user:alice"),
                action=fields.get("action", "recording.played"),
                target=fields.get("target", f"recording:rec_{number}"),
                reason=fields.get("reason", "QA review"),
                data={"n": number},
            )


def positions(html: str) -> list[int]:
    return [int(found) for found in POSITION.findall(html)]


def signed_in_auditor(client: TestClient, db: Database) -> None:
    make_person(db, "auditor", "aude-auditor")
    sign_in(client, "aude-auditor")


def test_events_page_newest_first_and_the_next_page_continues(
    client: TestClient, db: Database
) -> None:
    signed_in_auditor(client, db)
    write(db, 60)
    first = client.get("/audit")
    assert first.status_code == 200
    shown = positions(first.text)
    assert len(shown) == 50 and shown == sorted(shown, reverse=True)
    nxt = re.search(r'href="([^"]*cursor=[^"]+)" rel="next"', first.text)
    assert nxt is not None
    second = positions(client.get(nxt.group(1).replace("&amp;", "&")).text)
    assert second and max(second) == min(shown) - 1 and min(second) == 1
    assert 'rel="next"' not in client.get(nxt.group(1).replace("&amp;", "&")).text


def test_filters_by_action_actor_target_and_position(client: TestClient, db: Database) -> None:
    signed_in_auditor(client, db)
    write(db, 3, action="recording.played", actor="user:alice")
    write(db, 2, action="hold.placed", actor="user:bob", target="call:c1")
    only_holds = client.get("/audit", params={"action": "hold.placed"}).text
    assert "hold.placed" in only_holds and "recording.played</a>" not in only_holds
    assert len(positions(only_holds)) == 2
    by_actor = client.get("/audit", params={"actor": "user:alice", "action": ""}).text
    assert len(positions(by_actor)) == 3
    by_target = client.get("/audit", params={"target": "call:c1"}).text
    assert len(positions(by_target)) == 2
    top = positions(client.get("/audit", params={"up_to": "3"}).text)
    assert top[0] == 3 and 4 not in top


def test_time_range_is_read_as_utc(client: TestClient, db: Database) -> None:
    signed_in_auditor(client, db)
    write(db, 2)
    assert positions(client.get("/audit", params={"since": "2000-01-01T00:00"}).text)
    assert not positions(client.get("/audit", params={"until": "2000-01-01T00:00"}).text)
    bad = client.get("/audit", params={"since": "yesterday"})
    assert bad.status_code == 422 and "2026-11-27T10:00" in bad.text


def test_event_data_with_markup_is_escaped(client: TestClient, db: Database) -> None:
    signed_in_auditor(client, db)
    with db.unit_of_work() as session:
        audit.record(
            session,
            actor="user:<b>mallory</b>",
            action="note.added",
            target="call:x",
            reason="<img src=x onerror=alert(1)>",
            data={"note": "<script>alert(1)</script>"},
        )
    page = client.get("/audit").text
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;mallory&lt;/b&gt;" in page


def test_hash_is_short_with_the_full_one_on_hover(client: TestClient, db: Database) -> None:
    signed_in_auditor(client, db)
    write(db, 1)
    with db.reading() as session:
        last = audit.find(session, audit.EventFilter(), None, 1, newest_first=True).rows[0].hash
    page = client.get("/audit").text
    assert f'title="hash {last};' in page and f">{last[:12]}…</code>" in page


def test_verify_reports_ok_with_counts(client: TestClient, db: Database) -> None:
    signed_in_auditor(client, db)
    write(db, 5)
    with db.reading() as session:
        stored = session.execute(text("SELECT count(*) FROM audit_events")).scalar_one()
    page = client.get("/audit/verify")
    assert page.status_code == 200 and "The chain verifies" in page.text
    assert f"{stored} events checked, up to position {stored};" in page.text
    assert stored >= 5


def test_verify_names_an_edited_event_and_links_to_it(client: TestClient, db: Database) -> None:
    signed_in_auditor(client, db)
    write(db, 6)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET reason = 'nothing' WHERE seq = 4"))
    page = client.get("/audit/verify").text
    assert "FAILED" in page and "event 4 content does not match its hash (edited)" in page
    assert 'href="/audit?up_to=4#event-4"' in page
    assert "Verified before it</dt><dd>3 events" in page


def test_other_roles_get_the_not_allowed_page(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "ada-agent")
    sign_in(client, "ada-agent")
    for path in ("/audit", "/audit/verify"):
        refused = client.get(path)
        assert refused.status_code == 403
        assert "audit.read needs one of the roles: admin, auditor, compliance_officer" in (
            refused.text
        )
    assert 'href="/audit"' not in client.get("/home").text


@pytest.fixture
def signed_trail(db: Database, settings: Settings) -> CheckpointTrail:
    """The test's data directory initialised (a signing key), checkpoints every 5 events."""
    env = {
        "CALLWARDEN_DATA_DIR": str(settings.data_dir),
        "CALLWARDEN_DATABASE_URL": db.url,
        "CALLWARDEN_AUDIT_CHECKPOINT_EVERY": "5",
    }
    result = CliRunner().invoke(app, ["init"], env=env)
    assert result.exit_code == 0, result.output
    return CheckpointTrail(db, settings.model_copy(update={"audit_checkpoint_every": 5}), env)


def test_verify_holds_the_chain_to_its_signed_checkpoints(
    signed_trail: CheckpointTrail, db: Database
) -> None:
    # Through the database as the server opens it, so the person's own events (the account,
    # and any training it is assigned) are checkpointed like every other.
    people = open_database(signed_trail.settings)
    try:
        make_person(people, "auditor", "aude-auditor")
    finally:
        people.dispose()
    write_events(signed_trail, 14)
    with TestClient(create_app(signed_trail.settings, db)) as client:
        sign_in(client, "aude-auditor")
        good = client.get("/audit/verify").text
        assert "The chain verifies" in good and re.search(
            r"[1-9]\d* signed checkpoints matched", good
        )
        # edited and every later hash recomputed: the chain alone verifies, the checkpoints not
        rewrite_event(signed_trail, seq=8, reason="nothing to see")
        bad = client.get("/audit/verify").text
        assert "FAILED" in bad and "rewritten tail: event 10 no longer has the hash" in bad
        assert 'href="/audit?up_to=10#event-10"' in bad


def test_a_cursor_of_one_order_is_refused_by_the_other(client: TestClient, db: Database) -> None:
    signed_in_auditor(client, db)
    write(db, 60)
    page = client.get("/audit").text
    cursor = re.search(r"cursor=([A-Za-z0-9_-]+)", page)
    assert cursor is not None
    with db.reading() as session:
        oldest = audit.find(session, audit.EventFilter(), None, 50)
    assert oldest.next_cursor and oldest.next_cursor != cursor.group(1)
    refused = client.get("/audit", params={"cursor": oldest.next_cursor})
    assert refused.status_code == 422 and "belongs to another list" in refused.text
