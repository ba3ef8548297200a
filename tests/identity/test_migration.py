"""Existing integration users become service identities when the schema is upgraded."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text

from callwarden.db import Database
from callwarden.migrate import alembic_config, upgrade


def _before_service_identities() -> str:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    for script in scripts.walk_revisions():
        if script.path.endswith("_service_identities_and_temporary_passwords.py"):
            assert isinstance(script.down_revision, str)
            return script.down_revision
    raise AssertionError("no service identities migration")


def test_integration_users_become_service_identities(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(db, _before_service_identities())
        with db.engine.begin() as connection:
            for name, role in [("pbx", "integration"), ("ann", "agent")]:
                connection.execute(
                    text(
                        "INSERT INTO users (id, username, display_name, role, password_hash, "
                        "created_at) VALUES (:id, :name, :name, :role, 'hash', "
                        "'2026-01-01 00:00:00')"
                    ),
                    {"id": f"usr_{name}", "name": name, "role": role},
                )
        upgrade(db)
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT username, is_service, password_hash, password_temporary FROM users "
                    "ORDER BY username"
                )
            ).all()
        assert [tuple(row) for row in rows] == [("ann", 0, "hash", 0), ("pbx", 1, None, 0)]
    finally:
        db.dispose()
