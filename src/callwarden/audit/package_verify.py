#!/usr/bin/env python3
"""verify.py: check a callwarden audit package offline, without trusting callwarden.

Needs Python 3.11+ and the `cryptography` package (pip install cryptography), for Ed25519 only:
the Python standard library has no Ed25519. Everything else is the standard library. This file
does not import callwarden: it re-implements the few rules it checks, so an auditor can read it
whole and run it on a machine that has never seen callwarden.

    python3 verify.py package.zip --public-key callwarden-audit.pem

`--public-key` is the installation's public key as you received it separately (for example from
`callwarden audit public-key`, handed over in person or published). Give it: a key inside the
package proves nothing alone, since whoever forged a package would put their own key in it.

It checks, in this order, and stops at the FIRST bad element, naming it (member, line, event seq):
1. the zip itself: member names are plain relative names (no zip-slip), no member declares a
   size beyond a limit (no zip bomb), no duplicates;
2. manifest.json: its Ed25519 signature, by the package's key (and the key you gave);
3. every member named in the manifest is there with its sha256 and size, and nothing else is;
4. audit/events.jsonl: the hash chain from the start anchor (the hash before the period's first
   event) to the end anchor (the hash of its last), each event's hash recomputed;
5. audit/checkpoints.jsonl: each checkpoint's signature, and that the chain passes through it;
6. certificates/*.json: each destruction certificate's signature and the digests it signs, and
   that each disposal it states with an audit event in the period names that event's hash;
7. checks/runs.jsonl, checks/findings.jsonl: each run against its checks.run audit event (seq,
   hash, checks, counts) when that is in the period, and each such event over an overlapping
   period against its run; each finding names only runs here; the counts period.json states;
8. the other JSON Lines members parse, line by line.
Exit status: 0 the package verifies, 1 it does not (the first problem is printed), 2 usage.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import re
import sys
import zipfile
from datetime import UTC, datetime
from typing import Any

FORMAT = "callwarden-audit-package"
MANIFEST = "manifest.json"
MANIFEST_DOMAIN = b"callwarden-audit-package-v1\n"
CHECKPOINT_KIND = "callwarden-audit-checkpoint"
CHECKPOINT_DOMAIN = b"callwarden-audit-checkpoint-v1\n"
CERTIFICATE_DOMAIN = b"callwarden-destruction-certificate-v1\n"
CHAIN_DOMAIN = b"callwarden-audit-v1\n"
GENESIS = "0" * 64
MAX_MEMBER_BYTES = 1024 * 1024 * 1024  # a member declaring more is refused unread
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
REQUIRED = ("period.json", "audit/events.jsonl", "audit/checkpoints.jsonl")
CHECK_RUNS = "checks/runs.jsonl"
CHECK_FINDINGS = "checks/findings.jsonl"
NAME = re.compile(r"^[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*\.(jsonl|json|txt|py|pem)$")
CERT_HEADER = (
    ("installation", "key_id"), ("sweep", "id"), ("sweep", "kind"), ("sweep", "reference"),
    ("sweep", "as_of"), ("sweep", "started_by"), ("sweep", "started_at"),
    ("sweep", "finished_at"), ("issued", "at"), ("issued", "count"), ("issued", "original_bytes"),
)  # fmt: skip


class Bad(Exception):
    """The first bad element: where (member, line, event) and what is wrong with it."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}")
        self.where, self.what = where, what


