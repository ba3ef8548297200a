"""The law pages over HTTP: jurisdictions with their consent rule, a jurisdiction's citations,
sector rules, "uncertain" in words, and the not-legal-advice notice on each."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from callwarden.db import Database
from callwarden.law.knowledge import load_knowledge_base
from tests.support.console import make_person
from tests.web.console_forms import signed_in

NOTICE = "Not legal advice."


@pytest.fixture
def agent(client: TestClient, db: Database) -> TestClient:
    """The role with the least access still reads the law."""
    make_person(db, "agent", "ada-agent")
    return signed_in(client, "ada-agent")


def row_of(page: str, code: str) -> str:
    found = re.search(rf'<tr>\s*<td><a href="/law/jurisdictions/{code}">(.*?)</tr>', page, re.S)
    assert found, f"no row for {code}"
    return found.group(1)


def test_jurisdictions_are_listed_with_their_consent_rule(agent: TestClient) -> None:
    page = agent.get("/law")
    assert page.status_code == 200 and NOTICE in page.text
    kb = load_knowledge_base()
    assert kb.version in page.text
    assert f"{len(kb.jurisdictions)} of {len(kb.jurisdictions)} jurisdictions" in page.text
    assert "<strong>all-party</strong>" in row_of(page.text, "US-CA")
    assert "<strong>one-party</strong>" in row_of(page.text, "US-NY")
    nsw = row_of(page.text, "AU-NSW")
    assert ">uncertain</span>" in nsw  # in words, not only a colour
    assert "Law" in page.text and 'href="/law" aria-current="page"' in page.text


def test_the_list_filters_by_code_or_name(agent: TestClient) -> None:
    page = agent.get("/law", params={"q": "wales"})
    assert "New South Wales" in page.text and "California" not in page.text
    kb = load_knowledge_base()
    wanted = [code for code, record in kb.jurisdictions.items() if "wales" in record.name.lower()]
    assert f"{len(wanted)} of {len(kb.jurisdictions)} jurisdictions" in page.text
    assert page.text.count('<td><a href="/law/jurisdictions/') == len(wanted)


def test_a_jurisdiction_page_gives_its_rule_citations_and_uncertainty(agent: TestClient) -> None:
    california = agent.get("/law/jurisdictions/US-CA")
    assert california.status_code == 200 and NOTICE in california.text
    assert "Cal. Penal Code § 632" in california.text
    assert "Kearney v. Salomon Smith Barney, Inc." in california.text
    assert "all-party consent: every party must agree" in california.text
    assert "notice_and_continue" in california.text
    assert "<dt>Uncertain</dt><dd>no</dd>" in california.text
    nsw = agent.get("/law/jurisdictions/au-nsw")  # codes are read in any case
    assert nsw.status_code == 200 and NOTICE in nsw.text
    assert "Surveillance Devices Act 2007 (NSW) s. 7" in nsw.text
    assert "<strong>Uncertain:</strong>" in nsw.text and ">uncertain</span> yes" in nsw.text
    assert "inherited</span>" in nsw.text  # the federal citations it inherits are marked
    country = agent.get("/law/jurisdictions/US")
    assert "Jurisdictions under US" in country.text and "/law/jurisdictions/US-CA" in country.text


def test_an_unknown_jurisdiction_or_sector_is_not_found(agent: TestClient) -> None:
    for path in ("/law/jurisdictions/XX-ZZ", "/law/sectors/no-such-rule"):
        missing = agent.get(path)
        assert missing.status_code == 404
        assert "there is nothing at this address that you may see" in missing.text


def test_sector_rules_show_retention_and_citations(agent: TestClient) -> None:
    page = agent.get("/law/sectors")
    assert page.status_code == 200 and NOTICE in page.text
    assert "MiFID II recording of telephone conversations" in page.text
    assert "at least 5 years, 7 years on request" in page.text
    assert "17 CFR 240.17a-4(b)(4)" in page.text
    assert ">uncertain</span>" in page.text
    one = agent.get("/law/sectors/sec-17a-4")
    assert one.status_code == 200 and NOTICE in one.text
    assert "17 CFR 240.17a-4(b)(4)" in one.text and "<strong>Uncertain:</strong>" in one.text
    assert load_knowledge_base().version in one.text


def test_the_law_pages_need_a_session(client: TestClient) -> None:
    answer = client.get("/law", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")
