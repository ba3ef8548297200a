"""Read-only requests read in read transactions: on SQLite they never hold the write lock.

SQLite has one writer. A GET that ran in a writing transaction (`BEGIN IMMEDIATE`) held the
database's write lock for as long as it read, so a long read (the whole audit chain) stopped
every upload, decision and audit event behind it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from callwarden.db import Database
from tests.support.factories import bearer, make_token

# These GETs write the access event (who listened, why, which bytes) by design.
WRITING_GETS = {
    "/v1/recordings/{recording_id}/audio",
    "/v1/recordings/{recording_id}/download",
    "/v1/subject-requests/{request_id}/export",  # an export, audited like a download
    "/v1/cases/{case_ref}/export.pdf",  # a case for the file, audited: it carries internal notes
}


@pytest.fixture
def sqlite_only(db: Database) -> Database:
    if not db.is_sqlite:
        pytest.skip("the write lock being observed is SQLite's")
    return db


def write_lock_is_free(db: Database) -> bool:
    """Try to take the write lock from another connection, without waiting."""
    other = sqlite3.connect(str(db.engine.url.database), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as locked:
        assert "locked" in str(locked)
        return False
    finally:
        other.close()


@pytest.fixture
def paused_in_audit_reads() -> Iterator[tuple[threading.Event, threading.Event]]:
    """Hold any request that reads audit events right after its first such read."""
    paused, release = threading.Event(), threading.Event()

    def hold(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM audit_events" in statement and not paused.is_set():
            paused.set()
            release.wait(10)

    event.listen(Engine, "after_cursor_execute", hold)
    try:
        yield paused, release
    finally:
        release.set()
        event.remove(Engine, "after_cursor_execute", hold)


def test_verifying_the_whole_chain_does_not_block_a_writer(
    sqlite_only: Database,
    client: TestClient,
    paused_in_audit_reads: tuple[threading.Event, threading.Event],
) -> None:
    db = sqlite_only
    auditor = bearer(make_token(db, "auditor"))
    paused, release = paused_in_audit_reads
    answers: list[int] = []
    reader = threading.Thread(
        target=lambda: answers.append(client.get("/v1/audit/verify", headers=auditor).status_code)
    )
    reader.start()
    try:
        assert paused.wait(10), "the verify request never read the chain"
        free = write_lock_is_free(db)  # the GET is inside its transaction, mid-read
    finally:
        release.set()
        reader.join(10)
    assert answers == [200]
    assert free, "a GET held SQLite's write lock while it read"


def test_no_get_handler_touches_the_writing_engine(
    sqlite_only: Database, client: TestClient
) -> None:
    """Every GET route (but the two that audit a listen) runs its queries on the read engine."""
    db = sqlite_only
    tokens = [bearer(make_token(db, role)) for role in ("admin", "compliance_officer", "auditor")]
    on_writer: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        on_writer.append(statement)

    spec = client.get("/openapi.json").json()
    routes = [path for path, ops in spec["paths"].items() if "get" in ops]
    routes = [path for path in routes if path not in WRITING_GETS] + ["/healthz"]
    assert len(routes) >= 13
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        for route in routes:
            path = route.replace("{version}", "1")
            for name in ("recording_id", "call_id", "decision_id"):
                path = path.replace("{" + name + "}", "x_missing")
            for headers in tokens:
                on_writer.clear()
                response = client.get(path, headers=headers)
                if response.status_code == 403:
                    continue  # a refusal is audited, a write by design; another role may read
                assert response.status_code < 500, (path, response.text)
                assert on_writer == [], (path, on_writer)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
