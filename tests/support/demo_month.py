"""The demo month the demo tests share: `callwarden demo` run once per session (it takes tens
of seconds), on a small month of 12 calls over 3 days from seed 5; on SQLite in its data
directory, or (for the tests that run on both databases) on a PostgreSQL database."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from typer.testing import CliRunner

from callwarden.cli import app
from callwarden.config import Settings
from callwarden.db import Database

DAYS = 3
CALLS = 12
SEED = 5


class Demo:
    def __init__(self, data_dir: Path, output: str, database_url: str | None = None) -> None:
        self.data_dir = data_dir
        self.output = output
        self.settings = Settings(
            data_dir=data_dir, database_url=database_url, log_format="text", log_level="warning"
        )
        self.db = Database(self.settings.resolved_database_url)

    def passwords(self) -> dict[str, tuple[str, str, str]]:
        """username -> (role, team, password), read from the table the command printed."""
        rows = {}
        for line in self.output.splitlines():
            cells = [cell.strip() for cell in line.strip("│ ").split("│")]
            if len(cells) == 4 and cells[0] != "username":
                rows[cells[0]] = (cells[1], cells[2], cells[3])
        return rows


def make_demo(data_dir: Path, database_url: str | None = None) -> Demo:
    """The month in `data_dir`, its database there (SQLite) or at `database_url` (empty)."""
    env = {"CALLWARDEN_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    if database_url is not None:
        env["CALLWARDEN_DATABASE_URL"] = database_url
    result = CliRunner().invoke(
        app, ["demo", "--calls", str(CALLS), "--days", str(DAYS), "--seed", str(SEED)], env=env
    )
    assert result.exit_code == 0, result.output
    return Demo(data_dir, result.output, database_url)


def copy_demo(demo: Demo, where: Path) -> Demo:
    """A copy of the month for a test that changes it (mail sent, a course taken), so the shared
    month stays as every other demo test reads it: the data directory, and the database whole
    at one moment (SQLite's backup, its write-ahead log included; on PostgreSQL a database made
    from the month's as a template, which must have no connection open meanwhile)."""
    shutil.copytree(demo.data_dir, where, ignore=shutil.ignore_patterns("callwarden.db*"))
    url = demo.settings.database_url
    if url is None:
        source = sqlite3.connect(demo.data_dir / "callwarden.db")
        target = sqlite3.connect(where / "callwarden.db")
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return Demo(where, demo.output)
    parsed = make_url(url)
    name = f"{parsed.database}_copy_{where.parent.name}"[:63]
    demo.db.dispose()
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"'))
    finally:
        admin.dispose()
    return Demo(where, demo.output, parsed.set(database=name).render_as_string(False))
