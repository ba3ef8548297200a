"""The compliance report page over HTTP: the last full quarter unless a period is asked for,
the report in the page with nothing the CSP refuses, its downloads (HTML, PDF, JSON) with
their types and names, refusals for the roles without `reports.read`, and hostile names
escaped."""

from __future__ import annotations

import io
import json
import re

from fastapi.testclient import TestClient
from pypdf import PdfReader

from callwarden.db import Database
from callwarden.kit import clock
from tests.reports.conftest import NOW, Scenario, scenario
from tests.support.bulk import load, new_row
from tests.support.console import make_person
from tests.support.factories import make_team
from tests.web.test_session import sign_in

__all__ = ["scenario"]  # the fortnight of calls of the report's own tests

FORTNIGHT = {"from": "2026-11-04", "to": "2026-11-17"}
MAIN = re.compile(r"<main[^>]*>(.*)</main>", re.S)


def _main(html: str) -> str:
    found = MAIN.search(html)
    assert found, "no <main>"
    return found.group(1)


def test_the_page_opens_on_the_last_full_quarter(client: TestClient, db: Database) -> None:
    make_person(db, "auditor", "audrey")
    with clock.frozen_at(NOW):  # 20 November 2026: the last full quarter is the third
        sign_in(client, "audrey")
        page = client.get("/reports/compliance")
    assert page.status_code == 200, page.text
    main = _main(page.text)
    assert "<h1>Compliance report</h1>" in main
    assert 'value="2026-07-01"' in main and 'value="2026-09-30"' in main
    assert "1 July – 30 September 2026" in main
    assert "There were no calls in the period" in main
    assert "<svg" not in main  # no rates, no charts, of nothing


def test_the_report_of_a_period_in_the_page_and_as_files(
    client: TestClient, db: Database, scenario: Scenario
) -> None:
    make_person(db, "compliance_officer", "cora")
    with clock.frozen_at(NOW):
        sign_in(client, "cora")
        page = client.get("/reports/compliance", params=FORTNIGHT)
        assert page.status_code == 200, page.text
        main = _main(page.text)
        assert "4 November – 17 November 2026" in main
        assert "5 calls were handled" in main
        assert main.count("<svg") >= 2 and "<title" in main  # trends and findings, described
        # Nothing the console's CSP (style-src 'self') would refuse.
        assert "<style" not in page.text and " style=" not in page.text
        assert 'href="/static/console/reports.css"' in page.text
        links = re.findall(r'href="(/reports/compliance/download\?[^"]+)"', main)
        assert len(links) == 3
        files = {}
        for link in links:
            answer = client.get(link.replace("&amp;", "&"))
            assert answer.status_code == 200, answer.text[:300]
            files[answer.headers["content-type"]] = answer
    pdf = files["application/pdf"]
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"] == (
        'attachment; filename="compliance-2026-11-04-to-2026-11-17.pdf"'
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "4 November – 17 November 2026" in " ".join(text.split())
    html = files["text/html; charset=utf-8"]
    assert html.headers["content-disposition"].endswith('compliance-2026-11-04-to-2026-11-17.html"')
    assert "<style>" in html.text and "5 calls were handled" in html.text
    data = json.loads(files["application/json"].content)
    assert data["calls"] == 5 and data["format"] == "callwarden-compliance-report"


def test_roles_without_reports_read_are_refused_and_bad_periods_explained(
    client: TestClient, db: Database
) -> None:
    for role in ("agent", "supervisor", "qa_reviewer"):
        name = f"{role.replace('_', '-')}-x"
        make_person(db, role, name, team="north")
        sign_in(client, name)
        for path in ("/reports/compliance", "/reports/compliance/download?format=pdf"):
            answer = client.get(path)
            assert answer.status_code == 403, (role, path)
            assert "Not allowed" in answer.text
        client.post("/sign-out", data={}, follow_redirects=False)
        client.cookies.clear()
    make_person(db, "legal", "lee")
    sign_in(client, "lee")
    backwards = client.get("/reports/compliance", params={"from": "2026-11-30", "to": "2026-11-01"})
    assert backwards.status_code == 422
    assert "must end after it starts" in backwards.text
    unknown = client.get("/reports/compliance/download", params={**FORTNIGHT, "format": "docx"})
    assert unknown.status_code == 422 and "no report format" in unknown.text


def test_a_hostile_team_name_is_shown_as_text(client: TestClient, db: Database) -> None:
    hostile = "<script>alert('team')</script>"
    team = make_team(db, hostile)
    load(db, [new_row(1, NOW.replace(day=10), team_id=team)])
    make_person(db, "auditor", "audrey")
    with clock.frozen_at(NOW):
        sign_in(client, "audrey")
        page = client.get("/reports/compliance", params={"from": "2026-11-01", "to": "2026-11-19"})
    assert page.status_code == 200, page.text
    main = _main(page.text)
    assert "<script>alert" not in main
    assert "&lt;script&gt;alert(&#39;team&#39;)&lt;/script&gt;" in main
