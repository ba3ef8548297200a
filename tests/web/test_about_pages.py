"""The "about recording" page and the API behind it, over HTTP on both databases: its content
follows the policy in force, and the access list shows others' plays of one's own recordings
(with their reasons, escaped) only where the policy allows it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.principal import SYSTEM
from callwarden.policy import service as policies
from tests.support.factories import bearer, make_token, token_for
from tests.support.policies import EXAMPLE_TEXT
from tests.web.recording_data import give_reason, prepare, record, signed_in

QUALITY = "retention: {min: P90D, max: P6M}"


@pytest.fixture
def pbx(settings: Settings, db: Database) -> dict[str, str]:
    return prepare(settings, db)


def token_of(db: Database, username: str) -> dict[str, str]:
    """An API token of one of the cast (made by themselves, as after signing in)."""
    with db.reading() as session:
        user = identity.find_user(session, username)
        assert user is not None
        session.expunge(user)
    return bearer(token_for(db, user))


def apply(db: Database, text: str) -> None:
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, text, "policy.yaml")


def test_the_page_is_the_policy_in_force_and_changes_with_it(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    alice = signed_in(client.app, "alice")
    page = alice.get("/about-recording")
    assert page.status_code == 200
    html = page.text
    assert '<a href="/about-recording" aria-current="page">About recording</a>' in html
    assert "Confidential HR and employee-assistance line." in html
    assert "Never recorded" in html and "Sampled (20% of calls)" in html
    assert "<td>90 days</td>" in html and "<td>mifid-ii, fca-sysc-10a</td>" in html
    assert "Supervisors</td><td>the calls of their own team" in html
    assert "Auditors</td><td>see that recordings exist, but do not listen" in html
    assert "at most 5 minutes" in html  # payment_pause.max_pause_s: 300
    assert 'href="/cases/new?kind=private_call"' in html
    assert 'href="/cases/new?kind=concern"' in html
    assert "MiFID II" in html and "This is not legal advice" in html
    assert "Nobody else has played or downloaded a recording of your calls." in html

    api = client.get("/v1/about-recording", headers=token_of(db, "bob"))
    assert api.status_code == 200
    body = api.json()
    quality = next(p for p in body["purposes"] if p["name"] == "quality")
    assert (quality["kept_at_least"], quality["kept_at_most"]) == ("90 days", "6 months")
    assert body["employees_see_access"] is True
    assert body["private_call"]["href"] == "/cases/new?kind=private_call"
    assert {c["rule"] for c in body["citations"]} >= {"mifid-ii", "ftc-tsr", "pci-dss"}

    changed = (
        EXAMPLE_TEXT.replace(QUALITY, "retention: {min: P4M, max: P6M}")
        .replace("employees_see_access: true", "employees_see_access: false")
        .replace("auditors_may_listen: false", "auditors_may_listen: true")
        .replace("Calls between colleagues.", "<img src=x onerror=alert(1)> between colleagues.")
    )
    apply(db, changed)
    html = alice.get("/about-recording").text
    assert "<td>4 months</td>" in html and "<td>90 days</td>" not in html
    assert "Auditors</td><td>every recording, except one flagged private" in html
    assert "transparency.employees_see_access is off" in html
    assert "&lt;img src=x onerror=alert(1)&gt; between colleagues." in html
    assert "<img src=x" not in html
    body = client.get("/v1/about-recording", headers=token_of(db, "bob")).json()
    assert body["policy_version"] == 2 and body["employees_see_access"] is False
    quality = next(p for p in body["purposes"] if p["name"] == "quality")
    assert quality["kept_at_least"] == "4 months"


def test_the_access_list_shows_others_plays_of_my_recordings_with_their_reasons(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    alices = record(client, pbx, "alice")
    bobs = record(client, pbx, "bob")
    lead = signed_in(client.app, "east-lead")
    give_reason(lead, alices, "coaching on the refund script")
    played = client.get(
        f"/v1/recordings/{alices}/audio",
        params={"reason": "checking a complaint"},
        headers=token_of(db, "east-lead"),
    )
    assert played.status_code == 200
    compliance = token_of(db, "cora")
    exported = client.get(
        f"/v1/recordings/{bobs}/download", params={"reason": "dispute 42"}, headers=compliance
    )
    assert exported.status_code == 200
    own = client.get(
        f"/v1/recordings/{alices}/audio",
        params={"reason": "my own call"},
        headers=token_of(db, "alice"),
    )
    assert own.status_code == 200

    mine = client.get("/v1/me/recording-access", headers=token_of(db, "alice"))
    assert mine.status_code == 200
    items = mine.json()["items"]
    assert [(i["who"], i["role"], i["kind"], i["reason"]) for i in items] == [
        ("east-lead", "supervisor", "played", "checking a complaint"),
        ("east-lead", "supervisor", "played", "coaching on the refund script"),
    ]
    assert {i["recording_id"] for i in items} == {alices}
    first = client.get(
        "/v1/me/recording-access", params={"limit": 1}, headers=token_of(db, "alice")
    )
    assert len(first.json()["items"]) == 1 and first.json()["next_cursor"]
    second = client.get(
        "/v1/me/recording-access",
        params={"limit": 1, "cursor": first.json()["next_cursor"]},
        headers=token_of(db, "alice"),
    ).json()
    assert [i["reason"] for i in second["items"]] == ["coaching on the refund script"]

    html = signed_in(client.app, "alice").get("/about-recording").text
    assert "coaching on the refund script" in html and "checking a complaint" in html
    assert "dispute 42" not in html and bobs not in html and "my own call" not in html
    bob = client.get("/v1/me/recording-access", headers=token_of(db, "bob")).json()["items"]
    assert [(i["who"], i["kind"], i["reason"]) for i in bob] == [
        ("cora", "downloaded", "dispute 42")
    ]

    apply(db, EXAMPLE_TEXT.replace("employees_see_access: true", "employees_see_access: false"))
    refused = client.get("/v1/me/recording-access", headers=token_of(db, "alice"))
    assert refused.status_code == 403 and refused.json()["code"] == "access_not_shown"
    html = signed_in(client.app, "alice").get("/about-recording").text
    assert "coaching on the refund script" not in html
    assert "transparency.employees_see_access is off" in html


def test_a_hostile_reason_comes_out_escaped(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    alices = record(client, pbx, "alice")
    give_reason(signed_in(client.app, "east-lead"), alices, '<script>alert("x")</script><b>x')
    html = signed_in(client.app, "alice").get("/about-recording").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;x" in html
    assert "<script>alert" not in html and "<b>x" not in html


def test_without_a_policy_in_force_the_page_says_so(client: TestClient, db: Database) -> None:
    agent = bearer(make_token(db, "agent"))
    answer = client.get("/v1/about-recording", headers=agent)
    assert answer.status_code == 404 and "no policy is in force" in answer.json()["detail"]
    refused = client.get("/v1/me/recording-access", headers=agent)
    assert refused.status_code == 403 and refused.json()["code"] == "access_not_shown"
