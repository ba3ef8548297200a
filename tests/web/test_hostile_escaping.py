"""HTML and script in every user-supplied field the console shows come out as text: names,
reasons, team and token names, policy text and notes, call fields from the phone system, audit
event data, and what a URL's query puts back into a form or a notice."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from callwarden.config import Settings
from callwarden.db import Database
from tests.support.console import make_person
from tests.support.policies import EXAMPLE_TEXT
from tests.web.recording_data import csrf_of, give_reason, prepare, record, signed_in

EVIL = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def pbx(settings: Settings, db: Database) -> dict[str, str]:
    return prepare(settings, db)


def assert_escaped(page: str, where: str, shown: bool = True) -> None:
    assert "<script>alert" not in page and "<img src=x" not in page, where
    if shown:
        assert ESCAPED in page, f"{where}: the field is not shown"


def test_names_reasons_and_token_names_are_shown_as_text(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    make_person(db, "admin", "evil-admin")
    admin = signed_in(client.app, "evil-admin")
    token = csrf_of(admin, "/admin")
    assert admin.post("/admin/teams", data={"name": EVIL, "csrf_token": token}).status_code == 200
    created = admin.post(
        "/admin/users",
        data={
            "username": "marked-up",
            "role": "agent",
            "display_name": EVIL,
            "team": EVIL,
            "csrf_token": token,
        },
    )
    assert created.status_code == 201
    assert_escaped(created.text, "user created")
    disabled = admin.post(
        "/admin/users/marked-up/disable", data={"reason": EVIL, "csrf_token": token}
    )
    assert disabled.status_code == 200
    issued = admin.post("/account/tokens", data={"name": EVIL, "csrf_token": token})
    assert issued.status_code == 201
    assert_escaped(issued.text, "token issued")
    for path in ("/admin", "/admin/teams", "/admin/users/marked-up", "/account/tokens", "/audit"):
        page = admin.get(path)
        assert page.status_code == 200, path
        assert_escaped(page.text, path)


def test_call_fields_and_reasons_from_outside_are_shown_as_text(
    client: TestClient, pbx: dict[str, str]
) -> None:
    recording = record(client, pbx, "alice", queue=EVIL)
    cora = signed_in(client.app, "cora")
    grant = give_reason(cora, recording, f"dispute {EVIL}")
    assert_escaped(cora.get("/recordings").text, "search")
    assert_escaped(cora.get(f"/recordings/{recording}", params={"grant": grant}).text, "page")
    audra = signed_in(client.app, "audra")
    assert_escaped(audra.get("/audit").text, "audit trail")
    assert_escaped(audra.get("/audit", params={"target": f"recording:{recording}"}).text, "log")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/recordings", "queue"),
        ("/recordings", "agent"),
        ("/audit", "actor"),
        ("/audit", "target"),
        ("/law/jurisdictions", "q"),
        ("/sign-in", "why"),
        ("/sign-in", "next"),
    ],
)
def test_what_a_url_puts_back_into_a_page_is_text(
    client: TestClient, pbx: dict[str, str], path: str, field: str
) -> None:
    cora = signed_in(client.app, "cora")
    page = cora.get(f"{path}?{field}={quote(EVIL)}")
    assert_escaped(page.text, f"{path}?{field}", shown=False)


def test_policy_text_and_notes_are_shown_as_text(client: TestClient, pbx: dict[str, str]) -> None:
    cora = signed_in(client.app, "cora")
    marked = re.sub(
        r"description: Quality assurance.*",
        f"description: {json.dumps(EVIL)}",
        EXAMPLE_TEXT,
        count=1,
    )
    assert marked != EXAMPLE_TEXT
    token = csrf_of(cora, "/policy/draft")
    data = {"document": marked, "note": EVIL, "csrf_token": token}
    checked = cora.post("/policy/draft", data=data)
    assert checked.status_code == 200
    assert_escaped(checked.text, "draft checked")
    broken = cora.post("/policy/draft", data={**data, "document": f"{EVIL}: [\n"})
    assert broken.status_code == 422
    assert_escaped(broken.text, "broken draft")
    confirm = cora.post("/policy/apply/confirm", data=data)
    assert_escaped(confirm.text, "confirm")
    applied = cora.post("/policy/apply", data=data, follow_redirects=False)
    assert applied.status_code == 303
    for path in ("/policy", "/policy/versions", applied.headers["location"]):
        assert_escaped(cora.get(path).text, path)
