"""An export verifies offline with only the public key; the signing key stays on its node."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callwarden.cli import app
from callwarden.config import Settings
from callwarden.db import Database
from tests.audit.tampering import CheckpointTrail, rewrite_event, run_cli, write_events

EVERY = 5


@pytest.fixture
def trail(tmp_path: Path, db: Database) -> CheckpointTrail:
    env = {
        "CALLWARDEN_DATA_DIR": str(tmp_path / "data"),
        "CALLWARDEN_DATABASE_URL": db.url,
        "CALLWARDEN_AUDIT_CHECKPOINT_EVERY": str(EVERY),
    }
    assert CliRunner().invoke(app, ["init"], env=env).exit_code == 0
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, log_format="text")
    return CheckpointTrail(db, settings.model_copy(update={"audit_checkpoint_every": EVERY}), env)


def export_with_key(trail: CheckpointTrail, folder: Path) -> tuple[Path, Path]:
    folder.mkdir()
    export, key = folder / "trail.jsonl", folder / "audit-public.pem"
    code, output = run_cli(trail, "audit", "export", "-o", str(export))
    assert code == 0, output
    assert (folder / "trail.checkpoints.jsonl").exists()
    code, output = run_cli(trail, "audit", "public-key", "-o", str(key))
    assert code == 0, output
    return export, key


def verify_offline(export: Path, key: Path) -> tuple[int, str]:
    """No database, no data directory: only the files an auditor was handed."""
    env = {"CALLWARDEN_DATA_DIR": str(export.parent / "nowhere")}
    result = CliRunner().invoke(
        app,
        ["audit", "verify", "--export", str(export), "--public-key", str(key), "--every", "5"],
        env=env,
    )
    return result.exit_code, result.output


def test_an_untouched_export_verifies_offline(trail: CheckpointTrail, tmp_path: Path) -> None:
    write_events(trail, 21)  # 23 events
    export, key = export_with_key(trail, tmp_path / "handed-over")
    assert key.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    code, output = verify_offline(export, key)
    assert code == 0, output
    assert "23 events" in output and "5 signed checkpoints" in output


def test_an_export_of_a_rewritten_chain_fails_offline(
    trail: CheckpointTrail, tmp_path: Path
) -> None:
    write_events(trail, 21)
    rewrite_event(trail, seq=12, reason="forged")  # in the database, before the export
    export, key = export_with_key(trail, tmp_path / "handed-over")
    code, output = verify_offline(export, key)
    assert code == 1
    assert "rewritten" in output and "event 15" in output


def test_an_edited_or_cut_export_fails_offline(trail: CheckpointTrail, tmp_path: Path) -> None:
    write_events(trail, 21)
    export, key = export_with_key(trail, tmp_path / "handed-over")
    lines = export.read_text().splitlines()
    export.write_text("\n".join(lines[:17]) + "\n")  # the last six events dropped
    code, output = verify_offline(export, key)
    assert code == 1 and "truncated" in output and "event 20" in output
    export.write_text("\n".join(lines) + "\n")
    (export.parent / "trail.checkpoints.jsonl").unlink()
    code, output = verify_offline(export, key)
    assert code == 1 and "missing checkpoint" in output


def test_another_public_key_does_not_verify_the_export(
    trail: CheckpointTrail, tmp_path: Path
) -> None:
    from callwarden.signing import generate_signing_key, public_key_pem

    write_events(trail, 8)
    export, _key = export_with_key(trail, tmp_path / "handed-over")
    other = tmp_path / "other.pem"
    other.write_text(public_key_pem(generate_signing_key()))
    code, output = verify_offline(export, other)
    assert code == 1 and "forged checkpoint" in output and "unknown key" in output


def test_init_makes_an_owner_only_signing_key_outside_the_database(
    trail: CheckpointTrail,
) -> None:
    path = trail.settings.signing_key_path
    assert path.parent == trail.settings.keyring_path.parent
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(trail.settings.audit_checkpoint_file.stat().st_mode) == 0o600
    pem = path.read_text()
    with trail.db.reading() as session:
        from sqlalchemy import text

        dumped = json.dumps(
            [list(row) for row in session.execute(text("SELECT * FROM audit_events"))], default=str
        )
    assert "PRIVATE KEY" not in dumped and pem.splitlines()[1] not in dumped


def test_the_signing_key_can_come_from_a_setting(trail: CheckpointTrail, tmp_path: Path) -> None:
    """A node given the key through CALLWARDEN_SIGNING_KEY signs as the file's owner would."""
    pem = trail.settings.signing_key_path.read_text()
    trail.settings.signing_key_path.unlink()
    env = {**trail.env, "CALLWARDEN_SIGNING_KEY": base64.b64encode(pem.encode()).decode()}
    moved = CheckpointTrail(
        trail.db,
        trail.settings.model_copy(update={"signing_key": env["CALLWARDEN_SIGNING_KEY"]}),
        env,
    )
    write_events(moved, 8)  # 10 events: 5 and 10 signed by the setting's key
    code, output = run_cli(moved, "audit", "verify")
    assert code == 0, output
    assert "3 signed checkpoints" in output
    without = run_cli(trail, "audit", "public-key")
    assert without[0] == 1 and "callwarden init" in without[1]


def test_a_signing_key_others_can_read_is_refused(trail: CheckpointTrail) -> None:
    trail.settings.signing_key_path.chmod(0o640)
    code, output = run_cli(trail, "audit", "public-key")
    assert code == 1 and "chmod 600" in output
