"""Key rotation without touching audio, public-key intake nodes, and bulk import from the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from callwarden.app import create_app
from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import DataKey
from callwarden.vault.keyring import Keyring
from callwarden.vault.runtime import forget_cached_vaults, vault_for
from tests.recordings.conftest import objects, recorded_call
from tests.support.audio import wav

runner = CliRunner()


def cli_env(settings: Settings) -> dict[str, str]:
    """The environment that points the CLI at the same database and vault as the test app."""
    env = {}
    for name, value in settings.model_dump().items():
        if value is not None and name != "data_dir":
            env[f"CALLWARDEN_{name.upper()}"] = str(value)
    env["CALLWARDEN_DATA_DIR"] = str(settings.data_dir)
    return env


def upload(api: TestClient, headers: dict[str, str], call_id: str, body: bytes, key: str) -> str:
    response = api.post(
        f"/v1/calls/{call_id}/recordings",
        content=body,
        headers=headers,
        params={"idempotency_key": key},
    )
    assert response.status_code == 201, response.text
    recording_id: str = response.json()["recording_id"]
    return recording_id


def test_rotation_rewraps_every_key_and_leaves_audio_alone(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, db: Database
) -> None:
    call = recorded_call(api, people["pbx"])
    audio = {key: wav(1.0, seed=n) for n, key in enumerate(("a", "b", "c"))}
    ids = {key: upload(api, people["pbx"], call.call_id, body, key) for key, body in audio.items()}
    store = vault_for(vault_settings).store
    before = {key: store.open_range(key, 0, store.size(key)) for key in objects(vault_settings)}
    result = runner.invoke(cli, ["keys", "rotate"], env=cli_env(vault_settings))
    assert result.exit_code == 0, result.output
    assert "re-wrapped 3 data keys" in result.output
    with db.unit_of_work() as session:
        assert set(session.execute(select(DataKey.kek_version)).scalars()) == {2}
    after = {key: store.open_range(key, 0, store.size(key)) for key in objects(vault_settings)}
    assert after == before  # not one byte of sealed audio changed
    for key, recording in ids.items():
        played = api.get(
            f"/v1/recordings/{recording}/audio",
            params={"reason": "after rotation"},
            headers=people["cora"],
        )
        assert played.content == audio[key]


def test_public_key_intake_node_cannot_open_what_it_stores(
    people: dict[str, dict[str, str]],
    api: TestClient,
    vault_settings: Settings,
    db: Database,
    tmp_path: Path,
) -> None:
    if vault_settings.vault_store != "filesystem":
        pytest.skip("the key scheme is independent of the store")
    keyring = Keyring.load(vault_settings.keyring_path)
    keyring.rotate(scheme="rsa-oaep-sha256")
    forget_cached_vaults()
    public = keyring.public_wrapper().to_text()
    intake_settings = vault_settings.model_copy(update={"vault_public_key": public})
    call = recorded_call(api, people["pbx"])
    audio = wav(2.0)
    with TestClient(create_app(intake_settings, db), raise_server_exceptions=False) as intake_node:
        recording = upload(intake_node, people["pbx"], call.call_id, audio, "pk")
        refused = intake_node.get(
            f"/v1/recordings/{recording}/audio", params={"reason": "trying"}, headers=people["cora"]
        )
        assert refused.status_code == 503 and "public key" in refused.json()["detail"]
    played = api.get(
        f"/v1/recordings/{recording}/audio", params={"reason": "check"}, headers=people["cora"]
    )
    assert played.status_code == 200 and played.content == audio
    with db.unit_of_work() as session:
        assert session.get(DataKey, recording).wrapped.startswith("rsa-oaep-sha256:2:")  # type: ignore[union-attr]


def test_bulk_import_with_one_refusal(
    api: TestClient, people: dict[str, dict[str, str]], vault_settings: Settings, tmp_path: Path
) -> None:
    call = recorded_call(api, people["pbx"])
    files = []
    for n in range(3):
        path = tmp_path / f"part-{n}.wav"
        path.write_bytes(wav(1.0, seed=10 + n))
        files.append(str(path))
    junk = tmp_path / "notes.txt"
    junk.write_text("not audio at all, just notes about the call")
    result = runner.invoke(
        cli,
        ["recordings", "import", *files, str(junk), "--call", call.call_id],
        env=cli_env(vault_settings),
    )
    assert result.exit_code == 1
    assert "3 stored, 1 refused" in result.output and "notes.txt" in result.output
    again = runner.invoke(
        cli, ["recordings", "import", files[0], "--call", call.call_id], env=cli_env(vault_settings)
    )
    assert again.exit_code == 0 and "already stored" in again.output
    assert len(objects(vault_settings)) == 3
