"""A recording's console page names the open cases that protect it, and nothing of them but
their number: "restricted by case CASE-0001" (and the supervisor is told why they may not
play it), "held by case CASE-0002"."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from callwarden.cases import protection
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import Case
from tests.support.case_rows import filed_case, principal_of, user_named
from tests.web.recording_data import prepare, record, signed_in


@pytest.fixture
def pbx(settings: Settings, db: Database) -> dict[str, str]:
    return prepare(settings, db)


def _filed(db: Database, kind: str, recording_id: str) -> None:
    case_id = filed_case(
        db,
        kind,
        recording_id=recording_id,
        summary="<script>alert(1)</script> my doctor",
        handler_user_id=user_named(db, "cora").id,
    )
    with db.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        protection.protect(session, principal_of(db, "cora"), case)


def test_the_page_says_which_case_restricts_or_holds_it(
    client: TestClient, db: Database, pbx: dict[str, str]
) -> None:
    own = record(client, pbx, "alice")
    _filed(db, "private_call", own)
    page = signed_in(client.app, "east-lead").get(f"/recordings/{own}").text
    assert "restricted by case CASE-0001" in page
    assert "You may not play this recording" in page and "while case CASE-0001 is open" in page
    assert "doctor" not in page and "<script>alert" not in page
    mine = signed_in(client.app, "alice").get(f"/recordings/{own}").text
    assert "restricted by case CASE-0001" in mine and "You may not play" not in mine

    disputed = record(client, pbx, "alice")
    _filed(db, "recording_dispute", disputed)
    page = signed_in(client.app, "cora").get(f"/recordings/{disputed}").text
    assert "held by case CASE-0002" in page and "restricted by case" not in page
