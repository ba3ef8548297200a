"""The compliance report page in Chromium: an officer opens it from the navigation, asks for a
period, reads the report with its charts drawn, and downloads the PDF; the console's CSP
refuses nothing on the way, and the page passes the accessibility audit."""

from __future__ import annotations

from typing import Any

import pytest

from callwarden.db import Database
from callwarden.kit import clock
from tests.reports.conftest import NOW, Scenario, scenario
from tests.support.console import Console, follow_nav, make_person
from tests.web.test_accessibility_browser import AUDIT_PAGE

__all__ = ["scenario"]
pytestmark = pytest.mark.browser

# Every CSP refusal the page meets, recorded as it happens (the init script is injected by the
# browser itself, so the CSP it watches does not block it).
WATCH_CSP = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__refused.push(event.violatedDirective + " " + (event.sample || event.blockedURI));
});
"""


def test_an_officer_reads_the_report_and_downloads_it(
    console: Console, db: Database, scenario: Scenario
) -> None:
    make_person(db, "compliance_officer", "cora")
    messages: list[str] = []
    with clock.frozen_at(NOW):
        page = console.sign_in("cora")
        page.add_init_script(WATCH_CSP)
        page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
        follow_nav(page, "Reports")
        page.wait_for_load_state()
        assert page.get_by_label("From (UTC day, inclusive)").input_value() == "2026-07-01"
        page.get_by_label("From (UTC day, inclusive)").fill("2026-11-04")
        page.get_by_label("To (UTC day, inclusive)").fill("2026-11-17")
        page.get_by_role("button", name="Show the report").click()
        page.wait_for_load_state()
        assert "from=2026-11-04" in page.url
        assert "5 calls were handled" in page.locator("main").inner_text()
        charts = page.locator("main svg.chart")
        assert charts.count() >= 2
        # Drawn, and drawn in matplotlib's colours: the presentation attributes took effect.
        first: Any = charts.first.bounding_box()
        assert first and first["width"] > 300 and first["height"] > 100
        line = charts.first.locator("path[stroke='#1f4e79']").first
        assert line.evaluate("el => getComputedStyle(el).stroke") == "rgb(31, 78, 121)"
        assert page.get_by_role("img", name="Recorded as decided: weekly trend").count() == 1
        assert page.evaluate(AUDIT_PAGE) == []
        console.shot("reports-compliance")
        with page.expect_download() as downloading:
            page.get_by_role("navigation", name="Download this report").get_by_role(
                "link", name="PDF"
            ).click()
        download = downloading.value
        assert download.suggested_filename == "compliance-2026-11-04-to-2026-11-17.pdf"
        with open(download.path(), "rb") as saved:
            assert saved.read(5) == b"%PDF-"
        refused = page.evaluate("window.__refused")
        assert refused == [], refused
        assert not [m for m in messages if "Content Security Policy" in m], messages
        # The watch sees what it watches for: markup with a style attribute is refused.
        page.evaluate(
            """() => document.querySelector("main")
                 .insertAdjacentHTML("beforeend", '<p style="color: red">planted</p>')"""
        )
        page.wait_for_function("window.__refused.length > 0")
        assert "style-src" in page.evaluate("window.__refused")[0]
