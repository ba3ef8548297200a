"""Attacks on what every console answer shares: its headers (error pages and static files
too), its cookies' flags over TLS and behind a proxy, where `next` may send a browser."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from callwarden.app import create_app
from callwarden.audit import service as audit
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.policy.loading import MAX_POLICY_BYTES
from callwarden.web.routing import SECURITY_HEADERS
from tests.support.console import PASSWORD, make_person
from tests.support.policies import EXAMPLE_TEXT
from tests.web.console_forms import csrf_of, signed_in

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/sign-in"),
        ("GET", "/home"),  # the redirect to sign in
        ("GET", "/no-such-page"),  # the "nothing here" page
        ("POST", "/home"),  # 405
        ("GET", "/static/console/console.css"),
        ("GET", "/static/console/no-such-file.css"),
        ("GET", "/recordings/some-id/audio"),
    ],
)
def test_every_console_answer_carries_the_security_headers(
    client: TestClient, method: str, path: str
) -> None:
    answer = client.request(method, path, headers=HTML, follow_redirects=False)
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, f"{method} {path} {answer.status_code}: {name}"


def test_a_form_over_the_body_limit_is_refused_with_the_headers(client: TestClient) -> None:
    refused = client.post("/sign-in", headers=HTML, content=b"x" * 2_000_000)
    assert refused.status_code == 413 and "Too large" in refused.text
    assert refused.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]


def test_the_api_keeps_its_own_headers(client: TestClient) -> None:
    assert "content-security-policy" not in client.get("/v1/no-such-thing").headers


def _session_cookie_header(answer_headers: list[tuple[str, str]]) -> str:
    return next(v for k, v in answer_headers if k == "set-cookie" and "callwarden_session=" in v)


def _sign_in_answer(browser: TestClient, **headers: str) -> list[tuple[str, str]]:
    answer = browser.post(
        "/sign-in",
        data={
            "username": "tls-agent",
            "password": PASSWORD,
            "csrf_token": csrf_of(browser, "/sign-in"),
        },
        headers=headers,
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    items: list[tuple[str, str]] = answer.headers.multi_items()
    return items


def _behind_proxy(app: Any, trusted: str) -> Any:
    """The app as `uvicorn --proxy-headers` runs it, trusting `trusted` to say the scheme."""
    return ProxyHeadersMiddleware(app, trusted_hosts=trusted)


def test_the_cookie_is_secure_over_tls_and_behind_a_proxy_that_says_so(
    settings: Settings, db: Database
) -> None:
    """`callwarden serve` runs uvicorn with its proxy headers on (trusting 127.0.0.1 unless
    FORWARDED_ALLOW_IPS says otherwise): X-Forwarded-Proto from a trusted proxy makes the
    scheme https, so the cookie is Secure; from anyone else the header is ignored."""
    make_person(db, "agent", "tls-agent")
    app = create_app(settings, db)
    with TestClient(app, base_url="https://testserver") as direct:
        cookie = _session_cookie_header(_sign_in_answer(direct))
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    trusting = _behind_proxy(app, "testclient")
    with TestClient(trusting) as behind_proxy:
        cookie = _session_cookie_header(
            _sign_in_answer(behind_proxy, **{"X-Forwarded-Proto": "https"})
        )
        assert "Secure" in cookie
    not_trusting = _behind_proxy(app, "127.0.0.1")
    with TestClient(not_trusting) as spoofed:
        cookie = _session_cookie_header(_sign_in_answer(spoofed, **{"X-Forwarded-Proto": "https"}))
        assert "Secure" not in cookie


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/ /evil.example/",
        "/home\r\nSet-Cookie: planted=1",
    ],
)
def test_next_never_leaves_the_console_even_through_htmx(
    client: TestClient, db: Database, target: str
) -> None:
    """htmx follows `HX-Redirect` with `location.href =`, and a browser drops tabs and line
    breaks from a URL: `/\\t/evil` would become `//evil`, another site."""
    make_person(db, "agent", "next-agent")
    answer = client.post(
        "/sign-in",
        data={
            "username": "next-agent",
            "password": PASSWORD,
            "next": target,
            "csrf_token": csrf_of(client, "/sign-in"),
        },
        headers={"HX-Request": "true"},
        follow_redirects=False,
    )
    assert answer.status_code == 204
    assert answer.headers["HX-Redirect"] == "/home"
    assert "planted" not in answer.headers.get("set-cookie", "")


def test_the_sign_in_page_keeps_a_next_inside_the_console(client: TestClient, db: Database) -> None:
    make_person(db, "agent", "next-agent")
    signed_in(client, "next-agent")
    page = client.get("/sign-in", params={"next": "/\t/evil.example/"})
    assert 'name="next" value="/home"' in page.text


def test_the_largest_policy_draft_fits_the_body_limit_as_the_pages_send_it(
    client: TestClient, db: Database
) -> None:
    """The policy forms are multipart (a field's bytes as they are, never percent-encoded), so
    a draft of non-Latin text at the policy's size limit is judged by the policy checks under
    the ordinary body limit, and more than that limit is refused before it is read."""
    make_person(db, "compliance_officer", "big-draft")
    signed_in(client, "big-draft")
    filler = "# " + "é" * 120 + "\n"
    room = MAX_POLICY_BYTES - len(EXAMPLE_TEXT.encode())
    text = EXAMPLE_TEXT + filler * (room // len(filler.encode()))
    assert MAX_POLICY_BYTES - 1000 < len(text.encode()) <= MAX_POLICY_BYTES
    token = csrf_of(client, "/policy/draft")
    fields = {"document": (None, text), "note": (None, ""), "csrf_token": (None, token)}
    for path in ("/policy/draft", "/policy/apply/confirm"):
        answer = client.post(path, files=fields, headers=HTML)
        assert answer.status_code == 200, f"{path}: {answer.status_code}"
    huge = {**fields, "document": (None, text * 3)}
    assert client.post("/policy/draft", files=huge, headers=HTML).status_code == 413


def test_page_links_stay_on_the_site_whatever_the_host_header_says(
    client: TestClient, db: Database
) -> None:
    make_person(db, "auditor", "host-auditor")
    signed_in(client, "host-auditor")
    with db.unit_of_work() as session:
        for number in range(60):
            audit.record(session, actor="user:someone", action="test.filler", target=f"n:{number}")
    page = client.get("/audit", params={"action": "test.filler"}, headers={"Host": "evil.example"})
    assert page.status_code == 200 and 'rel="next"' in page.text
    link = page.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert link.startswith("/audit?") and "evil.example" not in page.text
    assert "action=test.filler" in link and "cursor=" in link
    assert client.get(link.replace("&amp;", "&")).status_code == 200


def test_a_link_cannot_put_its_own_words_on_the_sign_in_page(
    client: TestClient, db: Database
) -> None:
    """`?why=` names one of the page's own notices: a phishing link's text is not shown."""
    lure = "Your account is locked. Call +1 555 0100 with your password."
    page = client.get("/sign-in", params={"why": lure})
    assert page.status_code == 200 and "Call +1 555 0100" not in page.text
    assert 'role="status"' not in page.text
    ended = client.get("/home", follow_redirects=False).headers["location"]
    assert "Sign in to use the console." in client.get(ended).text
    forged = TestClient(client.app, cookies={"callwarden_session": "cwt_forged.secret"})
    assert "Your session has ended" in forged.get("/home").text
    make_person(db, "agent", "notice-agent")
    signed_in(client, "notice-agent")
    out = client.post("/sign-out", data={"csrf_token": csrf_of(client, "/home")})
    assert "You have signed out." in out.text


def test_what_the_framework_refuses_is_a_page_for_a_browser(client: TestClient) -> None:
    """A method the address does not take, a form that cannot be read: a console page with
    the framework's status, not the API's problem+json."""
    wrong_method = client.post("/home", headers=HTML)
    assert wrong_method.status_code == 405 and "text/html" in wrong_method.headers["content-type"]
    assert wrong_method.headers["allow"] == "GET"
    unreadable = client.post(
        "/sign-in",
        headers={**HTML, "Content-Type": "multipart/form-data"},  # no boundary
        content=b"--x\r\n",
    )
    assert unreadable.status_code == 400 and "text/html" in unreadable.headers["content-type"]
    api = client.post("/v1/no-such-thing", headers=HTML)
    assert api.headers["content-type"] == "application/problem+json"
