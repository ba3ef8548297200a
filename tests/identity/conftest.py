"""What the identity tests share: signing in through the API, and reading the audit trail."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.models import AuditEvent
from tests.support.factories import bearer, make_token

PASSWORD = "correct horse battery"


@pytest.fixture
def admin(db: Database) -> dict[str, str]:
    return bearer(make_token(db, "admin", "root"))


def sign_in(client: TestClient, username: str, password: str) -> httpx.Response:
    answer: httpx.Response = client.post(
        "/v1/auth/token", json={"username": username, "password": password}
    )
    return answer


def audited(db: Database, *actions: str) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(action, reason, data) of every audit event with one of `actions`, in chain order."""
    with db.reading() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.reason, AuditEvent.data)
            .where(AuditEvent.action.in_(actions))
            .order_by(AuditEvent.seq)
        ).all()
    return [(action, reason, data) for action, reason, data in rows]
