"""Subject-request fixtures: the API with a policy and the vault on the filesystem and on S3
(from the recordings' tests), the cast of people, calls recorded from a number through the real
intake, and the node's signing key (an erasure's sweep is certified)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.recordings.conftest import api, vault_settings
from tests.retention.conftest import people, public, record, signing_key

__all__ = ["api", "people", "public", "record", "signing_key", "vault_settings"]

People = dict[str, dict[str, str]]
GOOD = {
    "identity_verification": "called back on the number on file; date of birth matched",
    "verified_by": "Cora Compliance",
}


def open_request(
    api: TestClient,
    who: dict[str, str],
    numbers: list[str],
    kind: str = "access",
    law: str = "gdpr",
    received_at: str = "2026-01-05T09:00:00+00:00",
) -> dict[str, Any]:
    body = {"kind": kind, "numbers": numbers, "law": law, "received_at": received_at, **GOOD}
    answer = api.post("/v1/subject-requests", json=body, headers=who)
    assert answer.status_code == 201, answer.text
    opened: dict[str, Any] = answer.json()
    return opened
