"""Synthetic data for the checks benchmark (and the report's): N calls with everything the
checks read, bulk-loaded, with defects at realistic rates (about 0.1-1 % each).

Per call, in the order intake writes them: a decision row, the call, its parties (agent and
customer; a transferred third party now and then), the consent ledger's events (notice,
consent, recording start, pauses, transfers), a recording with its parties and data key when
the decision said record, the audio check's findings (`notice_verified` on most analysed
recordings, a few `notice_missing`, `payment_audio_leak` on a few payment calls), the phone
system's call-detail row (most match by id, some by parent call or numbers, some never
connected, a few unknown), and audit events (`call.created`, `recording.stored`, plays by
supervisors and QA reviewers, a few far above their peers, some out of hours, some exports,
refusals) forming a valid hash chain, computed with the chain's own functions and signed at
every N-th event like the running service does. Around them: users, teams, API tokens (a few
too long-lived), a key-encryption key, legal holds (a few not reviewed). A seeded RNG makes
the same data every time for the same arguments.

Rows go in with COPY on PostgreSQL and `executemany` on SQLite, a chunk of calls per
transaction, so a million calls load in minutes, not the hours intake would take.
`load(db, settings, calls=100_000, days=91)` gives a quarter of 100,000 calls with the same mix.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from checks_rows import Chain, Setting
from checks_rows import calls as rows_for
from sqlalchemy import func, select, text

from callwarden.audit.chain import GENESIS_HASH
from callwarden.audit.checkpoints import sign_checkpoint
from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.models import ApiToken, AuditHead, LegalHold, PolicyVersion, Team, User
from callwarden.policy import service as policies
from callwarden.retention.scope import parse as parse_scope
from callwarden.signing import create_signing_key_file, load_signing_key
from callwarden.vault.keyring import Keyring
from tests.support.policies import EXAMPLE_TEXT

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
CHUNK = 20_000  # calls per transaction
TEAMS, AGENTS, SUPERVISORS, REVIEWERS = 30, 300, 30, 10
OTHERS = SUPERVISORS + REVIEWERS + 3 + 2  # everyone but the agents: `_people`'s other roles
HEAVY = 2  # supervisors who play ten times what their peers do


@dataclass(frozen=True)
class Mix:
    """The proportions: of all calls, or of the calls named."""

    recorded: float = 0.80  # the decision said record (all-party calls record after consent)
    all_party: float = 0.25
    notice: float = 0.15  # the rest one-party
    payment: float = 0.05  # of recorded calls: a secure pause is required
    transfer: float = 0.01  # of notice calls: a transfer brings in an all-party customer
    analysed: float = 0.95  # of recordings
    played: float = 0.03  # of recordings, by supervisors and QA reviewers
    # defects
    missing: float = 0.002  # of recorded calls: no recording
    unended: float = 0.0005  # of recorded calls: never reported ended
    stored_violation: float = 0.0005  # of calls not to record: a recording stored anyway
    refused_start: float = 0.002  # of calls not to record: a recording start refused
    short: float = 0.002  # of recordings: half the call
    no_consent: float = 0.002  # of all-party calls
    late_notice: float = 0.002  # of parties needing a notice
    no_renotice: float = 0.05  # of transfers
    no_pause: float = 0.005  # of payment calls
    long_pause: float = 0.01  # of payment calls
    leak: float = 0.005  # of payment recordings
    notice_missing: float = 0.002  # of analysed recordings
    overdue: float = 0.001  # of recordings: past dispose_by
    cdr_parent: float = 0.01  # of calls: the record is a child leg naming the call as parent
    cdr_numbers: float = 0.01  # of calls: another system's record, matched by its numbers
    cdr_unanswered: float = 0.03  # extra records of calls that never connected
    cdr_unknown: float = 0.001  # extra connected records callwarden never heard of
    out_of_hours: float = 0.01  # of plays
    exported: float = 0.01  # of played recordings: the listener exports it too


@dataclass
class Loaded:
    """What was loaded: the period to check, the moment to check it at, rows per table."""

    period: Period
    now: datetime
    calls: int
    rows: dict[str, int] = field(default_factory=dict)


COLUMNS: dict[str, tuple[str, ...]] = {
    "decisions": (
        "id", "external_call_id", "created_at", "requested_by", "facts", "outcome", "record",
        "governing_rule", "policy_version", "law_version",
    ),
    "calls": (
        "id", "source", "external_id", "direction", "facts", "state", "recording_state",
        "record_decision", "consent_level", "governing_rule", "notice_required",
        "notice_must_be_recorded", "secure_pause", "max_pause_s", "on_decline", "on_withdrawal",
        "on_missing_notice", "halted", "discard_all", "decision_id", "policy_version", "plan",
        "plan_version", "created_by", "agent_user_id", "team_id", "started_at", "ended_at",
        "last_event_at",
    ),
    "call_parties": (
        "call_id", "key", "position", "role", "number", "jurisdiction", "location_source",
        "rule", "needs_notice", "needs_consent", "notice_at", "consent_status", "consent_at",
        "consent_method", "joined_at", "left_at",
    ),
    "call_events": (
        "call_id", "client_event_id", "kind", "occurred_at", "received_at", "party_key",
        "body", "accepted", "violation", "reported_by",
    ),
    "call_pauses": ("call_id", "reason", "started_at", "ended_at", "exceeded"),
    "recordings": (
        "id", "call_id", "idempotency_key", "source", "state", "object_key", "store", "format",
        "codec", "content_type", "sample_rate", "channels", "channel_map", "duration_s",
        "sha256", "size", "ciphertext_size", "original_sha256", "original_size", "purposes",
        "retention_class", "retain_until", "dispose_by", "disposal_due", "legal_hold",
        "private", "direction", "queue", "agent_user_id", "team_id", "jurisdictions", "pauses",
        "started_at", "created_at", "created_by", "analysed_at",
    ),
    "recording_parties": ("recording_id", "party_key", "role", "number", "jurisdiction"),
    "data_keys": ("recording_id", "wrapped", "kek_version", "created_at"),
    "findings": (
        "recording_id", "kind", "severity", "status", "check_name", "summary", "detail",
        "created_at",
    ),
    "cdr_records": (
        "source", "external_id", "started_at", "ended_at", "duration_s", "from_number",
        "to_number", "direction", "queue", "status", "parent_external_id", "imported_at",
        "import_file",
    ),
    "audit_events": (
        "seq", "occurred_at", "actor", "action", "target", "reason", "data", "prev_hash", "hash",
    ),
}  # fmt: skip
EMPTY = "{}"


class Writer:
    """Rows into tables on one raw connection: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, db: Database) -> None:
        self.postgres = db.engine.dialect.name == "postgresql"
        self.connection = db.engine.raw_connection()
        self.counts: dict[str, int] = {}
        if not self.postgres:
            self.connection.cursor().execute("PRAGMA synchronous=OFF")

    def write(self, tables: dict[str, list[tuple[Any, ...]]]) -> None:
        cursor = self.connection.cursor()
        if not self.postgres:
            cursor.execute("BEGIN")
        for table, rows in tables.items():
            if not rows:
                continue
            columns = COLUMNS[table]
            names = ", ".join(columns)
            if self.postgres:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})", [_sqlite(r) for r in rows]
                )
            self.counts[table] = self.counts.get(table, 0) + len(rows)
        if self.postgres:
            self.connection.commit()
        else:
            cursor.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


