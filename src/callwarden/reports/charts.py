"""The compliance report's charts: matplotlib figures drawn straight to SVG, made to be inlined.

Each chart is a `Figure` of its own with the SVG canvas (never pyplot, whose figures are global
state shared by every thread), its text kept as text (so it can be read, searched and copied in
the HTML and the PDF) and its ids salted with a fixed value, so the same report always draws the
same bytes. matplotlib writes its styling as `style=` attributes and a `<style>` element, which
the console's Content-Security-Policy blocks; `_inlineable` turns every declaration into the
equivalent SVG presentation attribute, which CSP allows, so one SVG serves the console page, the
standalone HTML file and the PDF alike. Every chart carries a `<title>` and a `<desc>` and comes
with the table of its numbers, for readers who cannot see it.
"""

from __future__ import annotations

import io
import math
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from callwarden.qa.rates import wilson
from callwarden.reports.model import Indicator

SVG = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

# Most severe first: the order of the stacks, the legend and the table's columns.
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
SEVERITY_COLOURS = {
    "critical": "#7f0000",
    "high": "#d7301f",
    "medium": "#fc8d59",
    "low": "#4575b4",
    "info": "#969696",
}
LINE = "#1f4e79"
BAND = "#9ecae1"
TARGET = "#444444"

# Read by matplotlib's SVG writer from the global rcParams at save time; `_DRAWING` keeps two
# threads from restoring each other's values half-way through a drawing.
_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "callwarden-report",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
}
_DRAWING = threading.Lock()


@dataclass(frozen=True)
class Chart:
    """An inlineable SVG and the same numbers as a table (column names, formatted rows)."""

    key: str
    title: str
    description: str
    svg: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def week_label(week: date, *, year: bool = False) -> str:
    """A week by its Monday, as people write it: "6 Jul" (or "6 Jul 2026")."""
    return f"{week.day} {week.strftime('%b')}" + (f" {week.year}" if year else "")


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def indicator_trend(indicator: Indicator) -> Chart:
    """The weekly rate of one indicator on a 0–100% scale: the target as a dashed line when the
    policy sets one and, for a sampled indicator, each week's Wilson 95% interval as a band."""
    with _drawing():
        return _indicator_trend(indicator)


def _indicator_trend(indicator: Indicator) -> Chart:
    points = indicator.weekly
    labels = [week_label(p.week) for p in points]
    rates = [p.numerator / p.denominator if p.denominator else math.nan for p in points]
    intervals = [wilson(p.numerator, p.denominator) for p in points]
    figure, axes = _figure()
    xs = list(range(len(points)))
    if indicator.sampled:
        lows = [r.low * 100 if r.n else math.nan for r in intervals]
        highs = [r.high * 100 if r.n else math.nan for r in intervals]
        axes.fill_between(xs, lows, highs, color=BAND, alpha=0.6, linewidth=0, label="95% CI")
    axes.plot(
        xs, [r * 100 for r in rates], color=LINE, marker="o", markersize=3, label=indicator.title
    )
    if indicator.target is not None:
        axes.axhline(
            indicator.target * 100, color=TARGET, linestyle="--", linewidth=1, label="target"
        )
    axes.set_ylim(0, 104)  # room above 100% for the line and its markers, not clipped
    axes.set_yticks(range(0, 101, 20))
    axes.set_ylabel("% of the week")
    axes.yaxis.set_major_formatter("{x:.0f}%")
    _week_axis(axes, labels)
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1), ncols=3, fontsize=7, frameon=False)
    rows = []
    for point, interval in zip(points, intervals, strict=True):
        shown = (
            f"{_percent(interval.estimate)} ({point.numerator:,} of {point.denominator:,})"
            if interval.n
            else "no calls (0 of 0)"
        )
        row = [week_label(point.week, year=True), shown]
        if indicator.sampled:
            row.append(f"{_percent(interval.low)}–{_percent(interval.high)}" if interval.n else "—")
        rows.append(tuple(row))
    columns = ("Week of", "Rate (count)") + (("95% CI",) if indicator.sampled else ())
    target = f"; the target is {_percent(indicator.target)}" if indicator.target else ""
    measured = [r for r in intervals if r.n]
    span = (
        f"from {_percent(min(r.estimate for r in measured))} "
        f"to {_percent(max(r.estimate for r in measured))}"
        if measured
        else "with no week measured"
    )
    description = f"{indicator.title}, week by week over {len(points)} weeks, {span}{target}." + (
        " The band is each week's 95% confidence interval." if indicator.sampled else ""
    )
    title = f"{indicator.title}: weekly trend"
    svg = _inlineable(_draw(figure), f"chart-{indicator.key}", title, description)
    return Chart(indicator.key, title, description, svg, columns, tuple(rows))


