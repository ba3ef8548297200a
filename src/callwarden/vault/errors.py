"""Vault-specific errors, all in the one `CallwardenError` family.

Integrity failures get their own classes so `vault verify` and playback can tell "this object was
altered" apart from "this is the wrong key" or "the caller asked for bytes that do not exist",
and report each one plainly instead of a bare cryptography exception.
"""

from __future__ import annotations

from callwarden.kit.errors import CallwardenError


class VaultIntegrityError(CallwardenError):
    """A stored object does not authenticate: it was altered, truncated, extended or swapped.

    409, not 500: the request was sound, the stored recording is not, and no retry will fix it.
    """

    status, code, title = 409, "vault_integrity", "Recording failed its integrity check"


class MissingObject(VaultIntegrityError):
    """The recording's row names an object the store no longer holds."""

    code = "vault_missing_object"


class MalformedObject(VaultIntegrityError):
    """The bytes are not a vault object this code can read (bad magic, version or layout)."""

    code = "vault_malformed_object"


class WrongRecording(VaultIntegrityError):
    """The object's header names another recording: objects were swapped or mislabelled."""

    code = "vault_wrong_recording"


class WrongDataKey(VaultIntegrityError):
    """The data key does not match the object's header (wrong key, or header tampered)."""

    code = "vault_wrong_data_key"


class TamperedChunk(VaultIntegrityError):
    """One chunk failed authentication; `extra['chunk_index']` says which."""

    code = "vault_tampered_chunk"


class KeyUnwrapError(CallwardenError):
    """A wrapped data key could not be unwrapped (unknown KEK version, wrong key, or altered)."""

    status, code, title = 500, "key_unwrap_failed", "Data key could not be unwrapped"


class RangeNotSatisfiable(CallwardenError):
    """A byte range outside the recording; maps to HTTP 416 for Range playback."""

    status, code, title = 416, "range_not_satisfiable", "Range not satisfiable"
