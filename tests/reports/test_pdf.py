"""The report as a PDF: A4, its text extractable (the period, the key figures, the page
numbers in the margins) and its charts drawn as vector graphics, not spilled out as text."""

from __future__ import annotations

import io

from pypdf import PdfReader

from callwarden.reports import rendering
from tests.support.reports import empty_report, sample_report

A4 = (595, 842)  # points


def _pages(document: bytes) -> list[str]:
    return [
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(document)).pages
    ]


def test_the_pdf_carries_the_period_figures_and_page_numbers() -> None:
    report = sample_report()
    document = rendering.pdf(report)
    assert document.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(document))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == A4
    pages = _pages(document)
    text = " ".join(pages)
    assert "1 July – 30 September 2026" in pages[0]
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, 1))
    assert all("1 July – 30 September 2026" in page for page in pages[1:])  # the top margin
    counted, sampled = report.indicators[0], report.indicators[-1]
    assert f"{counted.rate.successes:,} of {counted.rate.n:,}" in text
    assert sampled.rate.describe() in text
    assert report.disclaimer.split(";")[0] in text
    # The charts' text is real text in the PDF, and their <title>/<desc> are not printed: had
    # WeasyPrint not drawn an <svg>, it would have laid its text out as a paragraph.
    assert "week beginning (Monday, UTC)" in text
    assert "weekly trendRecorded" not in text.replace(" ", "")
    assert "week by week over 14 weeks" not in text


def test_an_empty_period_is_a_one_page_pdf_that_says_so() -> None:
    pages = _pages(rendering.pdf(empty_report()))
    assert len(pages) == 1
    assert empty_report().notes[0] in pages[0]


def test_a_large_report_keeps_every_notable_finding_and_team() -> None:
    report = sample_report(teams=30, notable=50)
    text = " ".join(_pages(rendering.pdf(report)))
    assert all(str(f.finding_id) in text for f in report.notable)
    assert all(t.team in text for t in report.teams)
