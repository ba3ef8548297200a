"""Blob stores for sealed recordings: filesystem (default) and S3, plus the orphan sweeper."""

from callwarden.vault.stores.base import BlobStore, StoredObject, validate_key
from callwarden.vault.stores.filesystem import FileSystemStore
from callwarden.vault.stores.s3 import S3Store
from callwarden.vault.stores.sweeper import sweep_orphans

__all__ = [
    "BlobStore",
    "FileSystemStore",
    "S3Store",
    "StoredObject",
    "sweep_orphans",
    "validate_key",
]
