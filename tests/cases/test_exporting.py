"""A case for the file (its PDF) over HTTP and from the shell; legal keeping a dispute's hold
past its case; erasure asking cases which disputes need a recording. On both databases."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from typer.testing import CliRunner

from callwarden.cases import legal, service
from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, Forbidden
from callwarden.models import AuditEvent, Case, LegalHold
from callwarden.subjects.erasure import open_disputes
from tests.cases.conftest import ADAS_CALL, START, Org, file
from tests.support.factories import bearer, token_for


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _dispute(org: Org) -> str:
    with clock.frozen_at(START):
        return file(org, "lee", kind="recording_dispute", recording_id=ADAS_CALL,
                    on_behalf_of="the caller of 2 November", summary="what was agreed",
                    details="the customer says the agent promised a refund").case.id  # fmt: skip


def test_handlers_and_oversight_export_a_case_and_only_handlers_see_the_reporter(
    client: TestClient, db: Database, org: Org
) -> None:
    with clock.frozen_at(START):
        filed = file(org, "ada", kind="private_call", recording_id=ADAS_CALL,
                     summary="a call with my doctor", details="it was personal")  # fmt: skip
    label = filed.case.number
    handler = filed.case.handler_user_id
    assert handler is not None
    handler_name = next(name for name, user in org.people.items() if user.id == handler)
    path = f"/v1/cases/CASE-{label:04d}/export.pdf"
    answer = client.get(path, headers=bearer(token_for(db, org.people[handler_name])))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert f'filename="CASE-{label:04d}.pdf"' in answer.headers["content-disposition"]
    handlers_copy = _text(answer.content)
    assert "ada" in handlers_copy and "a call with my doctor" in handlers_copy
    audited = client.get(path, headers=bearer(token_for(db, org.people["aud"])))
    assert audited.status_code == 200
    oversight_copy = _text(audited.content)
    assert "withheld" in oversight_copy and "a call with my doctor" in oversight_copy
    refused = client.get(path, headers=bearer(token_for(db, org.people["ada"])))
    assert refused.status_code == 403  # the reporter reads it in the console instead
    assert refused.headers["content-type"].startswith("application/problem+json")
    unknown = client.get("/v1/cases/CASE-9999/export.pdf", headers=bearer(token_for(db, org.people["aud"])))  # fmt: skip
    assert unknown.status_code == 404
    with db.reading() as session:
        exported = session.scalars(
            select(AuditEvent.data).where(AuditEvent.action == "case.exported")
        ).all()
    assert [data["reporter_named"] for data in exported] == [True, False]


def test_a_case_exported_from_the_shell(settings: Settings, db: Database, org: Org) -> None:
    _dispute(org)
    out = settings.data_dir / "case.pdf"
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    done = CliRunner().invoke(cli, ["cases", "export", "CASE-0001", "-o", str(out), "--as", "aud"], env=env)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "CASE-0001.pdf" in done.output
    assert "the customer says the agent promised a refund" in _text(out.read_bytes())
    refused = CliRunner().invoke(cli, ["cases", "export", "CASE-0001", "-o", str(out), "--as", "ada"], env=env)  # fmt: skip
    assert refused.exit_code == 1 and refused.output.startswith("error: a case is exported by")


def test_legal_keeps_a_disputes_hold_after_the_case_closes(db: Database, org: Org) -> None:
    case_id = _dispute(org)
    with pytest.raises(Forbidden), db.unit_of_work() as session:
        legal.keep_hold(session, org.who("olga"), case_id, True, "a claim is coming")
    with clock.frozen_at(START), db.unit_of_work() as session:
        legal.keep_hold(session, org.who("lee"), case_id, True, "a claim is coming")
    with db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.keep_hold and case.hold_id
        handler = next(u for u, p in org.people.items() if p.id == case.handler_user_id)
        hold_id = case.hold_id
    with clock.frozen_at(START + timedelta(hours=1)), db.unit_of_work() as session:
        service.start_review(session, org.who(handler), case_id)
        service.decide(session, org.who(handler), case_id, "not_upheld", "the recording shows no promise")  # fmt: skip
    with clock.frozen_at(START + timedelta(days=20)), db.unit_of_work() as session:
        service.close(session, org.who(handler), case_id, "decided and not appealed")
    with db.reading() as session:
        hold = session.get(LegalHold, hold_id)
        assert hold is not None and hold.released_at is None  # legal kept it
        kept = session.scalars(select(AuditEvent.reason).where(AuditEvent.action == "case.hold_kept")).all()  # fmt: skip
        assert list(kept) == ["a claim is coming"]
    with pytest.raises(Conflict, match="closed"), db.unit_of_work() as session:
        legal.keep_hold(session, org.who("lee"), case_id, False, "too late")


def test_a_case_with_no_hold_has_none_to_keep(db: Database, org: Org) -> None:
    with clock.frozen_at(START):
        case_id = file(org, "ada", kind="concern").case.id
    with pytest.raises(Conflict, match="no legal hold"), db.unit_of_work() as session:
        legal.keep_hold(session, org.who("lee"), case_id, True, "why not")


def test_erasure_asks_cases_which_open_disputes_need_a_recording(db: Database, org: Org) -> None:
    with db.reading() as session:
        assert open_disputes(session, ADAS_CALL) == []
    case_id = _dispute(org)
    with db.reading() as session:
        assert open_disputes(session, ADAS_CALL) == ["CASE-0001"]
    with db.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.state = "closed"
    with db.reading() as session:
        assert open_disputes(session, ADAS_CALL) == []
