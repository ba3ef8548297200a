"""All SQL about recordings: their rows, parties and data keys, assignments, who sees which.

Intake's inserts are statements compiled once and run on the session's connection (the
session's own execute adds ORM bookkeeping), because intake runs inside SQLite's single writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from callwarden.identity.policies import reach
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import (
    Case,
    DataKey,
    LegalHold,
    Recording,
    RecordingAssignment,
    RecordingParty,
    RecordingRestriction,
)
from callwarden.recordings.schemas import SearchFilter

_RECORDINGS = cast(Table, Recording.__table__)
_INSERT_RECORDING = insert(_RECORDINGS)
_INSERT_KEY = insert(cast(Table, DataKey.__table__))
_INSERT_PARTY = insert(cast(Table, RecordingParty.__table__))
_ID_BY_KEY = select(_RECORDINGS.c.id).where(
    _RECORDINGS.c.call_id == bindparam("call_id"),
    _RECORDINGS.c.idempotency_key == bindparam("key"),
)


def by_idempotency_key(session: Session, call_id: str, key: str) -> Recording | None:
    """The recording already stored under this key (a cheap id lookup first: it rarely exists)."""
    found = (
        session.connection()
        .execute(_ID_BY_KEY, {"call_id": call_id, "key": key})
        .scalar_one_or_none()
    )
    return session.get(Recording, found) if found is not None else None


def insert_recording(
    session: Session,
    values: dict[str, Any],
    data_key: dict[str, Any],
    parties: list[dict[str, Any]],
) -> None:
    """The recording's row, its wrapped data key and its parties, in three statements."""
    connection = session.connection()
    connection.execute(_INSERT_RECORDING, values)
    connection.execute(_INSERT_KEY, data_key)
    if parties:
        connection.execute(_INSERT_PARTY, parties)


def get(session: Session, recording_id: str) -> Recording | None:
    return session.get(Recording, recording_id)


def get_within(
    session: Session, recording_id: str, within: ColumnElement[bool]
) -> Recording | None:
    """The recording, if `within` (see `visible`) lets it through."""
    query = select(Recording).where(Recording.id == recording_id, within)
    return session.execute(query).scalar_one_or_none()


def data_key(session: Session, recording_id: str) -> DataKey | None:
    return session.get(DataKey, recording_id)


def is_assigned(session: Session, user_id: str, recording_id: str) -> bool:
    query = select(RecordingAssignment.id).where(
        RecordingAssignment.recording_id == recording_id,
        RecordingAssignment.user_id == user_id,
    )
    return session.execute(query).first() is not None


def add(session: Session, row: RecordingAssignment) -> None:
    session.add(row)
    session.flush()


def has_object(session: Session, object_key: str) -> bool:
    """Whether a committed recording refers to this vault object."""
    found = session.execute(select(Recording.id).where(Recording.object_key == object_key))
    return found.first() is not None


