"""The compliance report for people: a standalone HTML file, the same as a PDF, and the body
the console page shows.

One autoescaping Jinja2 environment of the report's own (the console has another): every name,
summary and citation in a report came from someone's input and is escaped; the only markup let
through unescaped is the charts' SVG, which `charts` builds with ElementTree (which escapes
every text and attribute it writes). The standalone file carries its CSS and charts inside it, so
it can be mailed to an auditor and read offline; the PDF is that file through WeasyPrint, whose
`@page` rules put the period and the page numbers in the margins.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from callwarden.reports import charts, wording
from callwarden.reports.charts import Chart
from callwarden.reports.model import ComplianceReport, Method

TEMPLATES = Path(__file__).parent / "templates"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(moment=wording.moment, percent=wording.percent, count=wording.count)


@dataclass(frozen=True)
class Drawn:
    """A chart ready for a template: its SVG as markup and its table."""

    chart: Chart
    svg: Markup


def title(report: ComplianceReport) -> str:
    """ "Compliance report — Northwind Mutual"; without the organisation's name, just the kind."""
    return "Compliance report" + (f" — {report.organisation}" if report.organisation else "")


def draw(report: ComplianceReport) -> list[Drawn]:
    """The report's charts: each measured indicator's weekly trend, then the findings per week.
    A report of an empty period, or an indicator nothing was measured for, draws none."""
    if report.empty:
        drawn = []
    else:
        drawn = [
            charts.indicator_trend(indicator)
            for indicator in report.indicators
            if indicator.rate.n and indicator.weekly
        ]
    if any(sum(week.values()) for _, week in report.findings_weekly):
        drawn.append(charts.findings_by_week(report.findings_weekly))
    # The SVG is ours: ElementTree wrote it, escaping every text and attribute.
    return [Drawn(chart, Markup(chart.svg)) for chart in drawn]  # noqa: S704


def _context(report: ComplianceReport) -> dict[str, Any]:
    severities = charts.severities_in(check.by_severity for check in report.findings)
    return {
        "report": report,
        "title": title(report),
        "period": wording.period(report),
        "summary": wording.summary(report),
        "indicators": [
            {
                "indicator": indicator,
                "figure": wording.figure(indicator),
                "verdict": wording.against_target(indicator).removeprefix("is ").capitalize(),
            }
            for indicator in report.indicators
        ],
        "charts": draw(report),
        "severities": severities,
        "statuses": _statuses(report),
        "chain": wording.chain(report.chain),
        "methods": _methods(report),
        "wording": wording,
    }


def _methods(report: ComplianceReport) -> list[Method]:
    """What each figure counts: the report's methods and its sections', and before them each
    indicator's `counts` that the methods do not already describe under its title."""
    given = [*report.methods, *(m for section in report.sections for m in section.methods)]
    described = {method.figure for method in given}
    own = [
        Method(indicator.title, indicator.counts)
        for indicator in report.indicators
        if indicator.title not in described
    ]
    return own + given


def _statuses(report: ComplianceReport) -> list[str]:
    known = ("open", "acknowledged", "resolved", "accepted_risk", "superseded")
    seen = {status for check in report.findings for status in check.by_status}
    return [s for s in known if s in seen] + sorted(seen - set(known))


def html_fragment(report: ComplianceReport) -> Markup:
    """The report's body (summary to disclaimer, headings from `<h2>`), with no `<style>` and
    no `style=`: what the console shows inside its own page under its CSP."""
    return Markup(environment.get_template("compliance_body.html.j2").render(_context(report)))  # noqa: S704


def html_document(report: ComplianceReport) -> str:
    """The whole report as one HTML file, CSS and charts inside, to read offline or print."""
    context = _context(report)
    context["body"] = Markup(  # noqa: S704
        environment.get_template("compliance_body.html.j2").render(context)
    )
    return environment.get_template("compliance_document.html.j2").render(context)


def pdf(report: ComplianceReport) -> bytes:
    """The report as an A4 PDF (WeasyPrint, imported here: only the PDF needs it)."""
    from weasyprint import HTML

    document: bytes = HTML(string=html_document(report)).write_pdf()
    return document
