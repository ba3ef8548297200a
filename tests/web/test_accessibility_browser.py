"""The main pages, as a browser sees them: every control labelled, every picture described,
text contrast at least WCAG AA (4.5:1), one main heading, and a print style without the
navigation and forms."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.app import create_app
from callwarden.checks import runs as check_runs
from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.models import CheckFinding
from callwarden.qa import service as qa
from callwarden.retention import holds
from callwarden.subjects import service as subjects
from callwarden.training import service as training
from tests.support.console import Console, make_person
from tests.support.console_calls import full_call, open_finding, phone_system, upload_recording
from tests.web.disposals_data import certified_sweep
from tests.web.training_data import EXAMPLE_COURSE

pytestmark = pytest.mark.browser

# What a page breaks, found by script in the page: each entry a short description.
AUDIT_PAGE = """() => {
  const problems = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  for (const control of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button"].includes(control.type) || !visible(control)) continue;
    const named = control.labels.length || control.getAttribute("aria-label")
      || control.getAttribute("aria-labelledby");
    if (!named) problems.push("unlabelled " + control.outerHTML.slice(0, 80));
  }
  for (const button of document.querySelectorAll("button, a[href]")) {
    if (visible(button) && !(button.textContent.trim() || button.getAttribute("aria-label")))
      problems.push("nameless " + button.outerHTML.slice(0, 80));
  }
  for (const svg of document.querySelectorAll("main svg")) {
    if (!(svg.getAttribute("aria-label") || svg.querySelector("title")
          || svg.getAttribute("aria-hidden") === "true"))
      problems.push("undescribed picture");
  }
  if (document.querySelectorAll("h1").length !== 1) problems.push("not exactly one h1");
  if (!document.documentElement.lang) problems.push("no lang");
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length < 4 || colour[3] > 0) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const el = text.parentElement;
    if (!text.textContent.trim() || !visible(el) || el.closest("svg")) continue;
    const fore = luminance(rgb(getComputedStyle(el).color).slice(0, 3));
    const back = luminance(background(el));
    const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} for "${text.textContent.trim().slice(0, 30)}"`);
  }
  return problems;
}"""


QA_EXAMPLE = resources.files("callwarden.qa").joinpath("examples/inbound.yaml").read_text()


def _some_of_everything(db: Database, settings: Settings) -> dict[str, Any]:
    cora = make_person(db, "compliance_officer", "cora")
    make_person(db, "agent", "ann", team="red")
    with TestClient(create_app(settings, db)) as api:
        pbx = phone_system(db, settings)
        call = full_call(api, pbx, agent="ann", queue="payments")
        recording = upload_recording(api, pbx, call.call_id)
    open_finding(db, recording, "payment_audio_leak", "Keys pressed inside the payment pause")
    officer = Principal(
        actor="user:cora", role=Role.COMPLIANCE_OFFICER, user_id=cora.id, username="cora"
    )
    with db.unit_of_work() as session:
        hold = holds.create(session, officer, "Case 1", "a claim", {"call_ids": [call.call_id]})
    make_person(db, "qa_reviewer", "quinn", team="blue")
    with db.unit_of_work() as session:
        qa.add_scorecard(session, officer, QA_EXAMPLE)
        plan = qa.create_plan(
            session,
            officer,
            period_from=clock.now() - timedelta(days=1),
            period_to=clock.now() + timedelta(days=1),
            size=1,
            scorecard="inbound-service",
            seed=1,
        )
        (evaluation,) = qa.list_evaluations(session, officer, plan.id)
        qa_made = {"plan": plan.id, "evaluation": evaluation.id}
    sweep_id, _ = certified_sweep(db, settings, [recording], "erasure request 7")
    with db.unit_of_work() as session:
        subject = subjects.open_request(
            session,
            officer,
            kind="erasure",
            numbers=["+493012345678"],
            law="gdpr",
            received_at=clock.now(),
            identity_verification="called back on the number on file",
            verified_by="Cora",
        )
        subjects.find(session, officer, subject.id)
    around = Period(clock.now() - timedelta(days=1), clock.now() + timedelta(days=1))
    with db.unit_of_work() as session:
        run = check_runs.start(session, officer, around, settings)
        run_id = run.id
        check_finding = session.scalars(select(CheckFinding.id)).first()
    with db.unit_of_work() as session:
        training.publish_course(session, officer, EXAMPLE_COURSE, "recording-basics.yaml")
        (course_assignment,) = [
            row.id for row in training.my_assignments(session, officer) if row.course_version_id
        ]
    return {
        "course_assignment": course_assignment,
        "run": run_id,
        "check_finding": check_finding,
        "call": call.call_id,
        "recording": recording,
        "hold": hold.id,
        "sweep": sweep_id,
        "subject": subject.id,
        **qa_made,
    }


def test_the_main_pages_are_labelled_described_and_readable(
    console: Console, db: Database, settings: Settings
) -> None:
    made = _some_of_everything(db, settings)
    page = console.sign_in("cora")
    pages = [
        "/home",
        "/calls",
        f"/calls/{made['call']}",
        "/recordings",
        f"/recordings/{made['recording']}",
        "/holds",
        "/holds/new",
        f"/holds/{made['hold']}",
        "/disposals",
        f"/disposals/{made['sweep']}",
        "/disposals/verify",
        "/policy",
        "/policy/versions",
        "/policy/draft",
        "/law",
        "/law/jurisdictions/US-CA",
        "/subjects",
        f"/subjects/{made['subject']}",
        f"/subjects/{made['subject']}/erase",
        "/checks",
        f"/checks/runs/{made['run']}",
        f"/checks/findings/{made['check_finding']}",
        "/audit",
        "/admin",
        "/qa",
        f"/qa/plans/{made['plan']}",
        f"/qa/evaluations/{made['evaluation']}",
        "/account/tokens",
        "/account/password",
        "/training/mine",
        f"/training/assignments/{made['course_assignment']}",
        "/training/policy",
        "/training/records",
        "/training/courses/new",
        "/about-recording",
    ]
    found = {}
    for path in pages:
        console.open(path)
        assert page.url.endswith(path), (path, page.url)
        problems = page.evaluate(AUDIT_PAGE)
        if problems:
            found[path] = problems
    assert not found, found
    # The audit itself sees what it looks for: a bare input and pale grey text.
    page.evaluate(
        """() => {
          const main = document.querySelector("main");
          main.insertAdjacentHTML("beforeend", '<input id="bare"><p id="pale">faint words</p>');
          document.getElementById("pale").style.color = "#bbbbbb";
        }"""
    )
    planted = page.evaluate(AUDIT_PAGE)
    assert any(problem.startswith("unlabelled <input") for problem in planted), planted
    assert any('"faint words"' in problem for problem in planted), planted


def test_printing_leaves_out_the_navigation_and_the_forms(
    console: Console, db: Database, settings: Settings
) -> None:
    made = _some_of_everything(db, settings)
    page = console.sign_in("cora")
    console.open(f"/calls/{made['call']}")
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("button", name="Sign out").is_visible()
    assert page.get_by_role("heading", level=1).is_visible()
    pdf = page.pdf()  # what a person gets from the browser's "print to PDF"
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
