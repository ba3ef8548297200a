"""The preview of a draft policy: moves, what becomes due at once, the holds keeping some."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.policy.schema import PolicyDocument
from callwarden.retention.preview import preview
from tests.retention.conftest import record
from tests.support.policies import as_text, example_data

People = dict[str, dict[str, str]]


def short_draft() -> dict[str, Any]:
    """Quality and dispute resolution kept a day to two: support calls go almost at once."""
    data = example_data()
    for name in ("quality", "dispute_resolution"):
        data["purposes"][name]["retention"] = {"min": "P1D", "max": "P2D"}
    return data


def test_preview_counts_moves_due_at_once_and_holds_and_writes_nothing(
    api: TestClient, people: People, db: Database
) -> None:
    held = record(api, people["pbx"], number="+14155550123")
    record(api, people["pbx"], number="+14155550124")
    trading = record(api, people["pbx"], number="+14155550125", queue="trading")
    body = {"matter": "Smith <v> Acme", "reason": "litigation", "scope": {"recording_ids": [held]}}
    hold_id = api.post("/v1/holds", json=body, headers=people["lee"]).json()["hold_id"]
    before = api.get(f"/v1/recordings/{held}", headers=people["cora"]).json()["retention"]
    document = PolicyDocument.model_validate(short_draft())
    with db.reading() as session:
        found = preview(session, document, clock.now() + timedelta(days=3))
    # The trading desk's five-year duty (MiFID II) is untouched by the draft.
    assert (found.earlier, found.later, found.unchanged, found.not_concerned) == (2, 0, 1, 0)
    assert (found.due_at_once, found.already_due, found.kept_by_holds) == (2, 0, 1)
    assert [(h.hold_id, h.matter, h.count) for h in found.holds] == [(hold_id, "Smith <v> Acme", 1)]
    with db.reading() as session:
        not_yet = preview(session, document, clock.now())
    assert not_yet.due_at_once == 0 and not_yet.earlier == 2
    after = api.get(f"/v1/recordings/{held}", headers=people["cora"]).json()["retention"]
    assert after == before  # a preview writes nothing
    assert trading


def test_the_preview_command_prints_a_table_or_json_and_refuses_bad_input(
    api: TestClient, people: People, settings: Settings, db: Database, tmp_path: Path
) -> None:
    record(api, people["pbx"])
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    draft = tmp_path / "draft.yaml"
    draft.write_text(as_text(short_draft()), encoding="utf-8")
    runner = CliRunner()
    later = (clock.now() + timedelta(days=5)).date().isoformat()
    shown = runner.invoke(
        cli, ["retention", "preview", "--policy", str(draft), "--as-of", later], env=env
    )
    assert shown.exit_code == 0, shown.output
    assert "disposed of earlier" in shown.output and "would become due at once" in shown.output
    answer = runner.invoke(
        cli, ["retention", "preview", "--policy", str(draft), "--as-of", later, "--json"], env=env
    )
    assert answer.exit_code == 0, answer.output
    found = json.loads(answer.output)
    assert found["earlier"] == 1 and found["due_at_once"] == 1 and found["holds"] == []
    assert found["as_of"].startswith(later)
    bad_date = runner.invoke(
        cli, ["retention", "preview", "--policy", str(draft), "--as-of", "31/12/2027"], env=env
    )
    assert bad_date.exit_code == 1
    assert bad_date.output.strip().splitlines() == [
        "error: as of: '31/12/2027' is not an ISO 8601 date-time"
    ]
    invalid = short_draft()
    invalid["purposes"]["regulatory_record"]["retention"] = {"min": "P1Y"}  # under MiFID's 5
    broken = tmp_path / "broken.yaml"
    broken.write_text(as_text(invalid), encoding="utf-8")
    refused = runner.invoke(cli, ["retention", "preview", "--policy", str(broken)], env=env)
    assert refused.exit_code == 1
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "broken.yaml" in lines[0]
