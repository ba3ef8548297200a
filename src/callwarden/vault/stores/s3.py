"""Blob store on any S3-compatible service (AWS S3, SeaweedFS, MinIO, Ceph RGW).

Small objects go up in one PUT; large ones by multipart upload with parts of `part_size` bytes,
so memory stays at one part however long the call. S3 makes an object visible only when its
PUT or CompleteMultipartUpload succeeds, so readers never see half an object; on any failure
the multipart upload is aborted so no orphaned parts are left accruing storage.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import UTC, timedelta
from typing import Any, Final

from botocore.exceptions import ClientError

from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput, NotFound
from callwarden.vault.stores.base import StoredObject, validate_key, validate_prefix

MIN_PART_SIZE: Final = 5 * 1024 * 1024  # S3's floor for every part but the last
DEFAULT_PART_SIZE: Final = 8 * 1024 * 1024
_MISSING: Final = {"404", "NoSuchKey", "NotFound"}


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class S3Store:
    """Blob store on an S3 bucket, optionally under a key prefix (e.g. `recordings/`)."""

    def __init__(
        self,
        client: Any,
        bucket: str,
        *,
        prefix: str = "",
        part_size: int = DEFAULT_PART_SIZE,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise InvalidInput(f"S3 part size must be at least {MIN_PART_SIZE} bytes")
        if prefix and not prefix.endswith("/"):
            raise InvalidInput("S3 store prefix must end with '/'")
        validate_prefix(prefix)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.part_size = part_size

    def _name(self, key: str) -> str:
        return self.prefix + validate_key(key)

    def put(self, key: str, chunks: Iterable[bytes]) -> int:
        """Buffer one part at a time; a single PUT if the whole object fits in one part.

        Write-once is checked with a HEAD before writing: S3 has no portable atomic
        create-only-if-absent, and keys are fresh per recording, so this only catches mistakes.
        """
        name = self._name(key)
        if self.exists(key):
            raise Conflict(f"blob {key!r} already exists; recordings are write-once")
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        size = 0
        try:
            for chunk in chunks:
                buffer += chunk
                size += len(chunk)
                while len(buffer) >= self.part_size:
                    if upload_id is None:
                        created = self.client.create_multipart_upload(Bucket=self.bucket, Key=name)
                        upload_id = str(created["UploadId"])
                    body = bytes(buffer[: self.part_size])
                    del buffer[: self.part_size]
                    parts.append(self._upload_part(name, upload_id, len(parts) + 1, body))
            if upload_id is None:
                self.client.put_object(Bucket=self.bucket, Key=name, Body=bytes(buffer))
                return size
            if buffer:
                parts.append(self._upload_part(name, upload_id, len(parts) + 1, bytes(buffer)))
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=name,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            if upload_id is not None:
                self._abort(name, upload_id)
            raise
        return size

    def _upload_part(self, name: str, upload_id: str, number: int, body: bytes) -> dict[str, Any]:
        response = self.client.upload_part(
            Bucket=self.bucket, Key=name, UploadId=upload_id, PartNumber=number, Body=body
        )
        return {"ETag": response["ETag"], "PartNumber": number}

    def _abort(self, name: str, upload_id: str) -> None:
        # Best effort: if this fails too, abort_stale_uploads sweeps the leftovers later.
        with contextlib.suppress(ClientError):
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)

    def open_range(self, key: str, offset: int, length: int) -> bytes:
        if length <= 0:
            return b""
        name = self._name(key)
        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=name, Range=f"bytes={offset}-{offset + length - 1}"
            )
        except ClientError as exc:
            code = _error_code(exc)
            if code in _MISSING:
                raise NotFound(f"blob {key!r} not found") from None
            if code == "InvalidRange":
                return b""
            raise
        body = response["Body"]
        try:
            return bytes(body.read())
        finally:
            body.close()

    def size(self, key: str) -> int:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                raise NotFound(f"blob {key!r} not found") from None
            raise
        return int(head["ContentLength"])

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except NotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def abort_stale_uploads(self, older_than: timedelta) -> int:
        """Abort multipart uploads under our prefix started before the grace period."""
        cutoff = clock.now() - older_than
        aborted = 0
        paginator = self.client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for upload in page.get("Uploads", []):
                if upload["Initiated"].astimezone(UTC) < cutoff:
                    self._abort(upload["Key"], upload["UploadId"])
                    aborted += 1
        return aborted

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        validate_prefix(prefix)
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", []):
                key = str(item["Key"])[len(self.prefix) :]
                yield StoredObject(key, item["LastModified"].astimezone(UTC))
