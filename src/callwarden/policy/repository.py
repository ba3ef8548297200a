"""All SQL for policy versions."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import PolicyVersion


def latest_number(session: Session) -> int:
    return session.execute(select(func.max(PolicyVersion.version))).scalar_one() or 0


def active_at(session: Session, moment: datetime) -> PolicyVersion | None:
    query = (
        select(PolicyVersion)
        .where(PolicyVersion.effective_from <= moment)
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def active_key_at(session: Session, moment: datetime) -> tuple[int, str] | None:
    """(version, content hash) of the version in force: a light query for the hot path."""
    query = (
        select(PolicyVersion.version, PolicyVersion.content_hash)
        .where(PolicyVersion.effective_from <= moment)
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None


def next_effective_after(session: Session, moment: datetime) -> datetime | None:
    """When the next stored version takes effect after `moment`, if one is waiting."""
    query = select(func.min(PolicyVersion.effective_from)).where(
        PolicyVersion.effective_from > moment
    )
    return session.execute(query).scalar_one_or_none()


_VERSIONS = cast(Table, PolicyVersion.__table__)
_HASH_OF = select(_VERSIONS.c.content_hash).where(_VERSIONS.c.version == bindparam("version"))


def hash_of(session: Session, version: int) -> str | None:
    """A version's content hash: read for every recording stored, so a plain Core select."""
    return session.connection().execute(_HASH_OF, {"version": version}).scalar_one_or_none()


def by_number(session: Session, version: int) -> PolicyVersion | None:
    return session.get(PolicyVersion, version)


OLDEST_FIRST = Keyset("policy_versions", (PolicyVersion.version,))


def versions(session: Session, cursor: str | None, limit: int) -> Slice[PolicyVersion]:
    """A page of the stored versions, oldest first."""
    query = OLDEST_FIRST.apply(select(PolicyVersion), cursor, limit)
    return OLDEST_FIRST.page(list(session.execute(query).scalars()), limit)


def add(session: Session, row: PolicyVersion) -> None:
    session.add(row)
    session.flush()


def not_rescheduled_by(session: Session, moment: datetime) -> list[PolicyVersion]:
    """Versions in effect by `moment` whose recordings were never re-scheduled, locked.

    Locked (on PostgreSQL) so that two workers running the periodic job do not both do it.
    """
    query = (
        select(PolicyVersion)
        .where(PolicyVersion.effective_from <= moment, PolicyVersion.rescheduled_at.is_(None))
        .order_by(PolicyVersion.version)
        .with_for_update()
    )
    return list(session.execute(query).scalars())