def _sqlite(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """SQLAlchemy's SQLite forms: naive UTC text with six decimals, booleans as 0/1."""
    return tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in row)


@dataclass
class People:
    agents: list[tuple[str, str, str]]  # (user id, team id, number)
    listeners: list[tuple[str, str]]  # (username, role), weighted: heavy ones repeated
    intruders: list[str]  # agents' usernames, refused now and then


def _people(db: Database, moment: datetime, now: datetime, agents_count: int) -> People:
    """Teams, agents, supervisors, QA reviewers, three administrators, two officers, and a
    token each, issued ten days before the run: 30 days' life, a year for three of them."""
    issued = now - timedelta(days=10)
    users: list[User] = []

    def user(name: str, role: str, team: str | None) -> User:
        row = User(
            id=f"usr_{name}", username=name, display_name=name.title(), role=role,
            team_id=team, password_hash=None, created_at=moment,
        )  # fmt: skip
        users.append(row)
        return row

    teams = [f"team_{k:03d}" for k in range(TEAMS)]
    agents = [user(f"agent{k:03d}", "agent", teams[k % TEAMS]) for k in range(agents_count)]
    for k in range(SUPERVISORS):
        user(f"supervisor{k:02d}", "supervisor", teams[k % TEAMS])
    for k in range(REVIEWERS):
        user(f"reviewer{k:02d}", "qa_reviewer", None)
    for k in range(3):
        user(f"admin{k}", "admin", None)
    for k in range(2):
        user(f"officer{k}", "compliance_officer", None)
    with db.unit_of_work() as session:
        session.add_all(Team(id=t, name=t, created_at=moment) for t in teams)
        session.flush()
        session.add_all(users)
        session.flush()
        session.add_all(
            ApiToken(
                id=f"tok_{k:04d}", user_id=row.id, name=f"token {k}", role=row.role,
                secret_hash=f"{k:064x}", created_at=issued,
                expires_at=issued + timedelta(days=365 if k % 100 == 7 else 30),
            )
            for k, row in enumerate(users)
        )  # fmt: skip
    listeners = [(f"supervisor{k:02d}", "supervisor") for k in range(SUPERVISORS)]
    listeners += [(f"reviewer{k:02d}", "qa_reviewer") for k in range(REVIEWERS)]
    listeners += [(f"supervisor{k:02d}", "supervisor") for k in range(HEAVY)] * 9
    return People(
        agents=[(a.id, a.team_id or "", f"+1415555{k:04d}") for k, a in enumerate(agents)],
        listeners=listeners,
        intruders=[a.username for a in agents[:40]],
    )


