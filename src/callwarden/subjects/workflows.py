"""The two steps that own their units of work, shared by the API, the CLI and the console.

An export builds its zip inside one transaction (each recording's export and the export itself
audited with it) into an anonymous temporary file, which is gone once closed, so decrypted audio
never lies on disk by name. An erasure commits its disposals first, then deletes the sealed
objects in a second transaction, as `retention.disposal` requires.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.retention import disposal
from callwarden.subjects import erasure, export
from callwarden.vault.runtime import vault_for

CHUNK = 1 << 16


def build_export(
    db: Database, config: Settings, who: Principal, request_id: str
) -> tuple[IO[bytes], dict[str, Any]]:
    """The zip, at its start, in an anonymous temporary file, and its manifest."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it once sent
    try:
        with db.unit_of_work() as session:
            vault = functools.cache(lambda: vault_for(config))
            manifest = export.export(session, who, vault, request_id, file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file, manifest


def streamed(file: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes, then the file closed (and so removed)."""
    try:
        while piece := file.read(CHUNK):
            yield piece
    finally:
        file.close()


def run_erasure(
    db: Database, config: Settings, who: Principal, request_id: str
) -> erasure.ErasureResult:
    """Erase in one transaction, then delete the destroyed recordings' sealed objects."""
    with db.unit_of_work() as session:
        result = erasure.erase(session, who, config, request_id)
    if result.erased:
        with db.unit_of_work() as session:
            disposal.delete_objects(session, vault_for(config).store, result.erased)
    return result
