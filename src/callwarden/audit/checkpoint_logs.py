"""Where signed checkpoints are kept, outside the database.

- A file (the default): `audit-checkpoints.jsonl` in the data directory, one JSON line per
  checkpoint, appended under an exclusive lock with one `write` and an fsync, owner-only. It
  protects against whoever can write the database but not the data directory (which holds the
  signing key anyway).
- S3 (when the vault's store is S3): one object per checkpoint under `<prefix>audit-checkpoints/`
  in the vault's bucket, named by zero-padded sequence number so listings come in chain order.
  When the bucket has S3 Object Lock enabled, each object is written with COMPLIANCE retention
  (`CALLWARDEN_AUDIT_CHECKPOINT_LOCK_DAYS`), so not even the bucket's owner can delete or
  replace it; reading then lists every object version, so a delete marker or a newer version
  put over a checkpoint cannot hide it. Without Object Lock the objects are written normally.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from callwarden.audit.checkpoints import Checkpoint, StoredCheckpoint
from callwarden.config import Settings
from callwarden.kit import clock

S3_FOLDER = "audit-checkpoints/"


class CheckpointLog(Protocol):
    where: str

    def append(self, checkpoint: Checkpoint) -> None: ...

    def read(self) -> list[StoredCheckpoint]: ...

    def latest_seq(self) -> int: ...


class FileCheckpointLog:
    """JSON lines in one append-only file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        self._lock = threading.Lock()
        self._read_to = 0  # how far latest_seq() has read
        self._latest = 0

    def append(self, checkpoint: Checkpoint) -> None:
        line = (checkpoint.to_json() + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the lock

    def read(self) -> list[StoredCheckpoint]:
        """Every complete line (a last line without its newline is a write still under way)."""
        if not self.path.exists():
            return []
        text = self.path.read_text(encoding="utf-8")
        lines = text.split("\n")[:-1]
        return [
            StoredCheckpoint(f"{self.path.name} line {number}", line)
            for number, line in enumerate(lines, start=1)
            if line.strip()
        ]

    def latest_seq(self) -> int:
        """The highest checkpointed seq, reading only what was appended since the last call."""
        with self._lock:
            try:
                with self.path.open("rb") as handle:
                    handle.seek(0, os.SEEK_END)
                    if handle.tell() < self._read_to:  # replaced or cut: start again
                        self._read_to, self._latest = 0, 0
                    handle.seek(self._read_to)
                    new = handle.read()
            except FileNotFoundError:
                self._read_to, self._latest = 0, 0
                return 0
            complete = new[: new.rfind(b"\n") + 1]
            self._read_to += len(complete)
            for line in complete.splitlines():
                try:
                    seq = json.loads(line).get("seq")
                except (ValueError, AttributeError):
                    continue
                if isinstance(seq, int):
                    self._latest = max(self._latest, seq)
            return self._latest


class S3CheckpointLog:
    """One object per checkpoint, under Object Lock retention when the bucket has it."""

    def __init__(self, client: Any, bucket: str, prefix: str, lock_days: int) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix + S3_FOLDER
        self.lock_days = lock_days
        self.where = f"s3://{bucket}/{self.prefix}"
        self._locked: bool | None = None
        self._lock = threading.Lock()
        self._last_key = ""

    @property
    def object_lock(self) -> bool:
        """Whether the bucket has Object Lock enabled (asked once)."""
        if self._locked is None:
            from botocore.exceptions import ClientError

            try:
                answer = self.client.get_object_lock_configuration(Bucket=self.bucket)
                enabled = answer.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled")
                self._locked = enabled == "Enabled"
            except ClientError:  # no configuration, or a server without Object Lock
                self._locked = False
        return self._locked

    def _key(self, checkpoint: Checkpoint) -> str:
        moment = checkpoint.signed_at.replace("-", "").replace(":", "").replace(".", "")
        return f"{self.prefix}{checkpoint.seq:020d}-{moment}-{os.urandom(4).hex()}.json"

    def append(self, checkpoint: Checkpoint) -> None:
        extra: dict[str, Any] = {}
        if self.object_lock:
            extra = {
                "ObjectLockMode": "COMPLIANCE",
                "ObjectLockRetainUntilDate": clock.now() + timedelta(days=self.lock_days),
            }
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(checkpoint),
            Body=(checkpoint.to_json() + "\n").encode(),
            ContentType="application/json",
            **extra,
        )

    def _get(self, key: str, version: str | None = None) -> str:
        options = {"VersionId": version} if version else {}
        body = self.client.get_object(Bucket=self.bucket, Key=key, **options)["Body"]
        try:
            return bytes(body.read()).decode("utf-8", errors="replace")
        finally:
            body.close()

    def read(self) -> list[StoredCheckpoint]:
        found: list[StoredCheckpoint] = []
        if self.object_lock:  # every version: a delete marker or an overwrite hides nothing
            pages = self.client.get_paginator("list_object_versions")
            for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for version in page.get("Versions", []):
                    key, version_id = str(version["Key"]), str(version["VersionId"])
                    text = self._get(key, version_id)
                    found.append(StoredCheckpoint(f"s3 object {key} ({version_id})", text))
            return found
        pages = self.client.get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                key = str(item["Key"])
                found.append(StoredCheckpoint(f"s3 object {key}", self._get(key)))
        return found

    def latest_seq(self) -> int:
        """The highest seq named by an object key, listing only keys after the last one seen."""
        with self._lock:
            pages = self.client.get_paginator("list_objects_v2")
            options: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix}
            if self._last_key:
                options["StartAfter"] = self._last_key
            for page in pages.paginate(**options):
                for item in page.get("Contents", []):
                    self._last_key = max(self._last_key, str(item["Key"]))
            name = self._last_key[len(self.prefix) :]
            head = name.split("-", 1)[0]
            return int(head) if head.isdigit() else 0


def open_checkpoint_log(settings: Settings) -> CheckpointLog:
    """The log for these settings, opened once per process (so latest_seq stays incremental)."""
    return _cached(settings.model_dump_json())


@cache
def _cached(settings_json: str) -> CheckpointLog:
    settings = Settings.model_validate_json(settings_json)
    if settings.vault_store == "s3":
        from callwarden.vault.runtime import s3_client

        client = s3_client(settings)
        return S3CheckpointLog(
            client, settings.s3_bucket, settings.s3_prefix, settings.audit_checkpoint_lock_days
        )
    return FileCheckpointLog(settings.audit_checkpoint_file)
