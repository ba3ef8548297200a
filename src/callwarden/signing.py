"""The service's Ed25519 signing key: audit checkpoints and destruction certificates.

The key proves that a statement (a checkpoint of the audit chain's head) was made by this
installation at the time it says. It is created by `callwarden init` beside the key ring, in an
owner-only file, and never stored in the database: someone who can rewrite the database cannot
sign. `CALLWARDEN_SIGNING_KEY` (PEM, or base64 of it) supplies it from a secret manager instead.
The public half is what auditors hold; `key_id` names it inside every signed statement.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from callwarden.kit.errors import ConfigurationError, Conflict

if TYPE_CHECKING:  # only the type: the audit chain's pure core imports this module
    from callwarden.config import Settings

SETTING = "CALLWARDEN_SIGNING_KEY"


def generate_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def create_signing_key_file(path: Path) -> Ed25519PrivateKey:
    """A new key in a 0600 file (its directory 0700 if we make it); never overwrites one."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
        path.parent.chmod(0o700)
    key = generate_signing_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise Conflict(f"signing key {path} already exists; refusing to overwrite it") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(_pem(key))
        handle.flush()
        os.fsync(handle.fileno())
    return key


def private_key_from_text(text: str, source: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM text, or base64 of it (handy in environment variables)."""
    stripped = text.strip()
    try:
        if not stripped.startswith("-----"):
            stripped = base64.b64decode(stripped, validate=True).decode()
        key = serialization.load_pem_private_key(stripped.encode(), password=None)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"signing key from {source} is not a PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"signing key from {source} is not an Ed25519 key")
    return key


def signing_key_configured(settings: Settings) -> bool:
    """Whether this node holds the signing key (a node without one cannot sign checkpoints)."""
    return bool(settings.signing_key) or settings.signing_key_path.is_file()


def load_signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The signing key: the setting when given, else the owner-only file in the data directory."""
    if settings.signing_key:
        return private_key_from_text(settings.signing_key, f"${SETTING}")
    path = settings.signing_key_path
    if not path.is_file():
        raise ConfigurationError(
            f"no signing key at {path}; create one with `callwarden init` (or set {SETTING})"
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigurationError(
            f"signing key {path} is accessible by group or others (mode {mode:04o}); "
            f"fix it with: chmod 600 {path}"
        )
    return private_key_from_text(path.read_text(encoding="ascii"), str(path))


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def public_key_from_text(text: str, source: str) -> Ed25519PublicKey:
    """An auditor's copy of the public key (PEM, as `callwarden audit public-key` writes it)."""
    try:
        key = serialization.load_pem_public_key(text.strip().encode())
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"public key from {source} is not a PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigurationError(f"public key from {source} is not an Ed25519 key")
    return key


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """A short stable name of the public key, carried in what it signs."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


def signature_valid(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def canonical_json(value: Any) -> bytes:
    """The one byte rendering of a statement that every signer and verifier agrees on: sorted
    keys, no spaces, ASCII escapes (so no Unicode normalisation question arises)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sign_statement(key: Ed25519PrivateKey, domain: bytes, message: bytes) -> str:
    """A base64 Ed25519 signature of `domain` + `message`. The domain (e.g. the statement's kind
    and version, ending in a newline) keeps a signature made for one kind of statement from
    being passed off as another kind's."""
    return base64.b64encode(key.sign(domain + message)).decode("ascii")


def statement_signed(
    public: Ed25519PublicKey, signature: str, domain: bytes, message: bytes
) -> bool:
    """Whether `signature` (base64, as `sign_statement` writes it) signs `domain` + `message`.
    Only the one canonical base64 spelling counts: base64 leaves a few unused bits in its last
    character, and an edit there must not go unnoticed."""
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    if base64.b64encode(raw).decode("ascii") != signature:
        return False
    return signature_valid(public, raw, domain + message)
