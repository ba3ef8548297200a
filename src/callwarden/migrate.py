"""Schema migrations (Alembic), driven from code so `callwarden db upgrade` needs no alembic.ini."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from callwarden.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to `revision`; a no-op when it is already there. On PostgreSQL the job
    queue's tables (procrastinate's schema) come with it, so either jobs backend can run."""
    config = alembic_config(db.url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if not db.is_sqlite:
            from callwarden.jobs_queue import apply_schema

            apply_schema(connection)


def current_revision(db: Database) -> str | None:
    with db.read_engine.connect() as connection:  # a read: no write lock on SQLite
        return MigrationContext.configure(connection).get_current_revision()


@cache
def head_revision() -> str | None:
    """The newest migration shipped with this code (read once: the files do not change)."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def is_current(db: Database) -> bool:
    return current_revision(db) == head_revision()
