"""The report as JSON: the `ComplianceReport` tree as it stands, in a fixed key order.

Keys follow the model's field order (and the severity order `gather` chose for counts), so
two reports of the same data are the same text and diff cleanly; moments and days are ISO
8601; every rate carries its interval and the sentence a person reads (`Rate.describe`), so a
consumer needs no arithmetic of its own to show one honestly.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any

from callwarden.qa.rates import Rate
from callwarden.reports.model import ComplianceReport

FORMAT = "callwarden-compliance-report"
VERSION = 1


def rate_json(rate: Rate) -> dict[str, Any]:
    return {
        "successes": rate.successes,
        "n": rate.n,
        "estimate": rate.estimate,
        "low": rate.low,
        "high": rate.high,
        "text": rate.describe(),
    }


def _value(value: Any) -> Any:
    if isinstance(value, Rate):
        return rate_json(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {item.name: _value(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, dict):
        return {str(key): _value(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_value(item) for item in value]
    return value


def as_json(report: ComplianceReport) -> dict[str, Any]:
    """The report as a JSON-ready dict (`json.dumps` it as is)."""
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for item in fields(report):
        value = getattr(report, item.name)
        if item.name == "findings_weekly":
            document[item.name] = [
                {"week": week.isoformat(), "opened": dict(opened)} for week, opened in value
            ]
        else:
            document[item.name] = _value(value)
    return document
