"""In Chromium: once its agent's private-call case restricts a recording, East's supervisor
opens its page, sees "restricted by case CASE-0001" and why they may not play it, and is
offered no player."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.cases import protection
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import Case
from tests.support.case_rows import filed_case, principal_of, user_named
from tests.support.console import Console
from tests.web.recording_data import prepare, record

pytestmark = pytest.mark.browser


@pytest.fixture
def api(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


def test_the_supervisor_sees_the_restriction_and_no_player(
    console: Console, api: TestClient, settings: Settings, db: Database
) -> None:
    pbx = prepare(settings, db)
    recording_id = record(api, pbx, "alice")
    case_id = filed_case(
        db, "private_call", recording_id=recording_id, handler_user_id=user_named(db, "cora").id
    )
    with db.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        protection.protect(session, principal_of(db, "alice"), case)
    console.sign_in("east-lead")
    page = console.open(f"/recordings/{recording_id}")
    page.wait_for_load_state()
    assert page.get_by_text("restricted by case CASE-0001").is_visible()
    assert "while case CASE-0001 is open" in page.inner_text("main")
    assert page.get_by_role("button", name="Give reason and listen").count() == 0
    console.shot("recording-restricted")
