"""Seeded data for the checks: bulk rows (as intake writes them), adjusted to make each defect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from callwarden.checks.registry import Period
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from tests.support import bulk

DAY = datetime(2026, 3, 10, tzinfo=UTC)
PERIOD = Period(DAY, DAY + timedelta(days=1))
OFFICER = Principal(actor="user:officer", role=Role.COMPLIANCE_OFFICER)
AUDITOR = Principal(actor="user:auditor", role=Role.AUDITOR)


@pytest.fixture
def seed(db: Database) -> Callable[..., bulk.Row]:
    """Insert one call with its recording, `minutes` into the seeded day; returns its row."""
    counter = iter(range(1, 10_000))

    def make(minutes: int = 60, call_numbers: tuple[str, ...] = (), **extra: object) -> bulk.Row:
        row = bulk.new_row(
            next(counter),
            DAY + timedelta(minutes=minutes),
            call_numbers=call_numbers,
            extra=dict(extra),
        )
        bulk.load(db, [row])
        return row

    return make
