"""Synthetic calls and recordings inserted in bulk (rows only, tiny objects if asked).

For retention tests and the retention benchmark, which need thousands to a million recordings
with chosen numbers, agents, teams, times and due dates: through intake they would take hours.
The rows are what intake writes, with a placeholder sealed object and wrapped key; nothing here
is meant to be played.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any, cast

from sqlalchemy import Table, func, insert, select

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.kit.ids import new_id
from callwarden.models import (
    Call,
    CallParty,
    DataKey,
    DecisionRecord,
    PolicyVersion,
    Recording,
    RecordingParty,
)
from callwarden.policy import service as policies
from callwarden.vault.stores.base import BlobStore
from tests.support.policies import EXAMPLE_TEXT

PLACEHOLDER = b"sealed placeholder"
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class Row:
    """One synthetic recording and its call."""

    recording_id: str
    call_id: str
    started_at: datetime
    numbers: Sequence[str] = ()  # the recording's parties
    call_numbers: Sequence[str] = ()  # the call's parties
    agent_user_id: str | None = None
    team_id: str | None = None
    queue: str | None = None
    purposes: Sequence[str] = ("quality",)
    retention_class: str | None = None
    disposal_due: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def new_row(number: int, started_at: datetime, **values: Any) -> Row:
    return Row(
        recording_id=f"rec_{number:012d}",
        call_id=f"call_{number:012d}",
        started_at=started_at,
        **values,
    )


def _decision(db: Database) -> tuple[str, int]:
    with db.unit_of_work() as session:
        version = session.execute(select(func.max(PolicyVersion.version))).scalar_one()
        if version is None:
            version = policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml").version.version
        decision_id = new_id("dec")
        session.add(
            DecisionRecord(
                id=decision_id,
                external_call_id=None,
                created_at=EPOCH,
                requested_by="bulk",
                facts={},
                outcome={},
                record="record",
                governing_rule="one_party",
                policy_version=version,
                law_version="bulk",
            )
        )
        return decision_id, int(version)


def _call(row: Row, decision_id: str, version: int) -> dict[str, Any]:
    return {
        "id": row.call_id, "source": "bulk", "external_id": None, "direction": "inbound",
        "facts": {}, "state": "ended", "recording_state": "stopped", "record_decision": "record",
        "consent_level": "none", "governing_rule": "one_party", "notice_required": False,
        "notice_must_be_recorded": False, "secure_pause": False, "max_pause_s": 0,
        "on_decline": "stop", "on_withdrawal": "stop", "on_missing_notice": "keep_with_violation",
        "halted": None, "discard_all": False, "decision_id": decision_id,
        "policy_version": version, "plan": {}, "plan_version": 1, "created_by": "bulk",
        "agent_user_id": row.agent_user_id, "team_id": row.team_id, "created_by_user_id": None,
        "started_at": row.started_at, "ended_at": row.started_at,
        "last_event_at": row.started_at, "paused_at": None,
    }  # fmt: skip


def _recording(row: Row) -> dict[str, Any]:
    return {
        "id": row.recording_id, "call_id": row.call_id, "idempotency_key": row.recording_id,
        "source": "bulk", "state": "stored", "object_key": f"bulk/{row.recording_id}",
        "store": "filesystem", "format": "cwv1", "codec": "pcm_s16le",
        "content_type": "audio/wav", "sample_rate": 8000, "channels": 1,
        "channel_map": ["customer"], "duration_s": 1.0, "sha256": "ab" * 32,
        "size": 16000, "ciphertext_size": len(PLACEHOLDER), "original_sha256": "cd" * 32,
        "original_size": 16044, "trimmed_to_s": None, "purposes": list(row.purposes),
        "retention_class": row.retention_class, "retain_until": row.disposal_due,
        "dispose_by": None, "disposal_due": row.disposal_due, "retention_reasons": None,
        "retention_policy_version": None, "disposed_at": None, "legal_hold": False,
        "private": False, "direction": "inbound", "queue": row.queue,
        "agent_user_id": row.agent_user_id, "team_id": row.team_id, "jurisdictions": [],
        "pauses": [], "started_at": row.started_at, "created_at": row.started_at,
        "created_by": "bulk", "analysed_at": row.started_at, "analysis_error": None,
        "intake_request": None, "verified_at": None, "damaged_at": None, "damage": None,
        **row.extra,
    }  # fmt: skip


def _call_party(row: Row, position: int, number: str) -> dict[str, Any]:
    return {
        "call_id": row.call_id, "key": f"p{position}", "position": position,
        "role": "customer", "number": number, "jurisdiction": None, "location_source": "none",
        "rule": "one_party", "language": None, "needs_notice": False, "needs_consent": False,
        "notice_script_id": None, "notice_at": None, "consent_status": "none",
        "consent_at": None, "consent_method": None, "joined_at": row.started_at, "left_at": None,
    }  # fmt: skip


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def load(
    db: Database, rows: Iterable[Row], store: BlobStore | None = None, chunk: int = 5000
) -> int:
    """Insert the rows (and, with a store, a tiny object per recording); how many."""
    decision_id, version = _decision(db)
    tables = {
        name: cast(Table, model.__table__)
        for name, model in (
            ("calls", Call), ("call_parties", CallParty), ("recordings", Recording),
            ("recording_parties", RecordingParty), ("data_keys", DataKey),
        )
    }  # fmt: skip
    count = 0
    for batch in _chunks(rows, chunk):
        with db.unit_of_work() as session:
            connection = session.connection()
            connection.execute(
                insert(tables["calls"]), [_call(r, decision_id, version) for r in batch]
            )
            parties = [_call_party(r, i, n) for r in batch for i, n in enumerate(r.call_numbers)]
            if parties:
                connection.execute(insert(tables["call_parties"]), parties)
            connection.execute(insert(tables["recordings"]), [_recording(r) for r in batch])
            own = [
                {"recording_id": r.recording_id, "party_key": f"p{i}", "role": "customer",
                 "number": n, "jurisdiction": None}
                for r in batch for i, n in enumerate(r.numbers)
            ]  # fmt: skip
            if own:
                connection.execute(insert(tables["recording_parties"]), own)
            keys = [
                {"recording_id": r.recording_id, "wrapped": "placeholder", "kek_version": 1,
                 "created_at": r.started_at, "destroyed_at": None}
                for r in batch
            ]  # fmt: skip
            connection.execute(insert(tables["data_keys"]), keys)
        if store is not None:
            for r in batch:
                store.put(f"bulk/{r.recording_id}", [PLACEHOLDER])
        count += len(batch)
    return count
