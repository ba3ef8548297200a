"""The security posture check on a real database and data directory: each weakness found, a
clean set-up found clean, and the keys the same from one run to the next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.vault.keyring import Keyring
from tests.checks.support import apply_policy_with, run_check
from tests.support.factories import make_user

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
PERIOD = Period(NOW - timedelta(days=1), NOW)


def _token(db: Database, username: str, days: int) -> str:
    with db.unit_of_work() as session:
        user = identity.user_named(session, username)
        me = Principal(actor=f"user:{username}", role=Role(user.role), user_id=user.id)
        return identity.create_token(session, me, name=f"{days}d", days=days).token.id


def _posture(db: Database, settings: Settings) -> dict[str, object]:
    return dict(run_check(db, "security_posture", PERIOD, NOW, settings))


def test_a_clean_installation_has_nothing_to_report(db: Database, settings: Settings) -> None:
    settings.keyring_path.parent.mkdir(parents=True)
    with clock.frozen_at(NOW - timedelta(days=30)):
        Keyring.create(settings.keyring_path)
    make_user(db, "admin", "ada")
    make_user(db, "admin", "alan")
    make_user(db, "agent", "amy")
    _token(db, "amy", days=30)
    assert _posture(db, settings) == {}


def test_an_old_key_loose_files_long_tokens_and_one_admin_are_each_found(
    db: Database, settings: Settings
) -> None:
    settings.keyring_path.parent.mkdir(parents=True)
    with clock.frozen_at(NOW - timedelta(days=400)):
        Keyring.create(settings.keyring_path)
    settings.keyring_path.chmod(0o640)
    settings.signing_key_path.write_bytes(b"not really a key")
    settings.signing_key_path.chmod(0o644)
    make_user(db, "admin", "ada")
    make_user(db, "agent", "amy")
    forever = _token(db, "amy", days=366)
    short = _token(db, "amy", days=7)

    found = run_check(db, "security_posture", PERIOD, NOW, settings)

    assert set(found) == {
        "kek-rotation:v1", "key-file:keyring", "key-file:signing-key",
        f"long-token:{forever}", "administrators:one-or-none",
    }  # fmt: skip
    assert f"long-token:{short}" not in found
    assert found["kek-rotation:v1"].evidence.figures["age_days"] == 400
    assert found["kek-rotation:v1"].rule.citation == "GDPR Art. 32(1)"
    assert "chmod 600" in found["key-file:keyring"].detail
    assert found["administrators:one-or-none"].evidence.users == ("ada",)
    assert found[f"long-token:{forever}"].evidence.users == ("amy",)
    again = run_check(db, "security_posture", PERIOD, NOW + timedelta(days=1), settings)
    assert set(again) == set(found)


def test_the_policy_sets_the_rotation_period_and_the_number_of_administrators(
    db: Database, settings: Settings
) -> None:
    apply_policy_with(db, "  kek_rotation_days: 30\n  max_administrators: 2\n")
    settings.keyring_path.parent.mkdir(parents=True)
    with clock.frozen_at(NOW - timedelta(days=45)):
        Keyring.create(settings.keyring_path)
    for name in ("ada", "alan", "ava"):
        make_user(db, "admin", name)

    found = run_check(db, "security_posture", PERIOD, NOW, settings)

    assert set(found) == {"kek-rotation:v1", "administrators:too-many"}
    assert found["administrators:too-many"].evidence.users == ("ada", "alan", "ava")


def test_a_tampered_audit_chain_is_critical(db: Database, settings: Settings) -> None:
    make_user(db, "admin", "ada")
    make_user(db, "admin", "alan")
    assert "audit-chain" not in run_check(db, "security_posture", PERIOD, NOW, settings)
    with db.unit_of_work() as session:
        session.execute(text("UPDATE audit_events SET reason = 'edited' WHERE seq = 1"))

    found = run_check(db, "security_posture", PERIOD, NOW, settings)

    assert found["audit-chain"].severity == "critical"
    assert found["audit-chain"].evidence.events == (1,)
