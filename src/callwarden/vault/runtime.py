"""The vault as the running service uses it: the configured store and keys, opened once.

In public-key mode (`CALLWARDEN_VAULT_PUBLIC_KEY` set) an intake node holds only the RSA public
key: it can seal and wrap new recordings but cannot open any, so a compromised intake node
gives away nothing already stored. Playback then happens on nodes that hold the key ring.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from callwarden.config import Settings
from callwarden.kit.errors import ConfigurationError
from callwarden.vault.keyring import Keyring
from callwarden.vault.stores import FileSystemStore, S3Store
from callwarden.vault.stores.base import BlobStore
from callwarden.vault.wrapping import KeyWrapper, PublicKeyWrapper, WrappedKey


class KeyRingUnavailable(ConfigurationError):
    status, code, title = 503, "key_ring_unavailable", "Key ring not on this node"
    for_operator = False  # says what the client can do, and names no path


@dataclass
class Vault:
    store: BlobStore
    store_name: str
    wrapper: KeyWrapper
    max_recording_bytes: int
    key_ring: Keyring | None

    @property
    def keyring(self) -> Keyring:
        """The key ring, which opens recordings; absent on a public-key intake node."""
        if self.key_ring is None:
            raise KeyRingUnavailable(
                "this node holds only the vault's public key (CALLWARDEN_VAULT_PUBLIC_KEY): it can "
                "store recordings but not open them; play them from a node with the key ring"
            )
        return self.key_ring

    def unwrap(self, wrapped: WrappedKey) -> bytes:
        """A data key; a version newer than this process knows means the key ring was rotated
        by another process, so the ring is re-read once before giving up."""
        keyring = self.keyring
        if wrapped.kek_version > keyring.current_version and keyring.path is not None:
            reloaded = Keyring.load(keyring.path)
            if self.wrapper is keyring:
                self.wrapper = reloaded
            self.key_ring = keyring = reloaded
        return keyring.unwrap(wrapped)


def s3_client(settings: Settings) -> Any:
    """A boto3 client for the configured S3 service (the vault's store, the audit checkpoints)."""
    if not settings.s3_endpoint_url and not settings.s3_access_key:
        raise ConfigurationError(
            "CALLWARDEN_VAULT_STORE=s3 needs CALLWARDEN_S3_ENDPOINT_URL and keys"
        )
    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key,
        aws_secret_access_key=settings.s3_secret_key,
        config=Config(
            s3={"addressing_style": "path"}, retries={"max_attempts": 5, "mode": "standard"}
        ),
    )


def open_store(settings: Settings) -> BlobStore:
    if settings.vault_store == "s3":
        return S3Store(s3_client(settings), settings.s3_bucket, prefix=settings.s3_prefix)
    return FileSystemStore(settings.vault_dir)


def open_keyring(settings: Settings) -> Keyring:
    """CALLWARDEN_KEYRING when set (a secret manager's value), else the owner-only file."""
    return Keyring.load_default(settings.keyring_path)


@cache
def _cached(settings_json: str) -> Vault:
    settings = Settings.model_validate_json(settings_json)
    store = open_store(settings)
    if settings.vault_public_key:
        wrapper = PublicKeyWrapper.from_text(settings.vault_public_key)
        return Vault(store, settings.vault_store, wrapper, settings.max_recording_bytes, None)
    keyring = open_keyring(settings)
    return Vault(store, settings.vault_store, keyring, settings.max_recording_bytes, keyring)


def vault_for(settings: Settings) -> Vault:
    """The vault for these settings, opened once per process."""
    return _cached(settings.model_dump_json())


def forget_cached_vaults() -> None:
    """After a key rotation in this process, reopen key rings on next use."""
    _cached.cache_clear()
