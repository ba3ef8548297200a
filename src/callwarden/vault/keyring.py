"""The keyring: versioned key-encryption keys, kept in an owner-only file or an env variable.

Old KEK versions stay in the keyring so rows wrapped under them still unwrap; `rotate()` adds a
version and `rewrap()` moves one data key onto it, which is all rotation needs (the audio is
encrypted under the data key, which does not change). The file is the crown jewel, so it is
written atomically with mode 0600 and a loader refuses one that others can read.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from callwarden.kit import clock
from callwarden.kit.errors import ConfigurationError, Conflict
from callwarden.vault.errors import KeyUnwrapError
from callwarden.vault.wrapping import (
    KEK_SIZE,
    RSA_KEY_BITS,
    SCHEME_AES_256_GCM,
    SCHEME_RSA_OAEP_SHA256,
    SCHEMES,
    PublicKeyWrapper,
    WrappedKey,
    aes_unwrap,
    aes_wrap,
    rsa_unwrap,
    rsa_wrap,
)

ENV_VAR: Final = "CALLWARDEN_KEYRING"
_KIND: Final = "callwarden-keyring"


@dataclass(frozen=True, slots=True)
class KekVersion:
    """One KEK: raw 32 bytes for AES-GCM, or a PKCS#8 DER private key for RSA-OAEP."""

    version: int
    scheme: str
    material: bytes
    created_at: str

    def private_key(self) -> rsa.RSAPrivateKey:
        key = serialization.load_der_private_key(self.material, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ConfigurationError(f"keyring version {self.version} is not an RSA key")
        return key


def _new_version(version: int, scheme: str) -> KekVersion:
    if scheme == SCHEME_AES_256_GCM:
        material = os.urandom(KEK_SIZE)
    elif scheme == SCHEME_RSA_OAEP_SHA256:
        private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
        material = private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    else:
        raise ConfigurationError(f"unknown key-wrapping scheme {scheme!r}; use one of {SCHEMES}")
    return KekVersion(version, scheme, material, clock.now().isoformat())


def _parse(text: str, source: str) -> list[KekVersion]:
    """Read keyring JSON (or base64 of it, handy in env variables)."""
    stripped = text.strip()
    try:
        if not stripped.startswith("{"):
            stripped = base64.b64decode(stripped, validate=True).decode()
        document: dict[str, Any] = json.loads(stripped)
        if document.get("kind") != _KIND or document.get("format") != 1:
            raise ValueError("not a callwarden keyring (format 1)")
        versions = [
            KekVersion(
                int(entry["version"]),
                str(entry["scheme"]),
                base64.b64decode(entry["material"], validate=True),
                str(entry["created_at"]),
            )
            for entry in document["keks"]
        ]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise ConfigurationError(f"keyring from {source} is malformed: {exc}") from exc
    if not versions or any(v.scheme not in SCHEMES for v in versions):
        raise ConfigurationError(f"keyring from {source} has no usable key versions")
    return sorted(versions, key=lambda v: v.version)


def _render(versions: list[KekVersion]) -> str:
    keks = [
        {
            "version": v.version,
            "scheme": v.scheme,
            "created_at": v.created_at,
            "material": base64.b64encode(v.material).decode(),
        }
        for v in versions
    ]
    return json.dumps({"kind": _KIND, "format": 1, "keks": keks}, indent=2) + "\n"


def _check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigurationError(
            f"keyring {path} is accessible by group or others (mode {mode:04o}); "
            f"it holds the keys to every recording. Fix it with: chmod 600 {path}"
        )


def _write_atomically(path: Path, text: str) -> None:
    """Temp file (0600) in the same directory, fsync, rename over, fsync the directory."""
    temp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(text.encode())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class Keyring:
    """Versioned KEKs; wraps under the newest version, unwraps under any."""

    def __init__(self, versions: list[KekVersion], path: Path | None = None) -> None:
        self._versions = {v.version: v for v in versions}
        self._private_keys: dict[int, rsa.RSAPrivateKey] = {}
        self.path = path

    @classmethod
    def create(cls, path: Path | str, *, scheme: str = SCHEME_AES_256_GCM) -> Keyring:
        """Make a new keyring file (0600, in a 0700 directory if we create it); never overwrite."""
        path = Path(path)
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True)
            path.parent.chmod(0o700)
        if path.exists():
            raise Conflict(f"keyring {path} already exists; refusing to overwrite keys")
        keyring = cls([_new_version(1, scheme)], path)
        _write_atomically(path, _render(keyring.versions))
        return keyring

    @classmethod
    def load(cls, path: Path | str) -> Keyring:
        """Load a keyring file, refusing one that group or others can access."""
        path = Path(path)
        if not path.is_file():
            raise ConfigurationError(f"keyring {path} not found; create one with `callwarden init`")
        _check_private(path)
        return cls(_parse(path.read_text(), str(path)), path)

    @classmethod
    def from_text(cls, text: str) -> Keyring:
        """A keyring from JSON or base64 JSON, e.g. a secret manager's env variable."""
        return cls(_parse(text, "text"))

    @classmethod
    def load_default(cls, path: Path | str, environ: Mapping[str, str] | None = None) -> Keyring:
        """The env variable wins when set (container secrets); otherwise the file at `path`."""
        text = (os.environ if environ is None else environ).get(ENV_VAR)
        if text:
            return cls(_parse(text, f"${ENV_VAR}"))
        return cls.load(path)

    @property
    def versions(self) -> list[KekVersion]:
        return [self._versions[n] for n in sorted(self._versions)]

    @property
    def current_version(self) -> int:
        return max(self._versions)

    def export_text(self) -> str:
        """Base64 JSON of the whole keyring, the form `CALLWARDEN_KEYRING` accepts."""
        return base64.b64encode(_render(self.versions).encode()).decode()

    def _private_key(self, kek: KekVersion) -> rsa.RSAPrivateKey:
        if kek.version not in self._private_keys:
            self._private_keys[kek.version] = kek.private_key()
        return self._private_keys[kek.version]

    def wrap(self, data_key: bytes) -> WrappedKey:
        """Wrap a data key under the current KEK version."""
        kek = self._versions[self.current_version]
        if kek.scheme == SCHEME_RSA_OAEP_SHA256:
            return rsa_wrap(self._private_key(kek).public_key(), kek.version, data_key)
        return aes_wrap(kek.material, kek.version, data_key)

    def unwrap(self, wrapped: WrappedKey) -> bytes:
        """Recover a data key under whichever version wrapped it."""
        kek = self._versions.get(wrapped.kek_version)
        if kek is None:
            raise KeyUnwrapError(f"keyring has no KEK version {wrapped.kek_version}")
        if kek.scheme != wrapped.scheme:
            raise KeyUnwrapError(
                f"KEK version {kek.version} is {kek.scheme}, but the key says {wrapped.scheme}"
            )
        if kek.scheme == SCHEME_RSA_OAEP_SHA256:
            return rsa_unwrap(self._private_key(kek), wrapped)
        return aes_unwrap(kek.material, wrapped)

    def rewrap(self, wrapped: WrappedKey) -> WrappedKey:
        """Move a data key onto the current KEK version (unchanged if already there)."""
        if wrapped.kek_version == self.current_version:
            return wrapped
        return self.wrap(self.unwrap(wrapped))

    def public_wrapper(self) -> PublicKeyWrapper:
        """The wrap-only half of the current RSA version, for intake nodes."""
        kek = self._versions[self.current_version]
        if kek.scheme != SCHEME_RSA_OAEP_SHA256:
            raise ConfigurationError("current KEK is symmetric; rotate to rsa-oaep-sha256 first")
        return PublicKeyWrapper(self._private_key(kek).public_key(), kek.version)

    def rotate(self, *, scheme: str | None = None) -> int:
        """Add a KEK version (same scheme unless told) and save; returns the new version.

        Re-reads the file under a directory lock first, so two concurrent rotations cannot
        lose each other's key.
        """
        if self.path is None:
            raise ConfigurationError(
                f"keyring came from ${ENV_VAR}; rotate the keyring file, then update the variable"
            )
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            fcntl.flock(dir_fd, fcntl.LOCK_EX)
            _check_private(self.path)
            merged = {kek.version: kek for kek in _parse(self.path.read_text(), str(self.path))}
            merged.update(self._versions)
            current = merged[max(merged)]
            added = _new_version(current.version + 1, scheme or current.scheme)
            merged[added.version] = added
            _write_atomically(self.path, _render([merged[n] for n in sorted(merged)]))
            self._versions = merged  # only once the new version is safely on disk
        finally:
            os.close(dir_fd)  # closing releases the lock
        return added.version
