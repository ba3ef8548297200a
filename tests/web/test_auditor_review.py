"""An auditor's review of the console: signed in as an auditor, every page the navigation leads
to (checks, findings, QA, calls, holds, disposals, subject requests, the audit trail,
recordings) answers, offers no form that changes anything (sign-out aside) and no audio, until
the policy grants auditors listening (`access.auditors_may_listen`); then an auditor plays with
a recorded reason, like any listener, and still never downloads."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.app import create_app
from callwarden.checks import runs
from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM, Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.models import AuditEvent
from callwarden.policy import service as policies
from callwarden.retention import holds
from callwarden.subjects import service as subjects
from tests.support.console import make_person
from tests.support.factories import bearer, make_token
from tests.support.policies import EXAMPLE_TEXT
from tests.web.auditor_walk import walk
from tests.web.console_forms import csrf_of as form_token
from tests.web.console_forms import signed_in as console_signed_in
from tests.web.disposals_data import certified_sweep
from tests.web.qa_data import draw_by_form, qa_setting
from tests.web.recording_data import csrf_of, signed_in
from tests.web.test_csrf_routes import CHANGING
from tests.web.test_navigation import shown

OFFICER = Principal("user:cora", Role.COMPLIANCE_OFFICER)
LISTENING = EXAMPLE_TEXT.replace("auditors_may_listen: false", "auditors_may_listen: true")
NAV = {"Home", "Calls", "Recordings", "Holds", "Disposals", "Subject requests", "Checks", "QA",
       "Reports", "Training", "Audit trail", "Administration", "Policy", "Law", "Tokens", "Account",
       "My training", "About recording", "My cases", "Cases"}  # fmt: skip
# A person's own account: their password and their API tokens, which change nothing reviewed.
OWN_ACCOUNT = {"/sign-out", "/account/password", "/account/tokens"}
# An auditor's own training: their quiz answers and policy acknowledgement are their own record
# (as AUDITOR_OWN_ACCOUNT in tests/api/test_role_matrix.py), not a change to what they review.
OWN_TRAINING = re.compile(r"^/training/(policy/acknowledge|assignments/[^/]+/(quiz|read))$")
# Forms that only read: checking a pasted destruction certificate writes nothing; the code
# typed into the anonymous follow-up form opens a case (the code travels in a body, not a URL).
READ_ONLY = {"/disposals/verify", "/cases/follow-up"}
NAV_LINKS = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)


def changing(posts: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each page's POST forms beyond a person's own account and the forms that only read."""
    kept = {
        page: [
            action
            for action in actions
            if action not in OWN_ACCOUNT | READ_ONLY
            and not action.startswith("/account/tokens/")
            and not OWN_TRAINING.match(action)
        ]
        for page, actions in posts.items()
    }
    return {page: actions for page, actions in kept.items() if actions}


def nav_links(html: str) -> list[str]:
    found = NAV_LINKS.search(html)
    assert found
    return re.findall(r'<a [^>]*href="([^"]+)"', found.group(1))


def a_review_period(settings: Settings, db: Database) -> tuple[TestClient, list[str]]:
    """Recordings of two teams with a QA plan drawn, a check run with findings, a hold, a
    certified disposal and a subject request: something on every page."""
    app = create_app(settings, db)
    with TestClient(app) as api:
        recordings = qa_setting(settings, db, api)
    cora = signed_in(app, "cora")
    assert draw_by_form(cora).status_code == 303
    now = clock.now()
    with db.unit_of_work() as session:
        runs.run(session, OFFICER.actor, Period(now - timedelta(days=1), now + timedelta(hours=1)),
                 settings)  # fmt: skip
        holds.create(session, Principal("user:lee", Role.LEGAL), "Smith v. Bank", "claim",
                     {"numbers": ["+14155550123"]})  # fmt: skip
        subjects.open_request(
            session, OFFICER, kind="access", numbers=["+14155550123"], law="gdpr",
            received_at=now.isoformat(), identity_verification="called back on file",
            verified_by="Cora",
        )  # fmt: skip
    certified_sweep(db, settings, recordings[-1:], "erasure of one call")
    return signed_in(app, "audra"), recordings[:-1]


