"""Policy versions in the database: apply, idempotence, refusal, diff, render."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.models import AuditEvent, PolicyVersion
from callwarden.policy import service
from callwarden.policy.problems import PolicyInvalid
from callwarden.policy.render import render, render_fragment
from callwarden.policy.schema import PolicyDocument
from tests.support.policies import EXAMPLE_TEXT, as_text, example_data


def version_count(db: Database) -> int:
    with db.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(PolicyVersion)).scalar_one()


def test_apply_is_versioned_audited_and_idempotent(db: Database) -> None:
    with db.unit_of_work() as session:
        first = service.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    assert first.created and first.version.version == 1
    assert len(first.version.content_hash) == 64 and first.version.applied_by == "system"
    with db.unit_of_work() as session:
        again = service.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    assert not again.created and again.version.version == 1
    with db.unit_of_work() as session:
        actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("policy.applied") == 1


def test_an_invalid_policy_never_becomes_a_version(db: Database) -> None:
    data = example_data()
    data["purposes"]["regulatory_record"]["retention"]["min"] = "P1Y"
    with pytest.raises(PolicyInvalid), db.unit_of_work() as session:
        service.apply(session, SYSTEM, as_text(data), "bad.yaml")
    assert version_count(db) == 0


def test_future_versions_take_effect_later_and_diff_shows_changes(db: Database) -> None:
    changed = EXAMPLE_TEXT.replace("rate: 0.2", "rate: 0.5")
    with db.unit_of_work() as session:
        service.apply(session, SYSTEM, EXAMPLE_TEXT, "v1.yaml")
        service.apply(
            session, SYSTEM, changed, "v2.yaml", effective_from=clock.now() + timedelta(days=7)
        )
    with db.unit_of_work() as session:
        assert service.get_version(session).version == 1
        text = service.diff(session, 1, 2)
    assert "-    rate: 0.2" in text and "+    rate: 0.5" in text
    with clock.frozen_at(clock.now() + timedelta(days=8)), db.unit_of_work() as session:
        assert service.get_version(session).version == 2


def test_render_markdown_and_html_for_employees() -> None:
    document = PolicyDocument.model_validate(example_data())
    markdown = render(document, "md", 3, "2026-12-01")
    assert "Version 3, in force from 2026-12-01" in markdown
    assert "Never recorded" in markdown and "not legal advice" in markdown
    assert "notice-de-v2" in markdown
    assert "| 90 days | 6 months |" in markdown and "| 5 years | 7 years |" in markdown
    assert "P90D" not in markdown and "P5Y" not in markdown  # people read words, not ISO 8601
    assert "whose required notice is not in the consent ledger, the recording is kept" in markdown
    data = example_data()
    data["consent"]["missing_notice"] = "refuse"
    refusing = render(PolicyDocument.model_validate(data), "html")
    assert "not in the consent ledger, the recording is refused" in refusing
    data = example_data()
    data["scripts"]["en"]["notice"]["text"] = "<script>alert(1)</script> recorded"
    html = render(PolicyDocument.model_validate(data), "html")
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_the_fragment_is_the_html_documents_body_escaped_alike() -> None:
    data = example_data()
    data["organisation"] = "<img src=x onerror=alert(1)> Northwind"
    document = PolicyDocument.model_validate(data)
    fragment = render_fragment(document, 2, "2026-12-01")
    page = render(document, "html", 2, "2026-12-01")
    assert "<style>" not in fragment and "<html" not in fragment  # a page frames it
    assert fragment.strip() in page  # the same words as the standalone document
    assert "<img" not in fragment and "&lt;img src=x" in fragment
