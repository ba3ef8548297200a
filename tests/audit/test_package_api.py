"""`GET /v1/audit/package`: the same zip, for the roles that read the audit trail only."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from callwarden.audit import service as audit
from callwarden.audit.package import BUILT
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.signing import public_key_pem
from tests.audit.packages import members, run_verify
from tests.retention.conftest import api, people, record, signing_key

__all__ = ["api", "people", "signing_key"]


def test_an_auditor_downloads_a_package_that_verifies(
    api: TestClient,
    people: dict[str, dict[str, str]],
    db: Database,
    signing_key: Ed25519PrivateKey,
    tmp_path: Path,
) -> None:
    recording = record(api, people["pbx"])
    period = {
        "from": (clock.now() - timedelta(hours=2)).isoformat(),
        "to": (clock.now() + timedelta(hours=1)).isoformat(),
    }
    response = api.get("/v1/audit/package", params=period, headers=people["audra"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith('attachment; filename="audit-')
    target = tmp_path / "downloaded.zip"
    target.write_bytes(response.content)
    key = tmp_path / "key.pem"
    key.write_text(public_key_pem(signing_key))
    code, output = run_verify(target, key, tmp_path / "auditor")
    assert code == 0, output
    recordings = members(target)["recordings.jsonl"].splitlines()
    assert [json.loads(line)["id"] for line in recordings] == [recording]
    with db.reading() as session:
        built = audit.find(session, audit.EventFilter(action=BUILT), None, 10).rows
        assert [event.actor for event in built] == ["user:audra"]


def test_only_the_roles_that_read_the_audit_trail_may_have_it(
    api: TestClient, people: dict[str, dict[str, str]], signing_key: Ed25519PrivateKey
) -> None:
    period = {"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}
    for name in ("alice", "east-lead", "quinn", "lee", "pbx"):
        response = api.get("/v1/audit/package", params=period, headers=people[name])
        assert response.status_code == 403, (name, response.text)
    for name in ("cora", "root"):
        response = api.get("/v1/audit/package", params=period, headers=people[name])
        assert response.status_code == 200, (name, response.text)
    backwards = {"from": period["to"], "to": period["from"]}
    response = api.get("/v1/audit/package", params=backwards, headers=people["audra"])
    assert response.status_code in (400, 422) and "after its start" in response.text
    response = api.get("/v1/audit/package", params={"from": period["from"]}, headers=people["cora"])
    assert response.status_code == 422
