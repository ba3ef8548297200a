"""Integrity failures met at playback or export are told, audited and marked, never a 500.

Each test alters the sealed object in the real store (filesystem, then S3) behind the API's
back, as someone with access to the bucket or the disk could, then plays it through HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import Recording
from callwarden.vault.format import DEFAULT_CHUNK_SIZE, HEADER_FIXED_SIZE, TAG_SIZE
from callwarden.vault.runtime import vault_for
from tests.recordings.conftest import recorded_call
from tests.support.audio import wav

CHUNK_STRIDE = DEFAULT_CHUNK_SIZE + TAG_SIZE


def store_recording(
    api: TestClient, people: dict[str, dict[str, str]], audio: bytes, key: str
) -> str:
    call = recorded_call(api, people["pbx"])
    response = api.post(
        f"/v1/calls/{call.call_id}/recordings",
        content=audio,
        headers=people["pbx"],
        params={"idempotency_key": key, "agent": "alice"},
    )
    assert response.status_code == 201, response.text
    recording_id: str = response.json()["recording_id"]
    return recording_id


def object_key(db: Database, recording_id: str) -> str:
    with db.reading() as session:
        row = session.get(Recording, recording_id)
        assert row is not None
        return row.object_key


def rewrite(settings: Settings, key: str, change: Callable[[bytes], bytes]) -> None:
    """Replace the stored object with an altered copy (stores are write-once: delete, put)."""
    store = vault_for(settings).store
    sealed = store.open_range(key, 0, store.size(key))
    store.delete(key)
    store.put(key, [change(sealed)])


def flip(position: int) -> Callable[[bytes], bytes]:
    def change(sealed: bytes) -> bytes:
        altered = bytearray(sealed)
        altered[position] ^= 0x5A
        return bytes(altered)

    return change


def chunk_offset(recording_id: str, index: int) -> int:
    return HEADER_FIXED_SIZE + len(recording_id.encode()) + index * CHUNK_STRIDE


def events(api: TestClient, headers: dict[str, str], action: str, recording_id: str) -> list[Any]:
    response = api.get(
        "/v1/audit/events",
        params={"action": action, "target": f"recording:{recording_id}"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    found: list[Any] = response.json()["items"]
    return found


def play(api: TestClient, headers: dict[str, str], recording_id: str, **extra: str) -> Any:
    return api.get(
        f"/v1/recordings/{recording_id}/audio",
        params={"reason": "complaint 42"},
        headers={**headers, **extra},
    )


def assert_damaged(
    api: TestClient, people: dict[str, dict[str, str]], recording_id: str, failure: str, during: str
) -> dict[str, Any]:
    [event] = events(api, people["audra"], "recording.damaged", recording_id)
    assert event["actor"] == "user:cora" and event["data"]["during"] == during
    assert event["data"]["failure"] == failure
    described = api.get(f"/v1/recordings/{recording_id}", headers=people["audra"]).json()
    assert described["damaged_at"] is not None and described["damage"].startswith(failure)
    detail: dict[str, Any] = event["data"]
    return detail


def assert_refused(response: Any, failure: str) -> None:
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "recording_damaged" and problem["failure"] == failure
    assert "marked damaged" in problem["detail"]


def test_a_flipped_byte_in_a_middle_chunk_is_refused_before_any_byte(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    audio = wav(20.0)  # three chunks: small enough to be authenticated whole before answering
    recording_id = store_recording(api, people, audio, "middle")
    rewrite(vault_settings, object_key(db, recording_id), flip(chunk_offset(recording_id, 1) + 9))
    response = play(api, people["cora"], recording_id)
    assert_refused(response, "vault_tampered_chunk")
    assert "chunk 1" in response.json()["detail"]
    detail = assert_damaged(api, people, recording_id, "vault_tampered_chunk", "play")
    assert detail["bytes_sent"] == 0
    assert events(api, people["audra"], "recording.played", recording_id) == []
    # a range that never touches the damaged chunk is intact and still served
    intact = play(api, people["cora"], recording_id, Range="bytes=0-999")
    assert intact.status_code == 206 and intact.content == audio[:1000]


@pytest.mark.parametrize(
    ("name", "change", "failure"),
    [
        (
            "single chunk flipped",
            lambda rid: flip(chunk_offset(rid, 0) + 100),
            "vault_tampered_chunk",
        ),
        ("bad magic", lambda rid: flip(0), "vault_malformed_object"),
        (
            "recording id in the header",
            lambda rid: flip(HEADER_FIXED_SIZE),
            "vault_wrong_recording",
        ),
        ("salt in the header", lambda rid: flip(20), "vault_wrong_data_key"),
        ("truncated", lambda rid: lambda sealed: sealed[:-1], "vault_malformed_object"),
    ],
)
def test_a_tampered_small_object_is_a_clear_409_and_audited(
    api: TestClient,
    people: dict[str, dict[str, str]],
    vault_settings: Settings,
    db: Database,
    name: str,
    change: Callable[[str], Callable[[bytes], bytes]],
    failure: str,
) -> None:
    recording_id = store_recording(api, people, wav(1.0), "small")
    rewrite(vault_settings, object_key(db, recording_id), change(recording_id))
    assert_refused(play(api, people["cora"], recording_id), failure)
    assert_damaged(api, people, recording_id, failure, "play")
    export = api.get(
        f"/v1/recordings/{recording_id}/download",
        params={"reason": "court order 7"},
        headers=people["cora"],
    )
    assert_refused(export, failure)
    during = [
        e["data"]["during"] for e in events(api, people["audra"], "recording.damaged", recording_id)
    ]
    assert during == ["play", "download"]
    assert events(api, people["audra"], "recording.exported", recording_id) == []


def test_a_swapped_or_missing_object_is_named_as_such(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    first = store_recording(api, people, wav(1.0, seed=1), "first")
    second = store_recording(api, people, wav(1.0, seed=2), "second")
    store = vault_for(vault_settings).store
    other = store.open_range(object_key(db, second), 0, store.size(object_key(db, second)))
    rewrite(vault_settings, object_key(db, first), lambda _sealed: other)
    assert_refused(play(api, people["cora"], first), "vault_wrong_recording")
    store.delete(object_key(db, second))
    missing = play(api, people["cora"], second)
    assert_refused(missing, "vault_missing_object")
    assert_damaged(api, people, second, "vault_missing_object", "play")


@pytest.fixture
def streaming_api(vault_settings: Settings, db: Database, api: TestClient) -> Iterator[TestClient]:
    """The same service, configured to authenticate nothing whole before answering (as for a
    recording longer than CALLWARDEN_PLAYBACK_VERIFY_BYTES)."""
    settings = vault_settings.model_copy(update={"playback_verify_bytes": 0})
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


def test_a_long_stream_stops_at_the_damaged_chunk_and_says_how_much_was_sent(
    api: TestClient,
    streaming_api: TestClient,
    people: dict[str, dict[str, str]],
    vault_settings: Settings,
    db: Database,
) -> None:
    audio = wav(20.0)
    recording_id = store_recording(api, people, audio, "long")
    rewrite(vault_settings, object_key(db, recording_id), flip(chunk_offset(recording_id, 1) + 9))
    with streaming_api.stream(
        "GET",
        f"/v1/recordings/{recording_id}/audio",
        params={"reason": "complaint 42"},
        headers=people["cora"],
    ) as response:
        assert response.status_code == 200  # the first chunk authenticated before the answer
        assert int(response.headers["content-length"]) == len(audio)
        received = b"".join(response.iter_bytes())  # the server cuts the body short
    assert len(received) < len(audio) and audio.startswith(received)
    detail = assert_damaged(api, people, recording_id, "vault_tampered_chunk", "play")
    assert detail["bytes_sent"] == DEFAULT_CHUNK_SIZE
    [played] = events(api, people["audra"], "recording.played", recording_id)
    assert played["data"]["verified_before_sending"] is False
    # a damaged first chunk of the range is caught before the status line, streaming or not
    tail = play(streaming_api, people["cora"], recording_id, Range=f"bytes={DEFAULT_CHUNK_SIZE}-")
    assert_refused(tail, "vault_tampered_chunk")


def test_a_good_recording_plays_as_before_and_says_it_was_checked_whole(
    api: TestClient, people: dict[str, dict[str, str]]
) -> None:
    audio = wav(3.0)
    recording_id = store_recording(api, people, audio, "good")
    response = play(api, people["cora"], recording_id)
    assert response.status_code == 200 and response.content == audio
    [played] = events(api, people["audra"], "recording.played", recording_id)
    assert played["data"]["verified_before_sending"] is True
    assert events(api, people["audra"], "recording.damaged", recording_id) == []
