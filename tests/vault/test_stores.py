"""Blob stores on the real filesystem and a real S3 server: the same contract on both."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from callwarden.vault.format import new_data_key
from callwarden.vault.reading import decrypt_range, verify
from callwarden.vault.sealing import Sealer
from callwarden.vault.stores import FileSystemStore, filesystem, sweep_orphans
from callwarden.vault.stores.base import BlobStore

AUDIO = os.urandom(300_000)


class Boom(Exception):
    pass


def failing_after(pieces: int, size: int = 1024) -> Iterator[bytes]:
    for _ in range(pieces):
        yield os.urandom(size)
    raise Boom("the upload broke off")


def test_sealed_round_trip_and_ranges(store: BlobStore) -> None:
    data_key, recording_id = new_data_key(), "rec_roundtrip"
    sealer = Sealer(data_key, recording_id, chunk_size=16 * 1024)
    size = store.put("calls/2026/rec_roundtrip", sealer.seal([AUDIO]))
    assert sealer.result is not None and size == sealer.result.ciphertext_size
    assert store.size("calls/2026/rec_roundtrip") == size
    read_at = functools.partial(store.open_range, "calls/2026/rec_roundtrip")
    for start, end in [(0, 300_000), (0, 1), (16_383, 16_385), (299_999, 300_000), (100, 100)]:
        got = b"".join(decrypt_range(read_at, size, data_key, recording_id, start, end))
        assert got == AUDIO[start:end]
    result = verify(
        read_at, size, data_key, recording_id, expected_sha256=sealer.result.plaintext_sha256
    )
    assert result.plaintext_size == len(AUDIO)


def test_basic_operations(store: BlobStore) -> None:
    assert store.put("a/one", [b"hello ", b"", b"world"]) == 11
    assert store.exists("a/one") and not store.exists("a/two")
    assert store.open_range("a/one", 6, 5) == b"world"
    assert store.open_range("a/one", 6, 500) == b"world"  # clipped at the end
    assert store.open_range("a/one", 11, 5) == b""
    assert store.open_range("a/one", 0, 0) == b""
    store.put("a/two", [b"x"])
    store.put("b/three", [])
    assert [item.key for item in store.list()] == ["a/one", "a/two", "b/three"]
    assert [item.key for item in store.list("a/")] == ["a/one", "a/two"]
    assert [item.key for item in store.list("a/t")] == ["a/two"]
    assert store.size("b/three") == 0
    store.delete("a/one")
    store.delete("a/one")  # idempotent
    assert not store.exists("a/one")
    for missing in (store.size, lambda key: store.open_range(key, 0, 1)):
        with pytest.raises(NotFound):
            missing("a/one")


def test_objects_are_write_once(store: BlobStore) -> None:
    store.put("rec", [b"original"])
    with pytest.raises(Conflict):
        store.put("rec", [b"replacement"])
    assert store.open_range("rec", 0, 100) == b"original"


def test_a_failed_stream_leaves_nothing(store: BlobStore) -> None:
    with pytest.raises(Boom):
        store.put("dir/rec_broken", failing_after(50))
    assert not store.exists("dir/rec_broken")
    assert list(store.list()) == []


def test_an_oversized_recording_is_refused_midstream_and_leaves_nothing(store: BlobStore) -> None:
    sealer = Sealer(new_data_key(), "rec_big", chunk_size=1024, max_plaintext_size=10_000)
    with pytest.raises(PayloadTooLarge):
        store.put("rec_big", sealer.seal([AUDIO]))
    assert sealer.result is None
    assert not store.exists("rec_big") and list(store.list()) == []
    exact = Sealer(new_data_key(), "rec_exact", chunk_size=1024, max_plaintext_size=10_000)
    store.put("rec_exact", exact.seal([AUDIO[:10_000]]))
    assert exact.result is not None and exact.result.plaintext_size == 10_000


BAD_KEYS = [
    "",
    "/etc/passwd",
    "../escape",
    "a/../../escape",
    "a/./b",
    "a//b",
    "a/",
    ".hidden",
    "a\\b",
    "..\\escape",
    "nul\x00byte",
    "space here",
    "ünïcode",
    "a/b?c",
    "x" * 513,
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_path_tricks_are_refused(store: BlobStore, key: str) -> None:
    for operation in (
        lambda: store.put(key, [b"data"]),
        lambda: store.open_range(key, 0, 1),
        lambda: store.size(key),
        lambda: store.exists(key),
        lambda: store.delete(key),
    ):
        with pytest.raises(InvalidInput):
            operation()
    assert list(store.list()) == []


def test_filesystem_objects_are_private_and_land_only_under_the_root(tmp_path: Path) -> None:
    store = FileSystemStore(tmp_path / "root")
    store.put("deep/er/key", [b"data"])
    target = tmp_path / "root" / "deep" / "er" / "key"
    assert target.read_bytes() == b"data"
    assert (target.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in (tmp_path / "root" / "deep" / "er").iterdir()) == ["key"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]


def test_filesystem_large_objects_stream_through_the_writer_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Objects over the in-memory size are written (and flushed) while they are sealed."""
    store = FileSystemStore(tmp_path / "root")
    store.SMALL_OBJECT_BYTES = 4096
    monkeypatch.setattr(filesystem._Writer, "FLUSH_EVERY", 10_000)
    pieces = [os.urandom(1000) for _ in range(50)]
    assert store.put("big/rec", iter(pieces)) == 50_000
    assert store.open_range("big/rec", 0, 60_000) == b"".join(pieces)
    with pytest.raises(Boom):
        store.put("big/rec_broken", failing_after(20, size=1000))  # fails after streaming began
    assert not store.exists("big/rec_broken")
    assert sorted(p.name for p in (tmp_path / "root" / "big").iterdir()) == ["rec"]


