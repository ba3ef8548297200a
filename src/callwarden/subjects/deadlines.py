"""When a data-subject request must be answered, by law, with the rule behind each date.

The ONE place the deadline rules live. Not legal advice: these are the statutory periods as we
read them, with the points we are unsure of said so (`uncertain`), for an organisation's counsel
to confirm. Pure: values in, values out.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from callwarden.kit.errors import InvalidInput

NOT_LEGAL_ADVICE = (
    "Not legal advice: statutory periods as callwarden reads them; confirm with your counsel."
)
LAWS = ("gdpr", "uk-gdpr", "ccpa")


@dataclass(frozen=True)
class Milestone:
    """One thing due by one moment, and the rule that says so."""

    what: str
    due_at: datetime
    citation: str
    uncertain: str | None = None


@dataclass(frozen=True)
class Deadline:
    law: str
    due_at: datetime  # the answer, unless extended
    latest_if_extended: datetime
    milestones: tuple[Milestone, ...]
    notice: str = NOT_LEGAL_ADVICE


def add_months(moment: datetime, months: int) -> datetime:
    """The same day of the month `months` later; a day the month lacks becomes its last
    (31 January + 1 month = 28 or 29 February), as the ICO's guidance counts a month."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def add_business_days(moment: datetime, days: int) -> datetime:
    """`days` weekdays later (weekends skipped; public holidays are not known here)."""
    current = moment
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


_MONTH_COUNT = (
    "We count a month to the same date in the next month (the last day of that month when it "
    "has no such date) and do not move a date that falls on a weekend or public holiday, "
    "which the ICO's guidance allows for UK GDPR; EU Regulation 1182/71 on periods may count "
    "differently."
)
_ID_CLOCK = (
    "Where identity had to be verified first, regulators say the period may run from when it "
    "was; we count from the received time you give."
)


def _gdpr(law: str, received: datetime) -> Deadline:
    name = "UK GDPR" if law == "uk-gdpr" else "GDPR"
    article = f"{name} Art. 12(3)"
    due = add_months(received, 1)
    latest = add_months(received, 3)
    return Deadline(
        law=law,
        due_at=due,
        latest_if_extended=latest,
        milestones=(
            Milestone(
                "Answer the request, or tell the person it is extended and why",
                due,
                f"{article}: without undue delay and in any event within one month of receipt",
                f"{_MONTH_COUNT} {_ID_CLOCK}",
            ),
            Milestone(
                "Answer an extended request (complex or numerous requests only)",
                latest,
                f"{article}: extendable by two further months where necessary",
                _MONTH_COUNT,
            ),
        ),
    )


def _ccpa(received: datetime) -> Deadline:
    due = received + timedelta(days=45)
    latest = received + timedelta(days=90)
    confirm = add_business_days(received, 10)
    return Deadline(
        law="ccpa",
        due_at=due,
        latest_if_extended=latest,
        milestones=(
            Milestone(
                "Confirm receipt and say how the request will be handled",
                confirm,
                "Cal. Code Regs. tit. 11, § 7021(a): within 10 business days",
                "Business days counted without California's public holidays.",
            ),
            Milestone(
                "Answer the request, or give notice of an extension within this period",
                due,
                "Cal. Civ. Code § 1798.130(a)(2): within 45 days of receiving a verifiable "
                "consumer request",
                "Counted in calendar days from receipt; " + _ID_CLOCK.lower(),
            ),
            Milestone(
                "Answer an extended request",
                latest,
                "Cal. Civ. Code § 1798.130(a)(2): extendable once by an additional 45 days "
                "when reasonably necessary",
            ),
        ),
    )


def deadline(law: str, received_at: datetime) -> Deadline:
    """The deadline and what is due when, for a request received at `received_at`."""
    if law in ("gdpr", "uk-gdpr"):
        return _gdpr(law, received_at)
    if law == "ccpa":
        return _ccpa(received_at)
    raise InvalidInput(f"law: use one of {', '.join(LAWS)}, not {law!r}")
