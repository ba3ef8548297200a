"""S3 specifics against a real SeaweedFS: multipart uploads, aborts, stale uploads, sweeping."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput
from callwarden.vault.format import new_data_key
from callwarden.vault.reading import decrypt_range, verify
from callwarden.vault.sealing import Sealer
from callwarden.vault.stores import S3Store, sweep_orphans
from callwarden.vault.stores.s3 import MIN_PART_SIZE

pytestmark = pytest.mark.s3
MIB = 1024 * 1024


def count_calls(store: S3Store, operation: str) -> list[int]:
    """Observe (not fake) the real client: count requests of one kind as they are sent."""
    seen: list[int] = []
    store.client.meta.events.register(
        f"before-call.s3.{operation}", lambda **_: seen.append(1), unique_id=f"count-{operation}"
    )
    return seen


def uploads_in_progress(store: S3Store) -> list[dict[str, Any]]:
    uploads: list[dict[str, Any]] = store.client.list_multipart_uploads(Bucket=store.bucket).get(
        "Uploads", []
    )
    return uploads


def test_a_large_recording_goes_up_in_parts_and_reads_back(s3_store: S3Store) -> None:
    parts = count_calls(s3_store, "UploadPart")
    audio = os.urandom(12 * MIB + 12345)
    data_key, recording_id = new_data_key(), "rec_large"
    sealer = Sealer(data_key, recording_id)
    size = s3_store.put("large/rec_large", sealer.seal(io_pieces(audio, 100_000)))
    assert sealer.result is not None and size == sealer.result.ciphertext_size
    assert len(parts) == 3  # 5 MiB + 5 MiB + the rest
    assert s3_store.size("large/rec_large") == size
    assert uploads_in_progress(s3_store) == []

    read_at = functools.partial(s3_store.open_range, "large/rec_large")
    boundary = MIN_PART_SIZE  # plaintext offsets straddling a part boundary of the object
    for start, end in [
        (boundary - 70_000, boundary + 70_000),
        (0, 10),
        (len(audio) - 5, len(audio)),
    ]:
        got = b"".join(decrypt_range(read_at, size, data_key, recording_id, start, end))
        assert got == audio[start:end]
    checked = verify(
        read_at, size, data_key, recording_id, expected_sha256=sealer.result.plaintext_sha256
    )
    assert checked.plaintext_size == len(audio)


def io_pieces(data: bytes, step: int) -> Iterator[bytes]:
    for start in range(0, len(data), step):
        yield data[start : start + step]


def test_a_small_object_is_a_single_put(s3_store: S3Store) -> None:
    created = count_calls(s3_store, "CreateMultipartUpload")
    assert s3_store.put("small", [os.urandom(MIN_PART_SIZE - 1)]) == MIN_PART_SIZE - 1
    assert created == []


def test_a_failed_multipart_upload_is_aborted_and_leaves_nothing(s3_store: S3Store) -> None:
    parts = count_calls(s3_store, "UploadPart")
    aborts = count_calls(s3_store, "AbortMultipartUpload")

    def broken() -> Iterator[bytes]:
        for _ in range(12):
            yield os.urandom(MIB)
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        s3_store.put("calls/rec_broken", broken())
    assert len(parts) == 2 and len(aborts) == 1  # parts had been uploaded, then aborted
    assert not s3_store.exists("calls/rec_broken")
    assert uploads_in_progress(s3_store) == []
    assert list(s3_store.list()) == []


def test_uploads_left_by_a_crashed_process_are_aborted_after_the_grace_period(
    s3_store: S3Store,
) -> None:
    client, bucket = s3_store.client, s3_store.bucket
    started = client.create_multipart_upload(Bucket=bucket, Key="calls/rec_crashed")
    client.upload_part(
        Bucket=bucket,
        Key="calls/rec_crashed",
        UploadId=started["UploadId"],
        PartNumber=1,
        Body=b"x" * MIB,
    )
    assert s3_store.abort_stale_uploads(timedelta(hours=1)) == 0  # still within grace
    assert len(uploads_in_progress(s3_store)) == 1
    with clock.frozen_at(clock.now() + timedelta(hours=2)):
        assert s3_store.abort_stale_uploads(timedelta(hours=1)) == 1
    assert uploads_in_progress(s3_store) == []


def test_the_sweeper_on_s3(s3_store: S3Store) -> None:
    for key in ("rec/committed", "rec/orphan", "keep/orphan"):
        s3_store.put(key, [b"sealed"])
    committed = {"rec/committed"}
    assert sweep_orphans(s3_store, committed, timedelta(hours=1)) == []  # too young
    with clock.frozen_at(clock.now() + timedelta(hours=2)):
        assert sweep_orphans(s3_store, committed, timedelta(hours=1), prefix="rec/") == [
            "rec/orphan"
        ]
    assert sorted(item.key for item in s3_store.list()) == ["keep/orphan", "rec/committed"]


def test_a_prefixed_store_sees_only_its_own_keys(s3_store: S3Store) -> None:
    scoped = S3Store(s3_store.client, s3_store.bucket, prefix="tenant-a/")
    scoped.put("rec/one", [b"1"])
    s3_store.put("rec/two", [b"2"])
    assert [item.key for item in scoped.list()] == ["rec/one"]
    assert sorted(item.key for item in s3_store.list()) == ["rec/two", "tenant-a/rec/one"]
    assert scoped.open_range("rec/one", 0, 1) == b"1"


def test_bad_configuration_is_refused(s3_store: S3Store) -> None:
    with pytest.raises(InvalidInput):
        S3Store(s3_store.client, s3_store.bucket, part_size=MIB)
    with pytest.raises(InvalidInput):
        S3Store(s3_store.client, s3_store.bucket, prefix="no-trailing-slash")
    with pytest.raises(InvalidInput):
        S3Store(s3_store.client, s3_store.bucket, prefix="../up/")
