"""`callwarden subjects`: open, find, show, export, erase and close from the server's shell."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import AuditEvent
from tests.subjects.conftest import People, record


def test_a_request_from_open_to_close_on_the_command_line(
    api: TestClient, people: People, vault_settings: Settings, db: Database, tmp_path: Path
) -> None:
    recording = record(api, people["pbx"], number="+14155550123")
    env = {"CALLWARDEN_DATA_DIR": str(vault_settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    env["CALLWARDEN_VAULT_STORE"] = vault_settings.vault_store
    if vault_settings.vault_store == "s3":
        for name in ("s3_endpoint_url", "s3_bucket", "s3_access_key", "s3_secret_key"):
            env[f"CALLWARDEN_{name.upper()}"] = str(getattr(vault_settings, name))
    runner = CliRunner()

    def run(*args: str) -> str:
        done = runner.invoke(cli, ["subjects", *args], env=env)
        assert done.exit_code == 0, done.output
        return done.output

    opened = json.loads(
        run(
            "open", "--kind", "access", "--number", "+1 415 555 0123", "--law", "gdpr",
            "--identity", "called back on the number on file", "--verified-by", "Cora", "--json",
        )
    )  # fmt: skip
    request_id = opened["request_id"]
    assert opened["numbers"] == ["+14155550123"]
    assert "1 call(s), 1 recording(s)" in run("find", request_id)
    shown = run("show", request_id)
    assert "GDPR Art. 12(3)" in shown and "Not legal advice" in shown
    out = tmp_path / "export.zip"
    assert "withheld" in run("export", request_id, "--out", str(out))
    assert f"audio/{recording}.wav" in zipfile.ZipFile(out).namelist()
    assert request_id in run("list", "--state", "open")
    bad = runner.invoke(
        cli,
        ["subjects", "open", "--kind", "erasure", "--number", "12", "--law", "gdpr",
         "--identity", "passport", "--verified-by", "Cora"],
        env=env,
    )  # fmt: skip
    assert bad.exit_code == 1 and "E.164" in bad.output
    nobody = json.loads(
        run(
            "open", "--kind", "erasure", "--number", "+442071838750", "--law", "uk-gdpr",
            "--identity", "passport", "--verified-by", "Cora", "--json",
        )
    )["request_id"]  # fmt: skip
    unconfirmed = runner.invoke(cli, ["subjects", "erase", nobody], env=env)
    assert unconfirmed.exit_code != 0 and "--yes" in unconfirmed.output
    assert "found none" in run("erase", nobody, "--yes")
    assert "closed" in run("close", request_id, "--outcome", "export sent by secure mail")
    with db.reading() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target == f"subject_request:{request_id}")
        ).all()
    assert actions == [
        "subject_request.opened",
        "subject_request.searched",
        "subject_request.exported",
        "subject_request.closed",
    ]
