"""The report's charts: SVG that inlines in a page under the console's CSP, draws the same
bytes every time, says what it shows in words and carries its numbers as a table."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

from callwarden.reports import charts
from tests.support.reports import sample_report

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_a_trend_is_inlineable_svg_with_no_style_for_the_csp_to_block() -> None:
    indicator = sample_report().indicators[0]
    chart = charts.indicator_trend(indicator)
    assert chart.svg.startswith("<svg ")  # no XML prolog, no DOCTYPE
    assert "<!DOCTYPE" not in chart.svg and "<?xml" not in chart.svg
    root = _parse(chart.svg)
    assert root.tag == f"{SVG}svg"
    assert not [e for e in root.iter() if "style" in e.attrib]
    assert not list(root.iter(f"{SVG}style"))
    assert not list(root.iter(f"{SVG}metadata"))
    # The styling survived as presentation attributes, the stylesheet's rule on the root.
    assert root.get("stroke-linejoin") == "round"
    assert any(e.get("stroke-dasharray") for e in root.iter())  # the target's dashed line


def test_text_stays_text_and_the_chart_is_labelled() -> None:
    chart = charts.indicator_trend(sample_report().indicators[0])
    root = _parse(chart.svg)
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert {"100%", "0%", "29 Jun"} <= texts
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Recorded as decided: weekly trend"
    assert desc is not None and "over 14 weeks" in (desc.text or "")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_the_same_report_draws_the_same_bytes() -> None:
    indicator = sample_report().indicators[-1]
    assert charts.indicator_trend(indicator).svg == charts.indicator_trend(indicator).svg


def test_two_charts_on_one_page_share_no_id() -> None:
    report = sample_report()
    ids: list[str] = []
    for svg in [charts.indicator_trend(i).svg for i in report.indicators] + [
        charts.findings_by_week(report.findings_weekly).svg
    ]:
        root = _parse(svg)
        ids += [e.get("id", "") for e in root.iter() if e.get("id")]
        references = [v for e in root.iter() for v in e.attrib.values() if "url(#" in v]
        assert references, "the plot area is clipped by reference"
        own = {e.get("id") for e in root.iter()}
        assert all(r.split("url(#")[1].rstrip(")") in own for r in references)
    assert len(ids) == len(set(ids))


def test_a_sampled_indicator_shows_its_interval_as_a_band_and_in_its_table() -> None:
    report = sample_report()
    sampled = next(i for i in report.indicators if i.sampled)
    chart = charts.indicator_trend(sampled)
    assert chart.columns == ("Week of", "Rate (count)", "95% CI")
    assert "95% CI" in {"".join(t.itertext()) for t in _parse(chart.svg).iter(f"{SVG}text")}
    first = sampled.weekly[0]
    assert chart.rows[0][0] == "29 Jun 2026"
    assert chart.rows[0][1].endswith(f"({first.numerator} of {first.denominator})")
    counted = charts.indicator_trend(report.indicators[0])
    assert counted.columns == ("Week of", "Rate (count)")


def test_a_week_without_calls_is_a_gap_not_zero() -> None:
    indicator = sample_report().indicators[0]
    weeks = list(indicator.weekly)
    weeks[3] = replace(weeks[3], numerator=0, denominator=0)
    chart = charts.indicator_trend(replace(indicator, weekly=tuple(weeks)))
    assert chart.rows[3][1] == "no calls (0 of 0)"


def test_findings_stack_by_severity_most_severe_first() -> None:
    weeks = (
        (date(2026, 7, 6), {"low": 2, "critical": 1}),
        (date(2026, 7, 13), {"medium": 4, "other": 1}),
    )
    chart = charts.findings_by_week(weeks)
    assert chart.columns == ("Week of", "critical", "medium", "low", "other", "All")
    assert chart.rows == (
        ("6 Jul 2026", "1", "0", "2", "0", "3"),
        ("13 Jul 2026", "0", "4", "0", "1", "5"),
    )
    assert "8 in all" in chart.description and "13 Jul 2026 (5)" in chart.description
    legend = {"".join(t.itertext()) for t in _parse(chart.svg).iter(f"{SVG}text")}
    assert {"critical", "medium", "low"} <= legend
