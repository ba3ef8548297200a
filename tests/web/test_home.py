"""Home over HTTP: each role sees what needs its attention, within its reach."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from callwarden.config import Settings
from callwarden.db import Database
from tests.support.console import make_person
from tests.support.console_calls import (
    full_call,
    open_finding,
    phone_system,
    quiet_call,
    sign_in,
    upload_recording,
)


@pytest.fixture
def pbx(db: Database, settings: Settings) -> dict[str, str]:
    return phone_system(db, settings)


def test_an_agent_sees_their_recent_calls_and_their_violations_only(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    make_person(db, "agent", "ann", team="red")
    make_person(db, "agent", "bob", team="red")
    broken = full_call(client, pbx, agent="ann").call_id
    calm = quiet_call(client, pbx, agent="ann").call_id
    bobs = full_call(client, pbx, agent="bob").call_id
    sign_in(client, "ann")
    home = client.get("/home").text
    own, _, rest = home.partition("Calls with violations")
    assert f'href="/calls/{broken}"' in own and f'href="/calls/{calm}"' in own
    assert f'href="/calls/{broken}"' in rest and f'href="/calls/{calm}"' not in rest
    assert bobs not in home
    assert "Recordings without the notice" not in home  # agents do not read findings


def test_a_compliance_officer_sees_open_findings_that_matter(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    make_person(db, "compliance_officer", "cora")
    call = full_call(client, pbx).call_id
    recording = upload_recording(client, pbx, call)
    open_finding(db, recording, "notice_missing", "No notice <b>heard</b> on the customer side")
    open_finding(db, recording, "dead_air", "Long silence")
    sign_in(client, "cora")
    home = client.get("/home").text
    missing = home.split("Recordings without the notice", 1)[1].split("Recordings with audio", 1)
    assert f'href="/recordings/{recording}"' in missing[0]
    assert "No notice &lt;b&gt;heard&lt;/b&gt;" in missing[0]
    assert "Long silence" not in home  # only the findings that need attention first
    assert f'href="/recordings/{recording}"' not in missing[1]
    assert f'href="/calls/{call}"' in home  # the call's refused event


def test_a_supervisor_sees_their_teams_violations(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    make_person(db, "supervisor", "sue", team="red")
    make_person(db, "agent", "ann", team="red")
    make_person(db, "agent", "bob", team="blue")
    red = full_call(client, pbx, agent="ann").call_id
    blue = full_call(client, pbx, agent="bob").call_id
    sign_in(client, "sue")
    home = client.get("/home").text
    assert f'href="/calls/{red}"' in home and blue not in home
    assert "Your recent calls" not in home


def test_a_role_with_nothing_to_watch_gets_a_short_page(client: TestClient, db: Database) -> None:
    make_person(db, "qa_reviewer", "quinn")
    sign_in(client, "quinn")
    home = client.get("/home")
    assert home.status_code == 200
    assert "Nothing is waiting for you here" in home.text
    assert "Calls with violations" not in home.text
