"""Checkpoints kept in the vault's S3 bucket, against a real SeaweedFS, with and without Object Lock.

SeaweedFS (4.x) implements S3 Object Lock: a bucket created with it enabled keeps each checkpoint
under COMPLIANCE retention, so the object cannot be deleted, and a delete marker or a newer
version put over it hides nothing from `audit verify`.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from typer.testing import CliRunner

from callwarden.audit.checkpoint_logs import S3_FOLDER
from callwarden.cli import app
from callwarden.config import Settings
from callwarden.db import Database
from tests.audit.tampering import CheckpointTrail, delete_tail, rewrite_event, run_cli, write_events

EVERY = 5


def s3_trail(tmp_path: Path, db: Database, seaweed: Any, *, object_lock: bool) -> CheckpointTrail:
    bucket = f"cw-audit-{uuid.uuid4().hex[:12]}"
    seaweed.client().create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=object_lock)
    env = {
        "CALLWARDEN_DATA_DIR": str(tmp_path / "data"),
        "CALLWARDEN_DATABASE_URL": db.url,
        "CALLWARDEN_AUDIT_CHECKPOINT_EVERY": str(EVERY),
        "CALLWARDEN_VAULT_STORE": "s3",
        "CALLWARDEN_S3_ENDPOINT_URL": seaweed.endpoint_url,
        "CALLWARDEN_S3_BUCKET": bucket,
        "CALLWARDEN_S3_ACCESS_KEY": seaweed.access_key,
        "CALLWARDEN_S3_SECRET_KEY": seaweed.secret_key,
        "CALLWARDEN_S3_PREFIX": "site-a/",
    }
    result = CliRunner().invoke(app, ["init"], env=env)
    assert result.exit_code == 0, result.output
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=db.url,
        audit_checkpoint_every=EVERY,
        vault_store="s3",
        s3_endpoint_url=seaweed.endpoint_url,
        s3_bucket=bucket,
        s3_access_key=seaweed.access_key,
        s3_secret_key=seaweed.secret_key,
        s3_prefix="site-a/",
    )
    return CheckpointTrail(db, settings, env)


def checkpoint_keys(client: Any, settings: Settings) -> list[str]:
    listed = client.list_objects_v2(Bucket=settings.s3_bucket, Prefix="site-a/" + S3_FOLDER)
    return sorted(str(item["Key"]) for item in listed.get("Contents", []))


def test_checkpoints_in_a_locked_bucket_cannot_be_removed_or_replaced(
    tmp_path: Path, db: Database, seaweed: Any
) -> None:
    trail = s3_trail(tmp_path, db, seaweed, object_lock=True)
    write_events(trail, 13)  # 15 events: checkpoints of 2 (init), 5, 10, 15
    assert not trail.settings.audit_checkpoint_file.exists()  # nothing kept locally
    client = seaweed.client()
    keys = checkpoint_keys(client, trail.settings)
    assert len(keys) == 4 and "00000000000000000010-" in keys[2]
    retention = client.get_object_retention(Bucket=trail.settings.s3_bucket, Key=keys[2])
    assert retention["Retention"]["Mode"] == "COMPLIANCE"
    code, output = run_cli(trail, "audit", "verify")
    assert code == 0 and "4 signed checkpoints" in output, output

    version = client.head_object(Bucket=trail.settings.s3_bucket, Key=keys[2])["VersionId"]
    with pytest.raises(ClientError):
        client.delete_object(Bucket=trail.settings.s3_bucket, Key=keys[2], VersionId=version)
    client.delete_object(Bucket=trail.settings.s3_bucket, Key=keys[3])  # only a delete marker
    delete_tail(trail, keep=12)
    code, output = run_cli(trail, "audit", "verify")
    assert code == 1 and "truncated" in output and "event 15" in output, output

    client.put_object(Bucket=trail.settings.s3_bucket, Key=keys[1], Body=b'{"kind": "nope"}')
    code, output = run_cli(trail, "audit", "verify")
    assert code == 1 and "forged checkpoint" in output and keys[1] in output, output


def test_a_bucket_without_object_lock_is_written_normally_and_still_checked(
    tmp_path: Path, db: Database, seaweed: Any
) -> None:
    trail = s3_trail(tmp_path, db, seaweed, object_lock=False)
    write_events(trail, 13)
    client = seaweed.client()
    keys = checkpoint_keys(client, trail.settings)
    assert len(keys) == 4
    rewrite_event(trail, seq=7, reason="forged")
    code, output = run_cli(trail, "audit", "verify")
    assert code == 1 and "rewritten" in output and "6–10" in output, output
    for key in keys:
        client.delete_object(Bucket=trail.settings.s3_bucket, Key=key)
    code, output = run_cli(trail, "audit", "verify")
    assert code == 1 and "missing checkpoint" in output and "event 5" in output, output
