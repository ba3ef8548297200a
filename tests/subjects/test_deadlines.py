"""The legal deadlines: a month under GDPR and UK GDPR (month ends clamp), 45 days under the
CCPA, the extensions, and what is due when, each with its citation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callwarden.kit.errors import InvalidInput
from callwarden.subjects.deadlines import add_business_days, add_months, deadline


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2027-01-31T10:00", "2027-02-28T10:00"),  # no 31 February: the month's last day
        ("2028-01-31T10:00", "2028-02-29T10:00"),  # a leap year
        ("2026-03-31T10:00", "2026-04-30T10:00"),
        ("2026-12-15T10:00", "2027-01-15T10:00"),  # across the year
        ("2026-02-28T10:00", "2026-03-28T10:00"),  # the same date, not the month's end
    ],
)
def test_gdpr_gives_one_calendar_month(received: str, due: str) -> None:
    for law in ("gdpr", "uk-gdpr"):
        assert deadline(law, at(received)).due_at == at(due)


def test_gdpr_extension_is_two_further_months_and_each_date_is_cited() -> None:
    found = deadline("gdpr", at("2027-01-31T10:00"))
    assert found.latest_if_extended == at("2027-04-30T10:00")
    assert [m.due_at for m in found.milestones] == [
        at("2027-02-28T10:00"),
        found.latest_if_extended,
    ]
    assert all("GDPR Art. 12(3)" in m.citation for m in found.milestones)
    assert found.milestones[0].uncertain  # how a month is counted is said to be unsettled
    assert (
        "UK GDPR Art. 12(3)" in deadline("uk-gdpr", at("2027-01-31T10:00")).milestones[0].citation
    )
    assert "Not legal advice" in found.notice


def test_ccpa_gives_45_days_extendable_once_and_confirmation_in_10_business_days() -> None:
    found = deadline("ccpa", at("2026-01-30T10:00"))  # a Friday
    assert found.due_at == at("2026-03-16T10:00")
    assert found.latest_if_extended == at("2026-04-30T10:00")
    confirm, answer, extended = found.milestones
    assert confirm.due_at == at("2026-02-13T10:00")  # ten weekdays on
    assert "§ 7021" in confirm.citation
    assert "1798.130(a)(2)" in answer.citation and "1798.130(a)(2)" in extended.citation


def test_month_and_business_day_arithmetic() -> None:
    assert add_months(at("2026-01-31T00:00"), 13) == at("2027-02-28T00:00")
    assert add_business_days(at("2026-12-04T00:00"), 1) == at("2026-12-07T00:00")  # Fri -> Mon


def test_an_unknown_law_is_refused() -> None:
    with pytest.raises(InvalidInput, match="gdpr, uk-gdpr, ccpa"):
        deadline("hipaa", at("2026-01-01T00:00"))
