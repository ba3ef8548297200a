"""Wrapping data keys under a key-encryption key (KEK): symmetric, or RSA public-key.

A data key never rests in the clear: the database stores it wrapped, with the KEK version that
wrapped it, so rotation adds a KEK and re-wraps rows without touching audio. The KEK version and
scheme sit in the associated data (GCM) or the OAEP label (RSA), so a wrapped key cannot be
relabelled as belonging to another version. Public-key mode lets an intake node wrap with only a
public key: a compromised intake node can write recordings but never read one back.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from typing import Final, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from callwarden.kit.errors import ConfigurationError, InvalidInput
from callwarden.vault.errors import KeyUnwrapError
from callwarden.vault.format import DATA_KEY_SIZE

SCHEME_AES_256_GCM: Final = "aes-256-gcm"
SCHEME_RSA_OAEP_SHA256: Final = "rsa-oaep-sha256"
SCHEMES: Final = (SCHEME_AES_256_GCM, SCHEME_RSA_OAEP_SHA256)
KEK_SIZE: Final = 32
RSA_KEY_BITS: Final = 3072
_GCM_NONCE_SIZE: Final = 12


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A data key as stored in the database: which KEK version, which scheme, which bytes."""

    kek_version: int
    wrapped: bytes
    scheme: str

    def encode(self) -> str:
        """One text column's worth: `scheme:version:base64`."""
        return f"{self.scheme}:{self.kek_version}:{base64.b64encode(self.wrapped).decode()}"

    @classmethod
    def decode(cls, text: str) -> WrappedKey:
        """Parse `encode()` output; refuses anything malformed rather than guessing."""
        try:
            scheme, version, payload = text.split(":", 2)
            wrapped = base64.b64decode(payload, validate=True)
            kek_version = int(version)
        except (ValueError, binascii.Error) as exc:
            raise InvalidInput("malformed wrapped key") from exc
        if scheme not in SCHEMES or kek_version < 1:
            raise InvalidInput(f"unknown wrapped-key scheme or version: {scheme}:{version}")
        return cls(kek_version, wrapped, scheme)


class KeyWrapper(Protocol):
    """What intake needs: something that can wrap a new data key (keyring or public key)."""

    def wrap(self, data_key: bytes) -> WrappedKey: ...


class KeyUnwrapper(Protocol):
    """What playback and verify need: something that can recover a data key."""

    def unwrap(self, wrapped: WrappedKey) -> bytes: ...


def _context(scheme: str, kek_version: int) -> bytes:
    return f"callwarden/data-key/{scheme}/kek-v{kek_version}".encode()


def _check_data_key(data_key: bytes) -> None:
    if len(data_key) != DATA_KEY_SIZE:
        raise InvalidInput(f"data key must be {DATA_KEY_SIZE} bytes")


def aes_wrap(kek: bytes, kek_version: int, data_key: bytes) -> WrappedKey:
    """AES-256-GCM wrap: random nonce, KEK version in the associated data."""
    _check_data_key(data_key)
    nonce = os.urandom(_GCM_NONCE_SIZE)
    sealed = AESGCM(kek).encrypt(nonce, data_key, _context(SCHEME_AES_256_GCM, kek_version))
    return WrappedKey(kek_version, nonce + sealed, SCHEME_AES_256_GCM)


def aes_unwrap(kek: bytes, wrapped: WrappedKey) -> bytes:
    nonce, sealed = wrapped.wrapped[:_GCM_NONCE_SIZE], wrapped.wrapped[_GCM_NONCE_SIZE:]
    try:
        context = _context(SCHEME_AES_256_GCM, wrapped.kek_version)
        return AESGCM(kek).decrypt(nonce, sealed, context)
    except (InvalidTag, ValueError) as exc:
        raise KeyUnwrapError(
            f"wrapped key does not open under KEK version {wrapped.kek_version}"
        ) from exc


def _oaep(kek_version: int) -> padding.OAEP:
    return padding.OAEP(
        mgf=padding.MGF1(hashes.SHA256()),
        algorithm=hashes.SHA256(),
        label=_context(SCHEME_RSA_OAEP_SHA256, kek_version),
    )


def rsa_wrap(public_key: rsa.RSAPublicKey, kek_version: int, data_key: bytes) -> WrappedKey:
    """RSA-OAEP-SHA256 wrap; the label binds the KEK version."""
    _check_data_key(data_key)
    wrapped = public_key.encrypt(data_key, _oaep(kek_version))
    return WrappedKey(kek_version, wrapped, SCHEME_RSA_OAEP_SHA256)


def rsa_unwrap(private_key: rsa.RSAPrivateKey, wrapped: WrappedKey) -> bytes:
    try:
        return private_key.decrypt(wrapped.wrapped, _oaep(wrapped.kek_version))
    except ValueError as exc:
        raise KeyUnwrapError(
            f"wrapped key does not open under RSA KEK version {wrapped.kek_version}"
        ) from exc


class PublicKeyWrapper:
    """Intake-side wrapper holding only an RSA public key: it can wrap, and has no unwrap."""

    def __init__(self, public_key: rsa.RSAPublicKey, kek_version: int) -> None:
        if public_key.key_size < 2048:
            raise ConfigurationError("RSA wrapping keys must be at least 2048 bits")
        self._public_key = public_key
        self.kek_version = kek_version

    def wrap(self, data_key: bytes) -> WrappedKey:
        return rsa_wrap(self._public_key, self.kek_version, data_key)

    @property
    def public_pem(self) -> bytes:
        return self._public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def to_text(self) -> str:
        """Portable form for an intake node's config (e.g. an env variable)."""
        return json.dumps({"kek_version": self.kek_version, "public_key": self.public_pem.decode()})

    @classmethod
    def from_text(cls, text: str) -> PublicKeyWrapper:
        """Load `to_text()` output; a clear configuration error if it is not an RSA key."""
        try:
            document = json.loads(text)
            key = serialization.load_pem_public_key(document["public_key"].encode())
            version = int(document["kek_version"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigurationError(f"public wrapping key is malformed: {exc}") from exc
        if not isinstance(key, rsa.RSAPublicKey):
            raise ConfigurationError("public wrapping key must be an RSA key")
        return cls(key, version)
