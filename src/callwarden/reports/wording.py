"""The report's figures and summary in words, the same in every human format (HTML, PDF, the
console page): a reader outside the team should not need anyone to explain a number.

A sampled figure is an estimate and is shown with its interval and sample size
(`Rate.describe`); a figure that counts every call is exact and is shown as "n of N". A rate of
nothing is never a percentage.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from callwarden.qa.rates import Rate
from callwarden.reports.model import ChainStatus, ComplianceReport, Indicator

OPEN_STATUSES = ("open", "acknowledged")


def day(moment: date) -> str:
    """A date as people write it: "1 July 2026"."""
    return f"{moment.day} {moment.strftime('%B %Y')}"


def moment(value: datetime | None) -> str:
    """A moment in UTC, unambiguous: "2026-10-02 08:30 UTC"."""
    if value is None:
        return "—"
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return utc.strftime("%Y-%m-%d %H:%M UTC")


def days(report: ComplianceReport) -> tuple[date, date]:
    """The period's first and last days (its end is exclusive)."""
    first = report.period_start.astimezone(UTC).date()
    last = (report.period_end.astimezone(UTC) - timedelta(microseconds=1)).date()
    return first, last


def _first(first: date, last: date) -> str:
    return f"{first.day} {first.strftime('%B')}" if first.year == last.year else day(first)


def period(report: ComplianceReport) -> str:
    """The period as a heading: "1 July – 30 September 2026" (a year named once if one)."""
    first, last = days(report)
    return day(first) if first == last else f"{_first(first, last)} – {day(last)}"


def period_in_words(report: ComplianceReport) -> str:
    """The period inside a sentence: "from 1 July to 30 September 2026"."""
    first, last = days(report)
    return f"on {day(first)}" if first == last else f"from {_first(first, last)} to {day(last)}"


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def count(rate: Rate) -> str:
    """An exact figure: "98.7% (2,301 of 2,331)"; with nothing to count, says so."""
    if rate.n == 0:
        return "nothing to count (0 of 0)"
    return f"{percent(rate.estimate)} ({rate.successes:,} of {rate.n:,})"


def figure(indicator: Indicator) -> str:
    """An indicator's rate: an estimate with its interval when sampled, a count otherwise."""
    return indicator.rate.describe() if indicator.sampled else count(indicator.rate)


def against_target(indicator: Indicator) -> str:
    """ "meets the target of 99.0%", "is below the target of 99.0%", or "" with no target (it
    follows "which" in a sentence). A sampled rate meets the target only when its whole interval
    does, is below it when its whole interval is, and "may be below" it otherwise."""
    if indicator.target is None or indicator.rate.n == 0:
        return ""
    target = percent(indicator.target)
    rate = indicator.rate
    if indicator.sampled:
        if rate.low >= indicator.target:
            return f"meets the target of {target}"
        if rate.high < indicator.target:
            return f"is below the target of {target}"
        return f"may be below the target of {target} (its interval includes the target)"
    if rate.estimate >= indicator.target:
        return f"meets the target of {target}"
    return f"is below the target of {target}"


def chain(status: ChainStatus) -> str:
    """The audit trail's state in plain words."""
    if status.events == 0:
        text = "The audit trail recorded no events in this period."
    elif status.verified:
        text = (
            f"The audit trail's {status.events:,} events in this period (numbers "
            f"{status.first_seq:,} to {status.last_seq:,}) verify: each event's hash follows "
            "from the one before it, back to the anchor before the period, so none has been "
            "changed, removed or inserted."
        )
    else:
        text = (
            "The audit trail does NOT verify for this period: "
            f"{status.problem or 'the hashes do not follow from each other'}. Events from this "
            "point on cannot be relied on until the cause is found; treat it as a security "
            "incident."
        )
    if status.checkpoint_seq is not None:
        text += (
            f" The newest signed checkpoint covering them is at event {status.checkpoint_seq:,}, "
            f"signed {moment(status.checkpoint_at)}."
        )
    elif status.events:
        text += " No signed checkpoint covers these events yet."
    return text


def summary(report: ComplianceReport) -> list[list[str]]:
    """The report's opening in paragraphs of sentences: the calls and the rates; the findings,
    the QA sample and the audit trail; then the report's notes."""
    when = period_in_words(report)
    if report.empty:  # `gather` says so in its notes; a report made otherwise still says it
        return [
            list(report.notes)
            or [
                f"No calls were made {when}, so this report shows no rates: there was nothing "
                "to measure."
            ]
        ]
    sentences = [
        f"{when[0].upper()}{when[1:]}, {report.calls:,} calls were handled and "
        f"{report.recordings:,} recordings stored."
    ]
    for indicator in report.indicators:
        if indicator.rate.n == 0:
            sentences.append(f"{indicator.title}: nothing to measure in this period.")
            continue
        verdict = against_target(indicator)
        sentences.append(
            f"{indicator.title}: {figure(indicator)}" + (f", which {verdict}." if verdict else ".")
        )
    opened = sum(sum(week.values()) for _, week in report.findings_weekly)
    still_open = sum(
        n for check in report.findings for s, n in check.by_status.items() if s in OPEN_STATUSES
    )
    serious = sum(
        check.by_severity.get("critical", 0) + check.by_severity.get("high", 0)
        for check in report.findings
    )
    then = [
        f"The checks opened {opened:,} findings in the period ({serious:,} high or critical "
        f"among all the period's findings); {still_open:,} are still open or acknowledged."
    ]
    if report.qa.evaluations:
        then.append(
            f"QA reviewers evaluated {report.qa.evaluations:,} sampled calls; "
            f"{report.qa.pass_rate.describe()} passed."
        )
    then.append(
        "The audit trail verifies."
        if report.chain.verified
        else "The audit trail does NOT verify — see below."
    )
    return [sentences, then] + ([list(report.notes)] if report.notes else [])
