"""Reading cases: one by id or label, and the lists (mine, handling, all), each case shown
as `views.py` says its reader may see it. A case the reader may not see is NotFound."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from callwarden.cases import filing, repository, views
from callwarden.cases.views import Reader
from callwarden.cases.workflow import State
from callwarden.identity import service as identities
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput, NotFound
from callwarden.kit.pagination import DEFAULT_LIMIT, Slice
from callwarden.models import Case, CaseEntry


def _find(session: Session, ref: str) -> Case | None:
    label = ref.strip().upper()
    if label.startswith("CASE-") and label[5:].isdigit() and len(label) <= 24:
        return repository.by_number(session, int(label[5:]))
    return repository.get(session, ref)


def readable(session: Session, principal: Principal, ref: str) -> tuple[Case, Reader]:
    """The case (by id or `CASE-0001`) and how this principal reads it; NotFound otherwise."""
    require(principal, "cases.file")
    case = _find(session, ref)
    reader = views.reader_of(principal, case) if case is not None else None
    if case is None or reader is None:
        raise NotFound(f"no case {ref!r} that you may see")
    return case, reader


def names_of(session: Session, case: Case, entries: list[CaseEntry]) -> dict[str, str]:
    """Each user id the case and its entries name, to their username."""
    ids = {case.reporter_user_id, case.subject_user_id, case.handler_user_id}
    ids |= {case.first_handler_user_id} | {entry.author_user_id for entry in entries}
    names = {}
    for user_id in ids - {None}:
        assert user_id is not None
        user = identities.find_user_by_id(session, user_id)
        if user is not None:
            names[user_id] = user.username
    return names


def show(session: Session, principal: Principal, ref: str) -> dict[str, Any]:
    """The case as this principal may see it (views.py says what each reader sees)."""
    case, reader = readable(session, principal, ref)
    return shown(session, case, reader)


def shown(session: Session, case: Case, reader: Reader) -> dict[str, Any]:
    entries = repository.entries(session, case.id)
    return views.describe(case, reader, entries, names_of(session, case, entries), clock.now())


def list_cases(
    session: Session,
    principal: Principal,
    scope: str = "mine",
    state: str | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Slice[dict[str, Any]]:
    """`mine` (reported), `handling` (handled now or before an appeal), or `all` (oversight)."""
    require(principal, "cases.file")
    if state is not None and state not in set(State):
        raise InvalidInput(f"unknown state {state!r}; one of: open, in_review, decided, closed")
    if kind is not None:
        filing.parse_kind(kind)
    if scope == "mine":
        where = repository.CaseFilter(
            reporter_user_id=principal.user_id or "", state=state, kind=kind
        )
    elif scope == "handling":
        require(principal, "cases.handle")
        where = repository.CaseFilter(
            handler_user_id=principal.user_id or "", state=state, kind=kind
        )
    elif scope == "all":
        require(principal, "cases.read")
        where = repository.CaseFilter(everything=True, state=state, kind=kind)
    else:
        raise InvalidInput(f"unknown scope {scope!r}; scopes: mine, handling, all")
    found = repository.cases(session, where, cursor, limit)
    rows = []
    for case in found.rows:
        reader = views.reader_of(principal, case)
        if reader is not None:
            rows.append(views.summarise(case, reader, clock.now()))
    return Slice(rows, found.next_cursor)
