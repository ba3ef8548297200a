"""The report as a standalone HTML file: every figure a reader needs, in words they can read
without help, hostile text escaped, and an empty period that shows no rates of nothing."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

from callwarden.reports import rendering
from callwarden.reports.model import Method
from tests.support.reports import empty_report, sample_report


class Page(HTMLParser):
    """The parsed page: its elements (tag, attributes), the text under each id'd section and
    table rows as lists of cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._skip = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("style", "svg"):
            self._skip += 1
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "svg"):
            self._skip -= 1
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def words(self) -> str:
        return " ".join("".join(self.text).split())

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    def row(self, first: str) -> list[str]:
        return next(r for r in self.rows if r and r[0] == first)


def test_the_document_names_the_organisation_period_and_moment() -> None:
    report = replace(sample_report(), organisation="Northwind Mutual")
    page = Page(rendering.html_document(report))
    assert "Compliance report — Northwind Mutual" in page.words
    assert "1 July – 30 September 2026" in page.words
    assert "Generated 2026-10-02 08:30 UTC by user:officer" in page.words
    assert page.tags("style"), "the CSS travels inside the file"
    assert not page.tags("link") and not page.tags("script")


def test_indicators_are_counts_or_estimates_with_their_interval() -> None:
    report = sample_report()
    page = Page(rendering.html_document(report))
    counted, sampled = report.indicators[0], report.indicators[-1]
    row = page.row(counted.title)
    assert (
        row[1]
        == f"{counted.rate.estimate * 100:.1f}% ({counted.rate.successes:,} of {counted.rate.n:,})"
    )
    assert row[2].startswith("Below the target of 99.0%")  # 95.8% of 99.0%
    assert row[3] == "every call counted"
    row = page.row(sampled.title)
    assert row[1] == sampled.rate.describe()
    assert "95% CI" in row[1] and f"n={sampled.rate.n}" in row[1]
    assert row[3] == "sampled (estimate)"
    figure = page.row(counted.title)[1]
    assert f"{counted.title}: {figure}, which is below the target of 99.0%." in page.words


def test_every_part_of_the_report_is_there() -> None:
    report = sample_report()
    html = rendering.html_document(report)
    page = Page(html)
    assert len(page.tags("svg")) == len(report.indicators) + 1  # each trend and the findings
    assert len(page.tags("figure")) == len(page.tags("svg"))
    check = report.findings[0]
    cells = page.row(f"{check.title} ({check.check})")
    assert cells[1:5] == [str(check.by_severity[s]) for s in ("critical", "high", "medium", "low")]
    for finding in report.notable:
        assert any(r[0] == str(finding.finding_id) and finding.summary in r for r in page.rows)
    team = report.teams[1]
    cells = page.row(team.team)
    assert cells[1] == f"{team.calls:,}" and cells[7] == team.qa_pass.describe()
    item = report.qa.items[0]
    assert [item.scorecard, item.question, item.rate.describe()] in page.rows
    assert "Verified. The audit trail's 18,342 events" in page.words
    assert "Training and acknowledgements" in page.words
    assert ["Call recording basics", "120", "117"] in page.rows
    assert "Methods" in page.words and "a stratified random sample" in page.words
    assert report.disclaimer in page.words
    # The numbers of each chart are a table beside it, for readers who cannot see the chart.
    assert ["Week of", "Rate (count)", "95% CI"] in page.rows


def test_a_broken_audit_trail_is_said_in_plain_words() -> None:
    report = sample_report(chain_problem="event 120,500's hash does not follow from 120,499")
    page = Page(rendering.html_document(report))
    assert (
        "Not verified. The audit trail does NOT verify for this period: event 120,500's"
        in page.words
    )
    assert "The audit trail does NOT verify — see below." in page.words


def test_hostile_text_is_escaped_everywhere() -> None:
    report = sample_report(
        team_name="<script>alert('team')</script>",
        finding_summary='Agent said <b onmouseover="steal()">hello</b> & left',
    )
    report = replace(report, organisation="<img src=x onerror=alert(1)>")
    html = rendering.html_document(report)
    page = Page(html)
    assert not page.tags("script") and not page.tags("b")
    assert not [attrs for _, attrs in page.elements if "onerror" in attrs or "onmouseover" in attrs]
    assert page.row("<script>alert('team')</script>")  # shown as the text it is
    assert 'Agent said <b onmouseover="steal()">hello</b> & left' in page.words
    assert "Compliance report — <img src=x onerror=alert(1)>" in page.words
    assert "&lt;script&gt;" in html


def test_an_empty_period_says_so_and_shows_no_rates() -> None:
    page = Page(rendering.html_document(replace(empty_report(), notes=())))
    assert "No calls were made from 1 July to 30 September 2026" in page.words
    noted = Page(rendering.html_document(empty_report()))
    assert empty_report().notes[0] in noted.words and "No calls were made from" not in noted.words
    assert "%" not in page.words.replace("95%", "")  # the methods' wording, not a figure
    assert not page.tags("svg")
    assert "Indicators" not in page.words and "By team" not in page.words
    assert "No check found anything in this period." in page.words
    assert "The audit trail recorded no events in this period." in page.words


def test_the_console_fragment_has_no_style_for_the_csp_to_block() -> None:
    fragment = str(rendering.html_fragment(sample_report()))
    page = Page(fragment)
    assert not page.tags("style") and not page.tags("h1")
    assert not [attrs for _, attrs in page.elements if "style" in attrs]
    assert len(page.tags("svg")) == 6


def test_each_figure_is_described_once_in_the_methods() -> None:
    report = sample_report()
    described = Method(report.indicators[0].title, "as the gathering words it")
    html = rendering.html_document(replace(report, methods=(described, *report.methods)))
    assert html.count(f"<dt>{report.indicators[0].title}</dt>") == 1
    assert "<dd>as the gathering words it</dd>" in html
    assert f"<dt>{report.indicators[1].title}</dt><dd>{report.indicators[1].counts}</dd>" in html
