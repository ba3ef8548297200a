"""The demo month the demo tests share: `callwarden demo` run once per session (it takes tens
of seconds), on a small month of 12 calls over 3 days from seed 5."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from callwarden.cli import app
from callwarden.config import Settings
from callwarden.db import Database

DAYS = 3
CALLS = 12
SEED = 5


class Demo:
    def __init__(self, data_dir: Path, output: str) -> None:
        self.data_dir = data_dir
        self.output = output
        self.settings = Settings(data_dir=data_dir, log_format="text", log_level="warning")
        self.db = Database(self.settings.resolved_database_url)

    def passwords(self) -> dict[str, tuple[str, str, str]]:
        """username -> (role, team, password), read from the table the command printed."""
        rows = {}
        for line in self.output.splitlines():
            cells = [cell.strip() for cell in line.strip("│ ").split("│")]
            if len(cells) == 4 and cells[0] != "username":
                rows[cells[0]] = (cells[1], cells[2], cells[3])
        return rows


def make_demo(data_dir: Path) -> Demo:
    result = CliRunner().invoke(
        app,
        ["demo", "--calls", str(CALLS), "--days", str(DAYS), "--seed", str(SEED)],
        env={"CALLWARDEN_DATA_DIR": str(data_dir), "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    return Demo(data_dir, result.output)


def copy_demo(demo: Demo, where: Path) -> Demo:
    """A copy of the month for a test that changes it (mail sent, a course taken), so the shared
    month stays as every other demo test reads it: the data directory, and the database through
    SQLite's backup (whole at one moment, its write-ahead log included)."""
    shutil.copytree(demo.data_dir, where, ignore=shutil.ignore_patterns("callwarden.db*"))
    source = sqlite3.connect(demo.data_dir / "callwarden.db")
    target = sqlite3.connect(where / "callwarden.db")
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return Demo(where, demo.output)
