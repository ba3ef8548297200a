"""A repeated idempotency key: the same upload gets the recording already stored; the key
reused for other audio or other metadata is refused (409), leaving nothing behind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit.errors import Conflict
from callwarden.models import AuditEvent, Recording
from callwarden.recordings import intake
from callwarden.recordings.upload import IntakeRequest
from callwarden.vault.runtime import vault_for
from tests.recordings.conftest import objects, recorded_call
from tests.support.audio import wav

FIRST = {"channel_map": "customer,agent", "agent": "alice"}


def upload(
    api: TestClient, headers: dict[str, str], call_id: str, body: bytes, **params: str
) -> object:
    return api.post(
        f"/v1/calls/{call_id}/recordings",
        content=body,
        headers=headers,
        params={"idempotency_key": "same-key", **params},
    )


def counts(db: Database) -> tuple[int, int]:
    with db.reading() as session:
        recordings = session.execute(select(func.count()).select_from(Recording)).scalar_one()
        stored = session.execute(
            select(func.count()).where(AuditEvent.action == "recording.stored")
        ).scalar_one()
    return recordings, stored


@pytest.mark.parametrize(
    ("changed", "differs"),
    [
        ({"body": wav(2.0, seed=7)}, "audio (sha256)"),
        ({"channel_map": "agent,customer"}, "channel_map"),
        ({"agent": "bob"}, "agent"),
        ({"private": "true"}, "private"),
        ({"started_at": "2026-01-15T09:00:00+00:00"}, "started_at"),
    ],
)
def test_a_key_reused_for_a_different_upload_is_refused(
    api: TestClient,
    people: dict[str, dict[str, str]],
    vault_settings: Settings,
    db: Database,
    changed: dict[str, object],
    differs: str,
) -> None:
    call = recorded_call(api, people["pbx"])
    audio = wav(2.0)
    first = upload(api, people["pbx"], call.call_id, audio, **FIRST)
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    params = {name: value for name, value in changed.items() if name != "body"}
    body = changed.get("body", audio)
    assert isinstance(body, bytes)
    again = upload(api, people["pbx"], call.call_id, body, **{**FIRST, **params})  # type: ignore[arg-type]
    assert again.status_code == 409, again.text  # type: ignore[attr-defined]
    problem = again.json()  # type: ignore[attr-defined]
    assert "same-key" in problem["detail"] and "different upload" in problem["detail"]
    assert problem["differs"] == [differs]
    assert counts(db) == (1, 1) and len(objects(vault_settings)) == 1
    same = upload(api, people["pbx"], call.call_id, audio, **FIRST)
    assert same.status_code == 200 and same.json() == first.json()  # type: ignore[attr-defined]


def test_the_same_key_stored_meanwhile_answers_with_that_recording(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    """Two uploads with one key at once: the one that commits second does not fail with a 500;
    it answers with the recording the first stored (same body), or 409 (another body)."""
    call = recorded_call(api, people["pbx"])
    pbx = Principal(actor="user:pbx", role=Role.INTEGRATION)
    vault, spool = vault_for(vault_settings), vault_settings.data_dir / "spool"
    request = IntakeRequest(call_id=call.call_id, idempotency_key="race")
    audio, other = wav(2.0), wav(2.0, seed=9)
    winners: list[intake.IntakeResult] = []

    def overtaken(body: bytes, meanwhile: bytes) -> Iterator[bytes]:
        yield body[:1000]  # the first upload is past every check and storing ...
        winners.append(intake.ingest(db, vault, pbx, request, iter([meanwhile]), spool))
        yield body[1000:]  # ... when the other one commits

    late = intake.ingest(db, vault, pbx, request, overtaken(audio, audio), spool)
    assert winners[0].created and not late.created
    assert late.recording == winners[0].recording
    other_call = recorded_call(api, people["pbx"])
    request = IntakeRequest(call_id=other_call.call_id, idempotency_key="race")
    with pytest.raises(Conflict, match="different upload"):
        intake.ingest(db, vault, pbx, request, overtaken(other, audio), spool)
    assert counts(db) == (2, 2) and len(objects(vault_settings)) == 2
