"""Administration over HTTP: every action, its refusals, and secrets shown only once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.models import AuditEvent, User
from tests.support.console import make_person
from tests.web.test_session import csrf_of, sign_in

SECRET = re.compile(r'<code class="secret">([^<]+)</code>')


def as_admin(client: TestClient, db: Database) -> str:
    make_person(db, "admin", "ari-admin")
    sign_in(client, "ari-admin")
    return csrf_of(client, "/admin")


def post(client: TestClient, path: str, **data: str) -> object:
    return client.post(path, data=data, follow_redirects=False)


@dataclass(frozen=True)
class Account:
    role: str
    disabled: bool
    temporary: bool
    team: str | None


def user(db: Database, username: str) -> Account:
    """The account as stored now (read in its own transaction)."""
    with db.reading() as session:
        found = session.scalars(select(User).where(User.username == username)).one()
        return Account(
            found.role,
            found.disabled_at is not None,
            found.password_temporary,
            found.team.name if found.team else None,
        )


def test_users_list_shows_role_team_state_and_kind(client: TestClient, db: Database) -> None:
    make_person(db, "supervisor", "sam-supervisor", team="north")
    token = as_admin(client, db)
    post(client, "/admin/service-identities", name="pbx", csrf_token=token)
    page = client.get("/admin").text
    assert "sam-supervisor" in page and "supervisor" in page and "north" in page
    assert "service identity" in page and "pbx" in page


def test_creating_a_user_shows_the_password_once(client: TestClient, db: Database) -> None:
    token = as_admin(client, db)
    post(client, "/admin/teams", name="south", csrf_token=token)
    answer = client.post(
        "/admin/users",
        data={"username": "new-agent", "role": "agent", "team": "south", "csrf_token": token},
    )
    assert answer.status_code == 201
    found = SECRET.search(answer.text)
    assert found and len(found.group(1)) >= 12
    assert "must be changed at first sign-in" in answer.text
    created = user(db, "new-agent")
    assert created.temporary and created.team == "south"
    for page in ("/admin", "/admin/users/new-agent", "/admin/users/new-agent"):
        assert found.group(1) not in client.get(page).text


def test_a_display_name_with_markup_is_escaped(client: TestClient, db: Database) -> None:
    token = as_admin(client, db)
    answer = client.post(
        "/admin/users",
        data={
            "username": "eve",
            "role": "agent",
            "display_name": "<script>alert(1)</script>",
            "csrf_token": token,
        },
    )
    for page in (answer.text, client.get("/admin").text, client.get("/admin/users/eve").text):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_disable_enable_and_role_change_with_reasons(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "ada-agent")
    token = as_admin(client, db)
    done = post(client, "/admin/users/ada-agent/disable", reason="left", csrf_token=token)
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert "disabled" in client.get("/admin/users/ada-agent?done=disabled").text
    assert user(db, "ada-agent").disabled
    post(client, "/admin/users/ada-agent/enable", reason="back", csrf_token=token)
    assert not user(db, "ada-agent").disabled
    post(
        client, "/admin/users/ada-agent/role", role="qa_reviewer", reason="moved", csrf_token=token
    )
    assert user(db, "ada-agent").role == "qa_reviewer"
    with db.reading() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.reason).where(AuditEvent.actor == "user:ari-admin")
        ).all()
    assert ("user.disabled", "left") in events and ("user.enabled", "back") in events
    assert ("user.role_changed", "moved") in events


def test_reset_password_is_shown_once(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "ada-agent")
    token = as_admin(client, db)
    answer = client.post("/admin/users/ada-agent/password", data={"csrf_token": token})
    found = SECRET.search(answer.text)
    assert answer.status_code == 200 and found
    assert user(db, "ada-agent").temporary
    assert found.group(1) not in client.get("/admin/users/ada-agent").text


def test_the_last_admin_cannot_be_disabled_or_demoted(client: TestClient, db: Database) -> None:
    token = as_admin(client, db)
    refused = client.post("/admin/users/ari-admin/disable", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "would leave no active administrator" in refused.text
    demoted = client.post(
        "/admin/users/ari-admin/role", data={"role": "auditor", "csrf_token": token}
    )
    assert demoted.status_code == 409 and "Conflict" in demoted.text
    assert not user(db, "ari-admin").disabled and user(db, "ari-admin").role == "admin"


def test_teams_list_and_create(client: TestClient, db: Database) -> None:
    token = as_admin(client, db)
    assert post(client, "/admin/teams", name="west", csrf_token=token).status_code == 303  # type: ignore[attr-defined]
    assert "west" in client.get("/admin/teams").text
    again = client.post("/admin/teams", data={"name": "west", "csrf_token": token})
    assert again.status_code == 409 and "already exists" in again.text


def test_a_supervisor_may_not_create_a_user(client: TestClient, db: Database) -> None:
    make_person(db, "supervisor", "sam-supervisor", team="north")
    sign_in(client, "sam-supervisor")
    token = csrf_of(client, "/home")
    refused = client.post(
        "/admin/users", data={"username": "x1", "role": "agent", "csrf_token": token}
    )
    assert refused.status_code == 403 and "Not allowed" in refused.text
    assert "users.manage needs one of the roles: admin;" in refused.text
    assert client.get("/admin").status_code == 403  # users.read: not a supervisor's
    with db.reading() as session:
        assert session.scalars(select(User).where(User.username == "x1")).first() is None


def test_a_form_without_its_csrf_token_changes_nothing(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "ada-agent")
    as_admin(client, db)
    refused = client.post("/admin/users/ada-agent/disable", data={"reason": "x"})
    assert refused.status_code == 403 and "not sent from a page of this console" in refused.text
    assert not user(db, "ada-agent").disabled


def test_an_auditor_reads_users_but_sees_no_forms(client: TestClient, db: Database) -> None:
    make_person(db, "auditor", "aude-auditor")
    sign_in(client, "aude-auditor")
    page = client.get("/admin")
    assert page.status_code == 200 and "aude-auditor" in page.text
    assert 'action="/admin/users"' not in page.text
    assert 'action="/admin/users/aude-auditor/disable"' not in (
        client.get("/admin/users/aude-auditor").text
    )
    assert client.get("/admin/users/nobody-here").status_code == 404
