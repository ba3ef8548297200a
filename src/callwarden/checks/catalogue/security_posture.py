"""The security posture: the controls that protect every recording at once.

A key-encryption key past its rotation period, API tokens that live (almost) for ever, too many
administrators or only one, key files that group or others may read, and an audit chain that no
longer verifies. Each is one finding with a stable key (the same old key, token or file is the
same finding tomorrow), measured against the policy's `checks:` settings.

The chain is checked incrementally: held to its signed checkpoints (the trail is append-only
and each checkpoint is signed with a key the database never holds, so any rewrite that keeps
the chain consistent shows at the newest one) and walked only from the newest checkpoint to the
head. Over a million calls the trail is millions of events, and re-hashing them all took
minutes; `callwarden audit verify` still walks it from the first event (`_chain` says what
only that full walk sees).
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.audit import checkpointing
from callwarden.audit import service as audit
from callwarden.audit.chain import ChainReport
from callwarden.audit.checkpoints import TrailReport
from callwarden.checks.registry import Context, Evidence, Found, Period, Rule, check
from callwarden.checks.thresholds import thresholds
from callwarden.config import Settings
from callwarden.kit.errors import ConfigurationError
from callwarden.models import ApiToken, User
from callwarden.vault.keyring import Keyring

# GDPR Art. 32(1): "appropriate technical and organisational measures ... including ... (a) the
# pseudonymisation and encryption of personal data; (b) the ability to ensure the ongoing
# confidentiality, integrity, availability and resilience of processing systems".
SECURITY = "GDPR Art. 32(1)"
ROTATION = Rule(
    "The key-encryption key is rotated within the period the organisation's policy sets "
    "(checks.kek_rotation_days), as part of the encryption the law asks for.",
    SECURITY,
)
TOKENS = Rule(
    "API tokens expire within the policy's maximum lifetime (checks.max_token_days): a token "
    "that never ends is a standing key to the recordings if it leaks.",
    SECURITY,
)
ADMINS = Rule(
    "Administration is held by a few named people (at most checks.max_administrators) and "
    "never by one alone, so that no single absence or compromise decides.",
)
KEY_FILES = Rule("Key files are readable by the service's own account only (mode 0600).", SECURITY)
CHAIN = Rule(
    "The audit trail is intact: its hash chain verifies from the first event to the head.",
    "GDPR Art. 32(1)(b); GDPR Art. 5(2)",
)


def _keyring(path: Path) -> Keyring | None:
    """The keyring as the service would read it; a file with loose permissions is still read
    (that is reported separately), a missing one is None."""
    try:
        return Keyring.load_default(path)
    except ConfigurationError:
        if path.is_file():
            return Keyring.from_text(path.read_text())
        return None


def _kek_age(context: Context, rotation_days: int) -> Iterator[Found]:
    keyring = _keyring(context.settings.keyring_path)
    if keyring is None:
        return  # a public-key intake node holds no keyring; the node that decrypts is checked
    current = keyring.versions[-1]
    created = datetime.fromisoformat(current.created_at)
    if created.tzinfo is None:  # written by an older version without a zone: it was UTC
        created = created.replace(tzinfo=UTC)
    age = context.now - created
    if age > timedelta(days=rotation_days):
        yield Found(
            key=f"kek-rotation:v{current.version}",
            severity="high" if age > timedelta(days=2 * rotation_days) else "medium",
            summary=f"the key-encryption key (version {current.version}) is {age.days} days "
            f"old; the policy rotates it every {rotation_days} days",
            evidence=Evidence(
                figures={
                    "kek_version": current.version,
                    "created_at": current.created_at,
                    "age_days": age.days,
                    "rotation_days": rotation_days,
                }
            ),
            rule=ROTATION,
            detail="Rotate it with `callwarden keys rotate`; old versions stay to unwrap.",
        )


def _long_tokens(session: Session, now: datetime, max_days: int) -> Iterator[Found]:
    live = session.execute(
        select(ApiToken.id, ApiToken.name, ApiToken.created_at, ApiToken.expires_at, User.username)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
        .order_by(ApiToken.id)
    )
    for token_id, name, created, expires, username in live:
        lifetime = expires - created
        if lifetime > timedelta(days=max_days):
            yield Found(
                key=f"long-token:{token_id}",
                severity="medium",
                summary=f"token {name!r} of {username} lives {lifetime.days} days "
                f"(the policy allows {max_days})",
                evidence=Evidence(
                    users=(username,),
                    figures={
                        "token_id": token_id,
                        "expires_at": expires.isoformat(),
                        "lifetime_days": lifetime.days,
                    },
                ),
                rule=TOKENS,
            )


def _administrators(session: Session, most: int) -> Iterator[Found]:
    names = tuple(
        session.execute(
            select(User.username)
            .where(User.role == "admin", User.disabled_at.is_(None), User.is_service.is_(False))
            .order_by(User.username)
        ).scalars()
    )
    figures: dict[str, float | int | str] = {"administrators": len(names), "most": most}
    if len(names) > most:
        yield Found(
            "administrators:too-many",
            "medium",
            f"{len(names)} people are administrators; the policy allows {most}",
            Evidence(users=names, figures=figures),
            ADMINS,
        )
    elif len(names) <= 1:
        yield Found(
            "administrators:one-or-none",
            "low",
            "only one person is an administrator" if names else "nobody is an administrator",
            Evidence(users=names, figures=figures),
            ADMINS,
        )


def _key_files(context: Context) -> Iterator[Found]:
    for label, path in (
        ("keyring", context.settings.keyring_path),
        ("signing-key", context.settings.signing_key_path),
    ):
        if not path.is_file():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            yield Found(
                key=f"key-file:{label}",
                severity="high",
                summary=f"the {label.replace('-', ' ')} file {path} may be read by group or "
                f"others (mode {mode:04o})",
                evidence=Evidence(figures={"path": str(path), "mode": f"{mode:04o}"}),
                rule=KEY_FILES,
                detail=f"Fix it with: chmod 600 {path}",
            )


def _chain(session: Session, settings: Settings) -> Iterator[Found]:
    """The audit chain, held to its signed checkpoints and walked from the newest of them
    (`checkpointing.verify_since_checkpoint` says what that sees and what it leaves to
    `callwarden audit verify`): a daily run's work grows with the events since the last
    checkpoint, not with the whole trail, which over a million calls is millions of events and
    minutes of hashing. Where there are no checkpoints, or no key to check them with, the chain
    is walked from its first event."""
    report: ChainReport | TrailReport | None
    try:
        report = checkpointing.verify_since_checkpoint(session, settings)
    except ConfigurationError:  # an unreadable or loose key file: reported as such above
        report = None
    if report is None:
        report = audit.verify(session)
    if report.ok:
        return
    at = report.broken_at
    figures: dict[str, float | int | str] = {"checked": report.checked}
    if at is not None:
        figures["broken_at"] = at
    yield Found(
        key="audit-chain",
        severity="critical",
        summary=f"the audit chain breaks at event {at}: {report.problem}"
        if at is not None
        else f"the audit chain does not verify: {report.problem}",
        evidence=Evidence(events=(at,) if at is not None else (), figures=figures),
        rule=CHAIN,
    )


@check(
    "security_posture",
    "Security posture",
    "Counts, at the moment of the run: the key-encryption key older than "
    "checks.kek_rotation_days (default 365); live API tokens whose lifetime exceeds "
    "checks.max_token_days (default 90); administrators, more than checks.max_administrators "
    "(default 3) or only one; the keyring and signing-key files readable by group or others; "
    "and whether the audit chain verifies: each signed checkpoint against the event it names, "
    "and every event since the newest checkpoint (from the first event where there are none).",
)
def security_posture(session: Session, period: Period, context: Context) -> Iterator[Found]:
    limits = thresholds(session)
    yield from _kek_age(context, limits.kek_rotation_days)
    yield from _long_tokens(session, context.now, limits.max_token_days)
    yield from _administrators(session, limits.max_administrators)
    yield from _key_files(context)
    yield from _chain(session, context.settings)
