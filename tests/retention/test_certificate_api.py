"""`GET /v1/retention/sweeps/{id}/certificate`: the stored bytes, for the oversight roles."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient

from callwarden.db import Database
from callwarden.retention import certificate
from callwarden.retention.certificate_schemas import DestructionCertificate
from tests.support.sweeps import make_sweep


def test_the_certificate_downloads_byte_for_byte(
    api: TestClient,
    people: dict[str, dict[str, str]],
    issued: tuple[str, str, list[str]],
    public: Ed25519PublicKey,
) -> None:
    sweep_id, text, _ = issued
    for reader in ("cora", "lee", "audra", "root"):
        answer = api.get(f"/v1/retention/sweeps/{sweep_id}/certificate", headers=people[reader])
        assert answer.status_code == 200, (reader, answer.text)
        assert answer.content == text.encode()
        assert answer.headers["content-type"] == "application/json"
        assert f'filename="certificate-{sweep_id}.json"' in answer.headers["content-disposition"]
        assert answer.headers["x-content-sha256"] == hashlib.sha256(answer.content).hexdigest()
    assert certificate.verify(answer.content, public).count == 3
    described = DestructionCertificate.model_validate_json(answer.content)  # the OpenAPI shape
    assert described.issued.count == 3 and described.sweep.id == sweep_id
    for outsider in ("alice", "east-lead", "quinn", "pbx"):
        refused = api.get(f"/v1/retention/sweeps/{sweep_id}/certificate", headers=people[outsider])
        assert refused.status_code == 403, outsider
        assert "retention.read" in refused.json()["detail"]


def test_no_certificate_before_it_is_issued(
    api: TestClient, people: dict[str, dict[str, str]], db: Database
) -> None:
    unfinished = make_sweep(db, [])
    answer = api.get(f"/v1/retention/sweeps/{unfinished}/certificate", headers=people["cora"])
    assert answer.status_code == 404 and "no certificate yet" in answer.json()["detail"]
    missing = api.get("/v1/retention/sweeps/sweep_nope/certificate", headers=people["cora"])
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
