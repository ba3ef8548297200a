"""The training tables' migration goes down and up again on both backends."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from callwarden.db import Database
from callwarden.migrate import alembic_config, current_revision, head_revision, upgrade

TABLES = {
    "training_course_versions",
    "training_assignments",
    "training_attempts",
    "policy_acknowledgements",
}


def _tables(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_the_training_tables_come_and_go_with_their_migration(db: Database) -> None:
    assert _tables(db) >= TABLES
    with db.engine.begin() as connection:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0019")
    assert not TABLES & _tables(db)
    assert "qa_evaluations" in _tables(db)  # only this migration's tables went
    upgrade(db)
    assert _tables(db) >= TABLES
    assert current_revision(db) == head_revision()
