"""Erasure through the API on SQLite and PostgreSQL: what an exception keeps is kept and the
letter says why with the law (a legal hold, a sector rule's minimum), a number with no calls
gets an answer saying so (audited), and an access request erases nothing. What may go is
disposed of in an erasure sweep whose destruction certificate verifies with the public key."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.models import AuditEvent, DataKey, Disposal, Recording, RetentionSweep
from callwarden.retention import certificate
from callwarden.vault.runtime import vault_for
from tests.subjects.conftest import People, open_request, record

NUMBER = "+14155550123"


def erase(api: TestClient, who: dict[str, str], request_id: str) -> dict[str, Any]:
    answer = api.post(f"/v1/subject-requests/{request_id}/erase", headers=who)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def hold_on(api: TestClient, who: dict[str, str], scope: dict[str, Any]) -> str:
    body = {"matter": "Smith v Bank", "reason": "claim expected", "scope": scope}
    answer = api.post("/v1/holds", json=body, headers=who)
    assert answer.status_code == 201, answer.text
    hold_id: str = answer.json()["hold_id"]
    return hold_id


def still_stored(db: Database, recording_id: str) -> bool:
    with db.reading() as session:
        row = session.get(Recording, recording_id)
        key = session.get(DataKey, recording_id)
        return row is not None and row.state == "stored" and key is not None and bool(key.wrapped)


def test_a_held_recording_is_kept_and_the_letter_says_why(
    api: TestClient, people: People, db: Database
) -> None:
    recording = record(api, people["pbx"], number=NUMBER)
    hold_id = hold_on(api, people["lee"], {"numbers": [NUMBER]})
    opened = open_request(api, people["cora"], [NUMBER], kind="erasure")
    result = erase(api, people["cora"], opened["request_id"])
    assert result["erased"] == [] and list(result["kept"]) == [recording]
    (reason,) = result["kept"][recording]
    assert reason["kind"] == "hold" and hold_id in reason["text"]
    assert reason["citations"] == [
        "GDPR Art. 17(3)(e): establishment, exercise or defence of legal claims"
    ]
    assert still_stored(db, recording)
    letter = result["letter"]
    assert recording in letter and "Smith v Bank" in letter and "Art. 17(3)(e)" in letter
    shown = api.get(f"/v1/subject-requests/{opened['request_id']}", headers=people["audra"])
    assert shown.json()["letter"] == letter


def test_a_sector_minimum_keeps_a_recording_until_it_runs_out(
    api: TestClient, people: People, db: Database
) -> None:
    recording = record(api, people["pbx"], number=NUMBER)
    with db.unit_of_work() as session:
        row = session.get(Recording, recording)
        assert row is not None
        row.retain_until = clock.now() + timedelta(days=5 * 365)
        row.retention_reasons = [
            {
                "text": "kept five years under MiFID II",
                "rules": [{"id": "mifid-ii", "citation": "Dir. 2014/65/EU Art. 16(7)"}],
            }
        ]
    opened = open_request(api, people["cora"], [NUMBER], kind="erasure", law="uk-gdpr")
    result = erase(api, people["cora"], opened["request_id"])
    (reason,) = result["kept"][recording]
    assert reason["kind"] == "regulatory_minimum"
    assert reason["citations"][0].startswith("UK GDPR Art. 17(3)(b)")
    assert "Dir. 2014/65/EU Art. 16(7)" in reason["citations"]
    assert "MiFID II" in result["letter"] and still_stored(db, recording)


def test_an_erasure_for_a_number_with_no_calls_says_so_and_is_audited(
    api: TestClient, people: People, db: Database
) -> None:
    record(api, people["pbx"], number=NUMBER)
    opened = open_request(api, people["cora"], ["+442071838750"], kind="erasure")
    result = erase(api, people["cora"], opened["request_id"])
    assert result["calls"] == 0 and result["erased"] == [] and result["kept"] == {}
    assert "found none" in result["letter"] and "nothing to erase" in result["letter"]
    with db.reading() as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "subject_request.erased",
                AuditEvent.target == f"subject_request:{opened['request_id']}",
            )
        ).one()
        assert event.data["nothing_held"] is True


def test_an_access_request_erases_nothing_and_auditors_cannot_erase(
    api: TestClient, people: People, db: Database
) -> None:
    recording = record(api, people["pbx"], number=NUMBER)
    access = open_request(api, people["cora"], [NUMBER])
    path = f"/v1/subject-requests/{access['request_id']}/erase"
    assert api.post(path, headers=people["cora"]).status_code == 409
    erasure = open_request(api, people["cora"], [NUMBER], kind="erasure")
    path = f"/v1/subject-requests/{erasure['request_id']}/erase"
    assert api.post(path, headers=people["audra"]).status_code == 403
    assert still_stored(db, recording)


def test_what_may_go_is_destroyed_in_a_certified_erasure_sweep(
    api: TestClient,
    people: People,
    db: Database,
    vault_settings: Settings,
    public: Ed25519PublicKey,
) -> None:
    gone, held = (record(api, people["pbx"], number=NUMBER) for _ in range(2))
    hold_on(api, people["lee"], {"recording_ids": [held]})
    with db.reading() as session:
        gone_row = session.get(Recording, gone)
        assert gone_row is not None
        object_key = gone_row.object_key
    store = vault_for(vault_settings).store  # the filesystem, or S3
    assert object_key in [item.key for item in store.list("")]
    opened = open_request(api, people["cora"], [NUMBER], kind="erasure", law="ccpa")
    result = erase(api, people["cora"], opened["request_id"])
    assert result["erased"] == [gone] and list(result["kept"]) == [held]
    assert not still_stored(db, gone) and still_stored(db, held)
    assert object_key not in [item.key for item in store.list("")]
    with db.reading() as session:
        sweep = session.get(RetentionSweep, result["sweep_id"])
        assert sweep is not None and sweep.certificate is not None
        assert (sweep.kind, sweep.reference) == ("erasure", opened["request_id"])
        disposal = session.get(Disposal, gone)
        assert disposal is not None and disposal.sweep_id == sweep.id
        assert opened["request_id"] in disposal.rule
        text = sweep.certificate
    verified = certificate.verify(text, public)
    assert verified.count == 1
    assert (
        result["sweep_id"] in result["letter"] and "Cal. Civ. Code § 1798.105" in result["letter"]
    )
    again = erase(api, people["cora"], opened["request_id"])  # a second run destroys nothing more
    assert again["erased"] == [] and again["already_gone"] == [gone]
