"""`callwarden training course publish` and `callwarden training records --csv`."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.training import service
from tests.training.conftest import EXAMPLE_COURSE, Org, apply_policy
from tests.training.test_service import RIGHT


def test_publish_from_the_shell_and_export_the_records(
    settings: Settings, db: Database, org: Org, tmp_path: Path
) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()
    apply_policy(db)
    course = tmp_path / "course.yaml"
    course.write_text(EXAMPLE_COURSE.replace("pass_mark: 80", "pass_mark: 180"))
    refused = runner.invoke(cli, ["training", "course", "publish", str(course)], env=env)
    assert refused.exit_code == 1 and "pass_mark" in refused.output, refused.output
    course.write_text(EXAMPLE_COURSE)
    published = runner.invoke(cli, ["training", "course", "publish", str(course)], env=env)
    assert published.exit_code == 0, published.output
    assert "assigned to 4 people" in published.output
    with db.unit_of_work() as session:
        (mine,) = [
            row for row in service.my_assignments(session, org.who("ada")) if row.course_version_id
        ]
        service.take_quiz(session, org.who("ada"), mine.id, RIGHT)

    out = tmp_path / "records.csv"
    shown = runner.invoke(
        cli, ["training", "records", "--course", "recording-basics", "--csv", str(out)], env=env
    )
    assert shown.exit_code == 0, shown.output
    assert "4 assignment(s) written" in shown.output and "alpha" in shown.output
    with out.open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    ada = next(row for row in rows if row["username"] == "ada")
    assert ada["state"] == "completed" and ada["best_score"] == "100.0"
    assert ada["course"] == "recording-basics" and len(ada["fingerprint"]) == 64
    assert {row["overdue"] for row in rows} == {"False"}

    everything = runner.invoke(cli, ["training", "records", "--json"], env=env)
    assert everything.exit_code == 0 and '"policy:1"' in everything.output
