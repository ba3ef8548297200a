"""The recordings pages over HTTP: search filters and paging, scoping by URL (the page and the
audio route), the reason before the audio, Range playback, escaping of a reason, who sees the
player and the access log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.models import AuditEvent
from callwarden.retention import holds
from tests.support.audio import wav
from tests.web.recording_data import csrf_of, give_reason, prepare, record, signed_in


@pytest.fixture
def pbx(settings: Settings, db: Database) -> dict[str, str]:
    return prepare(settings, db)


def events(db: Database, action: str, recording_id: str) -> list[AuditEvent]:
    """The audit events of one kind about a recording, as stored, in order."""
    with db.reading() as session:
        query = select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.target == f"recording:{recording_id}"
        )
        found = list(session.scalars(query.order_by(AuditEvent.seq)))
        session.expunge_all()
        return found


def test_search_filters_and_pages(client: TestClient, pbx: dict[str, str]) -> None:
    alice_support = record(client, pbx, "alice")
    alice_sales = record(client, pbx, "alice", queue="sales")
    bob_support = record(client, pbx, "bob")
    cora = signed_in(client.app, "cora")
    every = cora.get("/recordings")
    assert every.status_code == 200
    assert all(rid in every.text for rid in (alice_support, alice_sales, bob_support))
    by_agent = cora.get("/recordings", params={"agent": "alice", "queue": "", "team": ""})
    assert alice_support in by_agent.text and alice_sales in by_agent.text
    assert bob_support not in by_agent.text
    by_queue = cora.get("/recordings", params={"queue": "sales"}).text
    assert alice_sales in by_queue and alice_support not in by_queue
    by_team = cora.get("/recordings", params={"team": "West"}).text
    assert bob_support in by_team and alice_support not in by_team
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert (
        "No recordings that you may see" in cora.get("/recordings", params={"from": tomorrow}).text
    )
    bad = cora.get("/recordings", params={"from": "yesterday"})
    assert bad.status_code == 422 and "write a date" in bad.text
    seen: list[str] = []
    page = cora.get("/recordings", params={"limit": 2})
    while True:
        found = [rid for rid in (alice_support, alice_sales, bob_support) if rid in page.text]
        assert len(found) <= 2
        seen += found
        if 'rel="next"' not in page.text:
            break
        link = page.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
        page = cora.get(link.replace("&amp;", "&"))
    assert sorted(seen) == sorted([alice_support, alice_sales, bob_support])
    # An agent's search is scoped like the API's: only her own calls.
    alice = signed_in(client.app, "alice").get("/recordings").text
    assert alice_support in alice and bob_support not in alice


def test_another_agents_recording_answers_like_a_missing_one(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    bobs = record(client, pbx, "bob")
    alice = signed_in(client.app, "alice")
    for suffix in ("", "/audio", "/audio?grant=x.y"):
        hidden = alice.get(f"/recordings/{bobs}{suffix}")
        missing = alice.get(f"/recordings/rec_nothing_here{suffix}")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.text == missing.text
        assert bobs not in hidden.text
    forged = alice.post(
        f"/recordings/{bobs}/listen", data={"reason": "curious", "csrf_token": "0" * 64}
    )
    assert forged.status_code == 403  # no CSRF token from a page: refused before anything else
    token = csrf_of(alice, "/recordings")
    reasons = [
        alice.post(f"/recordings/{rid}/listen", data={"reason": "curious", "csrf_token": token})
        for rid in (bobs, "rec_nothing_here")
    ]
    assert reasons[0].status_code == reasons[1].status_code == 404
    assert reasons[0].text == reasons[1].text
    denied = events(db, "access.denied", bobs)
    assert len(denied) == 4 and all(e.actor == "user:alice" for e in denied)
    assert "agents see only their own calls" in (denied[0].reason or "")
    assert events(db, "recording.played", bobs) == []


def test_the_audio_plays_only_after_a_reason_in_this_session(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    own, other = record(client, pbx, "alice"), record(client, pbx, "alice")
    alice = signed_in(client.app, "alice")
    page = alice.get(f"/recordings/{own}").text
    assert "<audio" not in page and 'name="reason"' in page
    assert alice.get(f"/recordings/{own}/audio").status_code == 403
    assert (
        alice.get(f"/recordings/{own}/audio", params={"grant": "forged.grant"}).status_code == 403
    )
    too_short = alice.post(
        f"/recordings/{own}/listen",
        data={"reason": "x", "csrf_token": csrf_of(alice, f"/recordings/{own}")},
    )
    assert too_short.status_code == 422 and "say why" in too_short.text
    grant = give_reason(alice, own, "checking the notice wording")
    assert alice.get(f"/recordings/{other}/audio", params={"grant": grant}).status_code == 403
    # The grant is bound to this browser's session: the same person signed in elsewhere cannot use it.
    elsewhere = signed_in(client.app, "alice")
    assert elsewhere.get(f"/recordings/{own}/audio", params={"grant": grant}).status_code == 403
    played = alice.get(f"/recordings/{own}/audio", params={"grant": grant})
    assert played.status_code == 200 and played.content[:4] == b"RIFF"
    [granted] = events(db, "recording.listening_granted", own)
    assert granted.reason == "checking the notice wording" and granted.actor == "user:alice"
    [heard] = events(db, "recording.played", own)
    assert heard.reason == "checking the notice wording" and heard.data["whole"] is True
    assert events(db, "recording.played", other) == []


def test_range_requests_give_206_with_the_right_bytes(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    audio = wav(3.0, seed=4)
    own = record(client, pbx, "alice", audio=audio)
    alice = signed_in(client.app, "alice")
    grant = give_reason(alice, own, "QA review 4411")
    whole = alice.get(f"/recordings/{own}/audio", params={"grant": grant}).content
    assert whole == audio  # stored as uploaded
    part = alice.get(
        f"/recordings/{own}/audio", params={"grant": grant}, headers={"Range": "bytes=1000-1999"}
    )
    assert part.status_code == 206
    assert part.content == audio[1000:2000]
    assert part.headers["content-range"] == f"bytes 1000-1999/{len(audio)}"
    assert part.headers["accept-ranges"] == "bytes"
    tail = alice.get(
        f"/recordings/{own}/audio", params={"grant": grant}, headers={"Range": "bytes=-100"}
    )
    assert tail.status_code == 206 and tail.content == audio[-100:]
    beyond = alice.get(
        f"/recordings/{own}/audio",
        params={"grant": grant},
        headers={"Range": f"bytes={len(audio) + 10}-"},
    )
    assert beyond.status_code == 416
    ranges = [e.data["range"] for e in events(db, "recording.played", own)]
    assert ranges == [[0, len(audio) - 1], [1000, 1999], [len(audio) - 100, len(audio) - 1]]


def test_a_reason_with_html_is_stored_as_written_and_shown_escaped(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    own = record(client, pbx, "alice")
    reason = '<script>alert("x")</script> dispute 12'
    alice = signed_in(client.app, "alice")
    grant = give_reason(alice, own, reason)
    [granted] = events(db, "recording.listening_granted", own)
    assert granted.reason == reason
    page = alice.get(f"/recordings/{own}", params={"grant": grant}).text
    assert "<audio" in page and "<svg" in page  # the player and the energy picture
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; dispute 12" in page
    assert "<script>alert" not in page
    log = signed_in(client.app, "cora").get(f"/recordings/{own}").text
    assert "Who has played or exported it" in log
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; dispute 12" in log
    assert "<script>alert" not in log and "gave a reason to listen" in log


def test_who_sees_the_player_and_the_access_log(client: TestClient, pbx: dict[str, str]) -> None:
    own = record(client, pbx, "alice")
    auditor = signed_in(client.app, "audra").get(f"/recordings/{own}").text
    assert "<audio" not in auditor and 'name="reason"' not in auditor
    assert "auditors see recording metadata only, not the audio (the policy&#39;s" in auditor
    assert "access.auditors_may_listen is off" in auditor  # what would let them
    assert "Who has played or exported it" in auditor
    agent = signed_in(client.app, "alice").get(f"/recordings/{own}").text
    assert 'name="reason"' in agent and "Who has played or exported it" not in agent
    assert 'href="/calls/' in agent and "SHA-256" in agent


def test_the_page_names_the_holds_keeping_the_recording_judged_now(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    own = record(client, pbx, "alice")
    officer = signed_in(client.app, "cora")
    assert "none active" in officer.get(f"/recordings/{own}").text
    cora = Principal(actor="user:cora", role=Role.COMPLIANCE_OFFICER)
    with db.unit_of_work() as session:
        holds.create(
            session, cora, "Matter <Smith> v Northwind", "litigation", {"agents": ["alice"]}
        )
    page = officer.get(f"/recordings/{own}").text
    assert "Matter &lt;Smith&gt; v Northwind" in page and "none active" not in page
    agent = signed_in(client.app, "alice").get(f"/recordings/{own}").text
    assert "Legal holds" not in agent  # holds are for the roles that read them
