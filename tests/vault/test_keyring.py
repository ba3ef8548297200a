"""The keyring: owner-only files, env loading, rotation and re-wrapping, public-key mode."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
from pathlib import Path

import pytest

from callwarden.kit.errors import ConfigurationError, Conflict, InvalidInput
from callwarden.vault.errors import KeyUnwrapError
from callwarden.vault.format import new_data_key
from callwarden.vault.keyring import ENV_VAR, Keyring
from callwarden.vault.reading import bytes_reader, verify
from callwarden.vault.sealing import encrypt_stream
from callwarden.vault.wrapping import (
    SCHEME_AES_256_GCM,
    SCHEME_RSA_OAEP_SHA256,
    PublicKeyWrapper,
    WrappedKey,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_create_writes_an_owner_only_file_in_an_owner_only_directory(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "keyring.json"
    keyring = Keyring.create(path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert keyring.current_version == 1
    assert sorted(os.listdir(path.parent)) == ["keyring.json"]  # no temp file left behind
    data_key = new_data_key()
    assert Keyring.load(path).unwrap(keyring.wrap(data_key)) == data_key


def test_create_never_overwrites_an_existing_keyring(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    first = Keyring.create(path)
    with pytest.raises(Conflict):
        Keyring.create(path)
    assert Keyring.load(path).versions == first.versions


@pytest.mark.parametrize("loose", [0o640, 0o604, 0o660, 0o644, 0o700])
def test_a_keyring_others_can_access_is_refused_with_the_fix(tmp_path: Path, loose: int) -> None:
    path = tmp_path / "keyring.json"
    Keyring.create(path)
    path.chmod(loose)
    if not loose & 0o077:
        Keyring.load(path)  # owner-only, even if executable, is accepted
        return
    with pytest.raises(ConfigurationError) as caught:
        Keyring.load(path)
    assert f"chmod 600 {path}" in caught.value.detail
    assert caught.value.status == 500


def test_missing_or_malformed_keyrings_are_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not found"):
        Keyring.load(tmp_path / "absent.json")
    with pytest.raises(ConfigurationError, match="malformed"):
        Keyring.from_text('{"kind": "something else"}')
    with pytest.raises(ConfigurationError, match="malformed"):
        Keyring.from_text("not base64 !!!")


def test_the_env_variable_wins_and_accepts_json_or_base64(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    keyring = Keyring.create(path)
    wrapped = keyring.wrap(data_key := new_data_key())
    for text in (keyring.export_text(), path.read_text()):
        from_env = Keyring.load_default(tmp_path / "elsewhere.json", {ENV_VAR: text})
        assert from_env.path is None
        assert from_env.unwrap(wrapped) == data_key
    assert Keyring.load_default(path, {}).unwrap(wrapped) == data_key


def test_an_env_keyring_cannot_rotate_in_place(tmp_path: Path) -> None:
    keyring = Keyring.from_text(Keyring.create(tmp_path / "k.json").export_text())
    with pytest.raises(ConfigurationError, match="rotate the keyring file"):
        keyring.rotate()


def seal(data: bytes, data_key: bytes, recording_id: str) -> bytes:
    sink = io.BytesIO()
    encrypt_stream(io.BytesIO(data), sink, data_key, recording_id, chunk_size=1024)
    return sink.getvalue()


def test_rotation_keeps_old_keys_and_rewrap_moves_a_key_without_touching_audio(
    tmp_path: Path,
) -> None:
    path = tmp_path / "keyring.json"
    keyring = Keyring.create(path)
    data_key = new_data_key()
    under_v1 = keyring.wrap(data_key)
    blob = seal(os.urandom(5000), data_key, "rec_rotate")
    digest_before = hashlib.sha256(blob).hexdigest()

    assert keyring.rotate() == 2
    assert keyring.current_version == 2
    assert keyring.unwrap(under_v1) == data_key  # v1 still unwraps
    under_v2 = keyring.rewrap(under_v1)
    assert (under_v2.kek_version, under_v2.scheme) == (2, SCHEME_AES_256_GCM)
    assert under_v2.wrapped != under_v1.wrapped
    assert keyring.rewrap(under_v2) is under_v2  # already current: nothing to do
    assert keyring.wrap(new_data_key()).kek_version == 2

    reloaded = Keyring.load(path)
    assert [v.version for v in reloaded.versions] == [1, 2]
    assert mode(path) == 0o600 and sorted(os.listdir(tmp_path)) == ["keyring.json"]
    recovered = reloaded.unwrap(under_v2)
    assert recovered == data_key
    verify(bytes_reader(blob), len(blob), recovered, "rec_rotate")
    assert hashlib.sha256(blob).hexdigest() == digest_before


def test_rotation_rereads_the_file_so_concurrent_rotations_keep_both(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    Keyring.create(path)
    first, second = Keyring.load(path), Keyring.load(path)
    assert first.rotate() == 2
    assert second.rotate() == 3  # saw version 2 on disk, did not overwrite it
    assert [v.version for v in Keyring.load(path).versions] == [1, 2, 3]
    assert second.unwrap(first.wrap(key := new_data_key())) == key


def test_altered_or_relabelled_wrapped_keys_are_refused(tmp_path: Path) -> None:
    keyring = Keyring.create(tmp_path / "keyring.json")
    keyring.rotate()
    wrapped = keyring.wrap(new_data_key())
    flipped = bytearray(wrapped.wrapped)
    flipped[20] ^= 1
    cases = [
        WrappedKey(wrapped.kek_version, bytes(flipped), wrapped.scheme),
        WrappedKey(1, wrapped.wrapped, wrapped.scheme),  # claims the other version
        WrappedKey(7, wrapped.wrapped, wrapped.scheme),  # unknown version
        WrappedKey(wrapped.kek_version, wrapped.wrapped, SCHEME_RSA_OAEP_SHA256),
        WrappedKey(wrapped.kek_version, wrapped.wrapped[:10], wrapped.scheme),
    ]
    for case in cases:
        with pytest.raises(KeyUnwrapError):
            keyring.unwrap(case)
    with pytest.raises(KeyUnwrapError):
        Keyring.create(tmp_path / "other.json").unwrap(
            WrappedKey(1, wrapped.wrapped, "aes-256-gcm")
        )


def test_wrapped_keys_survive_a_text_column() -> None:
    wrapped = WrappedKey(3, os.urandom(60), SCHEME_AES_256_GCM)
    assert WrappedKey.decode(wrapped.encode()) == wrapped
    for bad in ("", "aes-256-gcm:x:AAAA", "nope:1:AAAA", "aes-256-gcm:1:***", "aes-256-gcm:0:AA=="):
        with pytest.raises(InvalidInput):
            WrappedKey.decode(bad)


@pytest.fixture(scope="module")
def rsa_keyring(tmp_path_factory: pytest.TempPathFactory) -> Keyring:
    return Keyring.create(
        tmp_path_factory.mktemp("rsa") / "keyring.json", scheme=SCHEME_RSA_OAEP_SHA256
    )


def test_public_key_mode_wraps_without_being_able_to_unwrap(rsa_keyring: Keyring) -> None:
    # what an intake node is given: public key and version, nothing secret
    exported = rsa_keyring.public_wrapper().to_text()
    assert "PRIVATE" not in exported and "PUBLIC KEY" in json.loads(exported)["public_key"]
    intake = PublicKeyWrapper.from_text(exported)
    assert not hasattr(intake, "unwrap")

    data_key = new_data_key()
    wrapped = intake.wrap(data_key)
    assert (wrapped.scheme, wrapped.kek_version) == (SCHEME_RSA_OAEP_SHA256, 1)
    assert data_key not in wrapped.wrapped
    assert Keyring.load(rsa_keyring.path or "").unwrap(wrapped) == data_key  # private side


def test_another_private_key_cannot_unwrap(rsa_keyring: Keyring, tmp_path: Path) -> None:
    other = Keyring.create(tmp_path / "other.json", scheme=SCHEME_RSA_OAEP_SHA256)
    wrapped = rsa_keyring.public_wrapper().wrap(new_data_key())
    with pytest.raises(KeyUnwrapError):
        other.unwrap(wrapped)
    relabelled = WrappedKey(2, wrapped.wrapped, wrapped.scheme)  # OAEP label binds the version
    other.rotate()
    with pytest.raises(KeyUnwrapError):
        other.unwrap(relabelled)


def test_a_symmetric_keyring_can_move_to_public_key_mode(tmp_path: Path) -> None:
    keyring = Keyring.create(tmp_path / "keyring.json")
    with pytest.raises(ConfigurationError, match="symmetric"):
        keyring.public_wrapper()
    old = keyring.wrap(data_key := new_data_key())
    assert keyring.rotate(scheme=SCHEME_RSA_OAEP_SHA256) == 2
    moved = keyring.rewrap(old)
    assert (moved.scheme, moved.kek_version) == (SCHEME_RSA_OAEP_SHA256, 2)
    assert keyring.public_wrapper().kek_version == 2
    assert Keyring.load(tmp_path / "keyring.json").unwrap(moved) == data_key


def test_malformed_public_keys_are_configuration_errors() -> None:
    for text in ("{}", "not json", json.dumps({"kek_version": 1, "public_key": "junk"})):
        with pytest.raises(ConfigurationError):
            PublicKeyWrapper.from_text(text)
