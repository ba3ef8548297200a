"""The evidence package: built from real calls, recordings, a certified disposal and the audit
chain; verified offline by its own verify.py; every kind of tampering named by the first bad
element (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callwarden.audit import package_verify
from callwarden.audit import service as audit
from callwarden.audit.checkpointing import write_due
from callwarden.checks import runs
from callwarden.checks.registry import Period
from callwarden.cli import app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.signing import public_key_pem
from tests.audit.packages import Change, declare_size, lines_of, members, rewrite, run_verify
from tests.retention.conftest import api, issue, people, record, signing_key
from tests.support.sweeps import make_sweep

__all__ = ["api", "people", "signing_key"]
EVERY = 5


@dataclass(frozen=True)
class Package:
    path: Path
    key: Path
    first_seq: int
    last_seq: int
    folder: Path


def env(settings: Settings) -> dict[str, str]:
    return {
        "CALLWARDEN_DATA_DIR": str(settings.data_dir),
        "CALLWARDEN_DATABASE_URL": str(settings.database_url),
        "CALLWARDEN_AUDIT_CHECKPOINT_EVERY": str(EVERY),
    }


def build(settings: Settings, target: Path, start: str, end: str) -> tuple[int, str]:
    command = ["audit", "package", "--from", start, "--to", end, "-o", str(target)]
    result = CliRunner().invoke(app, command, env=env(settings))
    return result.exit_code, result.output


@pytest.fixture
def package(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    settings: Settings,
    signing_key: Ed25519PrivateKey,
    tmp_path: Path,
) -> Package:
    """Three recorded calls (their events an hour ago), two disposed of in a certified sweep,
    two check runs (one over last month, one over today: what the first found, the second saw
    again), checkpoints every 5 events; the package of the last two hours."""
    now = clock.now()
    start = (now - timedelta(hours=2)).isoformat()
    ids = [record(api, people["pbx"], number=f"+1415555010{n}") for n in range(3)]
    issue(db, settings, make_sweep(db, ids[:2], reference="erasure of +14155550100"))
    for period in (Period(now - timedelta(days=40), now - timedelta(days=30)), Period(now, now)):
        with db.unit_of_work() as session:
            span = Period(period.start, period.end + timedelta(hours=1))
            runs.run(session, "cli:tester", span, settings, ["security_posture"])
    write_due(db, settings.model_copy(update={"audit_checkpoint_every": EVERY}), everything=True)
    end = (clock.now() + timedelta(hours=1)).isoformat()
    target = tmp_path / "evidence" / "package.zip"
    code, output = build(settings, target, start, end)
    assert code == 0 and "1 check runs with" in output, output
    key = tmp_path / "handed-over.pem"
    key.write_text(public_key_pem(signing_key))
    period = json.loads(members(target)["period.json"])
    return Package(target, key, period["first_seq"], period["last_seq"], tmp_path / "auditor")


def test_a_package_holds_the_periods_evidence_and_verifies_offline(package: Package) -> None:
    code, output = run_verify(package.path, package.key, package.folder)
    assert code == 0, output
    assert "package verifies" in output and "warning" not in output
    inside = members(package.path)
    period = json.loads(inside["period.json"])
    assert period["first_seq"] == 1 and not period["empty"]
    events = [json.loads(line) for line in inside["audit/events.jsonl"].splitlines()]
    assert events[0]["prev_hash"] == period["start_anchor"] == package_verify.GENESIS
    assert events[-1]["hash"] == period["end_anchor"]
    assert [event["seq"] for event in events] == list(range(1, period["last_seq"] + 1))
    checkpoints = [json.loads(line) for line in inside["audit/checkpoints.jsonl"].splitlines()]
    assert [point["seq"] for point in checkpoints][:2] == [EVERY, 2 * EVERY]
    recordings = [json.loads(line) for line in inside["recordings.jsonl"].splitlines()]
    assert len(recordings) == 3 and all(len(row["sha256"]) == 64 for row in recordings)
    assert {"retain_until", "dispose_by", "disposal_due", "disposed_at"} <= set(recordings[0])
    assert len(inside["disposals.jsonl"].splitlines()) == 2
    assert len(inside["decisions.jsonl"].splitlines()) == 3
    calls = [json.loads(line) for line in inside["calls.jsonl"].splitlines()]
    assert all(call["parties"] for call in calls)
    assert inside["consent/call_events.jsonl"].strip()
    assert period["certificates"][0]["member"] == "certificates/0001.json"
    certified = json.loads(inside["certificates/0001.json"])["recordings"]
    chain = {event["seq"]: event["hash"] for event in events}
    assert [chain[entry["audit_seq"]] for entry in certified] == [
        entry["audit_hash"] for entry in certified
    ]  # so verify.py held each disposal to its event in the chain
    manifest = json.loads(inside["manifest.json"])
    assert {m["name"] for m in manifest["members"]} == set(inside) - {"manifest.json"}
    assert inside["verify.py"] == Path(package_verify.__file__).read_bytes()
    # Without a key of their own the auditor is warned that the package vouches for itself.
    code, output = run_verify(package.path, None, package.folder)
    assert code == 0 and "warning: checked against the key inside the package only" in output


def test_a_later_period_ties_into_the_chain_by_its_start_anchor(
    package: Package, db: Database, settings: Settings, tmp_path: Path
) -> None:
    with db.reading() as session:
        sixth, seventh = audit.event(session, 6), audit.event(session, 7)
        assert sixth is not None and seventh is not None
        start = seventh.occurred_at
        before = sixth.hash if sixth.occurred_at < start else None
    target = tmp_path / "later.zip"
    code, output = build(settings, target, start.isoformat(), "2099-01-01")
    assert code == 0, output
    period = json.loads(members(target)["period.json"])
    assert 1 < period["first_seq"] <= 7
    if before is not None:
        assert period["first_seq"] == 7 and period["start_anchor"] == before
    code, output = run_verify(target, package.key, package.folder)
    assert code == 0 and f"seq {period['first_seq']} to" in output, output


def test_the_verifier_hashes_events_exactly_as_the_chain_does(
    db: Database, package: Package
) -> None:
    with db.unit_of_work() as session:
        for data in ({"ü": "naïve ☃", "n": 1.5, "nested": [None, True, {"b": 2, "a": -0.1}]}, {}):
            audit.record(session, actor="user:zoë", action="x.y", target="t:é", data=data)
    with db.reading() as session:
        rows = list(audit.export_rows(session))
    assert len(rows) > 10
    for row in rows:  # through JSON, as the package carries them
        carried = json.loads(json.dumps(row, ensure_ascii=False, sort_keys=True))
        assert package_verify.event_hash(carried) == row["hash"], row["seq"]
    edited = json.loads(json.dumps(rows[-1])) | {"reason": "changed"}
    assert package_verify.event_hash(edited) != rows[-1]["hash"]


def flip(data: bytes) -> bytes:
    """One byte changed in the middle (to another printable byte); one added to an empty one."""
    if not data:
        return b"{}"
    at = len(data) // 2
    return data[:at] + bytes([data[at] ^ 0x01 if data[at] ^ 0x01 > 32 else 65]) + data[at + 1 :]


def test_one_changed_byte_in_any_member_is_named(package: Package, tmp_path: Path) -> None:
    for name in members(package.path):
        target = rewrite(package.path, tmp_path / "one-byte.zip", {name: flip})
        code, output = run_verify(target, package.key, package.folder)
        assert code == 1, (name, output)
        assert f"does NOT verify: {name}" in output, (name, output)


def test_changed_dropped_and_reordered_events_are_named_even_with_a_fresh_manifest(
    package: Package, signing_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    first = package.first_seq
    events = "audit/events.jsonl"

    def edit(lines: list[bytes]) -> list[bytes]:
        lines[2] = lines[2].replace(b'"actor": "', b'"actor": "x', 1)
        return lines

    cases = {
        "edited": (lines_of(edit), f"line 3 (event seq {first + 2}): its content does not match"),
        "dropped": (
            lines_of(lambda lines: lines[:1] + lines[2:]),
            f"line 2 (event seq {first + 2}): event {first + 1} is missing",
        ),
        "reordered": (
            lines_of(lambda lines: [lines[0], lines[2], lines[1], *lines[3:]]),
            f"line 2 (event seq {first + 2}): event {first + 1} is missing",
        ),
        "cut short": (
            lines_of(lambda lines: lines[:-1]),
            f"the chain ends at event {package.last_seq - 1}, not at the end anchor",
        ),
    }
    for case, (change, expected) in cases.items():
        plain = rewrite(package.path, tmp_path / "plain.zip", {events: change})
        code, output = run_verify(plain, package.key, package.folder)
        assert code == 1 and f"{events}: its sha256 or size does not match" in output, case
        assert expected in output, (case, output)
        resigned = rewrite(package.path, tmp_path / "re.zip", {events: change}, resign=signing_key)
        code, output = run_verify(resigned, package.key, package.folder)
        assert code == 1 and f"does NOT verify: {events}" in output, (case, output)
        assert expected in output, (case, output)


def test_signed_parts_changed_with_a_fresh_manifest_are_named(
    package: Package, signing_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    def checkpoint(data: bytes) -> bytes:
        point = json.loads(data.splitlines()[0])
        point["head_hash"] = "f" * 64
        return b"\n".join([json.dumps(point).encode(), *data.splitlines()[1:]]) + b"\n"

    def certificate(data: bytes) -> bytes:
        return data.replace(b'"stored_size": ', b'"stored_size": 1', 1)

    def malformed(_: bytes) -> bytes:
        return b'{"signature": [], "digests": 1, "recordings": {}}'

    certificate_file = "certificates/0001.json"
    cases = [
        ("audit/checkpoints.jsonl", checkpoint, "audit/checkpoints.jsonl line 1"),
        (certificate_file, certificate, "certificates/0001.json recordings[0]"),
        (certificate_file, malformed, "certificates/0001.json: not a destruction certificate"),
        ("period.json", lambda _: None, "manifest.json: does not list period.json"),
    ]
    for name, change, expected in cases:
        target = rewrite(package.path, tmp_path / "re.zip", {name: change}, resign=signing_key)
        code, output = run_verify(target, package.key, package.folder)
        assert code == 1 and f"does NOT verify: {expected}" in output, (name, output)


def test_a_forged_manifest_or_another_key_is_named(package: Package, tmp_path: Path) -> None:
    other = Ed25519PrivateKey.generate()

    def replace_signature(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["signature"]["value"] = rewrite_value(other)
        return json.dumps(manifest).encode()

    target = rewrite(package.path, tmp_path / "sig.zip", {"manifest.json": replace_signature})
    code, output = run_verify(target, package.key, package.folder)
    assert code == 1 and "manifest.json signature: does not match the manifest" in output, output
    forged = rewrite(package.path, tmp_path / "forged.zip", {}, resign=other)
    code, output = run_verify(forged, package.key, package.folder)
    assert code == 1 and "public_key.pem: is key" in output and "not the key you were" in output
    # Without the auditor's key, the checkpoints (signed by the real key) still catch it...
    code, output = run_verify(forged, None, package.folder)
    assert code == 1 and "audit/checkpoints.jsonl line 1" in output, output

    def no_certificates(data: bytes) -> bytes:
        return json.dumps(json.loads(data) | {"certificates": []}).encode()

    dropped = {
        "audit/checkpoints.jsonl": lambda _: b"",
        "certificates/0001.json": lambda _: None,
        "period.json": no_certificates,
    }
    # ...but a forgery that drops every signed part and carries its own key vouches for
    # itself: why the README says to pass the key received separately.
    forged = rewrite(package.path, tmp_path / "forged.zip", dropped, resign=other)
    code, output = run_verify(forged, None, package.folder)
    assert code == 0 and "warning" in output, output
    code, output = run_verify(forged, package.key, package.folder)
    assert code == 1 and "public_key.pem: is key" in output, output


def rewrite_value(key: Ed25519PrivateKey) -> str:
    import base64

    return base64.b64encode(key.sign(b"something else")).decode()


def test_hostile_zips_are_refused_unread(package: Package, tmp_path: Path) -> None:
    slip = rewrite(package.path, tmp_path / "slip.zip", {}, extra={"../../etc/evil.txt": b"x"})
    code, output = run_verify(slip, package.key, package.folder)
    assert code == 1 and 'member "../../etc/evil.txt": not a plain relative' in output, output
    added = rewrite(package.path, tmp_path / "added.zip", {}, extra={"notes.txt": b"trust me"})
    code, output = run_verify(added, package.key, package.folder)
    assert code == 1 and "notes.txt: is in the zip but not in the signed manifest" in output
    removed = rewrite(package.path, tmp_path / "removed.zip", {"findings.jsonl": lambda _: None})
    code, output = run_verify(removed, package.key, package.folder)
    assert code == 1 and "findings.jsonl: is in the signed manifest but missing" in output
    bomb = rewrite(package.path, tmp_path / "bomb.zip", {}, extra={"bomb.txt": b"0" * 1000})
    declare_size(bomb, "bomb.txt", 0xFFFFFFF0)
    assert zipfile.ZipFile(bomb).getinfo("bomb.txt").file_size == 0xFFFFFFF0
    code, output = run_verify(bomb, package.key, package.folder)
    assert code == 1 and "bomb.txt: declares 4294967280 bytes" in output, output
    not_zip = tmp_path / "garbage.zip"
    not_zip.write_bytes(b"PK not really")
    code, output = run_verify(not_zip, package.key, package.folder)
    assert code == 1 and "not a readable zip" in output


def test_an_empty_period_gives_a_valid_package_that_says_so(
    package: Package, settings: Settings, tmp_path: Path
) -> None:
    later = clock.now() + timedelta(days=30)
    target = tmp_path / "empty.zip"
    code, output = build(settings, target, later.date().isoformat(), "2099-01-01")
    assert code == 0 and "EMPTY" in output, output
    code, output = run_verify(target, package.key, package.folder)
    assert code == 0 and "is EMPTY (no audit events)" in output, output
    period = json.loads(members(target)["period.json"])
    assert period["empty"] and period["start_anchor"] == period["end_anchor"]
    # The package's own build was audited, after the period packaged before.
    assert period["first_seq"] > package.last_seq
    code, output = build(settings, target, "2030-01-02", "2030-01-01")
    assert code != 0 and "end must be after its start" in output


def _jsonl(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.splitlines()]


def _edit_lines(edit: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Change:
    def change(data: bytes) -> bytes:
        rows = edit([json.loads(line) for line in data.splitlines()])
        return b"".join(json.dumps(row, sort_keys=True).encode() + b"\n" for row in rows)

    return change


def test_the_periods_check_runs_and_their_findings_are_in_the_package(package: Package) -> None:
    inside = members(package.path)
    period = json.loads(inside["period.json"])
    listed = _jsonl(inside["checks/runs.jsonl"])
    found = _jsonl(inside["checks/findings.jsonl"])
    assert [run["in_period"] for run in listed] == [False, True]
    assert period["check_runs"] == {
        "runs_member": "checks/runs.jsonl",
        "findings_member": "checks/findings.jsonl",
        "runs": 1,
        "runs_named_from_outside": 1,
        "findings": len(found),
    }
    assert found and {f["first_seen_run_id"] for f in found} == {listed[0]["id"]}
    assert {f["last_seen_run_id"] for f in found} == {listed[1]["id"]}
    assert all(f["rule"]["text"] and f["summary"] and f["status"] == "open" for f in found)
    events = {event["seq"]: event for event in _jsonl(inside["audit/events.jsonl"])}
    for run in listed:  # both ran in the period: their checks.run events are in the chain
        event = events[run["audit_seq"]]
        assert (event["action"], event["target"]) == ("checks.run", f"check_run:{run['id']}")
        assert event["hash"] == run["audit_hash"] and event["data"]["counts"] == run["counts"]
    readme = inside["README.txt"].decode()
    assert "checks/runs.jsonl" in readme and "checks/findings.jsonl" in readme
    code, output = run_verify(package.path, package.key, package.folder)
    assert code == 0 and f"1 check runs with {len(found)} findings" in output, output


def test_tampered_check_runs_and_findings_are_named_even_with_a_fresh_manifest(
    package: Package, signing_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    inside = members(package.path)
    old, new = (run["id"] for run in _jsonl(inside["checks/runs.jsonl"]))
    run_seq = _jsonl(inside["checks/runs.jsonl"])[1]["audit_seq"]
    first = _jsonl(inside["checks/findings.jsonl"])[0]["id"]
    runs_file, findings_file = "checks/runs.jsonl", "checks/findings.jsonl"

    def counts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows[1]["counts"] = {"low": 0}
        return rows

    def moved(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows[0]["in_period"] = True
        return rows

    def rehashed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows[1]["audit_hash"] = "0" * 64
        return rows

    def stranger(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows[0]["first_seen_run_id"] = "chk_elsewhere"
        return rows

    cases = [
        (runs_file, _edit_lines(counts), f"{runs_file} line 2 (run {new}): differs from its audit"),
        (runs_file, _edit_lines(moved), f"{runs_file} line 1 (run {old}): its in_period"),
        (
            runs_file,
            _edit_lines(rehashed),
            f"{runs_file} line 2 (run {new}): differs from its audit",
        ),
        (
            runs_file,
            _edit_lines(lambda rows: rows[:1]),
            f"audit/events.jsonl (event seq {run_seq}): the run check_run:{new} is missing",
        ),
        (
            findings_file,
            _edit_lines(stranger),
            f"{findings_file} line 1 (finding {first}): names a run that is not in",
        ),
        (findings_file, _edit_lines(lambda rows: rows[1:]), "period.json: its check_runs counts"),
        (findings_file, lambda _: None, f"manifest.json: does not list {runs_file} and"),
    ]
    for name, change, expected in cases:
        plain = rewrite(package.path, tmp_path / "plain.zip", {name: change})
        code, output = run_verify(plain, package.key, package.folder)
        assert code == 1 and f"does NOT verify: {name}" in output, (expected, output)
        target = rewrite(package.path, tmp_path / "re.zip", {name: change}, resign=signing_key)
        code, output = run_verify(target, package.key, package.folder)
        assert code == 1 and f"does NOT verify: {expected}" in output, (expected, output)
