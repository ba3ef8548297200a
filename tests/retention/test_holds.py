"""Legal holds through the API: what each kind of scope keeps, release, audit, refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.models import AuditEvent
from callwarden.retention import holds
from tests.retention.conftest import record

People = dict[str, dict[str, str]]


def hold(
    api: TestClient,
    who: dict[str, str],
    scope: dict[str, Any],
    matter: str = "M",
    confirm_broad: bool = False,
) -> str:
    body = {
        "matter": matter,
        "reason": "litigation expected",
        "scope": scope,
        "confirm_broad": confirm_broad,
    }
    response = api.post("/v1/holds", json=body, headers=who)
    assert response.status_code == 201, response.text
    hold_id: str = response.json()["hold_id"]
    return hold_id


def keeping(api: TestClient, who: dict[str, str], recording_id: str) -> list[str]:
    response = api.get(f"/v1/recordings/{recording_id}/holds", headers=who)
    assert response.status_code == 200, response.text
    return [item["hold_id"] for item in response.json()["holds"]]


def covering(db: Database, recording_id: str) -> list[str]:
    with db.reading() as session:
        return [h.id for h in holds.holds_covering(session, recording_id)]


def test_a_hold_on_a_number_keeps_calls_from_it_made_after_the_hold(
    api: TestClient, people: People, db: Database
) -> None:
    number_hold = hold(api, people["lee"], {"numbers": ["+1 415 555 0123"]})
    shown = api.get(f"/v1/holds/{number_hold}", headers=people["audra"]).json()
    assert shown["scope"]["numbers"] == ["+14155550123"]  # stored as E.164
    later = record(api, people["pbx"], number="+14155550123")
    other = record(api, people["pbx"], number="+14155550199")
    assert keeping(api, people["lee"], later) == [number_hold]
    assert covering(db, later) == [number_hold]
    assert covering(db, other) == []


def test_holds_on_an_agent_a_team_and_a_search(
    api: TestClient, people: People, db: Database
) -> None:
    alices = record(api, people["pbx"], agent="alice", team="East", number="+14155550101")
    bobs = record(api, people["pbx"], agent="bob", team="West", number="+14155550102")
    on_alice = hold(api, people["lee"], {"agents": ["alice"]})
    on_west = hold(api, people["cora"], {"teams": ["West"]})
    searched = hold(api, people["lee"], {"search": {"agent": "bob", "queue": "support"}})
    elsewhere = hold(api, people["lee"], {"search": {"queue": "sales"}})
    assert covering(db, alices) == [on_alice]
    assert covering(db, bobs) == [on_west, searched]
    assert elsewhere not in covering(db, bobs)


def test_a_time_range_keeps_the_calls_started_within_it(
    api: TestClient, people: People, db: Database
) -> None:
    recording = record(api, people["pbx"])
    now = datetime.now(UTC)
    inside = {
        "from": (now - timedelta(days=1)).isoformat(),
        "to": (now + timedelta(days=1)).isoformat(),
    }
    before = {"to": (now - timedelta(days=2)).isoformat()}
    kept = hold(api, people["lee"], {"started": inside})
    hold(api, people["lee"], {"started": before}, confirm_broad=True)  # open-ended: confirmed
    assert covering(db, recording) == [kept]


def test_a_released_hold_keeps_nothing_and_stays_on_record(
    api: TestClient, people: People, db: Database
) -> None:
    recording = record(api, people["pbx"])
    held = hold(api, people["lee"], {"recording_ids": [recording]})
    assert covering(db, recording) == [held]
    body = {"reason": "matter settled"}
    released = api.post(f"/v1/holds/{held}/release", json=body, headers=people["lee"])
    assert released.status_code == 200, released.text
    assert released.json()["active"] is False
    assert released.json()["release_reason"] == "matter settled"
    assert covering(db, recording) == []
    again = api.post(f"/v1/holds/{held}/release", json=body, headers=people["lee"])
    assert again.status_code == 409
    listed = api.get("/v1/holds", params={"active": "false"}, headers=people["audra"]).json()
    assert [item["hold_id"] for item in listed["items"]] == [held]
    assert api.get("/v1/holds", params={"active": "true"}, headers=people["audra"]).json() == {
        "items": [],
        "next_cursor": None,
    }


def test_every_change_is_audited_with_its_reason(
    api: TestClient, people: People, db: Database
) -> None:
    held = hold(api, people["lee"], {"call_ids": ["call_x"]}, matter="Smith v Acme")
    changed = api.patch(
        f"/v1/holds/{held}",
        json={"scope": {"call_ids": ["call_y"], "numbers": ["+442071838750"]}, "reason": "widened"},
        headers=people["cora"],
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["scope"]["call_ids"] == ["call_y"]
    api.post(f"/v1/holds/{held}/release", json={"reason": "closed"}, headers=people["lee"])
    with db.reading() as session:
        events = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.target == f"hold:{held}")
                .order_by(AuditEvent.seq)
            )
            .scalars()
            .all()
        )
        trail = [(e.action, e.reason, e.actor) for e in events]
        assert events[1].data["before"]["call_ids"] == ["call_x"]
        assert events[1].data["after"]["numbers"] == ["+442071838750"]
    assert [(action, reason) for action, reason, _ in trail] == [
        ("hold.created", "litigation expected"),
        ("hold.scope_changed", "widened"),
        ("hold.released", "closed"),
    ]


def test_an_agent_may_not_make_a_hold_and_the_refusal_is_audited(
    api: TestClient, people: People, db: Database
) -> None:
    body = {"matter": "M", "reason": "mine", "scope": {"agents": ["alice"]}}
    refused = api.post("/v1/holds", json=body, headers=people["alice"])
    assert refused.status_code == 403
    assert "holds.manage" in refused.json()["detail"]
    assert api.post("/v1/holds", json=body, headers=people["root"]).status_code == 403
    assert api.get("/v1/holds", headers=people["alice"]).status_code == 403
    with db.reading() as session:
        denied = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "access.denied"))
            .scalars()
            .all()
        )
        attempts = [(e.actor, e.data["attempted"], e.target) for e in denied]
        made = session.execute(select(AuditEvent).where(AuditEvent.action == "hold.created"))
        assert made.first() is None
    assert any(
        actor == "user:alice" and attempted == "holds.manage" for actor, attempted, _ in attempts
    )


def test_bad_scopes_are_refused_clearly(api: TestClient, people: People) -> None:
    cases = [
        ({"numbers": ["4155550123"]}, "E.164"),
        ({"numbers": ["+1415"]}, "possible"),
        ({"agents": ["nobody"]}, "no user 'nobody'"),
        ({"teams": ["Nowhere"]}, "no team 'Nowhere'"),
        ({}, "a hold needs a scope"),
        ({"search": {"number": "not a number"}}, "E.164"),
        ({"started": {"from": "2026-12-02T00:00:00Z", "to": "2026-12-01T00:00:00Z"}}, "before"),
    ]
    for scope, fragment in cases:
        body = {"matter": "M", "reason": "litigation", "scope": scope}
        answer = api.post("/v1/holds", json=body, headers=people["lee"])
        assert answer.status_code == 422, (scope, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert fragment in answer.json()["detail"], (scope, answer.json())
    unknown = api.post(
        "/v1/holds",
        json={"matter": "M", "reason": "litigation", "scope": {"phones": ["+14155550123"]}},
        headers=people["lee"],
    )
    assert unknown.status_code == 422


def test_holds_page_with_a_cursor_and_a_missing_one_is_not_found(
    api: TestClient, people: People
) -> None:
    made = [hold(api, people["lee"], {"call_ids": [f"call_{n}"]}) for n in range(3)]
    first = api.get("/v1/holds", params={"limit": 2}, headers=people["lee"]).json()
    second = api.get(
        "/v1/holds", params={"limit": 2, "cursor": first["next_cursor"]}, headers=people["lee"]
    ).json()
    assert [h["hold_id"] for h in first["items"] + second["items"]] == made
    assert second["next_cursor"] is None
    assert api.get("/v1/holds/hold_nope", headers=people["lee"]).status_code == 404
    assert api.get("/v1/recordings/rec_nope/holds", headers=people["lee"]).status_code == 404


def test_a_new_scope_is_what_a_hold_keeps_from_then_on(
    api: TestClient, people: People, db: Database
) -> None:
    recording = record(api, people["pbx"], number="+14155550111")
    held = hold(api, people["lee"], {"numbers": ["+14155550111"]})
    assert covering(db, recording) == [held]
    narrowed = {"scope": {"numbers": ["+14155550222"]}, "reason": "wrong number"}
    assert api.patch(f"/v1/holds/{held}", json=narrowed, headers=people["lee"]).status_code == 200
    assert covering(db, recording) == []
    refused = api.patch(f"/v1/holds/{held}", json=narrowed, headers=people["audra"])
    assert refused.status_code == 403  # auditors read holds, they do not change them
