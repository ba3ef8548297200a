"""The demo month's compliance report: every seeded defect appears in it by name, in the
figures and in the HTML a person reads (the defects' findings are those the checks made)."""

from __future__ import annotations

from sqlalchemy import select

from callwarden.checks.registry import Period
from callwarden.demo import defects
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.models import CheckFinding, CheckRun
from callwarden.reports.findings import NOTABLE_SEVERITIES
from callwarden.reports.gather import build
from callwarden.reports.rendering import html_document
from tests.support.demo_month import Demo

AUDITOR = Principal("user:auditor", Role.AUDITOR)


def test_each_seeded_defect_appears_in_the_month_s_report(demo: Demo) -> None:
    with demo.db.reading() as session:
        run = session.scalars(select(CheckRun)).one()
        run_id = run.id
        report = build(session, AUDITOR, Period(run.period_start, run.period_end), demo.settings)
        severity = dict(session.execute(select(CheckFinding.id, CheckFinding.severity)).all())
    shown = defects.load_shown(demo.data_dir)
    assert {item.defect for item, _ in shown} >= {
        "notice_not_played", "recording_lost", "unknown_cdr_call", "keys_in_pause",
        "overactive_listener", "training_overdue", "overdue_agent_call",
    }  # fmt: skip
    assert all(found for _, found in shown)
    notable = {finding.finding_id: finding for finding in report.notable}
    counted = {row.check: sum(row.by_severity.values()) for row in report.findings}
    page = html_document(report)
    for item, finding_id in shown:
        assert finding_id is not None and counted[item.check] >= 1
        if severity[finding_id] not in NOTABLE_SEVERITIES:
            # a low finding (training a day or two overdue) is counted, not named
            assert finding_id not in notable, (item.defect, item.check)
            continue
        assert finding_id in notable, (item.defect, item.check)  # named, not only counted
        assert notable[finding_id].check == item.check
        assert f">{finding_id}<" in page, item.defect
    assert run_id in report.check_runs and report.chain.verified
    assert not report.empty and report.calls > 0
