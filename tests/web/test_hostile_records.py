"""Attacks on what the console shows by id: the player's grant (replayed, expired, tampered,
moved to another recording or person), and records out of reach answering exactly as missing
ones, compared body for body."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.models import ApiToken
from callwarden.recordings.listening import GRANT_MARGIN
from callwarden.web import session as cookies
from tests.support.console import make_person
from tests.support.factories import token_for
from tests.web.recording_data import csrf_of, give_reason, prepare, record, signed_in


@pytest.fixture
def pbx(settings: Settings, db: Database) -> dict[str, str]:
    return prepare(settings, db)


def _audio(browser: TestClient, recording_id: str, grant: str) -> int:
    status: int = browser.get(
        f"/recordings/{recording_id}/audio", params={"grant": grant}
    ).status_code
    return status


def _shows_player(browser: TestClient, recording_id: str, grant: str) -> bool:
    return "<audio" in browser.get(f"/recordings/{recording_id}", params={"grant": grant}).text


def _reworded(grant: str, **changes: object) -> str:
    """The grant with its payload changed and its signature kept (what a tamperer can do)."""
    payload, signature = grant.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(changes)
    raw = json.dumps(body, separators=(",", ":")).encode()
    return f"{base64.urlsafe_b64encode(raw).decode().rstrip('=')}.{signature}"


def test_a_grant_opens_only_its_recording_in_its_session_while_it_lasts(
    client: TestClient, pbx: dict[str, str]
) -> None:
    own = record(client, pbx, "alice")
    teammate = record(client, pbx, "alice")
    lead = signed_in(client.app, "east-lead")  # may play both: his team's
    alice = signed_in(client.app, "alice")
    with clock.frozen_at(clock.now()):
        grant = give_reason(alice, own, "checking the notice wording")
        lead_grant = give_reason(lead, teammate, "coaching session 7")
        assert _audio(alice, own, grant) == 200 and _shows_player(alice, own, grant)
        # Another person's browser, even one allowed to play the recording: not theirs.
        assert _audio(lead, own, grant) == 403 and not _shows_player(lead, own, grant)
        # Someone else's grant in Alice's browser, and hers moved to another recording.
        assert _audio(alice, teammate, lead_grant) == 403
        assert _audio(alice, teammate, grant) == 403
        # Tampered: another recording or another audit event under the same signature.
        assert _audio(alice, teammate, _reworded(grant, r=teammate)) == 403
        payload = json.loads(base64.urlsafe_b64decode(grant.split(".")[0] + "=="))
        assert _audio(alice, own, _reworded(grant, s=payload["s"] + 1)) == 403
        assert _audio(alice, own, grant[:-1] + ("0" if grant[-1] != "0" else "1")) == 403
        # The same person signed in in another browser: the grant is bound to the cookie.
        assert _audio(signed_in(client.app, "alice"), own, grant) == 403
        clock.advance(GRANT_MARGIN + timedelta(seconds=5))
        assert _audio(alice, own, grant) == 403 and not _shows_player(alice, own, grant)


def test_a_grant_outlives_nothing_after_sign_out(client: TestClient, pbx: dict[str, str]) -> None:
    own = record(client, pbx, "alice")
    alice = signed_in(client.app, "alice")
    grant = give_reason(alice, own, "checking the notice wording")
    cookie = alice.cookies[cookies.SESSION_COOKIE]
    alice.post("/sign-out", data={"csrf_token": csrf_of(alice, "/home")})
    replay = TestClient(client.app, raise_server_exceptions=False)
    replay.cookies.set(cookies.SESSION_COOKIE, cookie)
    answer = replay.get(f"/recordings/{own}/audio", params={"grant": grant}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")


def _same_answer(
    browser: TestClient, method: str, hidden: str, missing: str, data: dict[str, str] | None = None
) -> None:
    one = browser.request(method, hidden, data=data, follow_redirects=False)
    two = browser.request(method, missing, data=data, follow_redirects=False)
    assert one.status_code == two.status_code and one.status_code in (403, 404), hidden
    assert one.text == two.text, hidden


def test_a_supervisor_sees_another_teams_recording_as_missing(
    client: TestClient, pbx: dict[str, str]
) -> None:
    wests = record(client, pbx, "bob")
    lead = signed_in(client.app, "east-lead")
    for suffix in ("", "/audio", "/audio?grant=x.y", "?log_cursor=abc"):
        _same_answer(lead, "GET", f"/recordings/{wests}{suffix}", f"/recordings/rec_none{suffix}")
        assert wests not in lead.get(f"/recordings/{wests}{suffix}").text
    token = csrf_of(lead, "/recordings")
    data = {"reason": "just curious today", "csrf_token": token}
    _same_answer(
        lead, "POST", f"/recordings/{wests}/listen", "/recordings/rec_none/listen", data=data
    )


def test_someone_elses_token_answers_as_no_token(client: TestClient, db: Database) -> None:
    owner = make_person(db, "agent", "token-owner")
    token_for(db, owner)
    with db.reading() as session:
        token_id = session.scalars(select(ApiToken.id).where(ApiToken.user_id == owner.id)).one()
    make_person(db, "agent", "token-thief")
    thief = signed_in(client.app, "token-thief")
    data = {"reason": "", "csrf_token": csrf_of(thief, "/account/tokens")}
    hidden, missing = f"/account/tokens/{token_id}/revoke", "/account/tokens/tok_none/revoke"
    one = thief.post(hidden, data=data, follow_redirects=False)
    two = thief.post(missing, data=data, follow_redirects=False)
    assert one.status_code == two.status_code == 404
    assert one.text.replace(hidden, "") == two.text.replace(missing, "")
    assert token_id not in one.text


def test_a_role_without_the_page_gets_the_same_refusal_for_any_id(
    client: TestClient, pbx: dict[str, str]
) -> None:
    alice = signed_in(client.app, "alice")
    _same_answer(alice, "GET", "/admin/users/bob", "/admin/users/nobody-here")
    data = {"reason": "x", "csrf_token": csrf_of(alice, "/home")}
    _same_answer(
        alice, "POST", "/admin/users/bob/disable", "/admin/users/nobody/disable", data=data
    )


def test_a_nul_in_an_address_a_filter_or_a_form_is_refused_not_a_failure(
    client: TestClient, pbx: dict[str, str]
) -> None:
    """PostgreSQL cannot compare a text with a NUL: an id with one names nothing (the answer
    of a missing record), a filter or a form field with one is refused as invalid."""
    own = record(client, pbx, "alice")
    cora = signed_in(client.app, "cora")
    _same_answer(cora, "GET", "/recordings/rec%00x", "/recordings/rec_none")
    _same_answer(cora, "GET", "/admin/users/cora%00", "/admin/users/nobody")
    for path in ("/recordings?agent=al%00ice", "/audit?actor=user:%00", "/audit?target=x%00"):
        answer = cora.get(path)
        assert answer.status_code == 422 and "NUL" in answer.text, path
    data = {"reason": "dispute\x00 number 12", "csrf_token": csrf_of(cora, f"/recordings/{own}")}
    refused = cora.post(f"/recordings/{own}/listen", data=data)
    assert refused.status_code == 422 and "NUL" in refused.text
