"""`callwarden holds`: create, list, show and release from the server's shell, audited."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import AuditEvent


def test_holds_are_made_shown_listed_and_released_from_the_command_line(
    settings: Settings, db: Database
) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()
    made = runner.invoke(
        cli,
        [
            "holds", "create", "--matter", "Smith v Acme", "--reason", "litigation",
            "--number", "+1 415 555 0123", "--from", "2026-01-01T00:00:00Z",
            "--search", "queue=support", "--yes", "--json",
        ],
        env=env,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    hold = json.loads(made.output)
    assert hold["scope"]["numbers"] == ["+14155550123"]
    assert hold["scope"]["started"]["from"].startswith("2026-01-01T00:00:00")
    assert hold["scope"]["search"] == {"queue": "support"}
    shown = runner.invoke(cli, ["holds", "show", hold["hold_id"]], env=env)
    assert shown.exit_code == 0 and "Smith v Acme" in shown.output and "active" in shown.output
    listed = runner.invoke(cli, ["holds", "list", "--active", "--json"], env=env)
    assert [row["hold_id"] for row in json.loads(listed.output)["items"]] == [hold["hold_id"]]
    bad = runner.invoke(
        cli, ["holds", "create", "--matter", "M", "--reason", "why?", "--number", "12"], env=env
    )
    assert bad.exit_code == 1 and "E.164" in bad.output
    done = runner.invoke(cli, ["holds", "release", hold["hold_id"], "--reason", "settled"], env=env)
    assert done.exit_code == 0 and "released" in done.output
    released = runner.invoke(cli, ["holds", "list", "--released", "--json"], env=env)
    assert json.loads(released.output)["items"][0]["release_reason"] == "settled"
    with db.reading() as session:
        actions = session.execute(
            select(AuditEvent.action, AuditEvent.actor).where(
                AuditEvent.target == f"hold:{hold['hold_id']}"
            )
        ).all()
    assert [a for a, _ in actions] == ["hold.created", "hold.released"]
    assert all(actor.startswith("cli:") for _, actor in actions)
