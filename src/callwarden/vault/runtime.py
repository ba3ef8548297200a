"""The vault as the running service uses it: the configured store and key ring, opened once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import boto3
from botocore.config import Config

from callwarden.config import Settings
from callwarden.kit.errors import ConfigurationError
from callwarden.vault.keyring import Keyring
from callwarden.vault.stores import FileSystemStore, S3Store
from callwarden.vault.stores.base import BlobStore


@dataclass(frozen=True)
class Vault:
    store: BlobStore
    store_name: str
    keyring: Keyring
    max_recording_bytes: int


def open_store(settings: Settings) -> BlobStore:
    if settings.vault_store == "s3":
        if not settings.s3_endpoint_url and not settings.s3_access_key:
            raise ConfigurationError(
                "CALLWARDEN_VAULT_STORE=s3 needs CALLWARDEN_S3_ENDPOINT_URL and keys"
            )
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key,
            aws_secret_access_key=settings.s3_secret_key,
            config=Config(
                s3={"addressing_style": "path"}, retries={"max_attempts": 5, "mode": "standard"}
            ),
        )
        return S3Store(client, settings.s3_bucket, prefix=settings.s3_prefix)
    return FileSystemStore(settings.vault_dir)


def open_keyring(settings: Settings) -> Keyring:
    """CALLWARDEN_KEYRING when set (a secret manager's value), else the owner-only file."""
    return Keyring.load_default(settings.keyring_path)


@cache
def _cached(settings_json: str) -> Vault:
    settings = Settings.model_validate_json(settings_json)
    return Vault(
        open_store(settings),
        settings.vault_store,
        open_keyring(settings),
        settings.max_recording_bytes,
    )


def vault_for(settings: Settings) -> Vault:
    """The vault for these settings, opened once per process."""
    return _cached(settings.model_dump_json())
