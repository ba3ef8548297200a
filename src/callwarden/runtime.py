"""Opening the service's resources from settings, for the CLI and the server."""

from __future__ import annotations

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit.errors import ConfigurationError
from callwarden.migrate import is_current


def open_database(settings: Settings, require_current: bool = True) -> Database:
    """The configured database; refuses to run on a schema that is not migrated."""
    if settings.database_url is None and not settings.data_dir.exists():
        raise ConfigurationError(
            f"no data directory at {settings.data_dir}; run `callwarden init` first"
        )
    db = Database(settings.resolved_database_url)
    if require_current and not is_current(db):
        db.dispose()
        raise ConfigurationError("the database schema is not current; run `callwarden db upgrade`")
    from callwarden.audit.checkpointing import attach

    attach(db, settings)  # every N-th audit event is signed after the commit that wrote it
    return db
