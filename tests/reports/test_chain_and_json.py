"""The period's audit chain in the report (verified from its anchor, covered by a signed
checkpoint, and not verified once a row is edited), and the report's JSON form."""

from __future__ import annotations

import json

from sqlalchemy import func, select, update

from callwarden.audit.checkpointing import write_due
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import AuditEvent
from callwarden.reports.json_form import as_json
from callwarden.reports.schemas import ComplianceReportOut
from callwarden.signing import create_signing_key_file
from tests.reports.conftest import PERIOD, Scenario
from tests.reports.test_gather import report


def _period_seqs(db: Database) -> tuple[int, int, int]:
    with db.reading() as session:
        first, last, count = session.execute(
            select(func.min(AuditEvent.seq), func.max(AuditEvent.seq), func.count()).where(
                AuditEvent.occurred_at >= PERIOD.start, AuditEvent.occurred_at < PERIOD.end
            )
        ).one()
    return int(first), int(last), int(count)


def test_the_period_chain_verifies_and_names_its_checkpoint(
    db: Database, settings: Settings, scenario: Scenario
) -> None:
    first, last, count = _period_seqs(db)
    unsigned = report(db, settings).chain
    assert unsigned.verified is True and unsigned.problem is None
    assert (unsigned.first_seq, unsigned.last_seq) == (first, last)
    assert unsigned.events == last - first + 1 >= count > 0
    assert unsigned.checkpoint_seq is None  # no signing key here yet

    create_signing_key_file(settings.signing_key_path)
    assert write_due(db, settings, everything=True) >= 1
    made = report(db, settings)
    assert made.chain.verified is True
    assert made.chain.checkpoint_seq is not None and made.chain.checkpoint_seq >= last
    assert made.chain.checkpoint_at is not None
    assert not any("checkpoint" in note for note in made.notes)


def test_an_edited_audit_row_in_the_period_fails_verification(
    db: Database, settings: Settings, scenario: Scenario
) -> None:
    first, last, _ = _period_seqs(db)
    middle = (first + last) // 2
    with db.unit_of_work() as session:
        session.execute(
            update(AuditEvent).where(AuditEvent.seq == middle).values(actor="user:someone-else")
        )

    chain = report(db, settings).chain

    assert chain.verified is False
    assert chain.problem == f"event {middle} content does not match its hash (edited)"


def test_the_json_form_is_stable_iso_and_carries_each_interval(
    db: Database, settings: Settings, scenario: Scenario
) -> None:
    made = report(db, settings)
    document = as_json(made)

    assert list(document)[:6] == [
        "format", "version", "period_start", "period_end", "generated_at", "generated_by",
    ]  # fmt: skip
    assert document["period_start"] == "2026-11-04T00:00:00+00:00"
    recorded = document["indicators"][0]
    assert recorded["key"] == "recorded_as_decided"
    assert recorded["rate"]["successes"] == 3 and recorded["rate"]["n"] == 4
    assert recorded["rate"]["text"] == made.indicators[0].rate.describe()
    assert set(recorded["rate"]) == {"successes", "n", "estimate", "low", "high", "text"}
    assert recorded["weekly"][0] == {"week": "2026-11-02", "numerator": 2, "denominator": 2}
    assert document["findings_weekly"][1]["week"] == "2026-11-09"
    assert document["findings_weekly"][1]["opened"]["critical"] == 1
    assert document["teams"][0]["qa_pass"]["text"].startswith("50.0% (95% CI")
    assert document["check_runs"] == [scenario.run_id]
    assert list(ComplianceReportOut.model_fields) == list(document)  # the documented shape
    ComplianceReportOut.model_validate(document)
    # the same data, the same text (the clock is frozen, so even generated_at agrees)
    assert json.dumps(as_json(report(db, settings))) == json.dumps(document)