def findings_by_week(weeks: Sequence[tuple[date, dict[str, int]]]) -> Chart:
    """Findings opened in each week, stacked by severity (most severe at the bottom)."""
    with _drawing():
        return _findings_by_week(weeks)


def _findings_by_week(weeks: Sequence[tuple[date, dict[str, int]]]) -> Chart:
    severities = severities_in(counts for _, counts in weeks)
    labels = [week_label(week) for week, _ in weeks]
    figure, axes = _figure()
    xs = list(range(len(weeks)))
    bottoms = [0] * len(weeks)
    for severity in severities:
        heights = [counts.get(severity, 0) for _, counts in weeks]
        axes.bar(
            xs,
            heights,
            bottom=bottoms,
            color=SEVERITY_COLOURS.get(severity, "#bdbdbd"),
            label=severity,
            width=0.7,
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_ylabel("findings opened")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max([*bottoms, 1]) * 1.1)
    _week_axis(axes, labels)
    if severities:
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1), fontsize=7, frameon=False, ncols=5)
    rows = tuple(
        (
            week_label(week, year=True),
            *(str(counts.get(s, 0)) for s in severities),
            str(sum(counts.values())),
        )
        for week, counts in weeks
    )
    total = sum(bottoms)
    busiest = max(range(len(weeks)), key=lambda i: bottoms[i]) if weeks else None
    description = f"Findings opened per week over {len(weeks)} weeks, {total} in all" + (
        f"; the most in the week of {week_label(weeks[busiest][0], year=True)} "
        f"({bottoms[busiest]})."
        if busiest is not None and total
        else "."
    )
    title = "Findings opened per week, by severity"
    svg = _inlineable(_draw(figure), "chart-findings", title, description)
    return Chart("findings", title, description, svg, ("Week of", *severities, "All"), rows)


def severities_in(weeks: Iterable[dict[str, int]]) -> list[str]:
    """The severities that occur, in the order of `SEVERITY_ORDER` (unknown ones after)."""
    seen = {severity for counts in weeks for severity, n in counts.items() if n}
    known = [s for s in SEVERITY_ORDER if s in seen]
    return known + sorted(seen - set(SEVERITY_ORDER))


@contextmanager
def _drawing() -> Iterator[None]:
    """matplotlib reads fonts at an artist's creation and the SVG settings at saving, both from
    the global rcParams: the whole drawing happens inside one locked `rc_context`."""
    with _DRAWING, matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        yield


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=(6.4, 2.6))
    FigureCanvasSVG(figure)
    # Fixed margins, not the constrained layout: it would halve the drawing's speed, and every
    # chart has the same furniture (a legend above, week labels below).
    figure.subplots_adjust(left=0.115, right=0.98, bottom=0.2, top=0.86)
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def _week_axis(axes: Axes, labels: list[str]) -> None:
    """One tick a week; on a long period every second or fourth is labelled, so none overlap."""
    step = max(1, math.ceil(len(labels) / 8))
    axes.set_xticks(range(len(labels)), [t if i % step == 0 else "" for i, t in enumerate(labels)])
    axes.set_xlim(-0.6, max(len(labels) - 0.4, 0.6))
    axes.set_xlabel("week beginning (Monday, UTC)")


