"""The report's figures from a seeded fortnight (tests/reports/conftest.py): each rate, its
weekly split, a team's row, the QA sample's Wilson numbers, the findings of a real check run,
the audit chain, and the refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.kit.errors import Forbidden, InvalidInput
from callwarden.kit.ids import new_id
from callwarden.models import CallEvent, CallParty
from callwarden.qa.rates import wilson
from callwarden.reports.gather import build
from callwarden.reports.model import ComplianceReport, Indicator
from tests.checks.support import apply_policy_with
from tests.reports.conftest import AUDITOR, NOW, PERIOD, Scenario, at

WEEKS = (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16))


def report(db: Database, settings: Settings, period: Period = PERIOD) -> ComplianceReport:
    with clock.frozen_at(NOW), db.reading() as session:
        return build(session, AUDITOR, period, settings)


def indicator(made: ComplianceReport, key: str) -> Indicator:
    return next(item for item in made.indicators if item.key == key)


def split(item: Indicator) -> list[tuple[date, int, int]]:
    return [(p.week, p.numerator, p.denominator) for p in item.weekly]


def test_the_rates_over_every_call_and_their_weeks(
    db: Database, settings: Settings, scenario: Scenario
) -> None:
    made = report(db, settings)

    assert (made.calls, made.recordings, made.empty) == (5, 3, False)
    assert [i.key for i in made.indicators] == [
        "recorded_as_decided",
        "notice_verified",
        "consent_before_recording",
        "secure_pause_used",
        "qa_compliance",
    ]
    recorded = indicator(made, "recorded_as_decided")
    assert recorded.rate == wilson(3, 4) and recorded.rate.estimate == 0.75
    assert recorded.sampled is False and recorded.target is None
    assert split(recorded) == [(WEEKS[0], 2, 2), (WEEKS[1], 1, 2), (WEEKS[2], 0, 0)]
    assert "partial weeks" in recorded.counts
    notice = indicator(made, "notice_verified")
    assert (notice.rate.successes, notice.rate.n) == (2, 3)
    consent = indicator(made, "consent_before_recording")  # call 1 within the 5 s tolerance
    assert (consent.rate.successes, consent.rate.n) == (2, 3)
    assert split(consent) == [(WEEKS[0], 2, 2), (WEEKS[1], 0, 1), (WEEKS[2], 0, 0)]
    pause = indicator(made, "secure_pause_used")
    assert (pause.rate.successes, pause.rate.n) == (1, 2)
    assert made.policy_versions == (1,) and made.law_versions == ("bulk",)


def test_qa_figures_come_from_the_sample_with_wilson_intervals(
    db: Database, settings: Settings, scenario: Scenario
) -> None:
    made = report(db, settings)

    compliance = indicator(made, "qa_compliance")
    # notice_read and identity_checked on three evaluations (consent n/a); one notice "no"
    assert compliance.sampled is True and compliance.rate == wilson(5, 6)
    assert round(compliance.rate.low, 4) == 0.4365 and round(compliance.rate.high, 4) == 0.9699
    assert made.qa.evaluations == 3
    assert made.qa.pass_rate == wilson(2, 3)  # a failed compliance item fails the evaluation
    assert made.qa.mean_score is not None and 80 < made.qa.mean_score < 100
    items = {item.question: item.rate for item in made.qa.items}
    assert all(item.scorecard == "inbound-service v1" for item in made.qa.items)
    assert items["The recording notice was read in full before the conversation began"] == wilson(
        2, 3
    )
    consent = "Consent was captured before recording began (where the law asks for it)"
    assert items[consent].n == 0  # "n/a" counts in neither


def test_a_team_row_and_the_no_team_row(
    db: Database, settings: Settings, scenario: Scenario
) -> None:
    made = report(db, settings)

    teams = {row.team: row for row in made.teams}
    assert list(teams) == ["alpha", "beta", "no team"]
    beta = teams["beta"]
    assert (beta.calls, beta.recordings) == (2, 1)
    assert beta.recorded_as_decided == wilson(1, 2)
    assert beta.notice_verified == wilson(1, 1)
    assert beta.findings == 2  # the missing recording of call 4, call 3's late consent
    assert teams["alpha"].findings == 1  # call 2's payment without a pause
    assert beta.qa_evaluations == 1 and teams["alpha"].qa_evaluations == 2
    assert teams["alpha"].qa_pass == wilson(1, 2)
    assert teams["no team"].calls == 1 and teams["no team"].recordings == 0


def test_findings_of_the_run_by_check_severity_status_and_week(
    db: Database, settings: Settings, scenario: Scenario
) -> None:
    made = report(db, settings)

    assert made.check_runs == (scenario.run_id,)
    by_check = {row.check: row for row in made.findings}
    assert set(by_check) >= {"completeness", "consent", "secure_pause", "notice_audio"}
    assert by_check["completeness"].by_severity["high"] == 1
    assert by_check["consent"].by_severity == {
        "critical": 1, "high": 0, "medium": 0, "low": 0, "info": 0,
    }  # fmt: skip
    assert by_check["consent"].by_status["open"] == 1
    assert by_check["consent"].title == "Consent and notice before recording"
    weekly = dict(made.findings_weekly)
    assert list(weekly) == list(WEEKS)
    assert weekly[WEEKS[1]]["critical"] == 1 and weekly[WEEKS[1]]["high"] >= 2
    assert weekly[WEEKS[0]]["high"] == 0
    notable = {(f.check, f.severity) for f in made.notable}
    assert {("consent", "critical"), ("completeness", "high"), ("secure_pause", "high")} <= notable
    assert all(f.severity in ("medium", "high", "critical") for f in made.notable)
    ranks = [("critical", "high", "medium").index(f.severity) for f in made.notable]
    assert ranks == sorted(ranks)  # the most serious first
    consent = next(f for f in made.notable if f.check == "consent")
    assert consent.citation  # the knowledge base's, or the policy's own
    highs = [f.first_seen for f in made.notable if f.severity == "high"]
    assert highs == sorted(highs, reverse=True)  # then the newest


def test_the_methods_say_what_each_figure_counts(
    db: Database, settings: Settings, scenario: Scenario
) -> None:
    made = report(db, settings)

    figures = [method.figure for method in made.methods]
    assert "Recorded as decided" in figures and "Check: Completeness of recording" in figures
    assert "Confidence intervals" in figures and "Counts over every call" in figures
    assert made.generated_by == AUDITOR.actor and made.generated_at == NOW
    assert made.organisation is None  # no policy in force: the title names no one


def test_the_title_names_the_organisation_of_the_policy_in_force(
    db: Database, settings: Settings, scenario: Scenario
) -> None:
    with clock.frozen_at(NOW - timedelta(days=1)):
        apply_policy_with(db, "  max_administrators: 3\n")
    assert report(db, settings).organisation == "Northwind Mutual (example)"


def test_a_period_with_no_calls_says_so(
    db: Database, settings: Settings, scenario: Scenario
) -> None:
    later = Period(PERIOD.end + timedelta(days=30), PERIOD.end + timedelta(days=37))
    made = report(db, settings, later)

    assert made.empty is True and made.calls == 0
    assert made.indicators == () and made.teams == ()
    assert any("no calls in the period" in note for note in made.notes)
    assert {row.check for row in made.findings} >= {"completeness", "consent"}
    assert made.chain.verified is True and made.chain.events == 0


def test_bad_periods_and_roles_are_refused(
    db: Database, settings: Settings, scenario: Scenario
) -> None:
    backwards = Period(PERIOD.end, PERIOD.start)
    too_long = Period(PERIOD.start, PERIOD.start + timedelta(days=367))
    with pytest.raises(InvalidInput, match="end after it starts"):
        report(db, settings, backwards)
    with pytest.raises(InvalidInput, match="at most 366 days"):
        report(db, settings, too_long)
    for role in (Role.AGENT, Role.SUPERVISOR, Role.QA_REVIEWER, Role.INTEGRATION):
        with db.reading() as session, pytest.raises(Forbidden, match=r"reports\.read"):
            build(session, Principal("user:someone", role), PERIOD, settings)


def _withdraw(db: Database, call_id: str, given_at: object | None) -> None:
    """The party withdraws after the recording began; the ledger keeps when it consented."""
    with db.unit_of_work() as session:
        session.execute(
            update(CallParty)
            .where(CallParty.call_id == call_id)
            .values(consent_status="withdrawn", consent_at=at(2, 200), notice_at=None)
        )
        if given_at is not None:
            session.add(
                CallEvent(call_id=call_id, client_event_id=new_id("ev"), kind="consent_given",
                          occurred_at=given_at, received_at=given_at, party_key=_key(db, call_id),
                          body={}, accepted=True, reported_by="pbx")
            )  # fmt: skip


def _key(db: Database, call_id: str) -> str:
    with db.reading() as session:
        return str(session.scalar(select(CallParty.key).where(CallParty.call_id == call_id)))


@pytest.mark.parametrize(("ledger", "consented"), [("given first", 2), ("nothing", 1)])
def test_a_withdrawn_party_counts_by_the_consent_the_ledger_shows(
    db: Database, settings: Settings, scenario: Scenario, ledger: str, consented: int
) -> None:
    _withdraw(db, scenario.calls[2], at(2, -10) if ledger == "given first" else None)
    consent = indicator(report(db, settings), "consent_before_recording")
    assert (consent.rate.successes, consent.rate.n) == (consented, 3)
