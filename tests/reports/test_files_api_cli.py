"""The report as HTML and PDF files through the API (`format=html|pdf`) and the command
(`--format html|pdf`): their media types, their names to save them under, and their figures."""

from __future__ import annotations

import io
from pathlib import Path

from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from tests.reports.conftest import NOW, Scenario
from tests.support.factories import bearer, make_token

FORTNIGHT = {"from": "2026-11-04", "to": "2026-11-17"}
NAME = "compliance-2026-11-04-to-2026-11-17"


def _pdf_text(document: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(document)).pages
    )


def test_the_api_answers_html_and_pdf_files(
    client: TestClient, db: Database, scenario: Scenario
) -> None:
    auditor = bearer(make_token(db, "auditor"))
    path = "/v1/reports/compliance"
    with clock.frozen_at(NOW):
        html = client.get(path, params={**FORTNIGHT, "format": "html"}, headers=auditor)
        pdf = client.get(path, params={**FORTNIGHT, "format": "pdf"}, headers=auditor)
    assert html.status_code == 200, html.text
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert html.headers["content-disposition"] == f'attachment; filename="{NAME}.html"'
    assert html.headers["cache-control"] == "no-store"
    assert html.text.startswith("<!DOCTYPE html>") and "5 calls were handled" in html.text
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == f'attachment; filename="{NAME}.pdf"'
    text = _pdf_text(pdf.content)
    assert "4 November – 17 November 2026" in text and "5 calls were handled" in text
    agent = bearer(make_token(db, "agent"))
    refused = client.get(path, params={**FORTNIGHT, "format": "pdf"}, headers=agent)
    assert refused.status_code == 403


def test_the_command_writes_html_and_pdf(
    settings: Settings, db: Database, scenario: Scenario, tmp_path: Path
) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    args = ["report", "compliance", "--from", "2026-11-04", "--to", "2026-11-17"]
    runner = CliRunner()
    for name in ("html", "pdf"):
        target = tmp_path / f"report.{name}"
        with clock.frozen_at(NOW):
            made = runner.invoke(cli, [*args, "--format", name, "-o", str(target)], env=env)
        assert made.exit_code == 0, made.output
        assert f"wrote {target}" in made.output
    assert "Compliance report" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "5 calls were handled" in _pdf_text((tmp_path / "report.pdf").read_bytes())
