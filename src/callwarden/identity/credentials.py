"""Password hashing (argon2id) and API token secrets.

Tokens look like `cwt_<token id>.<secret>`: the id finds the row, the secret is compared against a
SHA-256 hash (a 256-bit random secret needs no slow hash; passwords do, hence argon2).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from callwarden.kit.errors import Unauthenticated

_hasher = PasswordHasher()
TOKEN_PREFIX = "cwt_"  # noqa: S105 - a public marker, not a secret


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A one-time password a person can type: 4 groups of 5 URL-safe characters."""
    raw = secrets.token_urlsafe(20).replace("-", "x").replace("_", "y")
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    token_id: str
    plaintext: str
    secret_hash: str


def issue_secret(token_id: str) -> IssuedSecret:
    secret = secrets.token_urlsafe(32)
    return IssuedSecret(token_id, f"{TOKEN_PREFIX}{token_id}.{secret}", hash_secret(secret))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(presented: str) -> tuple[str, str]:
    """(token id, secret) from a presented bearer token, or Unauthenticated.

    Tokens are printable ASCII; anything else (a NUL a cookie's octal escape can carry, which
    PostgreSQL refuses in a query) is malformed, not looked up."""
    if (
        not presented.startswith(TOKEN_PREFIX)
        or "." not in presented
        or len(presented) > 200
        or not (presented.isascii() and presented.isprintable())
    ):
        raise Unauthenticated("malformed bearer token; expected cwt_<id>.<secret>")
    token_id, _, secret = presented.removeprefix(TOKEN_PREFIX).partition(".")
    if not token_id or not secret:
        raise Unauthenticated("malformed bearer token; expected cwt_<id>.<secret>")
    return token_id, secret


def secret_matches(secret_hash: str, secret: str) -> bool:
    return hmac.compare_digest(secret_hash, hash_secret(secret))
