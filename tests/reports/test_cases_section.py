"""The report's cases section, through `reports.gather.build`: per kind, the period's cases
filed, decided by outcome, appealed, open and overdue at its end, and the working days to a
decision; in words, a table and the JSON's numbers, and never who or what a case is about."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.reports import rendering
from callwarden.reports.gather import build
from callwarden.reports.json_form import as_json
from callwarden.reports.model import ComplianceReport, Section
from callwarden.reports.periods import of_days
from callwarden.reports.schemas import ComplianceReportOut
from tests.support.case_rows import add_case
from tests.support.factories import make_user

AUDITOR = Principal("user:auditor", Role.AUDITOR)
SECRET = "<script>alert('rita')</script> my personal call"


def nov(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def oct_(day: int) -> datetime:
    return datetime(2026, 10, day, 10, tzinfo=UTC)


def _seed(db: Database) -> None:
    """The period is Monday 2 to Sunday 15 November 2026 (see the test for what each counts)."""
    rita = make_user(db, "agent", "rita-reporter")
    about = {"reporter_user_id": rita.id, "summary": SECRET, "details": SECRET}
    add_case(
        db,
        filed_at=nov(3),
        due_at=nov(17),
        state="decided",
        decided_at=nov(5),
        outcome="upheld",
        **about,
    )  # 2 working days, in time
    add_case(
        db,
        kind="private_call",
        filed_at=nov(2),
        due_at=nov(6),
        state="closed",
        decided_at=nov(13),
        outcome="not_upheld",
        closed_at=nov(14),
        **about,
    )  # 9, late
    add_case(db, kind="private_call", filed_at=nov(10), due_at=nov(24), **about)  # open
    add_case(
        db, kind="evaluation_dispute", state="in_review", filed_at=oct_(20), due_at=nov(3), **about
    )  # open and overdue at the end
    add_case(
        db,
        kind="recording_dispute",
        state="in_review",
        filed_at=oct_(1),
        decided_at=oct_(10),
        outcome="upheld",
        appealed_at=nov(9),
        due_at=nov(23),
        **about,
    )  # appealed in the period, in review at its end
    add_case(db, filed_at=nov(20), **about)  # after the period
    add_case(
        db,
        filed_at=oct_(1),
        state="closed",
        decided_at=oct_(5),
        outcome="upheld",
        closed_at=oct_(20),
        **about,
    )  # all before it
    add_case(
        db,
        kind="evaluation_dispute",
        state="in_review",
        filed_at=nov(4),
        due_at=nov(18),
        decided_at=nov(12),
        outcome="partly_upheld",
        appealed_at=nov(20),
        **about,
    )  # decided in it (6 working days), appealed after


def _report(db: Database, settings: Settings, first: str, last: str) -> ComplianceReport:
    with clock.frozen_at(nov(25)), db.reading() as session:
        return build(session, AUDITOR, of_days(first, last), settings)


def _part(report: ComplianceReport) -> Section:
    (part,) = [s for s in report.sections if s.key == "cases"]
    return part


def test_the_section_counts_the_period_per_kind(db: Database, settings: Settings) -> None:
    _seed(db)
    part = _part(_report(db, settings, "2026-11-02", "2026-11-15"))
    rows = {row[0]: row[1:] for row in part.rows}
    # filed, decided, upheld / partly / not, open at the end, overdue, appealed, days
    assert rows == {
        "concern about recording": ("1", "1", "1 / 0 / 0", "0", "0", "0", "2 / 2"),
        "evaluation dispute": ("1", "1", "0 / 1 / 0", "1", "1", "0", "6 / 6"),
        "private call": ("2", "1", "0 / 0 / 1", "1", "0", "0", "9 / 9"),
        "recording dispute": ("0", "0", "0 / 0 / 0", "1", "0", "1", "—"),
        "all kinds": ("4", "3", "1 / 1 / 1", "3", "1", "1", "6 / 5.7"),
    }
    assert part.summary == (
        "In the period 4 cases were filed (1 concern about recording, 1 evaluation dispute, "
        "2 private calls); 3 were decided (1 upheld, 1 partly upheld, 1 not upheld), 1 of them "
        "after the due date, in a median of 6 working days (mean 5.7); 1 decision was appealed. "
        "At the period's end 3 still awaited a decision, 1 of them past the due date."
    )
    (indicator,) = part.indicators
    assert (indicator.rate.successes, indicator.rate.n) == (2, 3)
    figures = part.figures
    assert (figures["filed"], figures["decided"], figures["decided_late"]) == (4, 3, 1)
    assert (figures["open_at_end"], figures["overdue_at_end"], figures["appealed"]) == (3, 1, 1)
    assert figures["filed.private_call"] == 2 and figures["appealed.recording_dispute"] == 1
    assert figures["working_days_to_decision.median"] == 6.0
    assert figures["working_days_to_decision.mean"] == 5.7
    assert figures["working_days_to_decision.median.recording_dispute"] is None
    assert "Working days to decision" in [m.figure for m in part.methods]


def test_html_pdf_and_json_show_the_counts_and_nothing_of_the_cases(
    db: Database, settings: Settings
) -> None:
    _seed(db)
    report = _report(db, settings, "2026-11-02", "2026-11-15")
    part = _part(report)
    html = rendering.html_document(report)
    assert "<h2" in html and ">Concerns and disputes</h2>" in html
    assert "Working days to decision (median / mean)</th>" in html
    assert "<td>6 / 5.7</td>" in html
    assert part.summary.replace("'", "&#39;") in html
    document = as_json(report)
    ComplianceReportOut.model_validate(document)
    (cases,) = [s for s in document["sections"] if s["key"] == "cases"]
    assert cases["figures"]["filed.concern"] == 1
    assert cases["figures"]["working_days_to_decision.mean"] == 5.7
    assert cases["rows"][-1][0] == "all kinds"
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(rendering.pdf(report))).pages
    )
    assert "Concerns and disputes" in text and "1 of them past the due date" in text
    for form in (html, str(document), text):
        assert "rita" not in form and "personal call" not in form and "alert" not in form


def test_a_period_without_cases_says_so(db: Database, settings: Settings) -> None:
    _seed(db)
    report = _report(db, settings, "2026-09-01", "2026-09-30")
    part = _part(report)
    assert part.summary == (
        "No concern or dispute was filed, decided, appealed or open in the period."
    )
    assert part.rows == () and part.columns == () and part.indicators == ()
    assert part.figures["filed"] == 0 and part.figures["open_at_end"] == 0
    assert part.figures["working_days_to_decision.median"] is None
    assert "No concern or dispute was filed" in rendering.html_document(report)
