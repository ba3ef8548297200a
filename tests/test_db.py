"""The separate unit of work: kept while the caller fails, never opened inside the caller's."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from callwarden.audit import service as audit
from callwarden.db import Database
from callwarden.models import AuditEvent


class RequestFailed(Exception):
    pass


def _events(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_a_separate_unit_of_work_is_kept_while_the_request_fails(db: Database) -> None:
    before = _events(db)
    with pytest.raises(RequestFailed):
        try:
            with db.unit_of_work() as session:
                audit.record(session, actor="test", action="test.attempt", target="t:1")
                raise RequestFailed
        except RequestFailed:
            with db.separate_unit_of_work("the refusal is kept") as session:
                assert session.info["separate_because"] == "the refusal is kept"
                audit.record(session, actor="test", action="access.denied", target="t:1")
            raise
    assert _events(db) == before + 1  # the refusal, not the attempt


def test_a_separate_unit_of_work_inside_an_open_one_is_refused(db: Database) -> None:
    with (
        db.unit_of_work(),
        pytest.raises(RuntimeError, match="inside an open one"),
        db.separate_unit_of_work("would wait for the caller's lock"),
    ):
        pass
    with db.separate_unit_of_work("after it ended, it opens"):
        pass


def test_the_migrations_build_exactly_the_tables_the_models_describe(db: Database) -> None:
    """A model changed without its migration (or the reverse) shows here, on both backends."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import callwarden.models  # noqa: F401  (every table registered on the metadata)
    from callwarden.models.base import Base

    def ours(name: str | None, kind: str, parent: object) -> bool:
        return kind != "table" or name in Base.metadata.tables  # not the job queue's own tables

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": ours})
        drift = compare_metadata(context, Base.metadata)
    assert drift == []
