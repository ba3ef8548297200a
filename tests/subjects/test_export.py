"""The access export and the vCon: one vCon per call in the draft's shape, the decrypted audio
exactly as the download route gives it, a manifest of sha256 hashes of every file, member
names made of ids only, and each recording's export audited; `GET /v1/calls/{id}/vcon` serves
the same document to whoever may read the call."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from fastapi.testclient import TestClient
from jsonschema import ValidationError
from sqlalchemy import select

from callwarden.db import Database
from callwarden.kit.errors import Conflict
from callwarden.models import AuditEvent, Recording
from callwarden.subjects.export import member
from callwarden.subjects.vcon import content_hash
from tests.recordings.conftest import CALIFORNIA
from tests.subjects.conftest import People, open_request, record
from tests.subjects.vcon_schema import check_vcon
from tests.support.calls import CallDriver
from tests.support.console_calls import open_finding

NUMBER = "+14155550123"


def call_of(db: Database, recording_id: str) -> str:
    with db.reading() as session:
        row = session.get(Recording, recording_id)
        assert row is not None
        return row.call_id


def test_a_calls_vcon_has_the_drafts_shape(api: TestClient, people: People, db: Database) -> None:
    recording = record(api, people["pbx"], number=NUMBER)
    call_id = call_of(db, recording)
    answer = api.get(f"/v1/calls/{call_id}/vcon", headers=people["audra"])
    assert answer.status_code == 200, answer.text
    document = answer.json()
    check_vcon(document)
    assert document["vcon"] == "0.4.0"
    assert [p.get("tel") for p in document["parties"]] == [NUMBER, None]
    assert document["parties"][1]["civicaddress"] == {"country": "US", "a1": "TX"}
    (dialog,) = document["dialog"]
    assert dialog["type"] == "recording" and dialog["parties"] == [0, 1]
    with db.reading() as session:
        row = session.get(Recording, recording)
        assert row is not None
        assert dialog["content_hash"] == content_hash(row.sha256)
        assert dialog["mediatype"] == row.content_type and dialog["duration"] > 0
    purposes = [a["purpose"] for a in document["attachments"]]
    assert purposes == ["callwarden-decision", "callwarden-consent-evidence"]
    consent = document["attachments"][1]["body"]
    assert consent["call_id"] == call_id and consent["parties"][0]["evidence"]
    # The same call, the same vCon uuid, for each reader; an agent of another team sees nothing.
    again = api.get(f"/v1/calls/{call_id}/vcon", headers=people["cora"]).json()
    assert again["uuid"] == document["uuid"]
    assert api.get(f"/v1/calls/{call_id}/vcon", headers=people["bob"]).status_code == 404


def test_the_schema_catches_what_the_draft_forbids(
    api: TestClient, people: People, db: Database
) -> None:
    recording = record(api, people["pbx"], number=NUMBER)
    document = api.get(f"/v1/calls/{call_of(db, recording)}/vcon", headers=people["cora"]).json()
    broken = [
        {**document, "uuid": "not-a-uuid"},
        {**document, "dialog": [{**document["dialog"][0], "type": "video"}]},
        {**document, "attachments": [{"purpose": "x", "start": document["created_at"]}]},
        {**document, "analysis": [{"type": "report"}]},
        {**document, "created_at": "yesterday"},
    ]
    for document_ in broken:
        with pytest.raises(ValidationError):
            check_vcon(document_)


def test_the_export_zip_holds_vcons_audio_and_a_manifest_of_hashes(
    api: TestClient, people: People, db: Database
) -> None:
    recordings = [record(api, people["pbx"], number=NUMBER) for _ in range(2)]
    record(api, people["pbx"], number="+14155550199")  # someone else's
    opened = open_request(api, people["cora"], [NUMBER])
    answer = api.get(f"/v1/subject-requests/{opened['request_id']}/export", headers=people["cora"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    names = sorted(archive.namelist())
    calls = sorted(call_of(db, r) for r in recordings)
    assert names == sorted(
        ["manifest.json"]
        + [f"audio/{r}.wav" for r in recordings]
        + [f"vcon/{c}.json" for c in calls]
    )
    manifest = json.loads(archive.read("manifest.json"))
    listed = {item["name"]: item for item in manifest["files"]}
    assert set(listed) == set(names) - {"manifest.json"}
    for name, item in listed.items():
        content = archive.read(name)
        assert (
            hashlib.sha256(content).hexdigest() == item["sha256"] and len(content) == item["size"]
        )
    for recording in recordings:
        downloaded = api.get(
            f"/v1/recordings/{recording}/download",
            params={"reason": "compare with the export"},
            headers=people["cora"],
        ).content
        assert archive.read(f"audio/{recording}.wav") == downloaded
        with db.reading() as session:
            row = session.get(Recording, recording)
            assert row is not None and hashlib.sha256(downloaded).hexdigest() == row.sha256
        vcon = json.loads(archive.read(f"vcon/{call_of(db, recording)}.json"))
        check_vcon(vcon)
        assert vcon["dialog"][0]["filename"] == f"audio/{recording}.wav"
    with db.reading() as session:
        exported = session.execute(
            select(AuditEvent.target, AuditEvent.reason).where(
                AuditEvent.action == "recording.exported"
            )
        ).all()
        request_events = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.target == f"subject_request:{opened['request_id']}"
            )
        ).all()
    why = f"data-subject access request {opened['request_id']}"
    for recording in recordings:
        assert (f"recording:{recording}", why) in set(exported)
    assert "subject_request.exported" in request_events


def test_an_erasure_request_has_no_export_and_auditors_cannot_export(
    api: TestClient, people: People
) -> None:
    erasure = open_request(api, people["cora"], [NUMBER], kind="erasure")
    path = f"/v1/subject-requests/{erasure['request_id']}/export"
    assert api.get(path, headers=people["cora"]).status_code == 409
    access = open_request(api, people["cora"], [NUMBER])
    path = f"/v1/subject-requests/{access['request_id']}/export"
    assert api.get(path, headers=people["audra"]).status_code == 403


@pytest.mark.parametrize("hostile", ["../etc/passwd", "a/b", "..", "x\x00y", "", "é"])
def test_member_names_are_ids_only(hostile: str) -> None:
    with pytest.raises(Conflict):
        member("audio", hostile, "wav")
    with pytest.raises(Conflict):
        member("audio", "rec_1", hostile or "../wav")
    assert member("audio", "rec_0191-ab_c", "wav") == "audio/rec_0191-ab_c.wav"


def test_the_audio_checks_findings_are_the_vcons_analysis(
    api: TestClient, people: People, db: Database
) -> None:
    recording = record(api, people["pbx"], number=NUMBER)
    open_finding(db, recording, "payment_audio_leak", "Keys pressed inside the payment pause")
    document = api.get(f"/v1/calls/{call_of(db, recording)}/vcon", headers=people["cora"]).json()
    check_vcon(document)
    (analysis,) = document["analysis"]
    assert (analysis["type"], analysis["vendor"], analysis["dialog"]) == ("report", "callwarden", 0)
    assert analysis["body"]["kind"] == "payment_audio_leak"
    assert analysis["body"]["summary"] == "Keys pressed inside the payment pause"


def test_a_private_recording_is_withheld_from_an_export_only_legal_may_make(
    api: TestClient, people: People
) -> None:
    recording = record(api, people["pbx"], number=NUMBER)
    flagged = api.post(
        f"/v1/recordings/{recording}/private",
        json={"private": True, "reason": "the agent's personal call"},
        headers=people["lee"],
    )
    assert flagged.status_code == 200, flagged.text
    for who, included in (("cora", False), ("lee", True)):
        opened = open_request(api, people[who], [NUMBER])
        path = f"/v1/subject-requests/{opened['request_id']}/export"
        archive = zipfile.ZipFile(io.BytesIO(api.get(path, headers=people[who]).content))
        manifest = json.loads(archive.read("manifest.json"))
        assert (f"audio/{recording}.wav" in archive.namelist()) is included, who
        withheld = {item["recording_id"]: item["why"] for item in manifest["withheld"]}
        if not included:
            assert "only legal may export it" in withheld[recording]


def test_a_call_never_recorded_still_has_a_valid_vcon(api: TestClient, people: People) -> None:
    call = CallDriver(api, people["pbx"], CALIFORNIA)
    document = api.get(f"/v1/calls/{call.call_id}/vcon", headers=people["cora"]).json()
    check_vcon(document)
    (dialog,) = document["dialog"]
    assert dialog["type"] == "incomplete" and "not recorded" in dialog["state"]
    assert document["analysis"] == [] and len(document["attachments"]) == 2
