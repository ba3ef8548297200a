"""The subject-request pages over HTTP: opening one from the form (numbers normalised, a bad
one refused, what a person typed escaped), the deadline with its citations, who sees the
actions, finding, the export download, the erase confirm step and its letter, closing only with
an outcome."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.models import DataKey, SubjectRequest
from callwarden.retention import holds
from tests.support.console import make_person
from tests.web.recording_data import csrf_of, prepare, record, signed_in

NUMBER = "+14155550123"  # the customer on every call `record` makes
HOSTILE = '<script>alert("x")</script> passport seen'


@pytest.fixture
def pbx(settings: Settings, db: Database) -> dict[str, str]:
    headers = prepare(settings, db)
    make_person(db, "legal", "lee")
    return headers


def open_by_form(browser: TestClient, kind: str = "access", numbers: str = NUMBER) -> Response:
    form = {
        "kind": kind,
        "numbers": numbers,
        "law": "gdpr",
        "received_at": "2026-01-31T10:00:00",
        "identity_verification": HOSTILE,
        "verified_by": "Cora",
        "csrf_token": csrf_of(browser, "/subjects"),
    }
    answer: Response = browser.post("/subjects", data=form, follow_redirects=False)
    return answer


def opened_id(answer: Response) -> str:
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/subjects/(dsr_[0-9a-f]+)", answer.headers["location"])
    assert found, answer.headers["location"]
    return found.group(1)


def post(browser: TestClient, path: str, page: str, **data: str) -> Response:
    data["csrf_token"] = csrf_of(browser, page)
    answer: Response = browser.post(path, data=data, follow_redirects=False)
    return answer


def test_open_from_the_form_shows_the_deadline_and_escapes_what_was_typed(
    client: TestClient, pbx: dict[str, str]
) -> None:
    cora = signed_in(client.app, "cora")
    listing = cora.get("/subjects")
    assert listing.status_code == 200 and "Open a request" in listing.text
    request_id = opened_id(open_by_form(cora, numbers="+1 415 555 0123"))
    page = cora.get(f"/subjects/{request_id}").text
    assert NUMBER in page
    assert 'datetime="2026-02-28T10:00:00Z"' in page  # 31 January + one month
    assert "GDPR Art. 12(3)" in page and "uncertain" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert request_id in cora.get("/subjects", params={"state": "open"}).text
    assert request_id not in cora.get("/subjects", params={"state": "closed"}).text


def test_a_malformed_number_is_refused_and_nothing_opened(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    cora = signed_in(client.app, "cora")
    answer = open_by_form(cora, numbers="0415 555 0123")
    assert answer.status_code == 422 and "E.164" in answer.text
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(SubjectRequest)) == 0


def test_auditors_read_without_actions_and_agents_are_refused(
    client: TestClient, pbx: dict[str, str]
) -> None:
    request_id = opened_id(open_by_form(signed_in(client.app, "cora")))
    audra = signed_in(client.app, "audra")
    listing = audra.get("/subjects")
    assert listing.status_code == 200 and "Open a request" not in listing.text
    page = audra.get(f"/subjects/{request_id}")
    assert page.status_code == 200 and "Find every call" not in page.text
    assert audra.get(f"/subjects/{request_id}/export").status_code == 403
    refused = post(audra, f"/subjects/{request_id}/find", f"/subjects/{request_id}")
    assert refused.status_code == 403
    alice = signed_in(client.app, "alice")
    assert alice.get("/subjects").status_code == 403
    assert alice.get(f"/subjects/{request_id}").status_code == 403
    assert audra.get("/subjects/dsr_0000").status_code == 404


def test_find_then_download_the_export(client: TestClient, pbx: dict[str, str]) -> None:
    recording = record(client, pbx, "alice")
    cora = signed_in(client.app, "cora")
    request_id = opened_id(open_by_form(cora))
    page = f"/subjects/{request_id}"
    assert post(cora, f"{page}/find", page).status_code == 303
    shown = cora.get(page).text
    assert recording in shown and "1 call(s), 1 recording(s)" in shown
    download = cora.get(f"{page}/export")
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert f"audio/{recording}.wav" in names and "manifest.json" in names


def test_erase_asks_first_then_keeps_a_held_recording_and_shows_the_letter(
    client: TestClient, pbx: dict[str, str], db: Database
) -> None:
    recording = record(client, pbx, "alice")
    with db.unit_of_work() as session:
        legal = Principal(actor="user:lee", role=Role.LEGAL)
        holds.create(session, legal, "Doe <b>v</b> Bank", "claim expected", {"numbers": [NUMBER]})
    lee = signed_in(client.app, "lee")
    request_id = opened_id(open_by_form(lee, kind="erasure"))
    page = f"/subjects/{request_id}"
    confirm = lee.get(f"{page}/erase")
    assert confirm.status_code == 200
    assert "Would be destroyed (0)" in confirm.text and "Kept, and why (1)" in confirm.text
    assert "Art. 17(3)(e)" in confirm.text and "Doe &lt;b&gt;v&lt;/b&gt; Bank" in confirm.text
    unticked = post(lee, f"{page}/erase", f"{page}/erase")
    assert unticked.status_code == 422
    with db.reading() as session:
        row = session.get(SubjectRequest, request_id)
        assert row is not None and row.letter is None
    done = post(lee, f"{page}/erase", f"{page}/erase", confirm="yes")
    assert done.status_code == 303
    shown = lee.get(page).text
    assert "Response letter" in shown and "Kept (1 recording(s)), and why" in shown
    assert recording in shown and "Doe &lt;b&gt;v&lt;/b&gt; Bank" in shown
    with db.reading() as session:
        key = session.get(DataKey, recording)
        assert key is not None and key.wrapped is not None


def test_closing_needs_an_outcome(client: TestClient, pbx: dict[str, str]) -> None:
    cora = signed_in(client.app, "cora")
    request_id = opened_id(open_by_form(cora))
    page = f"/subjects/{request_id}"
    assert post(cora, f"{page}/close", page, outcome="").status_code == 422
    closed = post(cora, f"{page}/close", page, outcome="sent <i>by post</i>")
    assert closed.status_code == 303
    shown = cora.get(page).text
    assert "sent &lt;i&gt;by post&lt;/i&gt;" in shown and "Close the request" not in shown