def load(
    db: Database,
    settings: Settings,
    calls: int = 1_000_000,
    days: int = 90,
    *,
    mix: Mix | None = None,
    seed: int = 14,
    progress: Callable[[int], None] | None = None,
    agents: int = AGENTS,
) -> Loaded:
    """Load `calls` calls spread over `days` days from START into an upgraded, empty database,
    with the key files and signed checkpoints in `settings.data_dir`; `progress(calls done)`
    after each chunk. The period to check is the whole span; check it the day after. The calls
    are spread evenly over `agents` agents (the training benchmark asks for 20,000 people)."""
    mix = mix or Mix()
    rng = random.Random(seed)
    end = START + timedelta(days=days)
    now = end + timedelta(hours=36)
    with clock.frozen_at(START - timedelta(days=30)):
        version = _policy(db)
        people = _people(db, START - timedelta(days=30), now, agents)
    _keys(settings, now)
    setting = Setting(mix, people, START, days * 86400 / calls, now, version)
    with db.reading() as session:
        head = session.get(AuditHead, 1)
        seq, top = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    chain = Chain(seq, top, settings.audit_checkpoint_every)
    writer = Writer(db)
    try:
        for first in range(0, calls, CHUNK):
            count = min(CHUNK, calls - first)
            tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in COLUMNS}
            rows_for(rng, setting, first, count, chain, tables)
            last = setting.start + timedelta(seconds=(first + count) * setting.step_s)
            tables["audit_events"] = chain.due(None if first + count >= calls else last)
            writer.write(tables)
            if progress is not None:
                progress(first + count)
    finally:
        writer.close()
    _finish(db, settings, chain, people, now)
    return Loaded(Period(START, end), now, calls, dict(writer.counts))


def _policy(db: Database) -> int:
    """The example policy in force (the decisions' version)."""
    with db.unit_of_work() as session:
        version = session.execute(select(func.max(PolicyVersion.version))).scalar_one()
        if version is None:
            version = policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml").version.version
        return int(version)


def _keys(settings: Settings, now: datetime) -> None:
    """A key-encryption key made 100 days before the run, and the signing key (both 0600)."""
    settings.keyring_path.parent.mkdir(parents=True, exist_ok=True)
    if not settings.keyring_path.exists():
        with clock.frozen_at(now - timedelta(days=100)):
            Keyring.create(settings.keyring_path)
    if not settings.signing_key_path.exists():
        create_signing_key_file(settings.signing_key_path)


def _finish(db: Database, settings: Settings, chain: Chain, people: People, now: datetime) -> None:
    """Move the chain head, sign the checkpoints the service would have signed, add the legal
    holds (five not reviewed for 200 days), and refresh PostgreSQL's statistics."""
    with db.unit_of_work() as session:
        head = session.get(AuditHead, 1)
        if head is None:
            session.add(AuditHead(id=1, seq=chain.seq, hash=chain.head))
        else:
            head.seq, head.hash = chain.seq, chain.head
        for k in range(30):
            created = now - timedelta(days=200 if k < 5 else 20)
            scope = parse_scope({"call_ids": [f"call_{k * 997:010d}"]}).as_json()
            session.add(
                LegalHold(
                    id=f"hold_{k:03d}", matter=f"matter {k}", reason="litigation",
                    scope=scope, created_by="user:officer0", created_at=created,
                )
            )  # fmt: skip
    key = load_signing_key(settings)
    signed = [
        sign_checkpoint(key, seq, digest, every=chain.every, at=now) for seq, digest in chain.signed
    ]
    if chain.seq % chain.every:
        signed.append(sign_checkpoint(key, chain.seq, chain.head, every=chain.every, at=now))
    path = settings.audit_checkpoint_file
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(c.to_json() + "\n" for c in signed))
    path.chmod(0o600)
    with db.engine.connect() as connection:  # the planner's statistics, as a live system has
        connection.execute(text("ANALYZE"))
        connection.commit()
