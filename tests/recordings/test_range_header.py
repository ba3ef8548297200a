"""Range headers the server cannot or will not serve are ignored (RFC 9110 §14.2): 200, whole.

Only a well-formed single byte range that selects nothing is answered 416; nothing is a 500.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.recordings.conftest import recorded_call
from tests.support.audio import wav

HUGE = "9" * 5000


@pytest.fixture
def played(api: TestClient, people: dict[str, dict[str, str]]) -> tuple[str, bytes]:
    call = recorded_call(api, people["pbx"])
    audio = wav(1.0)
    response = api.post(
        f"/v1/calls/{call.call_id}/recordings",
        content=audio,
        headers=people["pbx"],
        params={"idempotency_key": "range"},
    )
    assert response.status_code == 201, response.text
    return response.json()["recording_id"], audio


def play(api: TestClient, headers: dict[str, str], recording_id: str, value: str) -> object:
    return api.get(
        f"/v1/recordings/{recording_id}/audio",
        params={"reason": "range check"},
        headers={**headers, "Range": value},
    )


def test_ranges_to_ignore_get_the_whole_recording(
    api: TestClient, people: dict[str, dict[str, str]], played: tuple[str, bytes]
) -> None:
    recording_id, audio = played
    for value in (
        "bytes=abc",
        "items=0-1",
        "bytes=0-1,5-9",  # several ranges: not supported, so ignored
        "bytes=-",
        "bytes=9-3",  # last before first: invalid
        f"bytes={HUGE}-{HUGE[:-1]}",  # invalid (last before first), and 5,000 digits
        f"bytes=0-1{HUGE}x",
        "",
    ):
        response = play(api, people["cora"], recording_id, value)
        assert response.status_code == 200, (value, response.status_code)  # type: ignore[attr-defined]
        assert response.content == audio, value  # type: ignore[attr-defined]
        assert "content-range" not in response.headers  # type: ignore[attr-defined]


def test_huge_numbers_in_a_valid_range_are_positions_past_the_end(
    api: TestClient, people: dict[str, dict[str, str]], played: tuple[str, bytes]
) -> None:
    recording_id, audio = played
    whole = f"bytes 0-{len(audio) - 1}/{len(audio)}"
    to_the_end = play(api, people["cora"], recording_id, f"bytes=0-{HUGE}")
    assert to_the_end.status_code == 206 and to_the_end.content == audio  # type: ignore[attr-defined]
    assert to_the_end.headers["content-range"] == whole  # type: ignore[attr-defined]
    suffix = play(api, people["cora"], recording_id, f"bytes=-{HUGE}")
    assert suffix.status_code == 206 and suffix.content == audio  # type: ignore[attr-defined]
    past = play(api, people["cora"], recording_id, f"bytes={HUGE}-")
    assert past.status_code == 416  # type: ignore[attr-defined]
    assert past.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert len(past.json()["detail"]) < 200  # type: ignore[attr-defined]
    zero_padded = play(api, people["cora"], recording_id, f"BYTES={'0' * 5000}10-19")
    assert zero_padded.status_code == 206 and zero_padded.content == audio[10:20]  # type: ignore[attr-defined]
