"""Every state-changing route of the console refuses a form without its CSRF token.

The routes are enumerated from the page modules themselves (`console.page_modules`), so a page
added later is held to this too: a POST route that does not depend on `csrf_checked` fails
here, and so does one that accepts a missing or wrong token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from callwarden.db import Database
from callwarden.web.console import page_modules
from callwarden.web.deps import csrf_checked
from tests.support.console import make_person
from tests.web.console_forms import csrf_of, signed_in

REFUSED = "not sent from a page of this console"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def console_routes() -> Iterator[APIRoute]:
    for module in page_modules():
        for route in module.router.routes:
            if isinstance(route, APIRoute):
                yield route


CHANGING = [route for route in console_routes() if route.methods and route.methods & STATE_CHANGING]


def _depends_on(dependant: Dependant, wanted: object) -> bool:
    return any(sub.call is wanted or _depends_on(sub, wanted) for sub in dependant.dependencies)


def _concrete(path: str) -> str:
    """The route's path with each parameter filled in (the check runs before any lookup)."""
    return re.sub(r"\{[^}]+\}", "x1", path)


def test_the_console_has_state_changing_routes_to_check() -> None:
    paths = {route.path for route in CHANGING}
    assert {"/sign-in", "/sign-out", "/admin/users", "/policy/apply"} <= paths


@pytest.mark.parametrize("route", CHANGING, ids=lambda route: f"{route.path}")
def test_every_state_changing_route_checks_the_csrf_token(
    client: TestClient, db: Database, route: APIRoute
) -> None:
    assert route.methods == {"POST"}, f"{route.path}: a console form can only POST"
    assert _depends_on(route.dependant, csrf_checked), f"{route.path} does not check CSRF"
    make_person(db, "admin", "csrf-admin")
    signed_in(client, "csrf-admin")
    path = _concrete(route.path)
    missing = client.post(path, data={"reason": "x"}, follow_redirects=False)
    assert missing.status_code == 403 and REFUSED in missing.text, path
    wrong = client.post(path, data={"csrf_token": "0" * 64}, follow_redirects=False)
    assert wrong.status_code == 403 and REFUSED in wrong.text, path
    other_browser = TestClient(client.app, raise_server_exceptions=False)
    foreign = csrf_of(other_browser, "/sign-in")  # a valid token, of another browser's cookie
    stolen = client.post(path, data={"csrf_token": foreign}, follow_redirects=False)
    assert stolen.status_code == 403 and REFUSED in stolen.text, path
    htmx = client.post(
        path,
        headers={"HX-Request": "true", "X-CSRF-Token": "0" * 64},
        follow_redirects=False,
    )
    assert htmx.status_code == 403 and REFUSED in htmx.text, path


def test_htmx_sends_the_token_in_its_header(client: TestClient, db: Database) -> None:
    """The page's `hx-headers` carries the token, and the header alone is accepted."""
    make_person(db, "agent", "htmx-agent")
    signed_in(client, "htmx-agent")
    home = client.get("/home").text
    token = csrf_of(client, "/home")
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in home
    answer = client.post(
        "/sign-out",
        headers={"HX-Request": "true", "X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 204 and answer.headers["HX-Redirect"].startswith("/sign-in")
    assert client.get("/home", follow_redirects=False).status_code == 303
