"""Destruction certificates: issued from a sweep's rows, verified with the public key alone."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from callwarden.audit import service as audit
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import RetentionSweep
from callwarden.retention import certificate
from callwarden.retention import certificate_format as layout
from callwarden.retention.certificate import CertificateRejected
from callwarden.signing import key_id
from tests.retention.conftest import issue, record
from tests.support.sweeps import clone_recordings, make_sweep


def test_a_certificate_states_each_disposal_and_ties_it_to_the_audit_chain(
    issued: tuple[str, str, list[str]], db: Database, public: Ed25519PublicKey
) -> None:
    sweep_id, text, ids = issued
    verified = certificate.verify(text, public)
    assert verified.key_id == key_id(public)
    assert verified.sweep["id"] == sweep_id
    assert verified.sweep["reference"] == "<b>erasure</b> of +14155550100"
    assert verified.count == 3
    assert [entry["recording_id"] for entry in verified.recordings] == ids
    with db.reading() as session:
        for entry in verified.recordings:
            event = audit.event(session, entry["audit_seq"])
            assert event is not None and event.action == "recording.disposed"
            assert event.hash == entry["audit_hash"]
            assert event.target == f"recording:{entry['recording_id']}"
        sweep = session.get(RetentionSweep, sweep_id)
        assert sweep is not None
        assert sweep.certificate == text
        assert sweep.certificate_sha256 == hashlib.sha256(text.encode()).hexdigest()
        assert sweep.disposed_count == 3 and sweep.finished_at is not None
        found = audit.find(session, audit.EventFilter(action=certificate.ISSUED), None, 10)
        assert len(found.rows) == 1
        assert found.rows[0].data["sha256"] == sweep.certificate_sha256
        assert found.rows[0].target == f"sweep:{sweep_id}"
    first = verified.recordings[0]
    assert len(first["original_sha256"]) == 64 and first["original_size"] > 0
    assert first["disposed_at"].endswith("Z") and first["rule"]


def test_issuing_again_returns_the_same_certificate(
    issued: tuple[str, str, list[str]], db: Database, settings: Settings
) -> None:
    sweep_id, text, _ = issued
    assert issue(db, settings, sweep_id) == text
    with db.reading() as session:
        events = audit.find(session, audit.EventFilter(action=certificate.ISSUED), None, 10)
    assert len(events.rows) == 1


def test_an_empty_sweep_has_a_certificate_too(
    db: Database, settings: Settings, public: Ed25519PublicKey
) -> None:
    text = issue(db, settings, make_sweep(db, []))
    assert certificate.verify(text, public).count == 0


def test_another_key_is_named(issued: tuple[str, str, list[str]]) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(issued[1], other)
    assert refused.value.where == "signature.key_id"
    assert key_id(other) in refused.value.detail


def _edited(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1
    return text.replace(old, new, 1)


def test_an_edited_value_names_its_entry(
    issued: tuple[str, str, list[str]], public: Ed25519PublicKey
) -> None:
    _, text, ids = issued
    lines = text.split("\n")
    assert ids[1] in lines[8]  # line 9: the second entry (one per line, after the header)
    lines[8] = lines[8].replace('"original_size": ', '"original_size": 1')
    changed = "\n".join(lines)
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(changed, public)
    assert refused.value.where == f"recordings[1] (entry 2, recording {ids[1]})"
    assert "changed since it was signed" in refused.value.detail


def test_an_edited_header_field_is_named(
    issued: tuple[str, str, list[str]], public: Ed25519PublicKey
) -> None:
    changed = _edited(issued[1], '"kind": "schedule"', '"kind": "schedulf"')
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(changed, public)
    assert refused.value.where == "sweep.kind"


def test_an_edited_digest_is_named(
    issued: tuple[str, str, list[str]], public: Ed25519PublicKey
) -> None:
    listed = json.loads(issued[1])["digests"]["recordings"][2]
    changed = _edited(issued[1], listed, ("0" if listed[0] != "0" else "1") + listed[1:])
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(changed, public)
    assert refused.value.where == "digests.recordings[2]"
    assert "the signature does not match" in refused.value.detail


def test_a_rewritten_entry_with_its_digest_is_still_refused(
    issued: tuple[str, str, list[str]], public: Ed25519PublicKey
) -> None:
    """A forger who recomputes the digest of an entry they changed: the signature fails, and the
    verdict says honestly that it cannot tell which part was changed."""
    document: dict[str, Any] = json.loads(issued[1])
    document["recordings"][0]["rule"] = "consent withdrawn"
    document["digests"]["recordings"][0] = layout.digest(document["recordings"][0])
    header = {section: document[section] for section in layout.SECTIONS}
    forged = "".join(
        layout.render(
            header,
            document["recordings"],
            document["digests"]["recordings"],
            document["digests"]["header"],
            document["signature"],
        )
    )
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(forged, public)
    assert refused.value.where == "signature"
    assert "cannot tell which" in refused.value.detail


def test_reformatting_is_found_at_its_line_and_column(
    issued: tuple[str, str, list[str]], public: Ed25519PublicKey
) -> None:
    text = issued[1]
    changed = _edited(text, '"version": 1,', '"version":  1,')
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(changed, public)
    assert refused.value.where == "line 3 column 14"
    escaped = _edited(text, '"rule"', '"\\u0072ule"')  # the same key, spelled as an escape
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(escaped, public)
    assert refused.value.where.startswith("line 8 column")
    assert "every value is as signed" in refused.value.detail


def test_malformed_json_says_line_and_column(
    issued: tuple[str, str, list[str]], public: Ed25519PublicKey
) -> None:
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(issued[1][: len(issued[1]) // 2], public)
    assert refused.value.where.startswith("line ")
    assert "not JSON" in refused.value.detail
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(issued[1].encode()[:10] + b"\xff" + issued[1].encode()[11:], public)
    assert refused.value.where == "line 2 column 9"
    assert "not UTF-8" in refused.value.detail


def test_a_duplicate_key_is_refused_on_its_line(
    issued: tuple[str, str, list[str]], public: Ed25519PublicKey
) -> None:
    """JSON readers differ on a repeated key (first or last wins): one certificate, two readings."""
    text = issued[1]
    doubled = _edited(text, '"rule": ', '"rule": "consent withdrawn", "rule": ')
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(doubled, public)
    assert refused.value.where == "line 8"
    assert "appears twice" in refused.value.detail
    top = _edited(text, '  "version": 1,\n', '  "version": 1,\n  "version": 1,\n')
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(top, public)
    assert refused.value.where == "line 4"


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('"original_size": ', '"original_size": 1e3, "x": ', "recordings[0] (entry 1)"),
        ('"count": 3', '"count": NaN', "content"),
        ('"count": 3', '"count": 3.0', "issued.count"),
        ('"count": 3', '"count": true', "issued.count"),
        ('"count": 3', '"count": 2', "recordings"),
        ('"algorithm": "ed25519"', '"algorithm": "rsa"', "signature.algorithm"),
    ],
)
def test_wrong_shapes_are_named(
    issued: tuple[str, str, list[str]], public: Ed25519PublicKey, old: str, new: str, where: str
) -> None:
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(_edited(issued[1], old, new), public)
    assert refused.value.where == where


def test_a_huge_file_is_refused_unread(public: Ed25519PublicKey) -> None:
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(b" " * (layout.MAX_BYTES + 1), public)
    assert refused.value.where == "size"
    assert "over the limit" in refused.value.detail


def test_thousands_of_recordings(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    settings: Settings,
    public: Ed25519PublicKey,
) -> None:
    first = record(api, people["pbx"])
    ids = clone_recordings(db, first, 2000)
    text = issue(db, settings, make_sweep(db, ids))
    verified = certificate.verify(text, public)
    assert verified.count == 2000
    assert verified.original_bytes == sum(2000 + n for n in range(2000))
    assert len(text.splitlines()) == 2000 * 2 + 15


@settings_(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_one_byte_edit_ever_verifies(
    issued: tuple[str, str, list[str]], public: Ed25519PublicKey, data: st.DataObject
) -> None:
    """Replace, insert or delete any one byte anywhere: the certificate never verifies, and the
    refusal always names a place."""
    raw = issued[1].encode("utf-8")
    position = data.draw(st.integers(0, len(raw) - 1), label="position")
    how = data.draw(st.sampled_from(["replace", "insert", "delete"]), label="how")
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != raw[position]), label="byte")
    if how == "replace":
        edited = raw[:position] + bytes([byte]) + raw[position + 1 :]
    elif how == "insert":
        edited = raw[:position] + bytes([byte]) + raw[position:]
    else:
        edited = raw[:position] + raw[position + 1 :]
    with pytest.raises(CertificateRejected) as refused:
        certificate.verify(edited, public)
    assert refused.value.where
