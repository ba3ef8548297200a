"""What every console page shares: its headers, the "nothing here" page, the error page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from callwarden.db import Database
from tests.support.console import make_person
from tests.web.test_session import sign_in

HTML = {"Accept": "text/html,application/xhtml+xml"}


def test_an_address_nothing_serves_is_a_page_for_a_browser_and_a_problem_for_the_api(
    client: TestClient, db: Database
) -> None:
    make_person(db, "agent", "ada-agent")
    sign_in(client, "ada-agent")
    page = client.get("/no-such-page", headers=HTML)
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "nothing at this address that you may see" in page.text
    api = client.get("/v1/no-such-thing", headers=HTML)
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def test_pages_carry_a_content_security_policy_and_refuse_framing(
    client: TestClient, db: Database
) -> None:
    make_person(db, "agent", "ada-agent")
    sign_in(client, "ada-agent")
    home = client.get("/home")
    assert "script-src 'self'" in home.headers["content-security-policy"]
    assert home.headers["x-frame-options"] == "DENY"
    assert home.headers["cache-control"] == "no-store"


def test_the_vendored_htmx_is_served_with_its_licence_noted(client: TestClient) -> None:
    script = client.get("/static/console/htmx.min.js")
    assert script.status_code == 200 and len(script.content) > 40_000
    readme = client.get("/static/console/README.md").text
    assert "2.0.11" in readme and "Zero-Clause BSD" in readme
