"""The destruction certificate's shape, for the OpenAPI document (the route serves the stored
text itself; these models only describe it, and `certificate_check` is what holds a copy to it)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class CertificateInstallation(BaseModel):
    key_id: str = Field(description="The signing key's id (`callwarden audit public-key`).")


class CertificateSweep(BaseModel):
    id: str
    kind: str = Field(description="schedule, erasure or case")
    reference: str | None
    as_of: str
    started_by: str
    started_at: str
    finished_at: str | None


class CertificateIssued(BaseModel):
    at: str
    count: int = Field(description="How many recordings were destroyed.")
    original_bytes: int = Field(description="Their original sizes, added up.")


class CertificateRecording(BaseModel):
    """One recording destroyed, and the audit event (chain position and hash) recording it."""

    audit_hash: str | None
    audit_seq: int | None
    call_id: str
    dispose_by: str | None
    disposal_due: str | None
    disposed_at: str
    original_sha256: str
    original_size: int
    recording_id: str
    retain_until: str | None
    rule: str
    started_at: str
    stored_sha256: str
    stored_size: int


class CertificateDigests(BaseModel):
    header: dict[str, str] = Field(description="SHA-256 of each header field, by its path.")
    recordings: list[str] = Field(description="SHA-256 of each recording entry, in order.")


class CertificateSignature(BaseModel):
    algorithm: Literal["ed25519"]
    key_id: str
    value: str = Field(description="Base64 Ed25519 signature over the digests.")


class DestructionCertificate(BaseModel):
    format: Literal["callwarden-destruction-certificate"]
    version: Literal[1]
    installation: CertificateInstallation
    sweep: CertificateSweep
    issued: CertificateIssued
    recordings: list[CertificateRecording]
    digests: CertificateDigests
    signature: CertificateSignature