def visible(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the recordings whose metadata this principal may see.

    Whose recordings they are follows `identity.policies.reach`, the rule that scopes calls;
    QA assignments and private flags are the recordings' own additions to it. The reason for
    one recording, in the same order, is `access.may_see`.
    """
    role = principal.role
    scope = reach(principal)
    if scope.everything:
        return true()
    own = Recording.agent_user_id == scope.agent_user_id if scope.agent_user_id else false()
    if role is Role.AGENT:
        return own
    not_private = Recording.private.is_(False)
    if role is Role.SUPERVISOR and scope.team_id:
        return or_(own, and_(not_private, Recording.team_id == scope.team_id))
    if role is Role.QA_REVIEWER and principal.user_id:
        assigned = select(RecordingAssignment.recording_id).where(
            RecordingAssignment.user_id == principal.user_id
        )
        return and_(not_private, Recording.id.in_(assigned))
    return false()


# Recording ids are unique, so the id alone orders a page.
BY_ID = Keyset("recordings", (Recording.id,))


def find(
    session: Session,
    within: ColumnElement[bool],
    where: SearchFilter,
    agent_user_id: str | None,
    team_id: str | None,
    cursor: str | None,
    limit: int,
) -> Slice[Recording]:
    """One page, by id, of the recordings `within` lets through that match the filter.

    The agent and team are given as ids (`where` names them; the service looks them up)."""
    query = select(Recording).where(within, matching(session, where, agent_user_id, team_id))
    rows = list(session.execute(BY_ID.apply(query, cursor, limit)).scalars())
    return BY_ID.page(rows, limit)


def matching(
    session: Session, where: SearchFilter, agent_user_id: str | None, team_id: str | None
) -> ColumnElement[bool]:
    """SQL condition: the recordings a search filter matches (every given field must match).

    One condition, so that a search page and a legal hold's search (retention's coverage,
    which ORs many of them) select by exactly the same rule."""
    conditions: list[ColumnElement[bool]] = []
    if where.number:
        conditions.append(
            Recording.id.in_(
                select(RecordingParty.recording_id).where(RecordingParty.number == where.number)
            )
        )
    if where.jurisdiction:
        conditions.append(
            Recording.id.in_(
                select(RecordingParty.recording_id).where(
                    RecordingParty.jurisdiction == where.jurisdiction
                )
            )
        )
    if agent_user_id is not None:
        conditions.append(Recording.agent_user_id == agent_user_id)
    if team_id is not None:
        conditions.append(Recording.team_id == team_id)
    for column, value in (
        (Recording.queue, where.queue),
        (Recording.retention_class, where.retention_class),
        (Recording.call_id, where.call_id),
    ):
        if value:
            conditions.append(column == value)
    if where.since:
        conditions.append(Recording.started_at >= where.since)
    if where.until:
        conditions.append(Recording.started_at < where.until)
    if where.purpose:
        conditions.append(_has_purpose(session, where.purpose))
    return and_(true(), *conditions)


def _has_purpose(session: Session, purpose: str) -> ColumnElement[bool]:
    """`purpose` is among the recording's purposes (a JSON list), tested in SQL so that the
    limit and the cursor count only matching rows."""
    if session.get_bind().dialect.name == "postgresql":
        elements = func.json_array_elements_text(Recording.purposes).table_valued("value")
    else:
        elements = func.json_each(Recording.purposes).table_valued("value")
    return exists(select(1).select_from(elements).where(elements.c.value == purpose))


_CHECKABLE = select(Recording, DataKey.wrapped).join(DataKey, DataKey.recording_id == Recording.id)
_OPENABLE = (Recording.state == "stored", DataKey.wrapped.is_not(None))


def least_recently_verified(session: Session, count: int) -> list[str]:
    """The rolling sample: never-verified recordings first, then the longest unverified."""
    query = (
        select(Recording.id)
        .join(DataKey, DataKey.recording_id == Recording.id)
        .where(*_OPENABLE)
        .order_by(Recording.verified_at.asc().nulls_first(), Recording.id)
        .limit(count)
    )
    return list(session.execute(query).scalars())


def every_openable(session: Session) -> list[str]:
    """Every recording whose key still exists (shredded ones have nothing left to check)."""
    query = (
        select(Recording.id)
        .join(DataKey, DataKey.recording_id == Recording.id)
        .where(*_OPENABLE)
        .order_by(Recording.id)
    )
    return list(session.execute(query).scalars())


def checkable(session: Session, recording_id: str) -> tuple[Recording, str] | None:
    """The recording, detached, with its wrapped key, if it can still be opened."""
    found = session.execute(_CHECKABLE.where(Recording.id == recording_id, *_OPENABLE)).first()
    if found is None or found.wrapped is None:
        return None
    session.expunge(found.Recording)
    return found.Recording, found.wrapped


_WRAPPED = DataKey.wrapped.is_not(None)


def count_keys_not_under(session: Session, kek_version: int) -> int:
    """Data keys still wrapped under another key-encryption key version than this one."""
    query = (
        select(func.count())
        .select_from(DataKey)
        .where(_WRAPPED, DataKey.kek_version != kek_version)
    )
    return session.execute(query).scalar_one()


def keys_not_under(session: Session, kek_version: int) -> Iterator[DataKey]:
    query = select(DataKey).where(_WRAPPED, DataKey.kek_version != kek_version)
    return iter(session.execute(query).scalars())


def key_counts_by_version(session: Session) -> dict[int, int]:
    """How many live data keys each key-encryption key version wraps."""
    query = select(DataKey.kek_version, func.count()).where(_WRAPPED).group_by(DataKey.kek_version)
    return {version: count for version, count in session.execute(query).all()}


# The schedule columns, read and written in batches of rows by re-scheduling and its preview:
# plain statements on the session's connection, no ORM objects, so a million rows fit.
_SCHEDULE_READ = (
    _RECORDINGS.c.id,
    _RECORDINGS.c.purposes,
    _RECORDINGS.c.started_at,
    _RECORDINGS.c.retention_class,
    _RECORDINGS.c.retain_until,
    _RECORDINGS.c.dispose_by,
    _RECORDINGS.c.disposal_due,
)
SCHEDULE_WRITTEN = (
    "retention_class",
    "retain_until",
    "dispose_by",
    "disposal_due",
    "retention_reasons",
    "retention_policy_version",
)
_SET_SCHEDULE = (
    update(_RECORDINGS)
    # A recording disposed of since it was read keeps the schedule its tombstone records.
    .where(_RECORDINGS.c.id == bindparam("b_id"), _RECORDINGS.c.disposed_at.is_(None))
    .values(
        {name: bindparam(f"b_{name}", type_=_RECORDINGS.c[name].type) for name in SCHEDULE_WRITTEN}
    )
)


def schedule_rows(session: Session, after: str | None, limit: int) -> list[Row[Any]]:
    """The next `limit` recordings not disposed of, by id, with their schedule columns."""
    query = (
        select(*_SCHEDULE_READ)
        .where(_RECORDINGS.c.state != "disposed", _RECORDINGS.c.disposed_at.is_(None))
        .order_by(_RECORDINGS.c.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(_RECORDINGS.c.id > after)
    return list(session.connection().execute(query))


def set_schedules(session: Session, rows: list[dict[str, Any]]) -> None:
    """One executemany UPDATE for a batch: each dict has `b_id` and `b_<column>` values."""
    if rows:
        session.connection().execute(_SET_SCHEDULE, rows)


def of_numbers_or_calls(
    session: Session, numbers: list[str], call_ids: list[str]
) -> list[Recording]:
    """Every recording with a party on one of the numbers, or of one of the calls, oldest first."""
    conditions: list[ColumnElement[bool]] = []
    if numbers:
        parties = select(RecordingParty.recording_id).where(RecordingParty.number.in_(numbers))
        conditions.append(Recording.id.in_(parties))
    if call_ids:
        conditions.append(Recording.call_id.in_(call_ids))
    if not conditions:
        return []
    query = select(Recording).where(or_(*conditions)).order_by(Recording.started_at, Recording.id)
    return list(session.execute(query).scalars())


def sampleable(session: Session, start: datetime, end: datetime) -> list[Recording]:
    """Stored, not private, not restricted recordings started in [start, end), by id."""
    restricted = select(RecordingRestriction.recording_id).where(
        RecordingRestriction.lifted_at.is_(None)
    )
    query = (
        select(Recording)
        .where(
            Recording.started_at >= start,
            Recording.started_at < end,
            Recording.state == "stored",
            Recording.private.is_(False),
            Recording.id.not_in(restricted),
        )
        .order_by(Recording.id)
    )
    return list(session.execute(query).scalars())


def add_restriction(session: Session, row: RecordingRestriction) -> None:
    session.add(row)
    session.flush()


def active_restrictions(
    session: Session, recording_id: str
) -> list[tuple[RecordingRestriction, Case]]:
    """The restrictions on this recording not lifted, each with the case that placed it."""
    query = (
        select(RecordingRestriction, Case)
        .join(Case, Case.id == RecordingRestriction.case_id)
        .where(
            RecordingRestriction.recording_id == recording_id,
            RecordingRestriction.lifted_at.is_(None),
        )
        .order_by(Case.number)
    )
    return [(row[0], row[1]) for row in session.execute(query).all()]


def holding_cases(session: Session, recording_id: str) -> list[int]:
    """The numbers of the cases about this recording whose legal hold is still active."""
    query = (
        select(Case.number)
        .join(LegalHold, LegalHold.id == Case.hold_id)
        .where(Case.recording_id == recording_id, LegalHold.released_at.is_(None))
        .order_by(Case.number)
    )
    return list(session.execute(query).scalars())
