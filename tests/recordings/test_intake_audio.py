"""Intake refuses audio shorter than its own header says, takes streaming headers, and never
names a server path in a refusal; a refusal leaves no object and no row behind."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.kit.errors import InvalidInput
from callwarden.models import Recording
from callwarden.policy import service as policies
from callwarden.vault.trimming import trim
from tests.recordings.conftest import objects, recorded_call
from tests.support.audio import encode, tone_mix, wav
from tests.support.factories import bearer, make_token
from tests.support.policies import EXAMPLE_TEXT

RATE, CHANNELS = 8000, 2
BYTES_PER_SECOND = RATE * CHANNELS * 2


def upload(api: TestClient, headers: dict[str, str], call_id: str, body: bytes, key: str) -> object:
    return api.post(
        f"/v1/calls/{call_id}/recordings",
        content=body,
        headers=headers,
        params={"idempotency_key": key},
    )


def stored_rows(db: Database) -> int:
    with db.reading() as session:
        return session.execute(select(func.count()).select_from(Recording)).scalar_one()


def refused(response: object, *fragments: str) -> str:
    assert response.status_code == 422, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    detail: str = response.json()["detail"]  # type: ignore[attr-defined]
    for fragment in fragments:
        assert fragment in detail, detail
    return detail


def with_streaming_sizes(audio: bytes, size: int) -> bytes:
    """The WAV as a live encoder writes it: RIFF and data sizes unknown (0 or 0xFFFFFFFF)."""
    patched = bytearray(audio)
    struct.pack_into("<I", patched, 4, size)
    struct.pack_into("<I", patched, patched.index(b"data") + 4, size)
    return bytes(patched)


def flac_without_total(audio: bytes) -> bytes:
    """A FLAC whose STREAMINFO leaves the total sample count unknown (0), as streams do."""
    patched = bytearray(audio)
    patched[21] &= 0xF0  # the top 4 of the 36 bits
    patched[22:26] = bytes(4)
    return bytes(patched)


def test_a_wav_shorter_than_its_header_says_is_refused(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = recorded_call(api, people["pbx"])
    promised = wav(3.0)
    carried = promised[:44] + promised[44 : 44 + BYTES_PER_SECOND // 10]  # 0.1 s of 3 s
    detail = refused(
        upload(api, people["pbx"], call.call_id, carried, "short"), "3.0 s", "0.1 s", "truncated"
    )
    assert str(vault_settings.data_dir) not in detail
    assert stored_rows(db) == 0 and objects(vault_settings) == []


@pytest.mark.parametrize("size", [0, 0xFFFFFFFF])
def test_a_streaming_wav_header_is_read_to_the_end(
    api: TestClient, people: dict[str, dict[str, str]], size: int
) -> None:
    call = recorded_call(api, people["pbx"])
    response = upload(
        api, people["pbx"], call.call_id, with_streaming_sizes(wav(2.0), size), "live"
    )
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    assert response.json()["duration_s"] == 2.0  # type: ignore[attr-defined]


def test_a_flac_shorter_than_its_streaminfo_says_is_refused(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = recorded_call(api, people["pbx"])
    flac = encode(tone_mix(3.0), RATE, "FLAC", "PCM_16")
    for key, cut in [("half", flac[: len(flac) // 2]), ("mid-frame", flac[:-300])]:
        refused(upload(api, people["pbx"], call.call_id, cut, key), "FLAC", "truncated")
    refused(upload(api, people["pbx"], call.call_id, flac[:42], "header only"), "FLAC")
    assert stored_rows(db) == 0 and objects(vault_settings) == []


def test_a_flac_with_an_unknown_length_is_measured_from_its_frames(
    api: TestClient, people: dict[str, dict[str, str]]
) -> None:
    call = recorded_call(api, people["pbx"])
    flac = flac_without_total(encode(tone_mix(3.0), RATE, "FLAC", "PCM_16"))
    response = upload(api, people["pbx"], call.call_id, flac, "stream")
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    assert response.json()["duration_s"] == 3.0  # type: ignore[attr-defined]


def test_an_ogg_cut_inside_a_page_is_refused(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = recorded_call(api, people["pbx"])
    opus = encode(tone_mix(3.0, rate=16000), 16000, "OGG", "OPUS")
    for key, cut in [("tail", opus[:-200]), ("half", opus[: len(opus) // 2 + 1])]:
        refused(upload(api, people["pbx"], call.call_id, cut, key), "Ogg", "truncated")
    assert stored_rows(db) == 0 and objects(vault_settings) == []


def test_a_wav_header_that_does_not_hold_together_is_refused_naming_no_path(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = recorded_call(api, people["pbx"])
    call.ok("consent_withdrawn", party="customer", method="speech", offset_s=1.0)  # to be cut
    audio = bytearray(wav(2.0))
    struct.pack_into("<H", audio, audio.index(b"fmt ") + 8 + 14, 0)  # 0 bits per sample
    detail = refused(upload(api, people["pbx"], call.call_id, bytes(audio), "zero-bits"), "0-bit")
    assert "/" not in detail
    assert stored_rows(db) == 0 and objects(vault_settings) == []
    spooled = [path for path in vault_settings.data_dir.rglob("*") if ".intake" in str(path)]
    assert spooled == []


def test_a_recording_that_cannot_be_decoded_to_trim_names_no_path(tmp_path: Path) -> None:
    source, target = tmp_path / "spooled.wav", tmp_path / "kept.wav"
    audio = bytearray(wav(2.0))
    struct.pack_into("<H", audio, audio.index(b"fmt ") + 8 + 14, 0)
    source.write_bytes(bytes(audio))
    with pytest.raises(InvalidInput) as refusal:
        trim(source, target, 1.0)
    assert "could not be decoded" in refusal.value.detail
    assert str(tmp_path) not in refusal.value.detail and "/" not in refusal.value.detail


def test_a_server_misconfiguration_names_no_server_path(
    client: TestClient, settings: Settings, db: Database
) -> None:
    with db.unit_of_work() as session:  # a vault with no key ring: the operator's mistake
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    pbx = bearer(make_token(db, "integration", "pbx"))
    call = recorded_call(client, pbx)
    response = upload(client, pbx, call.call_id, wav(1.0), "no-keys")
    assert response.status_code == 500  # type: ignore[attr-defined]
    problem = response.json()  # type: ignore[attr-defined]
    assert problem["code"] == "configuration_error"
    assert str(settings.data_dir) not in response.text and "keyring" not in problem["detail"]  # type: ignore[attr-defined]
    assert stored_rows(db) == 0