def test_an_auditor_sees_every_page_and_can_change_nothing(
    settings: Settings, db: Database
) -> None:
    audra, recordings = a_review_period(settings, db)
    home = audra.get("/home").text
    assert shown(home) == NAV
    walked = walk(audra, nav_links(home))
    pages = set(walked.statuses)
    for expected in ("/checks/findings/", "/checks/runs/", "/qa/plans/", "/qa/evaluations/",
                     "/recordings/rec", "/calls/", "/holds/", "/disposals/", "/subjects/",
                     "/reports/compliance", "/training/mine", "/training/policy",
                     "/training/records"):  # fmt: skip
        assert any(expected in page for page in pages), (expected, sorted(pages))
    broken = {page: status for page, status in walked.statuses.items() if status != 200}
    assert not broken, broken
    assert not changing(walked.posts), changing(walked.posts)
    assert not walked.players and not walked.audio_links, (walked.players, walked.audio_links)
    page = audra.get(f"/recordings/{recordings[0]}").text
    assert "auditors see recording metadata only" in page and "access.auditors_may_listen" in page


def test_when_the_policy_grants_it_an_auditor_listens_with_a_reason_and_never_downloads(
    settings: Settings, db: Database
) -> None:
    audra, recordings = a_review_period(settings, db)
    auditor_token = bearer(make_token(db, "auditor", "audit-api"))
    app = create_app(settings, db)
    with TestClient(app, raise_server_exceptions=False) as api:
        path = f"/v1/recordings/{recordings[0]}"
        refused = api.get(f"{path}/audio", params={"reason": "review"}, headers=auditor_token)
        assert refused.status_code == 403 and "auditors_may_listen is off" in refused.text
        with db.unit_of_work() as session:
            policies.apply(session, SYSTEM, LISTENING, "policy.yaml")
        played = api.get(f"{path}/audio", params={"reason": "Q4 review"}, headers=auditor_token)
        assert played.status_code in (200, 206), played.text
        assert played.content[:4] in (b"RIFF", b"OggS", b"fLaC") or played.content
        export = api.get(f"{path}/download", params={"reason": "Q4 review"}, headers=auditor_token)
        assert export.status_code == 403
        unexplained = api.get(f"{path}/audio", headers=auditor_token)
        assert unexplained.status_code == 422
    walked = walk(audra, ["/recordings", f"/recordings/{recordings[0]}"])
    listen_forms = {a for actions in changing(walked.posts).values() for a in actions}
    assert listen_forms and all(re.search(r"/listen$", action) for action in listen_forms)
    assert not any("/download" in link for links in walked.audio_links.values() for link in links)
    answer = audra.post(
        f"/recordings/{recordings[0]}/listen",
        data={
            "reason": "<b>Q4</b> audit sample",
            "csrf_token": csrf_of(audra, f"/recordings/{recordings[0]}"),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    grant = parse_qs(urlsplit(answer.headers["location"]).query)["grant"][0]
    page = audra.get(f"/recordings/{recordings[0]}?grant={grant}").text
    assert "<audio" in page and "&lt;b&gt;Q4&lt;/b&gt; audit sample" in page
    audio = audra.get(
        f"/recordings/{recordings[0]}/audio?grant={grant}", headers={"Range": "bytes=0-99"}
    )
    assert audio.status_code in (200, 206)
    with db.reading() as session:
        query = select(AuditEvent).where(AuditEvent.actor == "user:audra")
        actions = [event.action for event in session.execute(query).scalars()]
    assert "recording.listening_granted" in actions and "recording.played" in actions


# Console routes an auditor may send: their own account, reading forms, (refused per
# recording unless the policy grants listening) giving a reason to listen, and their own
# training (quiz answers, "read", the policy acknowledgement: their own record, as
# AUDITOR_OWN_ACCOUNT in tests/api/test_role_matrix.py).
AUDITOR_SENDS = {
    "/sign-in", "/sign-out", "/account/password", "/account/tokens",
    "/account/tokens/{token_id}/revoke", "/disposals/verify",
    "/recordings/{recording_id}/listen", "/qa/evaluations/{evaluation_id}/listen",
    "/training/assignments/{assignment_id}/quiz", "/training/assignments/{assignment_id}/read",
    "/training/policy/acknowledge",
    # A person's own case: an auditor raises a concern and writes to it like anyone (cases.file).
    "/cases/new", "/cases/follow-up", "/cases/{ref}/message", "/cases/{ref}/appeal",
}  # fmt: skip


def test_every_console_form_that_changes_something_refuses_an_auditor(
    client: TestClient, db: Database
) -> None:
    make_person(db, "auditor", "audra")
    console_signed_in(client, "audra")
    token = form_token(client, "/account/password")
    for route in CHANGING:
        if route.path in AUDITOR_SENDS:
            continue
        path = re.sub(r"\{[^}]+\}", "x1", route.path)
        answer = client.post(path, data={"csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 403, (route.path, answer.status_code, answer.text[:200])
    assert {route.path for route in CHANGING} >= AUDITOR_SENDS  # the list names real routes
