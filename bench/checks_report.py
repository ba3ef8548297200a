"""The compliance report's part of `bench/checks.py`: a quarter of N calls (default 100,000),
loaded by `checks_data.load` with the checks' mix and checked once (so there are findings and a
check run to count), then the report gathered and rendered, each timed: gather (`reports.
gather.build`: every rate, the findings, the QA sample, the period's audit chain verified), the
HTML file, and the PDF. Target: the whole report < 10 s, as HTML and as PDF, on PostgreSQL."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from checks_data import load

from callwarden.checks import runs
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.reports.gather import build
from callwarden.reports.rendering import html_document, pdf

TARGET_S = 10.0
QUARTER_DAYS = 91
READER = Principal("bench:auditor", Role.AUDITOR)


@dataclass
class ReportFigures:
    label: str
    calls: int
    events: int
    gather_s: float
    html_s: float
    pdf_s: float
    pdf_bytes: int

    @property
    def as_html_s(self) -> float:
        return self.gather_s + self.html_s

    @property
    def as_pdf_s(self) -> float:
        return self.gather_s + self.pdf_s


def measure_report(label: str, db: Database, data_dir: Path, calls: int) -> ReportFigures:
    settings = Settings(data_dir=data_dir, database_url=db.url, log_level="warning")
    data_dir.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    loaded = load(db, settings, calls, QUARTER_DAYS)
    print(f"{label}: a quarter of {calls:,} calls loaded in {time.perf_counter() - began:.0f} s",
          flush=True)  # fmt: skip
    with clock.frozen_at(loaded.now):
        with db.unit_of_work() as session:
            runs.run(session, "bench", loaded.period, settings)
        start = time.perf_counter()
        with db.reading() as session:
            report = build(session, READER, loaded.period, settings)
        gathered = time.perf_counter()
        page = html_document(report)
        rendered = time.perf_counter()
        document = pdf(report)
        printed = time.perf_counter()
    figures = ReportFigures(
        label,
        report.calls,
        report.chain.events,
        gathered - start,
        rendered - gathered,
        printed - rendered,
        len(document),
    )
    print(
        f"{label}: the report of {figures.calls:,} calls ({figures.events:,} audit events): "
        f"gather {figures.gather_s:.2f} s, HTML {figures.html_s:.2f} s ({len(page):,} chars), "
        f"PDF {figures.pdf_s:.2f} s ({figures.pdf_bytes:,} bytes); as HTML "
        f"{figures.as_html_s:.2f} s, as PDF {figures.as_pdf_s:.2f} s (target < {TARGET_S:.0f} s)",
        flush=True,
    )
    return figures


def report_table(results: list[ReportFigures]) -> None:
    print()
    for figures in results:
        print(
            f"report, {figures.label} ({figures.calls:,} calls in a quarter): "
            f"as HTML {figures.as_html_s:.2f} s, as PDF {figures.as_pdf_s:.2f} s "
            f"(gather {figures.gather_s:.2f} s of each; target < {TARGET_S:.0f} s)"
        )
