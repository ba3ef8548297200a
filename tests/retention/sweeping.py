"""Helpers for sweep tests: a vault, a varied set of bulk recordings, and the invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.models import DataKey, Disposal, Recording, RetentionSweep
from callwarden.retention import certificate, coverage, holds
from callwarden.signing import create_signing_key_file, load_signing_key
from callwarden.vault.keyring import Keyring
from callwarden.vault.runtime import vault_for
from tests.support.bulk import load, new_row

LEGAL = Principal(actor="user:lee", role=Role.LEGAL)
AS_OF = datetime(2026, 6, 1, tzinfo=UTC)
HELD_NUMBER = "+14155550177"


def with_vault(settings: Settings) -> Settings:
    settings.keyring_path.parent.mkdir(parents=True, exist_ok=True)
    if not settings.keyring_path.exists():
        Keyring.create(settings.keyring_path)
    if not settings.signing_key_path.exists():
        create_signing_key_file(settings.signing_key_path)
    return settings


def populate(db: Database, settings: Settings, count: int) -> None:
    """`count` recordings with tiny objects: 3 in 4 due by AS_OF, every 7th from a held number,
    every 11th in a held month of 2025 (two holds, so what they keep is known)."""
    store = vault_for(settings).store
    rows = []
    for i in range(count):
        due = AS_OF - timedelta(days=1) if i % 4 else AS_OF + timedelta(days=30)
        started = datetime(2025, 3 if i % 11 == 0 else 1, 1 + i % 28, tzinfo=UTC)
        rows.append(
            new_row(
                i,
                started,
                numbers=[HELD_NUMBER if i % 7 == 0 else f"+1212555{i % 10000:04d}"],
                disposal_due=due,
            )
        )
    load(db, rows, store)
    with db.unit_of_work() as session:
        holds.create(session, LEGAL, "Number", "litigation", {"numbers": [HELD_NUMBER]})
        month = {"from": "2025-03-01T00:00:00Z", "to": "2025-04-01T00:00:00Z"}
        holds.create(session, LEGAL, "March", "investigation", {"started": month})


def expected_disposed(count: int) -> set[str]:
    return {f"rec_{i:012d}" for i in range(count) if i % 4 and i % 7 != 0 and i % 11 != 0}


def check_invariants(db: Database, settings: Settings, finished: bool) -> set[str]:
    """No held recording disposed; no disposed one whose key survives; every disposal in a
    sweep; after a finished run, every disposed object deleted. The disposed ids."""
    store = vault_for(settings).store
    with db.reading() as session:
        held = set(session.execute(select(Recording.id).where(coverage.covered(session))).scalars())
        disposed = set(
            session.execute(select(Recording.id).where(Recording.state == "disposed")).scalars()
        )
        assert not held & disposed
        live_keys = session.execute(
            select(DataKey.recording_id).where(
                DataKey.recording_id.in_(disposed), DataKey.wrapped.is_not(None)
            )
        ).all()
        assert live_keys == []
        tombs = {row.recording_id: row for row in session.execute(select(Disposal)).scalars()}
        assert set(tombs) == disposed
        sweeps = {row.id: row for row in session.execute(select(RetentionSweep)).scalars()}
        assert all(row.sweep_id in sweeps for row in tombs.values())
        for sweep in sweeps.values():
            counted = sum(1 for row in tombs.values() if row.sweep_id == sweep.id)
            assert sweep.disposed_count == counted
        if finished:
            assert all(row.object_deleted_at is not None for row in tombs.values())
            assert not any(store.exists(f"bulk/{rid}") for rid in disposed)
            assert all(sweep.finished_at is not None for sweep in sweeps.values())
            # Every sweep that disposed of something has a certificate, which verifies offline
            # with the public key alone and lists exactly that sweep's disposals.
            public = load_signing_key(settings).public_key()
            for sweep in sweeps.values():
                assert (sweep.certificate is not None) == bool(sweep.disposed_count)
                if sweep.certificate is not None:
                    verified = certificate.verify(sweep.certificate, public)
                    listed = {entry["recording_id"] for entry in verified.recordings}
                    assert listed == {r for r, t in tombs.items() if t.sweep_id == sweep.id}
    return disposed
