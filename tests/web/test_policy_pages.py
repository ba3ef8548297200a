"""The policy pages over HTTP: the policy in force, history and diffs, checking a draft with its
problems at their lines, and applying (only for the roles that may, audited)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.models import AuditEvent, PolicyVersion
from callwarden.policy import service
from tests.support.console import make_person
from tests.support.policies import EXAMPLE_TEXT
from tests.web.console_forms import csrf_of, signed_in

BILLION_LAUGHS = """organisation: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
title: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
recorder_jurisdiction: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
default_language: [*c,*c,*c,*c,*c,*c,*c,*c,*c]
"""


def applied(db: Database, text: str = EXAMPLE_TEXT, source: str = "policy.yaml") -> None:
    with db.unit_of_work() as session:
        service.apply(session, SYSTEM, text, source)


def line_of(text: str, fragment: str) -> int:
    return next(number for number, row in enumerate(text.splitlines(), 1) if fragment in row)


def check_draft(client: TestClient, text: str, filename: str = "draft.yaml") -> str:
    answer = client.post(
        "/policy/draft",
        data={"csrf_token": csrf_of(client, "/policy/draft"), "note": "", "document": ""},
        files={"upload": (filename, text.encode(), "application/yaml")},
    )
    return f"{answer.status_code}\n{answer.text}"


def test_the_policy_in_force_is_rendered_for_staff_with_its_purposes(
    client: TestClient, db: Database
) -> None:
    applied(db)
    make_person(db, "supervisor", "sam-supervisor", team="north")
    page = signed_in(client, "sam-supervisor").get("/policy")
    assert page.status_code == 200
    for purpose in ("quality", "dispute_resolution", "regulatory_record"):
        assert f"<td>{purpose}</td>" in page.text
    assert "Evidence of what was agreed, for complaints and disputes." in page.text
    assert "Not legal advice." in page.text  # the console's notice, on a page with rules
    assert "Version 1" in page.text and "policy.yaml" in page.text
    assert "/policy/draft" not in page.text  # a supervisor may not check or apply drafts


def test_no_policy_yet_is_said_in_words(client: TestClient, db: Database) -> None:
    make_person(db, "compliance_officer", "carol-co")
    page = signed_in(client, "carol-co").get("/policy")
    assert page.status_code == 200 and "No policy is in force yet" in page.text
    assert 'href="/policy/draft"' in page.text


def test_history_names_who_applied_each_version_and_diffs_it_with_the_one_before(
    client: TestClient, db: Database
) -> None:
    applied(db, EXAMPLE_TEXT, "first cut")
    applied(db, EXAMPLE_TEXT.replace("rate: 0.2", "rate: 0.5"), "sample more sales calls")
    make_person(db, "auditor", "ann-auditor")
    signed_in(client, "ann-auditor")
    history = client.get("/policy/versions")
    assert history.status_code == 200 and "Not legal advice." in history.text
    assert "first cut" in history.text and "sample more sales calls" in history.text
    assert history.text.count("<td>system</td>") == 2
    assert "diff with version 1" in history.text
    second = client.get("/policy/versions/2")
    assert second.status_code == 200 and "Not legal advice." in second.text
    line = line_of(EXAMPLE_TEXT, "rate: 0.2")
    removed = re.search(r'<tr class="removed">(.*?)</tr>', second.text, re.S)
    added = re.search(r'<tr class="added">(.*?)</tr>', second.text, re.S)
    assert removed and added
    assert f'<td class="num">{line}</td>' in removed.group(1)
    assert "− removed" in removed.group(1) and "rate: 0.2" in removed.group(1)
    assert "+ added" in added.group(1) and "rate: 0.5" in added.group(1)
    assert "1 line(s) added" in second.text and "1 line(s) removed" in second.text
    assert "unchanged lines" in second.text  # the rest is folded, not printed
    first = client.get("/policy/versions/1")
    assert "This is the first version" in first.text
    assert client.get("/policy/versions/9").status_code == 404


def test_a_draft_with_errors_shows_each_problem_at_its_line(
    client: TestClient, db: Database
) -> None:
    make_person(db, "compliance_officer", "carol-co")
    signed_in(client, "carol-co")
    draft = EXAMPLE_TEXT.replace("on_withdrawal:", "on_withdrawl:").replace(
        "retention: {min: P5Y, max: P7Y}", "retention: {min: P1Y, max: P7Y}"
    )
    typo = line_of(draft, "on_withdrawl")
    status, page = check_draft(client, draft).split("\n", 1)
    assert status == "422" and "Not valid" in page
    assert f'<td class="num"><a href="#line-{typo}">{typo}</a></td>' in page
    row = re.search(rf'<tr id="line-{typo}" class="marked error">(.*?)</tr>', page, re.S)
    assert row and "▶ error" in row.group(1) and "on_withdrawl" in row.group(1)
    assert f"line {typo}, error: Extra inputs are not permitted" in row.group(1)
    assert "Continue to apply" not in page  # an invalid draft offers no way to apply it
    # A problem with the law, found after parsing, is placed at its line too.
    fixed = draft.replace("on_withdrawl:", "on_withdrawal:")
    retention = line_of(fixed, "retention: {min: P1Y, max: P7Y}")
    status, page = check_draft(client, fixed).split("\n", 1)
    assert status == "422"
    row = re.search(rf'<tr id="line-{retention}" class="marked error">(.*?)</tr>', page, re.S)
    assert row and "requires keeping recordings at least 5 years (FCA SYSC 10A)" in row.group(1)


def test_a_valid_draft_can_go_on_to_apply_and_pasted_text_works_too(
    client: TestClient, db: Database
) -> None:
    make_person(db, "admin", "adam-admin")
    signed_in(client, "adam-admin")
    answer = client.post(
        "/policy/draft",
        data={"csrf_token": csrf_of(client, "/policy/draft"), "document": EXAMPLE_TEXT},
    )
    assert answer.status_code == 200 and "Valid." in answer.text
    assert "Continue to apply" in answer.text


def test_yaml_bombs_are_refused_as_the_api_refuses_them(client: TestClient, db: Database) -> None:
    make_person(db, "compliance_officer", "carol-co")
    signed_in(client, "carol-co")
    status, page = check_draft(client, BILLION_LAUGHS).split("\n", 1)
    assert status == "422"
    assert "YAML anchors and aliases are not allowed in a policy" in page
    assert '<tr id="line-2" class="marked error">' in page  # the first alias
    refused = client.post(
        "/policy/apply",
        data={"csrf_token": csrf_of(client, "/policy/draft"), "document": BILLION_LAUGHS},
    )
    assert refused.status_code == 422 and "anchors and aliases" in refused.text
    with db.reading() as session:
        assert session.scalars(select(PolicyVersion)).all() == []


def test_a_huge_draft_gets_a_clear_page_not_a_crash(client: TestClient, db: Database) -> None:
    make_person(db, "compliance_officer", "carol-co")
    signed_in(client, "carol-co")
    big = "organisation: x\n" + "# padding\n" * 60_000  # 600 kB: over the policy's limit
    status, page = check_draft(client, big).split("\n", 1)
    assert status == "422" and "the document is larger than 524288 bytes" in page
    assert "The draft is too large to show." in page
    huge = client.post(
        "/policy/draft",
        data={"csrf_token": csrf_of(client, "/policy/draft")},
        files={"upload": ("huge.yaml", b"#" * 3_000_000, "application/yaml")},
        headers={"Accept": "text/html"},
    )
    assert huge.status_code == 413 and huge.headers["content-type"].startswith("text/html")
    assert "larger than the" in huge.text and "limit" in huge.text
    api = client.post(  # the API answers as it always did, even to a browser's Accept
        "/v1/policy/validate", content=b"x" * 8_000_000, headers={"Accept": "text/html"}
    )
    assert api.status_code == 413 and api.headers["content-type"] == "application/problem+json"


def test_a_supervisor_may_not_apply_and_is_told_which_roles_may(
    client: TestClient, db: Database
) -> None:
    make_person(db, "supervisor", "sam-supervisor", team="north")
    signed_in(client, "sam-supervisor")
    token = csrf_of(client, "/policy")
    refused = client.post("/policy/apply", data={"csrf_token": token, "document": EXAMPLE_TEXT})
    assert refused.status_code == 403 and "Not allowed" in refused.text
    assert "policy.apply needs one of the roles: admin, compliance_officer" in refused.text
    assert client.get("/policy/draft").status_code == 403
    with db.reading() as session:
        assert session.scalars(select(PolicyVersion)).all() == []
        denied = session.scalars(
            select(AuditEvent.actor).where(AuditEvent.action == "access.denied")
        ).all()
    assert "user:sam-supervisor" in denied


def test_a_compliance_officer_confirms_then_applies_a_version_that_is_audited(
    client: TestClient, db: Database
) -> None:
    applied(db, EXAMPLE_TEXT.replace("rate: 0.2", "rate: 0.3"), "older")
    make_person(db, "compliance_officer", "carol-co")
    signed_in(client, "carol-co")
    draft = EXAMPLE_TEXT.replace("retention: {min: P90D, max: P6M}", "retention: {min: P90D}")
    sent = draft.replace("\n", "\r\n")  # as a browser sends a textarea
    confirm = client.post(
        "/policy/apply/confirm",
        data={"csrf_token": csrf_of(client, "/policy/draft"), "document": sent, "note": "Q4"},
    )
    assert confirm.status_code == 200 and "Apply this draft as the policy?" in confirm.text
    assert "What the law says about it" in confirm.text and "1 warning(s)" in confirm.text
    assert "no maximum retention" in confirm.text  # the law's warning, before applying
    assert "rate: 0.3" in confirm.text and "rate: 0.2" in confirm.text  # the change, shown
    assert "Not legal advice." in confirm.text
    with db.reading() as session:
        assert len(session.scalars(select(PolicyVersion)).all()) == 1  # nothing stored yet
    done = client.post(
        "/policy/apply",
        data={"csrf_token": csrf_of(client, "/policy/draft"), "document": sent, "note": "Q4"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/policy/versions/2?outcome=applied"
    assert "Applied as version 2" in client.get(done.headers["location"]).text
    with db.reading() as session:
        row = session.get(PolicyVersion, 2)
        assert row is not None and row.applied_by == "user:carol-co" and row.source_name == "Q4"
        # Line ends as the file has them: the same hash as the file applied by the CLI.
        assert row.content_hash == hashlib.sha256(draft.encode()).hexdigest()
        assert [warning["path"] for warning in row.warnings] == ["purposes.quality.retention"]
        events = session.execute(
            select(AuditEvent.actor, AuditEvent.target).where(AuditEvent.action == "policy.applied")
        ).all()
    assert tuple(events[-1]) == ("user:carol-co", "policy:2")
    again = client.post(
        "/policy/apply",
        data={"csrf_token": csrf_of(client, "/policy/draft"), "document": sent},
        follow_redirects=False,
    )
    assert again.headers["location"] == "/policy/versions/2?outcome=unchanged"


def test_a_form_without_its_csrf_token_applies_nothing(client: TestClient, db: Database) -> None:
    make_person(db, "compliance_officer", "carol-co")
    signed_in(client, "carol-co")
    refused = client.post("/policy/apply", data={"document": EXAMPLE_TEXT})
    assert refused.status_code == 403
    with db.reading() as session:
        assert session.scalars(select(PolicyVersion)).all() == []


def test_script_in_a_policy_comes_out_escaped(client: TestClient, db: Database) -> None:
    hostile = EXAMPLE_TEXT.replace(
        "organisation: Northwind Mutual (example)",
        "organisation: \"<script>alert('x')</script> Northwind\"",
    ).replace("on_withdrawal:", "on_withdrawl:")
    make_person(db, "compliance_officer", "carol-co")
    signed_in(client, "carol-co")
    status, page = check_draft(client, hostile, filename="<b>draft</b>.yaml").split("\n", 1)
    assert status == "422"
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
    assert "<b>draft</b>" not in page and "&lt;b&gt;draft&lt;/b&gt;.yaml" in page
    applied(db, hostile.replace("on_withdrawl:", "on_withdrawal:"))
    rendered = client.get("/policy")
    assert rendered.status_code == 200
    assert "<script>alert" not in rendered.text and "&lt;script&gt;alert(" in rendered.text
    version = client.get("/policy/versions/1")
    assert "<script>alert" not in version.text and "&lt;script&gt;alert(" in version.text


def test_a_draft_near_the_size_limit_goes_through_every_step(
    client: TestClient, db: Database
) -> None:
    padding = "".join(f"# note {number}: {'é' * 40}\n" for number in range(5_000))
    big = EXAMPLE_TEXT + padding  # under 512 KiB as UTF-8, far more if URL-encoded
    assert 400_000 < len(big.encode()) <= 512 * 1024
    assert len(urlencode({"document": big})) > 1_048_576  # why the forms are multipart
    make_person(db, "compliance_officer", "carol-co")
    signed_in(client, "carol-co")
    status, page = check_draft(client, big).split("\n", 1)
    assert status == "200" and "Valid." in page
    as_the_page_sends = {"upload": ("", b"", "application/octet-stream")}  # multipart
    for step in ("/policy/apply/confirm", "/policy/apply"):
        answer = client.post(
            step,
            data={"csrf_token": csrf_of(client, "/policy/draft"), "document": big},
            files=as_the_page_sends,
            follow_redirects=False,
        )
        assert answer.status_code in (200, 303), answer.text[:300]
    with db.reading() as session:
        row = session.get(PolicyVersion, 1)
        assert row is not None and row.document == big
