"""Settings: one class, read from `CALLWARDEN_*` environment variables (and `.env`).

Everything that differs between a laptop and production lives here, with defaults that make the
embedded mode (SQLite + local vault under `./var/`) work with no configuration at all.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from callwarden.kit.errors import ConfigurationError


class Settings(BaseSettings):
    """The service's whole configuration."""

    model_config = SettingsConfigDict(env_prefix="CALLWARDEN_", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"), description="Where the embedded database, vault and keys live."
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite in data_dir."
    )
    bind_host: str = "127.0.0.1"
    bind_port: int = Field(default=8000, ge=1, le=65535)
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest JSON request body."
    )
    public_base_url: str | None = Field(
        default=None,
        description="The URL phone-system providers use to reach this service (webhook signatures "
        "cover the full URL, so it must be what the provider sees).",
    )
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = Field(default=None, repr=False)
    twilio_api_base_url: str = "https://api.twilio.com"
    vault_store: Literal["filesystem", "s3"] = "filesystem"
    s3_endpoint_url: str | None = None
    s3_bucket: str = "callwarden"
    s3_prefix: str = ""
    s3_region: str = "us-east-1"
    s3_access_key: str | None = Field(default=None, repr=False)
    s3_secret_key: str | None = Field(default=None, repr=False)
    vault_public_key: str | None = Field(
        default=None, description="Public-key mode: this node seals with the RSA public key only."
    )
    max_recording_bytes: int = Field(default=2 * 1024**3, ge=1024, description="Largest upload.")
    shutdown_grace_seconds: int = Field(
        default=10,
        ge=1,
        le=3600,
        description="On SIGTERM, how long requests in progress may finish before they are cut.",
    )
    orphan_grace_minutes: int = Field(
        default=60, ge=1, description="Age before unreferenced objects go."
    )
    jobs_in_process: bool = Field(
        default=True,
        description="Run background jobs in the server process (the embedded default); turn it "
        "off when `callwarden jobs run` workers do them.",
    )
    jobs_backend: Literal["inprocess", "procrastinate"] = Field(
        default="inprocess",
        description="Who runs background jobs: the in-process runner, or procrastinate "
        "workers (`callwarden jobs run`) on PostgreSQL.",
    )
    jobs_poll_seconds: float = Field(
        default=5.0, gt=0, le=3600, description="How often queue-driven jobs look for work."
    )
    sweep_every_minutes: float = Field(
        default=15.0, gt=0, description="How often the orphan sweeper runs."
    )
    fetch_max_attempts: int = Field(
        default=10, ge=1, le=100, description="Download attempts per provider recording."
    )
    fetch_backoff_seconds: float = Field(
        default=2.0, ge=0, description="Wait before the first retry of a download; it doubles."
    )
    fetch_backoff_max_seconds: float = Field(
        default=300.0, ge=0, description="Longest wait between two download attempts."
    )
    fetch_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Connect and read timeout of one download."
    )
    playback_verify_bytes: int = Field(
        default=8 * 1024**2,
        ge=0,
        description="Playback ranges up to this size are authenticated whole before answering.",
    )
    verify_sample_size: int = Field(
        default=20, ge=0, description="Recordings the periodic integrity check verifies per run."
    )
    verify_every_minutes: float = Field(
        default=60.0, gt=0, description="How often the periodic integrity check runs."
    )
    redact_stray_dtmf: bool = Field(
        default=False,
        description="Overwrite keypresses left outside consent prompts (possible card data).",
    )
    signing_key: str | None = Field(
        default=None,
        repr=False,
        description="The Ed25519 signing key (PEM or base64) instead of the file in data_dir.",
    )
    audit_checkpoint_every: int = Field(
        default=100, ge=1, description="Sign a checkpoint of the audit chain every N events."
    )
    audit_checkpoint_minutes: float = Field(
        default=5.0, gt=0, description="And at least this often while the chain grows."
    )
    retention_sweep_hours: float = Field(
        default=24.0, gt=0, description="How often the retention sweep disposes of what is due."
    )
    retention_sweep_batch: int = Field(
        default=500, ge=1, le=10_000, description="Recordings disposed of per transaction."
    )
    hold_broad_scope: int = Field(
        default=1000,
        ge=0,
        description="A hold keeping more recordings than this needs confirm_broad: true.",
    )
    audit_checkpoint_lock_days: int = Field(
        default=3653, ge=1, description="S3 Object Lock retention of each checkpoint object."
    )
    # Process tuning (applied by `tuning.py`, which says what measurement chose each default).
    request_threads: int = Field(default=8, ge=1, le=200, description="Threads for blocking work.")
    switch_interval_seconds: float = Field(
        default=0.0005,
        gt=0,
        le=1,
        description="How often the interpreter lets another thread run (Python's default 0.005).",
    )
    gc_thresholds: Annotated[tuple[int, int, int], NoDecode] = Field(
        default=(50_000, 50, 1_000),
        description="The garbage collector's generation thresholds in the server, three "
        "numbers (`700,10,10` is Python's default).",
    )
    gc_freeze: bool = Field(
        default=True,
        description="Move what start-up loaded out of the garbage collector's reach.",
    )
    token_ttl_hours: int = Field(
        default=12, ge=1, le=24 * 366, description="Lifetime of login tokens."
    )
    console_idle_minutes: int = Field(
        default=30,
        ge=1,
        le=24 * 60,
        description="A console session ends after this long without a request (and always "
        "after token_ttl_hours).",
    )
    signin_window_seconds: int = Field(
        default=300, ge=1, le=86_400, description="Window over which failed sign-ins are counted."
    )
    signin_failures_per_user: int = Field(
        default=5, ge=1, le=10_000, description="Failed sign-ins for one username before 429."
    )
    signin_failures_per_address: int = Field(
        default=20, ge=1, le=100_000, description="Failed sign-ins from one address before 429."
    )
    refusal_audit_window_seconds: int = Field(
        default=300,
        ge=1,
        le=86_400,
        description="Unauthenticated refusals from one source are audited once per window, "
        "with a count.",
    )

    smtp_host: str | None = Field(
        default=None,
        description="The SMTP server for reminders and announcements; unset, mail waits queued.",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="The SMTP server's port.")
    smtp_tls: Literal["none", "starttls", "tls"] = Field(
        default="starttls",
        description="none, starttls (upgrade a plain connection; refused if the server cannot) "
        "or tls (implicit TLS, usually port 465).",
    )
    smtp_username: str | None = Field(default=None, description="SMTP login, if the server asks.")
    smtp_password: str | None = Field(default=None, repr=False, description="Never logged.")
    smtp_sender: str = Field(
        default="callwarden@localhost", description="The From address of every mail."
    )
    smtp_recipient_domain: str | None = Field(
        default=None,
        description="Mail to a person goes to username@this domain (a username that is an "
        "address already is used as it is).",
    )
    smtp_timeout_seconds: float = Field(
        default=30.0, gt=0, le=600, description="Connect and reply timeout of the SMTP server."
    )
    mail_every_seconds: float = Field(
        default=60.0, gt=0, description="How often the sender looks for mail due."
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:// or postgresql:// URL")
        if url is not None and url.startswith("postgresql://"):
            return "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url

    @field_validator("gc_thresholds", mode="before")
    @classmethod
    def _three_numbers(cls, value: object) -> object:
        """`50000,50,1000` from the environment; brackets as in JSON or Python are accepted."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.strip("[]() ").split(","))
        return value

    @cached_property
    def resolved_database_url(self) -> str:
        """The URL in use: explicit, or the SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'callwarden.db').resolve()}"

    @property
    def keyring_path(self) -> Path:
        return self.data_dir / "keys" / "keyring.json"

    @property
    def signing_key_path(self) -> Path:
        return self.data_dir / "keys" / "signing-key.pem"

    @property
    def audit_checkpoint_file(self) -> Path:
        return self.data_dir / "audit-checkpoints.jsonl"

    @property
    def vault_dir(self) -> Path:
        return self.data_dir / "vault"


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation failure into one clear line for the operator."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "settings"
        env_name = f"CALLWARDEN_{field.upper()}"
        raise ConfigurationError(f"invalid setting {env_name}: {first['msg']}") from None
