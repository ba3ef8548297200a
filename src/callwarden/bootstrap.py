"""First-run initialisation, idempotent: each step does its work once and says so.

`callwarden init` (and so `make run`) calls this. Running it again changes nothing and reports
that everything already exists.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.principal import cli_principal
from callwarden.identity.roles import Role
from callwarden.migrate import current_revision, head_revision, upgrade
from callwarden.models import User
from callwarden.policy import repository as policies
from callwarden.policy import service as policy
from callwarden.signing import SETTING as SIGNING_KEY_SETTING
from callwarden.signing import create_signing_key_file
from callwarden.vault.keyring import ENV_VAR as KEYRING_ENV
from callwarden.vault.keyring import Keyring

EXAMPLE_POLICY = Path(__file__).parent / "policy" / "examples" / "policy.yaml"


@dataclass
class InitReport:
    """What init did, step by step, and any secret to show once."""

    steps: list[tuple[str, bool, str]] = field(default_factory=list)
    admin_password: str | None = None

    def add(self, name: str, changed: bool, detail: str) -> None:
        self.steps.append((name, changed, detail))

    @property
    def changed(self) -> bool:
        return any(changed for _name, changed, _detail in self.steps)


InitStep = Callable[[Settings, Database, InitReport], None]


def initialise(settings: Settings, extra_steps: list[InitStep] | None = None) -> InitReport:
    """Create the data directory, migrate the schema, create the first administrator."""
    report = InitReport()
    _data_dir(settings, report)
    db = Database(settings.resolved_database_url)
    try:
        _schema(db, report)
        _admin(db, report)
        _example_policy(db, report)
        _vault(settings, report)
        _signing_key(settings, db, report)
        for step in extra_steps or []:
            step(settings, db, report)
    finally:
        db.dispose()
    return report


def _data_dir(settings: Settings, report: InitReport) -> None:
    path = settings.data_dir
    if path.exists():
        report.add("data directory", False, f"{path.resolve()} exists")
        return
    path.mkdir(parents=True, mode=0o700)
    os.chmod(path, 0o700)
    report.add("data directory", True, f"created {path.resolve()} (owner-only)")


def _schema(db: Database, report: InitReport) -> None:
    before = current_revision(db)
    if before == head_revision():
        report.add("database schema", False, f"current at {before}")
        return
    upgrade(db)
    report.add("database schema", True, f"migrated {before or 'empty'} → {head_revision()}")


def _admin(db: Database, report: InitReport) -> None:
    with db.unit_of_work() as session:
        existing = session.execute(
            select(User).where(User.role == Role.ADMIN.value).limit(1)
        ).scalar_one_or_none()
        if existing is not None:
            report.add("administrator", False, f"{existing.username} exists")
            return
        created = identity.create_user(
            session,
            cli_principal(),
            username="admin",
            role=Role.ADMIN.value,
            display_name="Administrator",
        )
        report.admin_password = created.password
        report.add("administrator", True, "created user admin")


def _example_policy(db: Database, report: InitReport) -> None:
    with db.unit_of_work() as session:
        if policies.latest_number(session) > 0:
            report.add(
                "recording policy", False, f"version {policies.latest_number(session)} exists"
            )
            return
        applied = policy.apply(
            session,
            cli_principal(),
            EXAMPLE_POLICY.read_text(encoding="utf-8"),
            "examples/policy.yaml",
        )
        report.add(
            "recording policy",
            True,
            f"applied the example policy as version {applied.version.version} "
            "(replace it: callwarden policy apply FILE)",
        )


def _vault(settings: Settings, report: InitReport) -> None:
    if os.environ.get(KEYRING_ENV):
        report.add("key ring", False, f"taken from ${KEYRING_ENV}")
    elif settings.keyring_path.exists():
        report.add("key ring", False, f"{settings.keyring_path} exists")
    else:
        settings.keyring_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(settings.keyring_path.parent, 0o700)
        Keyring.create(settings.keyring_path)
        report.add("key ring", True, f"created {settings.keyring_path} (owner-only; back it up)")
    if settings.vault_store == "filesystem" and not settings.vault_dir.exists():
        settings.vault_dir.mkdir(parents=True, mode=0o700)
        report.add("vault", True, f"created {settings.vault_dir}")


def _signing_key(settings: Settings, db: Database, report: InitReport) -> None:
    """The Ed25519 key that signs audit checkpoints; a new key signs the chain as it stands."""
    from callwarden.audit.checkpointing import write_due

    if settings.signing_key:
        report.add("signing key", False, f"taken from ${SIGNING_KEY_SETTING}")
        return
    path = settings.signing_key_path
    if path.exists():
        report.add("signing key", False, f"{path} exists")
        return
    create_signing_key_file(path)
    signed = write_due(db, settings, everything=True)
    report.add(
        "signing key",
        True,
        f"created {path} (owner-only; back it up; `callwarden audit public-key` for auditors); "
        f"signed {signed} audit checkpoint(s)",
    )
