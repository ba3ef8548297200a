"""The orphan sweeper: objects written for rows that never committed.

Intake writes the sealed object before its database row commits (so a committed row always has
its object). A crash between the two leaves an object nobody references; after a grace period
long enough for any in-flight intake to commit, such objects are deleted. The grace period is
what keeps the sweeper from racing an upload that is about to commit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import timedelta

from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput
from callwarden.vault.stores.base import BlobStore


def sweep_orphans(
    store: BlobStore,
    is_committed: Callable[[str], bool] | Collection[str],
    older_than: timedelta,
    *,
    prefix: str = "",
) -> list[str]:
    """Delete objects under `prefix` older than `older_than` that no committed row references.

    `is_committed` is a predicate (e.g. a database lookup) or a collection of known keys. Also
    clears the store's stale unfinished uploads. Returns the deleted keys.
    """
    if older_than < timedelta(0):
        raise InvalidInput("the sweeper grace period cannot be negative")
    committed = is_committed if callable(is_committed) else is_committed.__contains__
    cutoff = clock.now() - older_than
    candidates = [item.key for item in store.list(prefix) if item.modified_at < cutoff]
    deleted: list[str] = []
    for key in candidates:
        if not committed(key):
            store.delete(key)
            deleted.append(key)
    store.abort_stale_uploads(older_than)
    return deleted