# --- the rules re-implemented (the same bytes callwarden signs and hashes) ---------------------


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, ASCII escapes: what every signed statement is rendered as."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def event_hash(event: dict[str, Any]) -> str:
    """An audit event's hash: SHA-256 of a domain line, the previous hash, a newline and the
    event's content as canonical JSON (UTF-8, not ASCII-escaped), its time in UTC with
    microseconds and a Z."""
    moment = datetime.fromisoformat(event["occurred_at"]).astimezone(UTC)
    content = {field: event[field] for field in ("seq", "actor", "action", "target", "reason")}
    content |= {"occurred_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "data": event["data"]}
    rendered = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(CHAIN_DOMAIN)
    digest.update(event["prev_hash"].encode("ascii") + b"\n" + rendered.encode())
    return digest.hexdigest()


def load_public_key(pem: bytes, where: str) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(pem.strip())
    except (ValueError, TypeError) as exc:
        raise Bad(where, f"not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise Bad(where, "not an Ed25519 public key")
    return key


def key_id(public: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


def signed(public: Any, signature: Any, domain: bytes, message: bytes) -> bool:
    """Whether `signature` (base64, its one canonical spelling) signs domain + message."""
    from cryptography.exceptions import InvalidSignature

    if not isinstance(signature, str):
        return False
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    if base64.b64encode(raw).decode("ascii") != signature:
        return False
    try:
        public.verify(raw, domain + message)
    except InvalidSignature:
        return False
    return True


# --- reading the zip safely --------------------------------------------------------------------


def check_structure(archive: zipfile.ZipFile) -> None:
    seen: set[str] = set()
    total = 0
    for info in archive.infolist():
        shown = json.dumps(info.filename)
        if not NAME.match(info.filename) or ".." in info.filename:
            raise Bad(f"member {shown}", "not a plain relative member name (zip-slip?)")
        if info.filename in seen:
            raise Bad(f"member {shown}", "appears twice in the zip")
        seen.add(info.filename)
        if info.file_size > MAX_MEMBER_BYTES:
            raise Bad(
                info.filename,
                f"declares {info.file_size} bytes, over the {MAX_MEMBER_BYTES} limit: refused "
                "unread (zip bomb?)",
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise Bad(info.filename, "the members declare more than the total limit (zip bomb?)")


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    try:
        with archive.open(info) as handle:
            data = handle.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:  # a bad CRC, a bad header
        raise Bad(name, f"cannot be read from the zip ({exc})") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise Bad(name, "larger than the member limit (zip bomb?)")
    return data


def json_lines(data: bytes, name: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Bad(name, f"not UTF-8 ({exc})") from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise Bad(f"{name} line {number}", f"not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise Bad(f"{name} line {number}", "not a JSON object")
        rows.append((number, row))
    return rows


def json_document(data: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Bad(name, f"not JSON ({exc})") from None
    if not isinstance(value, dict):
        raise Bad(name, "not a JSON object")
    return value


# --- the checks --------------------------------------------------------------------------------


def check_manifest(manifest: dict[str, Any], public: Any) -> None:
    if manifest.get("format") != FORMAT or manifest.get("version") != 1:
        raise Bad(MANIFEST, f"not a {FORMAT} version 1 manifest")
    signature = manifest.get("signature")
    if not isinstance(signature, dict) or signature.get("algorithm") != "ed25519":
        raise Bad(f"{MANIFEST} signature", "missing, or not an ed25519 signature")
    if signature.get("key_id") != key_id(public):
        raise Bad(
            f"{MANIFEST} signature",
            f"signed by key {signature.get('key_id')}, not by {key_id(public)}",
        )
    unsigned = {key: value for key, value in manifest.items() if key != "signature"}
    if not signed(public, signature.get("value"), MANIFEST_DOMAIN, canonical_json(unsigned)):
        raise Bad(f"{MANIFEST} signature", "does not match the manifest (changed or forged)")


def check_members(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> dict[str, bytes]:
    listed = manifest.get("members")
    if not isinstance(listed, list):
        raise Bad(MANIFEST, "lists no members")
    present = {name for name in archive.namelist() if name != MANIFEST}
    names = [str(member.get("name")) for member in listed]
    added = sorted(present - set(names))
    if added:
        raise Bad(added[0], "is in the zip but not in the signed manifest (added)")
    contents: dict[str, bytes] = {}
    for member in listed:
        name = str(member.get("name"))
        if name not in present:
            raise Bad(name, "is in the signed manifest but missing from the zip (removed)")
        data = read_member(archive, name)
        digest = hashlib.sha256(data).hexdigest()
        if len(data) != member.get("size") or digest != member.get("sha256"):
            what = "its sha256 or size does not match the signed manifest (changed)"
            raise Bad(name, what + locate(name, data, contents))
        contents[name] = data
    return contents


def locate(name: str, data: bytes, contents: dict[str, bytes]) -> str:
    """For a changed member, where inside it the change shows (best effort)."""
    try:
        if name == "audit/events.jsonl" and "period.json" in contents:
            check_chain(json_lines(data, name), json_document(contents["period.json"], ""))
        elif name.endswith(".jsonl"):
            json_lines(data, name)
    except Bad as found:
        return f"; first bad element inside it: {found}"
    return ""


def check_chain(rows: list[tuple[int, dict[str, Any]]], period: dict[str, Any]) -> dict[int, str]:
    """Walk the period's events from the start anchor to the end anchor; the hash at each seq."""
    name = "audit/events.jsonl"
    first, expected_prev = period.get("first_seq"), period.get("start_anchor")
    if not isinstance(first, int) or not isinstance(expected_prev, str):
        raise Bad("period.json", "has no first_seq and start_anchor")
    expected_seq = first
    hashes: dict[int, str] = {first - 1: expected_prev}
    for number, event in rows:
        where = f"{name} line {number} (event seq {event.get('seq')})"
        if event.get("seq") != expected_seq:
            what = (
                "missing (deleted?)" if _greater(event.get("seq"), expected_seq) else "out of order"
            )
            raise Bad(where, f"event {expected_seq} is {what}; found event {event.get('seq')}")
        if event.get("prev_hash") != expected_prev:
            raise Bad(where, "its prev_hash is not the previous event's hash (reordered, replaced)")
        try:
            recomputed = event_hash(event)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise Bad(where, f"not an audit event ({exc})") from None
        if recomputed != event.get("hash"):
            raise Bad(where, "its content does not match its hash (edited)")
        hashes[expected_seq] = recomputed
        expected_seq, expected_prev = expected_seq + 1, recomputed
    last = period.get("last_seq")
    if rows and (expected_seq - 1 != last or expected_prev != period.get("end_anchor")):
        what = f"(event {last}): events removed from the end?"
        raise Bad(name, f"the chain ends at event {expected_seq - 1}, not at the end anchor {what}")
    if not rows and period.get("start_anchor") != period.get("end_anchor"):
        raise Bad(name, "no events, yet the anchors differ: the period's events were removed")
    return hashes


def _greater(found: Any, expected: Any) -> bool:
    return isinstance(found, int) and isinstance(expected, int) and found > expected


def check_checkpoints(
    rows: list[tuple[int, dict[str, Any]]], hashes: dict[int, str], public: Any
) -> int:
    name = "audit/checkpoints.jsonl"
    for number, point in rows:
        where = f"{name} line {number} (checkpoint of event {point.get('seq')})"
        fields = ("seq", "head_hash", "signed_at", "key_id", "every")
        if point.get("kind") != CHECKPOINT_KIND or any(field not in point for field in fields):
            raise Bad(where, "not a callwarden audit checkpoint")
        if point["key_id"] != key_id(public):
            raise Bad(where, f"signed by key {point['key_id']}, not by {key_id(public)}")
        message = canonical_json({"kind": CHECKPOINT_KIND, **{f: point[f] for f in fields}})
        if not signed(public, point.get("signature"), CHECKPOINT_DOMAIN, message):
            raise Bad(where, "bad signature (forged or changed)")
        if point["seq"] not in hashes:
            raise Bad(where, "names an event outside the period's chain")
        if hashes[point["seq"]] != point["head_hash"]:
            raise Bad(
                where,
                f"the chain does not pass through it: event {point['seq']} has "
                "another hash than the signed one (rewritten)",
            )
    return len(rows)


def check_certificate(data: bytes, name: str, public: Any, hashes: dict[int, str]) -> None:
    """The certificate's signature and digests; then each disposal it states whose audit event
    falls in the period must name that event's hash in the chain (it ties into the trail)."""
    try:
        entries = _check_certificate(json_document(data, name), name, public)
        for index, entry in enumerate(entries):
            seq = entry.get("audit_seq")
            if seq in hashes and hashes[seq] != entry.get("audit_hash"):
                raise Bad(
                    f"{name} recordings[{index}]",
                    f"names audit event {seq} with another hash than the chain's",
                )
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise Bad(name, f"not a well-formed destruction certificate ({exc!r})") from None


def _check_certificate(document: dict[str, Any], name: str, public: Any) -> list[dict[str, Any]]:
    try:
        signature = document["signature"]
        digests = document["digests"]
        header = {section: document[section] for section in ("installation", "sweep", "issued")}
        entries = document["recordings"]
    except (KeyError, TypeError):
        raise Bad(name, "not a destruction certificate") from None
    if signature.get("algorithm") != "ed25519" or signature.get("key_id") != key_id(public):
        raise Bad(f"{name} signature", f"not an ed25519 signature by {key_id(public)}")
    if not signed(public, signature.get("value"), CERTIFICATE_DOMAIN, canonical_json(digests)):
        raise Bad(f"{name} signature", "does not match the certificate's digests")
    for section, field in CERT_HEADER:
        path = f"{section}.{field}"
        value = hashlib.sha256(canonical_json({path: header[section].get(field)})).hexdigest()
        if digests["header"].get(path) != value:
            raise Bad(f"{name} {path}", "changed since it was signed")
    for index, entry in enumerate(entries):
        if digests["recordings"][index] != hashlib.sha256(canonical_json(entry)).hexdigest():
            raise Bad(f"{name} recordings[{index}]", "changed since it was signed")
    if len(digests["recordings"]) != len(entries):
        raise Bad(f"{name} recordings", "entries were removed or added")
    return list(entries)


def check_runs(contents: dict[str, bytes], period: dict[str, Any], events: list[Any]) -> Any:
    """The check runs and their findings against each other, the chain and period.json."""
    stated = period.get("check_runs")
    if CHECK_RUNS not in contents or CHECK_FINDINGS not in contents or not stated:
        raise Bad(MANIFEST, f"does not list {CHECK_RUNS} and {CHECK_FINDINGS}: not complete")
    start, end = (datetime.fromisoformat(period[k]) for k in ("from", "to"))

    def overlaps(first: str, last: str) -> bool:  # a bad time: malformed (ValueError)
        return datetime.fromisoformat(first) < end and datetime.fromisoformat(last) > start

    by_seq, runs = {event.get("seq"): event for _, event in events}, {}
    for number, run in json_lines(contents[CHECK_RUNS], CHECK_RUNS):
        run_id, seq = run.get("id"), run.get("audit_seq")
        where, event = f"{CHECK_RUNS} line {number} (run {run_id})", by_seq.get(seq)
        if not isinstance(run_id, str) or run_id in runs:
            raise Bad(where, "has no run id, or names a run twice")
        runs[run_id] = run
        if run.get("in_period") is not overlaps(run["period_start"], run["period_end"]):
            raise Bad(where, "its in_period does not match its period and the package's")
        if event is None or not isinstance(seq, int):  # its audit event is outside the period
            continue
        if (event.get("action"), event.get("target")) != ("checks.run", f"check_run:{run_id}"):
            raise Bad(where, f"audit event {seq} is not this run's checks.run event")
        ours = [run.get("audit_hash"), run["checks"], run["counts"]]
        if [event.get("hash"), event["data"].get("checks"), event["data"].get("counts")] != ours:
            raise Bad(where, f"differs from its audit event {seq} (its hash, checks or counts)")
    for _, event in events:  # each checks.run event of the period over an overlapping period
        run, seq = runs.get(str(event.get("target")).removeprefix("check_run:"), {}), event["seq"]
        ran = event.get("action") == "checks.run" and overlaps(*event["data"]["period"])
        if ran and run.get("audit_seq") != seq:
            where = f"audit/events.jsonl (event seq {seq})"
            raise Bad(where, f"the run {event.get('target')} is missing from {CHECK_RUNS}")
    seen: set[Any] = set()
    for number, finding in json_lines(contents[CHECK_FINDINGS], CHECK_FINDINGS):
        where = f"{CHECK_FINDINGS} line {number} (finding {finding.get('id')})"
        if finding.get("id") is None or finding.get("id") in seen:
            raise Bad(where, "has no finding id, or names a finding twice")
        seen.add(finding.get("id"))
        named = [str(finding.get(f"{n}_seen_run_id")) for n in ("first", "last")]
        if any(run_id not in runs for run_id in named):
            raise Bad(where, f"names a run that is not in {CHECK_RUNS}: {', '.join(named)}")
        if not any(runs[run_id].get("in_period") for run_id in named):
            raise Bad(where, "neither run that saw it looked at the period")
    inside = sum(1 for run in runs.values() if run.get("in_period") is True)
    counted = [inside, len(runs) - inside, len(seen)]
    if [stated.get(k) for k in ("runs", "runs_named_from_outside", "findings")] != counted:
        raise Bad("period.json", f"its check_runs counts do not match the {CHECK_RUNS} lines")
    return inside, len(seen)


def verify(path: str, given_key: bytes | None) -> str:
    """Check the package; the summary when it verifies, else raise Bad naming the first problem."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Bad(path, f"not a readable zip ({exc})") from None
    with archive:
        check_structure(archive)
        if MANIFEST not in archive.namelist():
            raise Bad(MANIFEST, "missing")
        manifest = json_document(read_member(archive, MANIFEST), MANIFEST)
        if "public_key.pem" not in archive.namelist():
            raise Bad("public_key.pem", "missing")
        inside = load_public_key(read_member(archive, "public_key.pem"), "public_key.pem")
        public = inside
        if given_key is not None:
            public = load_public_key(given_key, "--public-key")
            if key_id(inside) != key_id(public):
                what = f"not the key you were given ({key_id(public)}): the package was not signed"
                raise Bad("public_key.pem", f"is key {key_id(inside)}, {what} by it")
        check_manifest(manifest, public)
        contents = check_members(archive, manifest)
    for name in REQUIRED:
        if name not in contents:
            raise Bad(MANIFEST, f"does not list {name}: not a complete package")
    period = json_document(contents["period.json"], "period.json")
    events = json_lines(contents["audit/events.jsonl"], "audit/events.jsonl")
    hashes = check_chain(events, period)
    if len(events) != period.get("events"):
        raise Bad("period.json", "its event count does not match audit/events.jsonl")
    points = check_checkpoints(
        json_lines(contents["audit/checkpoints.jsonl"], "audit/checkpoints.jsonl"), hashes, public
    )
    certificates = sorted(name for name in contents if name.startswith("certificates/"))
    listed = period.get("certificates")
    if not isinstance(listed, list) or sorted(str(c.get("member")) for c in listed) != certificates:
        raise Bad("period.json", "its certificates do not match the certificates/ members")
    for name in certificates:
        check_certificate(contents[name], name, public, hashes)
    for item in listed:
        if hashlib.sha256(contents[item["member"]]).hexdigest() != item.get("sha256"):
            raise Bad(item["member"], "is not the certificate of its sweep (sha256 differs)")
    runs, findings = check_runs(contents, period, events)
    for name, data in contents.items():
        if name.endswith(".jsonl"):
            json_lines(data, name)
    if not events:
        return (
            f"package verifies: the period {period.get('from')} to {period.get('to')} is "
            "EMPTY (no audit events); the anchors agree"
        )
    return (
        f"package verifies: {len(events)} audit events (seq {period['first_seq']} to "
        f"{period['last_seq']}), {points} signed checkpoints on the chain, "
        f"{len(certificates)} destruction certificates, {runs} check runs with {findings} "
        f"findings, {len(contents)} members"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a callwarden audit package offline.")
    parser.add_argument("package", help="the package zip")
    parser.add_argument(
        "--public-key",
        help="the installation's public key (PEM), received "
        "separately: recommended, a key inside the package proves nothing alone",
    )
    args = parser.parse_args(argv)
    given = None
    if args.public_key:
        try:
            with open(args.public_key, "rb") as handle:
                given = handle.read(64 * 1024)
        except OSError as exc:
            print(f"cannot read {args.public_key}: {exc}", file=sys.stderr)
            return 2
    try:
        summary = verify(args.package, given)
    except Bad as bad:
        print(f"package does NOT verify: {bad}", file=sys.stderr)
        return 1
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
        # A shape no check above expected: still a package that does not verify, not a crash.
        print(f"package does NOT verify: malformed ({exc!r})", file=sys.stderr)
        return 1
    print(summary)
    if given is None:
        warning = "pass --public-key with the key you received from the installation"
        print(
            f"warning: checked against the key inside the package only; {warning}", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
