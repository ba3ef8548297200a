"""The legal-holds pages over HTTP: making a hold through its confirm step, what a hold keeps
now, changing its scope, releasing it after a confirm step, the errors a person sees, escaping,
the roles refused and a hold that does not exist."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.retention import holds
from callwarden.web.pages.holds import PAGE_SIZE
from tests.support.console import make_person
from tests.web.holds_data import (
    audited,
    call_from,
    hold_count,
    make_hold,
    send_hold,
    stored_hold,
)
from tests.web.recording_data import csrf_of, prepare, signed_in

CUSTOMER = "+14155550123"
OTHER = "+14155550999"


@pytest.fixture
def pbx(settings: Settings, db: Database) -> dict[str, str]:
    headers = prepare(settings, db)
    make_person(db, "legal", "lee")
    return headers


def test_a_hold_is_made_after_a_confirm_step_that_counts_what_it_keeps(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    held = call_from(client, pbx, CUSTOMER)
    call_from(client, pbx, OTHER, agent="bob")
    lee = signed_in(client.app, "lee")
    form = lee.get("/holds/new")
    assert form.status_code == 200 and 'name="search_queue"' in form.text
    fields = {"matter": "Smith v. Bank", "reason": "claim filed", "numbers": "+1 415-555-0123"}
    checked = send_hold(lee, **fields)
    assert checked.status_code == 200, checked.text
    assert "This hold covers 1 recording now and every future call from or to " in checked.text
    assert f"{CUSTOMER}.</strong> Create it?" in checked.text
    assert f'href="/recordings/{held}"' in checked.text
    assert hold_count(db) == 0  # the confirm step makes nothing
    back = send_hold(lee, step="edit", **fields)
    assert back.status_code == 200 and 'value="Smith v. Bank"' in back.text
    assert "+1 415-555-0123</textarea>" in back.text

    hold_id = make_hold(lee, **fields)
    hold = stored_hold(db, hold_id)
    assert (hold.matter, hold.scope["numbers"], hold.created_by) == (
        "Smith v. Bank",
        [CUSTOMER],
        "user:lee",
    )
    [created] = audited(db, "hold.created", hold_id)
    assert created.actor == "user:lee" and created.reason == "claim filed"
    page = lee.get(f"/holds/{hold_id}?done=created")
    assert page.status_code == 200
    assert "The hold is made" in page.text and "every call from or to +14155550123" in page.text
    assert "<strong>1 recording</strong> now" in page.text
    assert f'href="/recordings/{held}"' in page.text
    listed = lee.get("/holds")
    assert f'href="/holds/{hold_id}"' in listed.text and "Smith v. Bank" in listed.text
    on_recording = lee.get(f"/recordings/{held}")
    assert f'<a href="/holds/{hold_id}">Smith v. Bank</a>' in on_recording.text


def test_the_form_shows_what_is_wrong_and_keeps_what_was_typed(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    lee = signed_in(client.app, "lee")
    bad_number = send_hold(lee, matter="Matter A", reason="a claim", numbers="0207 183 8750")
    assert bad_number.status_code == 422
    assert "is not an E.164 phone number (e.g. +442071838750)" in bad_number.text
    assert 'value="Matter A"' in bad_number.text and "0207 183 8750</textarea>" in bad_number.text
    unknown = send_hold(lee, matter="Matter A", reason="a claim", agents="nobody")
    assert unknown.status_code == 422 and "scope.agents: no user &#39;nobody&#39;" in unknown.text
    empty = send_hold(lee, matter="Matter A", reason="a claim")
    assert empty.status_code == 422 and "a hold needs a scope" in empty.text
    short = send_hold(lee, matter="Matter A", reason="no", teams="East")
    assert short.status_code == 422 and "a reason of 4 to 1000 characters" in short.text
    backwards = send_hold(
        lee, matter="M", reason="a claim", started_from="2026-06-01", started_to="2026-01-01"
    )
    assert backwards.status_code == 422 and "&#39;from&#39; must be before &#39;to&#39;" in (
        backwards.text
    )
    assert hold_count(db) == 0


def test_a_search_and_a_time_range_count_as_the_service_judges(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    payments = [call_from(client, pbx, OTHER, queue="payments") for _ in range(2)]
    call_from(client, pbx, OTHER, queue="support")
    lee = signed_in(client.app, "lee")
    by_search = send_hold(lee, matter="Payments", reason="regulator", search_queue="payments")
    assert "This hold covers 2 recordings now" in by_search.text
    assert "every recording the recordings search finds for: queue payments" in by_search.text
    assert all(f'href="/recordings/{rid}"' in by_search.text for rid in payments)
    by_time = send_hold(
        lee, matter="Old", reason="regulator", started_from="2000-01-01", started_to="2001-01-01"
    )
    assert "This hold covers 0 recordings now." in by_time.text
    assert "every call that started from 2000-01-01 00:00 UTC until" in by_time.text
    by_team = send_hold(lee, matter="Team", reason="regulator", teams="East")
    assert "This hold covers 3 recordings now and every future call of the team(s) East" in (
        by_team.text
    )


def test_a_scope_change_and_a_release_go_through_the_service_and_are_audited(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    call_from(client, pbx, CUSTOMER)
    bobs = call_from(client, pbx, OTHER, agent="bob")
    lee = signed_in(client.app, "lee")
    hold_id = make_hold(lee, matter="Case 7", reason="a claim", numbers=CUSTOMER)
    token = csrf_of(lee, f"/holds/{hold_id}")
    changed = lee.post(
        f"/holds/{hold_id}/scope",
        data={"csrf_token": token, "agents": "bob", "reason": "wider claim"},
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    assert stored_hold(db, hold_id).scope["agents"] == ["bob"]
    [event] = audited(db, "hold.scope_changed", hold_id)
    assert event.reason == "wider claim" and event.data["before"]["numbers"] == [CUSTOMER]
    page = lee.get(f"/holds/{hold_id}?done=changed")
    assert "every call taken by bob" in page.text and f'href="/recordings/{bobs}"' in page.text
    assert "bob</textarea>" in page.text  # the change form shows the scope in force
    refused = lee.post(
        f"/holds/{hold_id}/scope",
        data={"csrf_token": token, "numbers": "12345", "reason": "a typo"},
    )
    assert refused.status_code == 422 and "is not an E.164 phone number" in refused.text
    assert stored_hold(db, hold_id).scope["agents"] == ["bob"]

    asked = lee.post(
        f"/holds/{hold_id}/release",
        data={"csrf_token": token, "reason": "case settled"},
        follow_redirects=False,
    )
    assert asked.status_code == 200 and "It keeps 1 recording now." in asked.text
    assert stored_hold(db, hold_id).released_at is None  # not before the confirmation
    released = lee.post(
        f"/holds/{hold_id}/release",
        data={"csrf_token": token, "reason": "case settled", "confirmed": "true"},
        follow_redirects=False,
    )
    assert released.status_code == 303, released.text
    hold = stored_hold(db, hold_id)
    assert (hold.released_by, hold.release_reason) == ("user:lee", "case settled")
    assert len(audited(db, "hold.released", hold_id)) == 1
    page = lee.get(f"/holds/{hold_id}")
    assert "Nothing: a released hold keeps no recording" in page.text
    assert f"/holds/{hold_id}/release" not in page.text  # no form to release it again
    assert f'href="/holds/{hold_id}"' in lee.get("/holds?state=released").text
    assert f'href="/holds/{hold_id}"' not in lee.get("/holds").text
    again = lee.post(
        f"/holds/{hold_id}/release",
        data={"csrf_token": token, "reason": "twice over", "confirmed": "true"},
    )
    assert again.status_code == 409 and "was released on" in again.text


def test_a_form_without_its_token_changes_nothing(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    lee = signed_in(client.app, "lee")
    hold_id = make_hold(lee, matter="Case 8", reason="a claim", numbers=CUSTOMER)
    for path, data in (
        ("/holds", {"step": "create", "matter": "x", "reason": "abcd", "teams": "East"}),
        (f"/holds/{hold_id}/release", {"reason": "abcd", "confirmed": "true"}),
        (f"/holds/{hold_id}/scope", {"reason": "abcd", "teams": "East"}),
    ):
        refused = lee.post(path, data=data, follow_redirects=False)
        assert refused.status_code == 403 and "not sent from a page of this console" in (
            refused.text
        )
    hold = stored_hold(db, hold_id)
    assert hold.released_at is None and hold.scope["teams"] == []
    assert hold_count(db) == 1


def test_html_in_a_matter_and_a_reason_is_shown_as_text(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    lee = signed_in(client.app, "lee")
    fields = {
        "matter": "<script>alert('m')</script>",
        "reason": "<img src=x onerror=alert(1)> claim",
        "numbers": CUSTOMER,
    }
    pages = [send_hold(lee, **fields).text]
    hold_id = make_hold(lee, **fields)
    pages += [lee.get(f"/holds/{hold_id}").text, lee.get("/holds").text]
    token = csrf_of(lee, f"/holds/{hold_id}")
    pages.append(
        lee.post(
            f"/holds/{hold_id}/release", data={"csrf_token": token, "reason": "<b>done</b>"}
        ).text
    )
    for text in pages:
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>done" not in text
        assert "&lt;script&gt;alert(&#39;m&#39;)&lt;/script&gt;" in text


@pytest.mark.parametrize("role", ["agent", "supervisor", "qa_reviewer"])
def test_roles_without_holds_read_are_not_allowed(
    client: TestClient, db: Database, pbx: dict[str, str], role: str
) -> None:
    lee = signed_in(client.app, "lee")
    hold_id = make_hold(lee, matter="Case 9", reason="a claim", numbers=CUSTOMER)
    make_person(db, role, "someone", team="East")
    someone = signed_in(client.app, "someone")
    for path in ("/holds", "/holds/new", f"/holds/{hold_id}", "/holds/hold_nothing"):
        answer = someone.get(path)
        assert answer.status_code == 403, (path, answer.status_code)
        assert "Not allowed" in answer.text and "Case 9" not in answer.text
    token = csrf_of(someone, "/home")
    refused = someone.post(
        f"/holds/{hold_id}/release",
        data={"csrf_token": token, "reason": "not mine", "confirmed": "true"},
    )
    assert refused.status_code == 403 and stored_hold(db, hold_id).released_at is None


def test_readers_read_and_only_managers_change(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    lee = signed_in(client.app, "lee")
    hold_id = make_hold(lee, matter="Case 10", reason="a claim", numbers=CUSTOMER)
    audra = signed_in(client.app, "audra")  # an auditor: holds.read, not holds.manage
    assert audra.get("/holds").status_code == 200
    page = audra.get(f"/holds/{hold_id}")
    assert page.status_code == 200 and "Case 10" in page.text
    assert "/release" not in page.text and "Make a new hold" not in audra.get("/holds").text
    assert audra.get("/holds/new").status_code == 403
    token = csrf_of(audra, "/home")
    refused = audra.post(
        f"/holds/{hold_id}/release",
        data={"csrf_token": token, "reason": "auditing", "confirmed": "true"},
    )
    assert refused.status_code == 403 and stored_hold(db, hold_id).released_at is None


def test_a_hold_that_does_not_exist_is_the_consoles_404(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    lee = signed_in(client.app, "lee")
    missing = lee.get("/holds/hold_0000nothing")
    assert missing.status_code == 404
    assert "there is nothing at this address that you may see" in missing.text
    token = csrf_of(lee, "/holds")
    for path in ("/holds/hold_0000nothing/release", "/holds/hold_0000nothing/scope"):
        answer = lee.post(path, data={"csrf_token": token, "reason": "abcd", "teams": "East"})
        assert answer.status_code == 404, (path, answer.text[:200])
    assert re.search(r"<h1>[^<]*</h1>", missing.text)


def test_the_list_pages_and_shows_active_holds_first(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    lee_user = make_person(db, "legal", "lena")
    lena = Principal(actor="user:lena", role=Role.LEGAL, user_id=lee_user.id, username="lena")
    with db.unit_of_work() as session:
        made = [
            holds.create(session, lena, f"Matter {n:02d}", "a claim", {"teams": ["East"]}).id
            for n in range(PAGE_SIZE + 1)
        ]
        holds.release(session, lena, made[0], "settled early")
    browser = signed_in(client.app, "lena")
    everything = browser.get("/holds?state=all")
    links = re.findall(r'href="/holds/(hold_[^"]+)"', everything.text)
    assert len(links) == PAGE_SIZE and made[0] not in links[:-1]  # the released one last
    assert links[-1] == made[0]
    following = re.search(r'href="([^"]+)" rel="next"', everything.text)
    assert following, "no next page"
    rest = browser.get(following.group(1).replace("&amp;", "&"))
    assert re.findall(r'href="/holds/(hold_[^"]+)"', rest.text) == [made[PAGE_SIZE]]
    active = browser.get("/holds").text
    assert made[0] not in active and made[1] in active
