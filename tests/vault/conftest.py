"""Vault fixtures: a filesystem store, and a real SeaweedFS S3 server started once per session.

`store` runs a test on both backends. Without the `weed` binary the S3 half is skipped with a
message outside CI and fails when CI=true, so CI can never silently lose S3 coverage.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from callwarden.vault.stores import FileSystemStore, S3Store
from callwarden.vault.stores.base import BlobStore
from callwarden.vault.stores.s3 import MIN_PART_SIZE
from tests.recordings.conftest import api, people, vault_settings
from tests.support.seaweed import SeaweedS3

IN_CI = os.environ.get("CI", "").lower() == "true"
__all__ = ["api", "people", "vault_settings"]  # the recordings' app, for checks through it


@pytest.fixture
def s3_store(seaweed: SeaweedS3) -> Iterator[S3Store]:
    """A fresh client and bucket per test; the smallest legal part size, so multipart is cheap.

    A client per test keeps event hooks a test registers (to count requests) out of the next.
    """
    client: Any = seaweed.client()
    with seaweed.bucket("cw-test") as bucket:
        yield S3Store(client, bucket, part_size=MIN_PART_SIZE)


@pytest.fixture
def fs_store(tmp_path: Path) -> FileSystemStore:
    return FileSystemStore(tmp_path / "blobs")


@pytest.fixture(params=["filesystem", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest) -> BlobStore:
    """Each test taking `store` runs against the filesystem store, then the S3 store."""
    name = "fs_store" if request.param == "filesystem" else "s3_store"
    fixture: BlobStore = request.getfixturevalue(name)
    return fixture