def test_filesystem_refuses_symlinks_out_of_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    store = FileSystemStore(tmp_path / "root")
    (tmp_path / "root" / "link").symlink_to(outside)
    with pytest.raises(InvalidInput):
        store.put("link/secret", [b"data"])
    assert list(outside.iterdir()) == []


def test_filesystem_temp_files_from_a_crash_are_swept(tmp_path: Path) -> None:
    store = FileSystemStore(tmp_path / "root")
    store.put("calls/kept", [b"data"])
    stale = tmp_path / "root" / "calls" / ".tmp-rec.abc123"
    fresh = tmp_path / "root" / "calls" / ".tmp-rec.def456"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    an_hour_ago = clock.now().timestamp() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    assert [item.key for item in store.list()] == ["calls/kept"]  # temp files never listed
    assert store.abort_stale_uploads(timedelta(minutes=10)) == 1
    assert not stale.exists() and fresh.exists()


def test_the_sweeper_removes_only_old_orphans(tmp_path: Path) -> None:
    store = FileSystemStore(tmp_path / "root")
    for key in ("rec/committed_old", "rec/orphan_old", "rec/orphan_new", "other/orphan_old"):
        store.put(key, [b"sealed"])
    two_hours_ago = clock.now().timestamp() - 7200
    for key in ("rec/committed_old", "rec/orphan_old", "other/orphan_old"):
        os.utime(tmp_path / "root" / key, (two_hours_ago, two_hours_ago))

    committed = {"rec/committed_old"}
    deleted = sweep_orphans(store, committed, timedelta(hours=1), prefix="rec/")
    assert deleted == ["rec/orphan_old"]
    assert [item.key for item in store.list()] == [
        "other/orphan_old",
        "rec/committed_old",
        "rec/orphan_new",
    ]
    # a predicate works too (the service will pass a database lookup)
    assert sweep_orphans(store, lambda key: key in committed, timedelta(hours=1)) == [
        "other/orphan_old"
    ]
    with pytest.raises(InvalidInput):
        sweep_orphans(store, committed, timedelta(seconds=-1))
