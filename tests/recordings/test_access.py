"""Who may see, play and export which recording — the role matrix for the vault."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.models import Recording, RecordingAssignment
from callwarden.recordings.access import may_see
from callwarden.recordings.repository import visible
from tests.recordings.conftest import CALIFORNIA, recorded_call
from tests.support.audio import wav

WEST = {**CALIFORNIA, "agent_team": "West"}


@pytest.fixture
def two_recordings(api: TestClient, people: dict[str, dict[str, str]]) -> dict[str, str]:
    """alice's call (team East) and bob's call (team West)."""
    ids = {}
    for agent, facts in (("alice", CALIFORNIA), ("bob", WEST)):
        call = recorded_call(api, people["pbx"], facts)
        response = api.post(
            f"/v1/calls/{call.call_id}/recordings",
            content=wav(1.0),
            headers=people["pbx"],
            params={"idempotency_key": agent, "agent": agent, "channel_map": "customer,agent"},
        )
        assert response.status_code == 201, response.text
        ids[agent] = response.json()["recording_id"]
    return ids


def play(api: TestClient, headers: dict[str, str], recording: str) -> int:
    answer = api.get(
        f"/v1/recordings/{recording}/audio", params={"reason": "review"}, headers=headers
    )
    status: int = answer.status_code
    return status


def test_playback_matrix(
    api: TestClient, people: dict[str, dict[str, str]], two_recordings: dict[str, str]
) -> None:
    alice, bob = two_recordings["alice"], two_recordings["bob"]
    api.post(
        f"/v1/recordings/{bob}/assignments", json={"reviewer": "quinn"}, headers=people["west-lead"]
    )
    expected = {
        "alice": {alice: 200, bob: 404},  # own calls only; others' are not even visible
        "bob": {alice: 404, bob: 200},
        "east-lead": {alice: 200, bob: 404},  # their team's
        "west-lead": {alice: 404, bob: 200},
        "quinn": {alice: 404, bob: 200},  # assigned only
        "cora": {alice: 200, bob: 200},  # compliance: all
        "lee": {alice: 200, bob: 200},  # legal: all
        "audra": {alice: 403, bob: 403},  # auditor: metadata only
        "root": {alice: 403, bob: 403},  # administrators do not listen
        "pbx": {alice: 403, bob: 403},
    }
    for person, outcomes in expected.items():
        for recording, status in outcomes.items():
            assert play(api, people[person], recording) == status, (person, recording)


def test_denials_are_audited_with_the_reason(
    api: TestClient, people: dict[str, dict[str, str]], two_recordings: dict[str, str]
) -> None:
    response = api.get(
        f"/v1/recordings/{two_recordings['alice']}/audio",
        params={"reason": "curious"},
        headers=people["audra"],
    )
    assert response.status_code == 403 and "metadata only" in response.json()["detail"]
    trail = api.get(
        "/v1/audit/events", params={"action": "access.denied"}, headers=people["audra"]
    ).json()
    assert any("metadata only" in (event["reason"] or "") for event in trail["items"])


def test_private_recordings(
    api: TestClient, people: dict[str, dict[str, str]], two_recordings: dict[str, str]
) -> None:
    alice = two_recordings["alice"]
    flagged = api.post(
        f"/v1/recordings/{alice}/private",
        json={"private": True, "reason": "personal call"},
        headers=people["cora"],
    )
    assert flagged.status_code == 200 and flagged.json()["private"] is True
    assert play(api, people["alice"], alice) == 200  # participant
    assert play(api, people["lee"], alice) == 200  # legal
    assert play(api, people["cora"], alice) == 403
    assert play(api, people["east-lead"], alice) == 404  # not even listed to the team lead
    export = api.get(
        f"/v1/recordings/{alice}/download", params={"reason": "court order"}, headers=people["cora"]
    )
    assert export.status_code == 403


def test_download_is_a_separate_audited_permission(
    api: TestClient, people: dict[str, dict[str, str]], two_recordings: dict[str, str]
) -> None:
    alice = two_recordings["alice"]
    assert (
        api.get(
            f"/v1/recordings/{alice}/download",
            params={"reason": "own copy"},
            headers=people["alice"],
        ).status_code
        == 403
    )
    export = api.get(
        f"/v1/recordings/{alice}/download",
        params={"reason": "subject access request 7"},
        headers=people["lee"],
    )
    assert export.status_code == 200 and export.headers["content-disposition"].startswith(
        "attachment"
    )
    trail = api.get(
        "/v1/audit/events", params={"action": "recording.exported"}, headers=people["audra"]
    ).json()
    assert trail["items"][0]["reason"] == "subject access request 7"


def test_search_filters_and_visibility(
    api: TestClient, people: dict[str, dict[str, str]], two_recordings: dict[str, str]
) -> None:
    def ids(headers: dict[str, str], **params: str) -> set[str]:
        response = api.get("/v1/recordings", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return {item["recording_id"] for item in response.json()["items"]}

    everyone = set(two_recordings.values())
    assert ids(people["cora"]) == everyone and ids(people["audra"]) == everyone
    assert ids(people["alice"]) == {two_recordings["alice"]}
    assert ids(people["west-lead"]) == {two_recordings["bob"]}
    assert ids(people["quinn"]) == set()
    assert ids(people["cora"], agent="bob") == {two_recordings["bob"]}
    assert ids(people["cora"], team="East") == {two_recordings["alice"]}
    assert ids(people["cora"], number="+14155550123") == everyone
    assert ids(people["cora"], jurisdiction="US-CA") == everyone
    assert ids(people["cora"], jurisdiction="DE") == set()
    assert ids(people["cora"], queue="support", purpose="quality") == everyone
    assert ids(people["cora"], retention_class="regulatory_record") == set()
    assert ids(people["cora"], number="' OR 1=1 --") == set()
    page = api.get("/v1/recordings", params={"limit": 1}, headers=people["cora"]).json()
    rest = api.get(
        "/v1/recordings", params={"limit": 1, "cursor": page["next_cursor"]}, headers=people["cora"]
    ).json()
    assert {
        page["items"][0]["recording_id"],
        rest["items"][0]["recording_id"],
    } == everyone
    assert api.get("/v1/recordings", headers=people["pbx"]).status_code == 403


def test_auditors_see_metadata(
    api: TestClient, people: dict[str, dict[str, str]], two_recordings: dict[str, str]
) -> None:
    body = api.get(f"/v1/recordings/{two_recordings['bob']}", headers=people["audra"]).json()
    assert (
        body["sha256"]
        and body["retention_class"] == "dispute_resolution"
        and body["channel_map"] == ["customer", "agent"]
    )


def denials(api: TestClient, people: dict[str, dict[str, str]], recording: str) -> list[Any]:
    trail = api.get(
        "/v1/audit/events",
        params={"action": "access.denied", "target": f"recording:{recording}"},
        headers=people["audra"],
    ).json()
    events: list[Any] = trail["items"]
    return events


def test_looking_at_what_you_may_not_see_is_a_404_and_an_audited_denial(
    api: TestClient, people: dict[str, dict[str, str]], two_recordings: dict[str, str]
) -> None:
    alice, bob = two_recordings["alice"], two_recordings["bob"]
    nowhere = api.get("/v1/recordings/rec_does_not_exist", headers=people["alice"])
    attempts = [
        ("alice", f"/v1/recordings/{bob}", "recordings.search", "agents see only their own calls"),
        ("alice", f"/v1/recordings/{bob}/audio", "recordings.play", "agents see only"),
        (
            "east-lead",
            f"/v1/recordings/{bob}/findings",
            "recordings.search",
            "supervisors see only their team's calls",
        ),
        ("quinn", f"/v1/recordings/{alice}/audio", "recordings.play", "assigned to them"),
    ]
    for person, path, attempted, why in attempts:
        response = api.get(path, params={"reason": "just looking"}, headers=people[person])
        assert response.status_code == 404, (person, path)
        # told exactly what a missing recording is told: existence is not disclosed
        hidden, missing = response.json(), nowhere.json()
        assert {k: v for k, v in hidden.items() if k not in ("detail", "instance")} == {
            k: v for k, v in missing.items() if k not in ("detail", "instance")
        }
        assert why not in response.text
        target = alice if alice in path else bob
        [*_, denial] = denials(api, people, target)
        assert denial["actor"] == f"user:{person}" and why in denial["reason"]
        assert denial["data"]["attempted"] == attempted
    exported = api.get(
        f"/v1/recordings/{alice}/download", params={"reason": "mine"}, headers=people["bob"]
    )
    assert exported.status_code == 404
    assert denials(api, people, alice)[-1]["data"]["attempted"] == "recordings.export"
    assigned = api.post(
        f"/v1/recordings/{alice}/assignments",
        json={"reviewer": "quinn"},
        headers=people["west-lead"],
    )
    assert assigned.status_code == 404
    assert denials(api, people, alice)[-1]["data"]["attempted"] == "recordings.assign"
    # a recording that does not exist is only not found: nothing to deny, nothing written
    assert denials(api, people, "rec_does_not_exist") == []


def test_a_purpose_filter_reaches_a_match_beyond_the_first_rows(
    api: TestClient, people: dict[str, dict[str, str]], db: Database
) -> None:
    """Ten recordings, one with the purpose asked for, and the smallest pages: it is found."""
    ids = []
    for n in range(10):
        call = recorded_call(api, people["pbx"])
        response = api.post(
            f"/v1/calls/{call.call_id}/recordings",
            content=wav(0.2, seed=n),
            headers=people["pbx"],
            params={"idempotency_key": f"p{n}"},
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["recording_id"])
    match = max(ids)  # the last by id: past any "limit × 4" window
    with db.unit_of_work() as session:
        for row in session.execute(select(Recording)).scalars():
            row.purposes = ["training_only"] if row.id != match else ["fraud_review", "x"]
    page = api.get(
        "/v1/recordings", params={"purpose": "fraud_review", "limit": 2}, headers=people["cora"]
    ).json()
    assert [item["recording_id"] for item in page["items"]] == [match]
    assert page["next_cursor"] is None
    one = api.get(
        "/v1/recordings", params={"purpose": "training_only", "limit": 1}, headers=people["cora"]
    ).json()
    assert len(one["items"]) == 1 and one["next_cursor"] is not None
    after = api.get(
        "/v1/recordings",
        params={"purpose": "training_only", "limit": 100, "cursor": one["next_cursor"]},
        headers=people["cora"],
    ).json()
    assert one["items"][0]["recording_id"] not in {r["recording_id"] for r in after["items"]}
    assert len(after["items"]) == len(ids) - 2 and after["next_cursor"] is None
    assert (
        api.get("/v1/recordings", params={"purpose": "fraud"}, headers=people["cora"]).json()[
            "items"
        ]
        == []
    )  # whole purposes only, not substrings


def test_the_reason_for_hiding_follows_the_same_rules_as_the_search(
    api: TestClient,
    people: dict[str, dict[str, str]],
    two_recordings: dict[str, str],
    db: Database,
) -> None:
    """`may_see` (the audited reason) and `visible` (the SQL) agree for every role and case."""
    alice, bob = two_recordings["alice"], two_recordings["bob"]
    api.post(
        f"/v1/recordings/{bob}/assignments", json={"reviewer": "quinn"}, headers=people["west-lead"]
    )
    api.post(
        f"/v1/recordings/{alice}/private",
        json={"private": True, "reason": "personal call"},
        headers=people["cora"],
    )
    with db.reading() as session:
        rows = list(session.execute(select(Recording)).scalars())
        assignments = {
            (item.recording_id, item.user_id)
            for item in session.execute(select(RecordingAssignment)).scalars()
        }
        for name, headers in people.items():
            who = identity.authenticate(session, headers["Authorization"].removeprefix("Bearer "))
            seen = set(session.execute(select(Recording.id).where(visible(who))).scalars())
            for row in rows:
                verdict = may_see(who, row, (row.id, who.user_id) in assignments)
                assert bool(verdict) == (row.id in seen), (name, row.id, verdict.reason)
