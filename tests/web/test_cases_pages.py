"""The cases pages over HTTP, on both databases: filing each kind from the console, the
handler's work through to a decision that acts, what each reader sees (internal notes never to
the reporter, the reporter never to the oversight roles), someone else's case answering like a
missing one, case text escaped, the anonymous code shown once and the throttled follow-up."""

from __future__ import annotations

from fastapi.testclient import TestClient

from callwarden.config import Settings
from callwarden.db import Database
from tests.cases.conftest import BENS_CALL
from tests.web.cases_data import ADAS_CALL, cases_org, filed_ref, post_form
from tests.web.recording_data import csrf_of, signed_in

SCRIPT = "<script>alert('case')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;case&#39;)&lt;/script&gt;"


def _file(browser: TestClient, kind: str, **fields: str) -> str:
    page = f"/cases/new?kind={kind}"
    return post_form(browser, page, "/cases/new", kind=kind, **fields)


def test_a_private_call_from_filing_to_a_decision(
    client: TestClient, db: Database, settings: Settings
) -> None:
    cases_org(settings, db)
    ada = signed_in(client.app, "ada")
    own = ada.get(f"/recordings/{ADAS_CALL}").text
    link = f"/cases/new?kind=private_call&amp;recording_id={ADAS_CALL}"
    assert "Ask for this private call to be removed" in own and link in own
    form = ada.get(f"/cases/new?kind=private_call&recording_id={ADAS_CALL}").text
    assert f'value="{ADAS_CALL}"' in form
    page = _file(
        ada, "private_call", recording_id=ADAS_CALL, summary=SCRIPT, details=f"{SCRIPT} doctor"
    )
    ref = filed_ref(page)
    assert "Your case is filed" in page and ESCAPED in page and SCRIPT not in page
    assert "a compliance officer" in page  # the handler is not named to the reporter
    assert "Download PDF" not in page
    listed = ada.get("/cases").text
    assert "CASE-" in listed and ESCAPED in listed

    # The auto-assigned handler works it; the reporter reads the reply, never the note.
    olga = signed_in(client.app, "olga")
    oscar = signed_in(client.app, "oscar")
    handler = next(b for b in (olga, oscar) if "Handle the case" in b.get(f"/cases/{ref}").text)
    other = oscar if handler is olga else olga
    case_page = f"/cases/{ref}"
    seen = handler.get(case_page).text
    assert "Reported by" in seen and "ada" in seen and ESCAPED in seen
    post_form(handler, case_page, f"/cases/{ref}/reply", body=f"Reply {SCRIPT}")
    post_form(handler, case_page, f"/cases/{ref}/note", body="internal: check the line")
    mine = ada.get(case_page).text
    assert "Reply &lt;script&gt;" in mine and "internal: check the line" not in mine
    # The other officer reads it as oversight: everything but who reported it; no handling.
    oversight = other.get(case_page).text
    assert "internal: check the line" in oversight and "Reported by" not in oversight
    assert "Handle the case" not in oversight and "Download PDF" in oversight
    refused = other.post(
        f"/cases/{ref}/reply", data={"body": "x", "csrf_token": csrf_of(other, case_page)}
    )
    assert refused.status_code == 403 and "handler" in refused.text

    post_form(handler, case_page, f"/cases/{ref}/review")
    decided = post_form(
        handler, case_page, f"/cases/{ref}/decide", outcome="upheld", reasons="It was personal."
    )
    assert "Decision: upheld" in decided and "It was personal." in decided
    assert "destruction certificate" in decided
    pdf = handler.get(f"/cases/{ref}/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "Decision: upheld" in ada.get(case_page).text


def test_someone_elses_case_answers_as_a_missing_one(
    client: TestClient, db: Database, settings: Settings
) -> None:
    cases_org(settings, db)
    ada = signed_in(client.app, "ada")
    ref = filed_ref(_file(ada, "concern", summary="cameras", details="why record everything?"))
    ben = signed_in(client.app, "ben")
    theirs = ben.get(f"/cases/{ref}")
    missing = ben.get("/cases/case_doesnotexist")
    assert theirs.status_code == missing.status_code == 404
    assert "cameras" not in theirs.text and theirs.text.count("nothing at this address") == 1
    assert ben.get(f"/cases/{ref}/export.pdf").status_code == 404
    # Ben's own recording dispute about ada's call: refused as if it did not exist.
    page = "/cases/new?kind=private_call"
    refused = ben.post(
        "/cases/new",
        data={"kind": "private_call", "recording_id": ADAS_CALL, "summary": "s", "details": "d",
              "csrf_token": csrf_of(ben, page)},
    )  # fmt: skip
    nothing = ben.post(
        "/cases/new",
        data={"kind": "private_call", "recording_id": "rec_nope", "summary": "s", "details": "d",
              "csrf_token": csrf_of(ben, page)},
    )  # fmt: skip
    assert refused.status_code == nothing.status_code == 404
    # A reporter may not download the PDF; without the token a form is refused.
    assert ada.get(f"/cases/{ref}/export.pdf").status_code == 403
    assert ada.post(f"/cases/{ref}/message", data={"body": "x"}).status_code == 403
    # A supervisor does not see ada's private-call link on ada's recording page.
    sue = signed_in(client.app, "sue")
    assert "Ask for this private call" not in sue.get(f"/recordings/{ADAS_CALL}").text
    assert "Ask for this private call" in ben.get(f"/recordings/{BENS_CALL}").text


def test_customer_disputes_are_for_compliance_and_legal(
    client: TestClient, db: Database, settings: Settings
) -> None:
    cases_org(settings, db)
    assert (
        "on_behalf_of"
        not in signed_in(client.app, "ada").get("/cases/new?kind=recording_dispute").text
    )
    lee = signed_in(client.app, "lee")
    assert "on_behalf_of" in lee.get("/cases/new?kind=recording_dispute").text
    page = _file(
        lee, "recording_dispute", recording_id=BENS_CALL, on_behalf_of="Mrs Jones, 0123",
        summary="did not agree", details="the customer says she refused",
    )  # fmt: skip
    assert "Mrs Jones" in page  # the reporter (legal, on the customer's behalf) sees whom for
    aud = signed_in(client.app, "aud")
    ref = filed_ref(page)
    audited = aud.get(f"/cases/{ref}").text
    assert "Mrs Jones" not in audited
    assert audited.count('<form method="post"') == 1  # signing out only
    assert "Legal hold" in audited and "Download PDF" in audited
    assert "/cases/desk" in aud.get("/home").text


def test_an_anonymous_concern_and_its_code(
    client: TestClient, db: Database, settings: Settings
) -> None:
    cases_org(settings, db)
    ada = signed_in(client.app, "ada")
    shown = _file(ada, "concern", summary=SCRIPT, details="who listens?", anonymous="true")
    code = shown.split('aria-label="Follow-up code">')[1].split("<")[0]
    assert len(code.replace("-", "")) == 28 and "shown only this once" in shown
    assert "CASE-" not in ada.get("/cases").text  # not listed with her own
    # The handler replies; the reporter reads it with the code alone, in a fresh browser.
    olga, oscar = signed_in(client.app, "olga"), signed_in(client.app, "oscar")
    desk = olga.get("/cases/desk?scope=all").text
    assert ESCAPED in desk and SCRIPT not in desk
    label = desk.split('href="/cases/CASE-')[1].split('"')[0]
    ref = f"CASE-{label}"
    handler = next(b for b in (olga, oscar) if "Handle the case" in b.get(f"/cases/{ref}").text)
    assert "Reported by" not in handler.get(f"/cases/{ref}").text
    post_form(handler, f"/cases/{ref}", f"/cases/{ref}/reply", body="We record for quality.")
    stranger = TestClient(client.app, raise_server_exceptions=False)
    assert stranger.get("/cases/follow-up").status_code == 200
    token = csrf_of(stranger, "/cases/follow-up")
    read = stranger.post("/cases/follow-up", data={"code": code.lower(), "csrf_token": token})
    assert read.status_code == 200 and "We record for quality." in read.text
    assert ESCAPED in read.text and code not in stranger.get("/cases/follow-up").text
    wrote = stranger.post(
        "/cases/follow-up", data={"code": code, "message": "thanks", "csrf_token": token}
    )
    assert "Your message is sent" in wrote.text and "thanks" in wrote.text
    assert "thanks" in handler.get(f"/cases/{ref}").text
    # Guessing is counted and throttled like the API: 429 with Retry-After.
    answers = [
        stranger.post("/cases/follow-up", data={"code": "0" * 28, "csrf_token": token})
        for _ in range(11)
    ]
    assert answers[0].status_code == 404 and "No case opens" in answers[0].text
    assert answers[-1].status_code == 429 and "Retry-After" in answers[-1].headers
    assert (
        stranger.post("/cases/follow-up", data={"code": code, "csrf_token": token}).status_code
        == 429
    )


def test_an_upheld_evaluation_dispute_is_evaluated_again(
    client: TestClient, db: Database, settings: Settings
) -> None:
    evaluation_id = cases_org(settings, db)
    ada = signed_in(client.app, "ada")
    evaluation = ada.get(f"/qa/evaluations/{evaluation_id}").text
    assert "Dispute this evaluation" in evaluation
    page = _file(
        ada, "evaluation_dispute", evaluation_id=evaluation_id, summary="unfair",
        details="I did give the summary",
    )  # fmt: skip
    ref = filed_ref(page)
    olga, oscar = signed_in(client.app, "olga"), signed_in(client.app, "oscar")
    handler = next(b for b in (olga, oscar) if "Handle the case" in b.get(f"/cases/{ref}").text)
    post_form(handler, f"/cases/{ref}", f"/cases/{ref}/review")
    decided = post_form(
        handler, f"/cases/{ref}", f"/cases/{ref}/decide", outcome="upheld", reasons="Re-do it."
    )
    assert "Evaluated again" in decided
    assert "Evaluated again" in ada.get(f"/cases/{ref}").text