def _draw(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _inlineable(svg: str, prefix: str, title: str, description: str) -> str:
    """matplotlib's SVG made fit to sit inside an HTML page under a strict CSP: no XML prolog or
    DOCTYPE, no metadata, every `style` declaration as a presentation attribute, the `<style>`
    element's rule for all elements set on the root (where it is inherited), `xlink:href` as
    `href`, ids prefixed so two
    charts on one page cannot collide, and a `<title>`/`<desc>` the `<svg>` is labelled by."""
    root = ET.fromstring(svg)  # noqa: S314 — our own matplotlib output, not outside input
    unwanted = [
        (parent, child)
        for parent in root.iter()
        for child in parent
        if child.tag in (f"{{{SVG}}}metadata", f"{{{SVG}}}style")
    ]
    for parent, child in unwanted:
        if child.tag == f"{{{SVG}}}style":
            _apply(root, _rule_body(child.text or ""), override=False)
        parent.remove(child)
    for parent in [p for p in root.iter() if any(c.tag == f"{{{SVG}}}defs" for c in p)]:
        for defs in [c for c in parent if c.tag == f"{{{SVG}}}defs" and not len(c)]:
            parent.remove(defs)
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            _apply(element, style, override=True)
        if XLINK_HREF in element.attrib:  # SVG 2's plain `href`: no second namespace to declare
            element.set("href", element.attrib.pop(XLINK_HREF))
        for name, value in list(element.attrib.items()):
            element.set(name, _prefixed(name, value, prefix))
    _flatten(root)
    label = ET.Element(f"{{{SVG}}}title", id=f"{prefix}-title")
    label.text = title
    desc = ET.Element(f"{{{SVG}}}desc", id=f"{prefix}-desc")
    desc.text = description
    root.insert(0, desc)
    root.insert(0, label)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    root.set("class", "chart")
    # Plain tag names and an `xmlns` attribute, never `ET.register_namespace`: that map is
    # global, and the HTML parser WeasyPrint uses reads it (a registered "" turns its `<svg>`
    # into `ns0:svg`, which it then lays out as text).
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG}}}")
    root.set("xmlns", SVG)
    return ET.tostring(root, encoding="unicode")


def _flatten(root: ET.Element) -> None:
    """Unwrap the `<g>` matplotlib puts around every artist when it carries nothing but an id
    nobody refers to: a third of the elements, each of which the PDF's SVG engine styles and
    walks (the chart looks the same without them)."""
    text = ET.tostring(root, encoding="unicode")
    referenced = {match.split(")")[0].split('"')[0] for match in text.split("#")[1:] if match}

    def unwrap(parent: ET.Element) -> None:
        children: list[ET.Element] = []
        for child in parent:
            unwrap(child)
            bare = child.tag == f"{{{SVG}}}g" and set(child.attrib) <= {"id"}
            if bare and child.get("id") not in referenced and not (child.text or "").strip():
                children.extend(child)
            else:
                children.append(child)
        parent[:] = children

    unwrap(root)


def _rule_body(css: str) -> str:
    """The declarations of matplotlib's one rule, `*{...}`."""
    start, end = css.find("{"), css.rfind("}")
    return css[start + 1 : end] if start >= 0 and end > start else ""


def _apply(element: ET.Element, declarations: str, *, override: bool) -> None:
    for declaration in declarations.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name and value and (override or name not in element.attrib):
            element.set(name, value)


def _prefixed(name: str, value: str, prefix: str) -> str:
    if name == "id":
        return f"{prefix}-{value}"
    if name.endswith("href") and value.startswith("#"):
        return f"#{prefix}-{value[1:]}"
    if "url(#" in value:
        return value.replace("url(#", f"url(#{prefix}-")
    return value
