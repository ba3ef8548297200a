"""A case's PDF for the file: its facts, protections, every entry marked by who may read it,
the decision; the reporter only when asked for; everything people wrote printed as text."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from callwarden.cases.export import html, render_pdf
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.kit.ids import new_id
from callwarden.models import Case, CaseEntry, LegalHold, RecordingRestriction
from tests.support.case_rows import case_row, entry_row
from tests.support.factories import make_user

FILED = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
EXPORTED = datetime(2026, 11, 30, 16, tzinfo=UTC)
SCRIPT = "<script>alert('x')</script>"
A4 = (595, 842)
OUTPUT = Path("test-output/cases")


def _hold() -> LegalHold:
    return LegalHold(
        id=new_id("hold"),
        matter="CASE-0042 recording dispute",
        reason="a recording dispute keeps its recording",
        scope={"recordings": ["rec_1"]},
        created_by="system:cases",
        created_at=FILED,
    )


def _story(
    reporter: str, handler: str, agent: str, hold: LegalHold
) -> tuple[Case, list[CaseEntry], list[RecordingRestriction]]:
    case = case_row(
        kind="recording_dispute",
        state="decided",
        number=42,
        filed_at=FILED,
        due_at=FILED + timedelta(days=14),
        decided_at=FILED + timedelta(days=16),
        appeal_until=FILED + timedelta(days=30),
        outcome="partly_upheld",
        summary=f"The call of 2 November {SCRIPT} was cut",
        details=f"The customer says the recording stops early.\n{SCRIPT}\nSecond line.",
        reporter_user_id=reporter,
        on_behalf_of="Mrs Jane Customer, account 7781",
        filed_by="user:reporter-rosa",
        subject_user_id=agent,
        handler_user_id=handler,
        recording_id=None,
        hold_id=hold.id,
        decision_reasons=f"The recording is whole to the end of the notice. {SCRIPT}",
        outcome_note="The hold stays until the customer's complaint is closed.",
    )
    at = FILED.__add__
    entries = [
        entry_row(
            case.id,
            "decision",
            "reporter",
            "Partly upheld, see the reasons.",
            at(timedelta(days=16)),
            author_user_id=handler,
        ),
        entry_row(
            case.id,
            "filed",
            "reporter",
            "Filed on the customer's behalf.",
            at(timedelta()),
            author_user_id=reporter,
        ),
        entry_row(
            case.id,
            "note",
            "internal",
            f"Checked the vault object; intact. {SCRIPT}",
            at(timedelta(days=2)),
            author_user_id=handler,
        ),
        entry_row(
            case.id,
            "reply",
            "reporter",
            "We are looking at the recording.",
            at(timedelta(days=1)),
            author_user_id=handler,
        ),
        entry_row(
            case.id,
            "message",
            "reporter",
            "The customer adds a second call.",
            at(timedelta(days=3)),
            author_user_id=reporter,
        ),
    ]
    restrictions = [
        RecordingRestriction(
            id=new_id("rrs"),
            recording_id="rec_1",
            case_id=case.id,
            placed_at=FILED,
            lifted_at=FILED + timedelta(days=16),
            lifted_reason="Not upheld in part: the restriction lifts.",
        )
    ]
    return case, entries, restrictions


NAMES = {
    "u-rosa": "Rosa Reporter (rosa)",
    "u-hana": "Hana Handler (hana)",
    "u-sam": "Sam Agent (sam)",
}


def _text(document: bytes) -> list[str]:
    return [
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(document)).pages
    ]


def test_the_pdf_holds_the_case_and_escapes_what_people_wrote() -> None:
    hold = _hold()
    case, entries, restrictions = _story("u-rosa", "u-hana", "u-sam", hold)
    with clock.frozen_at(EXPORTED):
        document = render_pdf(case, entries, NAMES, True, restrictions=restrictions, hold=hold)
        page = html(case, entries, NAMES, True, restrictions=restrictions, hold=hold)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "case-export.pdf").write_bytes(document)
    (OUTPUT / "case-export.html").write_text(page)
    reader = PdfReader(io.BytesIO(document))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4
    pages = _text(document)
    text = " ".join(pages)
    assert all(f"Page {n} of {len(pages)}" in p for n, p in enumerate(pages, 1))
    assert all("CASE-0042" in p for p in pages)
    for fact in (
        "CASE-0042: recording dispute",
        "decided",
        "2026-11-03 09:30 UTC",
        "2026-11-17 09:30 UTC",
        "2026-11-19 09:30 UTC",
        "until 2026-12-03 09:30 UTC; not appealed",
        "Hana Handler (hana)",
        "Rosa Reporter (rosa)",
        "Mrs Jane Customer",
        "Sam Agent (sam)",
        hold.id,
        "released when the case closes",
        "(decided late)",
        "Partly upheld",
        "The hold stays until",
        "Not upheld in part: the restriction lifts.",
    ):
        assert fact in text, fact
    assert text.count("TO THE REPORTER") == 4 and text.count("INTERNAL") == 1
    # in the order written, whatever order they came in
    order = [
        text.index(s)
        for s in (
            "Filed on the",
            "We are looking",
            "Checked the vault",
            "The customer adds",
            "Partly upheld, see",
        )
    ]
    assert order == sorted(order)
    assert text.count(SCRIPT) == 4  # the summary, the account, a note, the reasons
    assert "<script" not in page and page.count("&lt;script&gt;") >= 4


def test_without_the_reporter_nothing_names_them() -> None:
    hold = _hold()
    case, entries, restrictions = _story("u-rosa", "u-hana", "u-sam", hold)
    page = html(case, entries, NAMES, False, restrictions=restrictions, hold=hold)
    text = " ".join(
        _text(render_pdf(case, entries, NAMES, False, restrictions=restrictions, hold=hold))
    )
    for form in (page, text):
        assert "rosa" not in form.lower() and "Jane Customer" not in form
        assert "Sam Agent (sam)" in form and "Hana Handler (hana)" in form
    assert "Reporter withheld" in text and "the reporter (withheld)" in text
    own = case_row(
        kind="private_call", filed_at=FILED, reporter_user_id="u-sam", subject_user_id="u-sam"
    )
    assert "Sam Agent" not in html(own, [], NAMES, False, restrictions=(), hold=None)
    assert "Sam Agent" in html(own, [], NAMES, True, restrictions=(), hold=None)
    anonymous = case_row(filed_at=FILED, anonymous=True, code_hash="c" * 64, number=43)
    said = entry_row(anonymous.id, "filed", "reporter", "A question about recording.", FILED)
    for include in (True, False):
        page = html(anonymous, [said], NAMES, include, restrictions=(), hold=None)
        assert '<th scope="row">Reporter</th><td>anonymous</td>' in page
        assert "the reporter (anonymous)" in page
        assert "None: this case placed no restriction and no legal hold." in page
        assert "Not decided yet." in page


def test_rows_read_back_from_the_database_print_the_same(db: Database) -> None:
    rosa = make_user(db, "agent", "rosa-export")
    hana = make_user(db, "compliance_officer", "hana-export")
    hold = _hold()
    case, entries, _ = _story(rosa.id, hana.id, rosa.id, hold)
    with db.unit_of_work() as session:
        session.add(hold)
        session.flush()
        session.add(case)
        session.flush()
        session.add_all(entries)
    with db.reading() as session:
        stored = session.get(Case, case.id)
        assert stored is not None
        rows = list(session.query(CaseEntry).filter_by(case_id=case.id))
        names = {rosa.id: "rosa-export", hana.id: "hana-export"}
        with clock.frozen_at(EXPORTED):
            text = " ".join(
                _text(
                    render_pdf(
                        stored,
                        rows,
                        names,
                        True,
                        restrictions=(),
                        hold=session.get(LegalHold, hold.id),
                    )
                )
            )
    assert "2026-11-03 09:30 UTC" in text and "(decided late)" in text
    assert "Exported 2026-11-30 16:00 UTC" in text
    assert text.count("TO THE REPORTER") == 4
