"""The calls pages over HTTP: the list's filters and pages, a call's page, who sees which call
(by URL too), and text a phone system sent coming out escaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from callwarden.config import Settings
from callwarden.db import Database
from tests.support.console import make_person
from tests.support.console_calls import (
    TEXAN_AGENT,
    full_call,
    phone_system,
    quiet_call,
    sign_in,
    upload_recording,
)

CALL_LINK = re.compile(r'href="/calls/(call_[A-Za-z0-9_-]+)"')
MAIN = re.compile(r"<main.*?</main>", re.S)


@pytest.fixture
def pbx(db: Database, settings: Settings) -> dict[str, str]:
    return phone_system(db, settings)


def listed(client: TestClient, **query: str) -> list[str]:
    page = client.get("/calls", params=query)
    assert page.status_code == 200, page.text
    return CALL_LINK.findall(page.text)


def started(client: TestClient, pbx: dict[str, str], at: datetime, **facts: object) -> str:
    body = {
        "direction": "outbound",
        "parties": [{"role": "customer", "jurisdiction": "US-TX"}, TEXAN_AGENT],
        "started_at": at.isoformat(),
        **facts,
    }
    response = client.post("/v1/calls", json=body, headers=pbx)
    assert response.status_code == 201, response.text
    call_id: str = response.json()["call_id"]
    return call_id


def test_the_list_filters_by_state_and_time_like_the_api(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    make_person(db, "compliance_officer", "cora")
    ended = full_call(client, pbx).call_id
    now = datetime.now(UTC).replace(microsecond=0)
    old = started(client, pbx, now - timedelta(days=3))
    recent = started(client, pbx, now - timedelta(minutes=10))
    sign_in(client, "cora")
    assert listed(client) == [recent, ended, old]  # newest first
    assert listed(client, state="ended") == [ended]
    assert listed(client, state="active") == [recent, old]
    since = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")  # as the form sends it
    assert listed(client, **{"from": since}) == [recent, ended]
    assert listed(client, to=since, state="") == [old]  # an empty field is no filter
    api = client.get("/v1/calls", params={"from": since + "Z"}, headers=pbx).json()
    assert [item["call_id"] for item in api["items"]] == [recent, ended]
    refused = client.get("/calls", params={"state": "lost"})
    assert refused.status_code == 422 and "use one of active, ended" in refused.text
    bad_time = client.get("/calls", params={"from": "yesterday"})
    assert bad_time.status_code == 422 and "ISO 8601" in bad_time.text


def test_the_list_pages_with_the_apis_cursor(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    make_person(db, "auditor", "audra")
    now = datetime.now(UTC)
    made = [started(client, pbx, now - timedelta(minutes=minute)) for minute in range(1, 6)]
    sign_in(client, "audra")
    first = client.get("/calls", params={"limit": "2", "state": "active"})
    assert CALL_LINK.findall(first.text) == made[:2]
    seen = list(CALL_LINK.findall(first.text))
    page = first
    while (found := re.search(r'href="([^"]+)" rel="next"', page.text)) is not None:
        target = found.group(1).replace("&amp;", "&")
        assert "state=active" in target and "limit=2" in target  # the filters travel along
        page = client.get(target)
        seen += CALL_LINK.findall(page.text)
    assert seen == made
    forged = client.get("/calls", params={"cursor": "bm90LWEtY3Vyc29y"})
    assert forged.status_code == 422 and "invalid cursor" in forged.text


def test_an_agent_sees_only_their_calls_and_another_agents_reads_as_missing(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    make_person(db, "agent", "ann", team="red")
    make_person(db, "agent", "bob", team="blue")
    make_person(db, "supervisor", "sue", team="red")
    ann_call = full_call(client, pbx, agent="ann").call_id
    bob_call = full_call(client, pbx, agent="bob").call_id
    red_queue = quiet_call(client, pbx, agent_team="red").call_id
    sign_in(client, "ann")
    assert listed(client) == [ann_call]
    assert client.get(f"/calls/{ann_call}").status_code == 200
    theirs = client.get(f"/calls/{bob_call}")
    missing = client.get("/calls/call_doesnotexist")
    assert theirs.status_code == missing.status_code == 404
    shown = MAIN.search(theirs.text)
    assert shown is not None and bob_call not in theirs.text
    assert MAIN.search(missing.text).group(0) == shown.group(0)  # type: ignore[union-attr]
    client.cookies.clear()
    sign_in(client, "sue")
    assert set(listed(client)) == {ann_call, red_queue}
    assert client.get(f"/calls/{bob_call}").status_code == 404


def test_a_role_without_calls_is_told_which_roles_have_them(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    make_person(db, "qa_reviewer", "quinn")
    call = quiet_call(client, pbx).call_id
    sign_in(client, "quinn")
    for path in ("/calls", f"/calls/{call}"):
        page = client.get(path)
        assert page.status_code == 403 and "calls.read needs one of the roles" in page.text
    assert 'href="/calls"' not in client.get("/home").text


def test_a_call_page_shows_decision_parties_timeline_violations_and_recordings(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    make_person(db, "compliance_officer", "cora")
    call = full_call(client, pbx, queue="billing")
    recording = upload_recording(client, pbx, call.call_id)
    sign_in(client, "cora")
    page = client.get(f"/calls/{call.call_id}")
    assert page.status_code == 200, page.text
    text = page.text
    for reason in call.created["decision"]["reasons"]:
        assert str(escape(reason)) in text
    for citation in call.created["decision"]["jurisdictions"][0]["citations"]:
        assert str(escape(citation)) in text
    assert "Not legal advice." in text
    assert "given by the phone system" in text  # how the German customer was located
    assert '<svg viewBox="0 0' in text and 'role="img"' in text
    for label in ("notice", "consent given", "recording on", "paused: payment", "call ended"):
        assert f">{label}</text>" in text, label
    assert ">refused: recording on</text>" in text
    assert "no events are accepted after call_ended" in text  # the violation, with its reason
    assert f'href="/recordings/{recording}"' in text
    assert "billing" in text


def test_uncertain_law_is_written_as_uncertain(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    make_person(db, "legal", "lee")
    response = client.post(
        "/v1/calls",
        json={
            "direction": "inbound",
            "parties": [{"role": "customer", "jurisdiction": "CA-NS"}, TEXAN_AGENT],
        },
        headers=pbx,
    )
    assert response.status_code == 201, response.text
    decision = response.json()["decision"]
    assert any(finding["uncertain"] for finding in decision["jurisdictions"]), decision
    sign_in(client, "lee")
    text = client.get(f"/calls/{response.json()['call_id']}").text
    assert re.search(r'<span class="tag warn"[^>]*>uncertain</span>', text)


def test_text_a_phone_system_sent_is_escaped(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    make_person(db, "compliance_officer", "cora")
    hostile = '<script>alert("queue")</script>'
    call = full_call(
        client, pbx, queue=hostile, external_id='<img src=x onerror="alert(1)">', source="pbx"
    ).call_id
    sign_in(client, "cora")
    for path in ("/calls", f"/calls/{call}", "/home"):
        text = client.get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text, path
    assert "&lt;script&gt;alert(&#34;queue&#34;)&lt;/script&gt;" in client.get("/calls").text
