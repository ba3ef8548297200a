"""Working findings: acknowledge, resolve, accept as a risk (each with a reason, by a compliance
officer, audited), and one list of findings across recordings with filters and a cursor."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.jobs import JobContext
from callwarden.kit import clock
from callwarden.models import AuditEvent
from callwarden.vault.runtime import vault_for
from callwarden.verification import service
from callwarden.verification.tasks import ANALYST, analyse_recordings
from tests.recordings.conftest import recorded_call
from tests.support.corpus.tones import dial, overlay
from tests.verification.test_findings import speech, two_channels, upload
from tests.verification.test_missing_notice import unannounced_upload

Headers = dict[str, dict[str, str]]


@pytest.fixture
def worked(api: TestClient, people: Headers, vault_settings: Settings, db: Database) -> Any:
    """Two checked recordings: one kept without notice evidence, one with card digits left in."""
    quiet = two_channels(12.0)
    quiet[:, 1] = overlay(quiet[:, 1], speech(61, 5.0), 1.0)
    unannounced, response = unannounced_upload(api, people["pbx"], quiet)
    assert response.status_code == 201, response.text
    keyed_call = recorded_call(api, people["pbx"])
    keyed = two_channels(12.0)
    keyed[:, 1] = overlay(keyed[:, 1], speech(62, 5.0), 1.0)
    keyed[:, 0] = overlay(keyed[:, 0], dial("4111", 8000)[0], 7.0)
    keyed_id = upload(api, people["pbx"], keyed_call.call_id, keyed)
    assert analyse_recordings(JobContext(vault_settings, db)) == 2
    return {
        "unannounced": (unannounced.call_id, response.json()["recording_id"]),
        "keyed": (keyed_call.call_id, keyed_id),
    }


def listed(api: TestClient, who: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    response = api.get("/v1/findings", params=query, headers=who)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["items"]
    return rows


def move(api: TestClient, who: dict[str, str], finding_id: int, action: str, **body: Any) -> Any:
    return api.post(f"/v1/findings/{finding_id}/{action}", json=body, headers=who)


def test_findings_are_listed_across_recordings_with_filters_and_a_cursor(
    api: TestClient, people: Headers, worked: Any
) -> None:
    cora = people["cora"]
    everything = listed(api, cora)
    assert {row["recording_id"] for row in everything} == {
        worked["unannounced"][1],
        worked["keyed"][1],
    }
    [stray] = listed(api, cora, kind="dtmf_in_recording")
    assert stray["recording_id"] == worked["keyed"][1] and "4111" not in str(stray)
    high = listed(api, cora, severity="high")
    assert {"dtmf_in_recording", "notice_not_in_ledger"} <= {row["kind"] for row in high}
    assert all(row["severity"] == "high" for row in high)
    on_call = listed(api, cora, call_id=worked["unannounced"][0])
    assert on_call and all(row["recording_id"] == worked["unannounced"][1] for row in on_call)
    assert listed(api, cora, recording_id=worked["keyed"][1]) == [
        row for row in everything if row["recording_id"] == worked["keyed"][1]
    ]
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    earlier = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert listed(api, cora, **{"from": later}) == []
    assert listed(api, cora, **{"to": earlier}) == []
    assert len(listed(api, cora, **{"from": earlier, "to": later})) == len(everything)
    assert len(listed(api, cora, status="open")) == len(everything)
    pages: list[dict[str, Any]] = []
    cursor: dict[str, str] = {}
    while True:
        page = api.get("/v1/findings", params={"limit": 2, **cursor}, headers=cora).json()
        pages.extend(page["items"])
        if page["next_cursor"] is None:
            break
        cursor = {"cursor": page["next_cursor"]}
    assert [row["finding_id"] for row in pages] == [row["finding_id"] for row in everything]
    assert listed(api, people["audra"], severity="high") == high  # auditors read them too
    assert api.get("/v1/findings", headers=people["alice"]).status_code == 403
    refused = api.get("/v1/findings", params={"status": "done"}, headers=cora)
    assert refused.status_code == 422 and "acknowledged" in refused.json()["detail"]


def test_acknowledge_then_resolve_each_with_a_reason_by_compliance_audited(
    api: TestClient, people: Headers, worked: Any
) -> None:
    cora = people["cora"]
    [stray] = listed(api, cora, kind="dtmf_in_recording")
    number = stray["finding_id"]
    assert move(api, people["east-lead"], number, "acknowledge", reason="mine").status_code == 403
    assert move(api, people["root"], number, "acknowledge", reason="mine").status_code == 403
    assert move(api, cora, number, "acknowledge", reason="").status_code == 422
    acknowledged = move(api, cora, number, "acknowledge", reason="asking the agent's lead")
    assert acknowledged.status_code == 200, acknowledged.text
    body = acknowledged.json()
    assert (body["status"], body["status_reason"]) == ("acknowledged", "asking the agent's lead")
    assert "cora" in body["status_by"] and body["status_at"]
    again = move(api, cora, number, "acknowledge", reason="twice")
    assert again.status_code == 409 and "is acknowledged" in again.json()["detail"]
    resolved = move(api, cora, number, "resolve", reason="digits redacted; agent retrained")
    assert resolved.json()["status"] == "resolved"
    assert move(api, cora, number, "resolve", reason="again").status_code == 409
    assert move(api, cora, 2**31 - 1, "resolve", reason="x").status_code == 404
    assert listed(api, cora, status="resolved") == [resolved.json()]
    trail = api.get(
        "/v1/audit/events", params={"target": f"finding:{number}"}, headers=people["audra"]
    ).json()["items"]
    assert [(e["action"], e["reason"]) for e in trail] == [
        ("finding.acknowledged", "asking the agent's lead"),
        ("finding.resolved", "digits redacted; agent retrained"),
    ]
    assert trail[1]["data"]["from"] == "acknowledged" and "cora" in trail[1]["actor"]


def test_a_risk_is_accepted_with_a_reason_until_it_expires(
    api: TestClient, people: Headers, worked: Any
) -> None:
    cora = people["cora"]
    [gap] = listed(api, cora, kind="notice_not_in_ledger")
    number = gap["finding_id"]
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    stale = move(api, cora, number, "accept-risk", reason="legacy PBX", expires_at=past)
    assert stale.status_code == 422 and "future" in stale.json()["detail"]
    naive = move(api, cora, number, "accept-risk", reason="x", expires_at="2030-01-01T00:00:00")
    assert naive.status_code == 422
    expires = datetime.now(UTC) + timedelta(days=30)
    accepted = move(
        api, cora, number, "accept-risk", reason="legacy PBX, replaced in January",
        expires_at=expires.isoformat(),
    )  # fmt: skip
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["status"] == "accepted_risk" and body["risk_expired"] is False
    assert datetime.fromisoformat(body["risk_expires_at"]) == expires
    assert number not in [row["finding_id"] for row in listed(api, cora, status="open")]
    assert [row["finding_id"] for row in listed(api, cora, status="accepted_risk")] == [number]
    with clock.frozen_at(expires + timedelta(seconds=1)):
        reopened = listed(api, cora, status="open")
        assert number in [row["finding_id"] for row in reopened]
        assert next(r for r in reopened if r["finding_id"] == number)["risk_expired"] is True
    acknowledged = move(api, cora, number, "acknowledge", reason="x")
    assert acknowledged.status_code == 409  # an accepted risk is resolved or accepted again
    events = api.get(
        "/v1/audit/events", params={"action": "finding.accepted_risk"}, headers=people["audra"]
    ).json()["items"]
    assert events[0]["data"]["risk_expires_at"] == expires.isoformat()


def test_findings_are_worked_from_the_command_line(
    api: TestClient, people: Headers, worked: Any, vault_settings: Settings, db: Database
) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(vault_settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()
    shown = runner.invoke(cli, ["findings", "list", "--severity", "high", "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.output)["items"]
    assert rows == listed(api, people["cora"], severity="high")
    number = str(rows[0]["finding_id"])
    table = runner.invoke(cli, ["findings", "list", "--kind", rows[0]["kind"]], env=env)
    assert table.exit_code == 0 and rows[0]["recording_id"] in table.output
    ack = runner.invoke(cli, ["findings", "ack", number, "--reason", "looking"], env=env)
    assert ack.exit_code == 0 and "now acknowledged" in ack.output, ack.output
    twice = runner.invoke(cli, ["findings", "ack", number, "--reason", "again"], env=env)
    assert twice.exit_code == 1 and twice.output.startswith("error: finding")
    assert len(twice.output.strip().splitlines()) == 1
    done = runner.invoke(cli, ["findings", "resolve", number, "--reason", "fixed"], env=env)
    assert done.exit_code == 0 and "now resolved" in done.output
    other = str(rows[1]["finding_id"])
    until = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    accepted = runner.invoke(
        cli, ["findings", "accept", other, "--reason", "known", "--expires", until], env=env
    )
    assert accepted.exit_code == 0 and "now accepted_risk" in accepted.output, accepted.output
    trail = api.get(
        "/v1/audit/events", params={"target": f"finding:{number}"}, headers=people["audra"]
    ).json()["items"]
    worked_on = [e for e in trail if e["action"] != "finding.opened"]
    assert [e["action"] for e in worked_on] == ["finding.acknowledged", "finding.resolved"]
    assert all(e["actor"].startswith("cli:") for e in worked_on)


def test_a_second_audio_check_supersedes_its_open_findings_and_keeps_worked_ones(
    api: TestClient, people: Headers, worked: Any, vault_settings: Settings, db: Database
) -> None:
    cora = people["cora"]
    recording_id = worked["keyed"][1]
    first = listed(api, cora, recording_id=recording_id)
    [stray] = [row for row in first if row["kind"] == "dtmf_in_recording"]
    move(api, cora, stray["finding_id"], "acknowledge", reason="card digits: looking")
    with db.unit_of_work() as session:
        service.analyse(
            session, vault_for(vault_settings), ANALYST, recording_id, vault_settings.data_dir
        )
    shown = api.get(f"/v1/recordings/{recording_id}/findings", headers=cora).json()["findings"]
    kept = next(row for row in shown if row["finding_id"] == stray["finding_id"])
    assert kept["status"] == "acknowledged"  # worked findings are never thrown away
    earlier_open = {row["finding_id"] for row in first} - {stray["finding_id"]}
    superseded = listed(api, cora, recording_id=recording_id, status="superseded")
    assert {row["finding_id"] for row in superseded} == earlier_open
    assert not earlier_open & {row["finding_id"] for row in shown}
    assert len(shown) == len(first) + 1  # this run's findings, plus the acknowledged one
    with db.reading() as session:
        runs = session.execute(
            select(AuditEvent.data)
            .where(AuditEvent.action == "recording.analysed")
            .order_by(AuditEvent.seq)
        ).scalars()
        assert set(list(runs)[-1]["superseded"]) == earlier_open  # each move is in the trail
