"""The Checks pages over HTTP: runs, running now, a run's findings, a finding worked by a
compliance officer; refusals for the others, a made-up finding as a 404, user text escaped."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.models import AuditEvent, CheckFinding
from tests.checks.conftest import DAY
from tests.support import bulk
from tests.support.console import make_person
from tests.web.console_forms import csrf_of, signed_in


def _overdue(db: Database) -> bulk.Row:
    row = bulk.new_row(1, DAY, extra={"dispose_by": DAY - timedelta(days=3)})
    bulk.load(db, [row])
    return row


def test_an_officer_runs_the_checks_and_works_a_finding(client: TestClient, db: Database) -> None:
    overdue = _overdue(db)
    make_person(db, "compliance_officer", "cora")
    signed_in(client, "cora")
    listing = client.get("/checks")
    assert listing.status_code == 200 and "Run checks now" in listing.text
    assert "No check has run yet" in listing.text
    token = csrf_of(client, "/checks")
    day = f"{DAY:%Y-%m-%d}"
    ran = client.post(
        "/checks/runs",
        data={"csrf_token": token, "start": day, "end": day, "check": "retention"},
        follow_redirects=False,
    )
    assert ran.status_code == 303, ran.text
    run_page = client.get(ran.headers["location"])
    assert run_page.status_code == 200
    assert overdue.recording_id in run_page.text and "retention" in run_page.text
    with db.reading() as session:
        finding_id = session.scalars(select(CheckFinding.id)).one()
    page = client.get(f"/checks/findings/{finding_id}")
    assert f'href="/recordings/{overdue.recording_id}"' in page.text
    assert f'href="/calls/{overdue.call_id}"' in page.text
    assert "GDPR Art. 5(1)(e)" in page.text and "Accept the risk" in page.text
    token = csrf_of(client, f"/checks/findings/{finding_id}")
    hostile = "<script>alert(1)</script> sweep stopped"
    acked = client.post(
        f"/checks/findings/{finding_id}/acknowledge",
        data={"csrf_token": token, "reason": hostile},
        follow_redirects=False,
    )
    assert acked.status_code == 303
    shown = client.get(f"/checks/findings/{finding_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>alert(1)" not in shown
    again = client.post(
        f"/checks/findings/{finding_id}/acknowledge",
        data={"csrf_token": token, "reason": "twice"},
        follow_redirects=False,
    )
    assert again.status_code == 409
    accepted = client.post(
        f"/checks/findings/{finding_id}/accept-risk",
        data={"csrf_token": token, "reason": "vendor fix due", "expires": "2099-01-31"},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    with db.reading() as session:
        row = session.get(CheckFinding, finding_id)
        assert row is not None and row.status == "accepted_risk"
        assert row.risk_expires_at is not None and row.risk_expires_at.year == 2099
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target == f"check_finding:{finding_id}")
        ).all()
    assert actions == ["finding.acknowledged", "finding.accepted_risk"]


def test_an_auditor_reads_but_may_not_run_or_work(client: TestClient, db: Database) -> None:
    _overdue(db)
    make_person(db, "compliance_officer", "cora")
    officer = signed_in(TestClient(client.app, raise_server_exceptions=False), "cora")
    token = csrf_of(officer, "/checks")
    day = f"{DAY:%Y-%m-%d}"
    officer.post("/checks/runs", data={"csrf_token": token, "start": day, "end": day})
    with db.reading() as session:
        kept = select(CheckFinding.id).where(CheckFinding.check_name == "retention")
        finding_id = session.scalars(kept).one()
    make_person(db, "auditor", "audra")
    signed_in(client, "audra")
    listing = client.get("/checks")
    assert listing.status_code == 200 and "Run checks now" not in listing.text
    page = client.get(f"/checks/findings/{finding_id}")
    assert page.status_code == 200 and "Acknowledge" not in page.text
    token = csrf_of(client, "/checks")
    refused = client.post(
        f"/checks/findings/{finding_id}/resolve",
        data={"csrf_token": token, "reason": "not mine"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    run = client.post(
        "/checks/runs", data={"csrf_token": token, "start": day, "end": day}, follow_redirects=False
    )
    assert run.status_code == 403
    made_up = client.get("/checks/findings/987654")
    real_shape = client.get("/checks/runs/chk_nope")
    assert made_up.status_code == real_shape.status_code == 404


def test_a_supervisor_is_refused_the_checks(client: TestClient, db: Database) -> None:
    make_person(db, "supervisor", "sue")
    signed_in(client, "sue")
    assert client.get("/checks").status_code == 403
