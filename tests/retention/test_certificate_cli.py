"""`callwarden retention certificate verify|show`: offline with the file and the public key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.retention import certificate_format as layout
from callwarden.signing import public_key_pem


def offline(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command in a fresh process whose environment names no database and an empty data
    directory: whatever it needs beyond the file and the key, it cannot have."""
    nowhere = tmp_path / "no-data-here"
    env = {key: value for key, value in os.environ.items() if not key.startswith("CALLWARDEN_")}
    env |= {
        "CALLWARDEN_DATA_DIR": str(nowhere),
        "CALLWARDEN_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
    }
    command = [sys.executable, "-m", "callwarden", "retention", "certificate", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert not nowhere.exists(), "the verifier created a data directory"
    return done


@pytest.fixture
def files(
    tmp_path: Path, issued: tuple[str, str, list[str]], public: Ed25519PublicKey
) -> tuple[Path, Path]:
    certificate_file = tmp_path / "certificate.json"
    certificate_file.write_bytes(issued[1].encode())
    key_file = tmp_path / "public.pem"
    key_file.write_text(public_key_pem(public), encoding="ascii")
    return certificate_file, key_file


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_verify_offline_with_the_public_key_alone(
    tmp_path: Path, files: tuple[Path, Path], issued: tuple[str, str, list[str]]
) -> None:
    certificate_file, key_file = files
    done = offline(tmp_path, "verify", str(certificate_file), "--public-key", str(key_file))
    assert done.returncode == 0, done.stderr
    assert f"verified: sweep {issued[0]}" in done.stdout and "destroyed 3 recordings" in done.stdout

    edited = tmp_path / "edited.json"
    edited.write_bytes(issued[1].encode().replace(b'"stored_size": ', b'"stored_size": 9', 1))
    done = offline(tmp_path, "verify", str(edited), "--public-key", str(key_file))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("NOT VERIFIED: recordings[0] (entry 1, ")

    other = tmp_path / "other.pem"
    other.write_text(public_key_pem(Ed25519PrivateKey.generate()), encoding="ascii")
    done = offline(tmp_path, "verify", str(certificate_file), "--public-key", str(other))
    assert done.returncode == 1 and "NOT VERIFIED: signature.key_id: signed by key" in done.stderr

    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(issued[1].encode()[:-40])
    done = offline(tmp_path, "verify", str(truncated), "--public-key", str(key_file))
    assert done.returncode == 1 and "not JSON" in done.stderr and "line " in done.stderr

    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(layout.MAX_BYTES + 1)
    done = offline(tmp_path, "verify", str(huge), "--public-key", str(key_file))
    assert done.returncode == 1 and "over the limit" in done.stderr


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_bad_usage_exits_2(tmp_path: Path, files: tuple[Path, Path]) -> None:
    certificate_file, key_file = files
    missing = offline(
        tmp_path, "verify", str(tmp_path / "absent.json"), "--public-key", str(key_file)
    )
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    no_key = offline(tmp_path, "verify", str(certificate_file))  # this node has no signing key
    assert no_key.returncode == 2 and "--public-key" in no_key.stderr
    not_a_key = offline(
        tmp_path, "verify", str(certificate_file), "--public-key", str(certificate_file)
    )
    assert not_a_key.returncode == 2 and "not a PEM public key" in not_a_key.stderr
    assert offline(tmp_path, "verify").returncode == 2


def test_show_writes_it_out_and_this_node_verifies_it(
    tmp_path: Path,
    settings: Settings,
    db: Database,
    issued: tuple[str, str, list[str]],
) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()
    out = tmp_path / "written.json"
    shown = runner.invoke(
        cli, ["retention", "certificate", "show", issued[0], "-o", str(out)], env=env
    )
    assert shown.exit_code == 0, shown.output
    assert out.read_bytes() == issued[1].encode()
    printed = runner.invoke(cli, ["retention", "certificate", "show", issued[0]], env=env)
    assert printed.stdout == issued[1]
    mine = runner.invoke(cli, ["retention", "certificate", "verify", str(out)], env=env)
    assert mine.exit_code == 0 and "destroyed 3 recordings" in mine.output
    unknown = runner.invoke(cli, ["retention", "certificate", "show", "sweep_nope"], env=env)
    assert unknown.exit_code == 1 and "no sweep sweep_nope" in unknown.output
