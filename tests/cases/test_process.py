"""A case through its process: review, replies and notes, decision, one appeal to another
handler within the window, closing; and every refusal on the way. On both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from callwarden.cases import service
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from callwarden.models import AuditEvent, Case
from tests.cases.conftest import START, Org, file


def act(org: Org, who: str, action: str, ref: str, *args: str) -> None:
    with org.db.unit_of_work() as session:
        getattr(service, action)(session, org.who(who), ref, *args)


def handler_of(org: Org, case_id: str) -> str | None:
    with org.db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None
        for name, user in org.people.items():
            if user.id == case.handler_user_id:
                return name
        return None


def test_the_whole_process_with_one_appeal_to_another_handler(db: Database, org: Org) -> None:
    with clock.frozen_at(START):
        case_id = file(org, "ada", details="why record my breaks?").case.id
        first = handler_of(org, case_id)
        assert first == "olga"
        with pytest.raises(Forbidden, match="only the case's handler"):
            act(org, "oscar", "start_review", case_id)
        act(org, "olga", "reply", case_id, "we are looking at it")
        act(org, "olga", "note", case_id, "her supervisor asked for it")
        act(org, "olga", "start_review", case_id)
        with pytest.raises(Conflict, match="in review cannot take 'review'"):
            act(org, "olga", "start_review", case_id)
        act(org, "ada", "message", case_id, "thank you")
        act(org, "olga", "decide", case_id, "not_upheld", "breaks are not recorded")
        with db.reading() as session:
            case = session.get(Case, case_id)
            assert case is not None and case.state == "decided"
            assert case.outcome == "not_upheld" and case.outcome_note
            assert case.appeal_until is not None
            assert clock.as_utc(case.appeal_until) == START + timedelta(days=14)
        with pytest.raises(Conflict, match="may appeal until"):  # not before the window ends
            act(org, "olga", "close", case_id, "done")
        with pytest.raises(Forbidden, match="only the case's reporter"):
            act(org, "olga", "appeal", case_id, "I appeal for her")
        clock.advance(timedelta(days=3))
        act(org, "ada", "appeal", case_id, "breaks were recorded on 3 November")
        second = handler_of(org, case_id)
        assert second == "oscar"  # not olga (the first), not otto (ada's team)
        with pytest.raises(Forbidden, match="only the case's handler"):
            act(org, "olga", "decide", case_id, "upheld", "changed my mind")
        act(org, "oscar", "decide", case_id, "partly_upheld", "two breaks were recorded")
        with pytest.raises(Conflict, match="already appealed once"):
            act(org, "ada", "appeal", case_id, "again")
        act(org, "oscar", "close", case_id, "the recordings of the breaks are removed")
        with pytest.raises(Conflict, match="closed cannot take 'reply'"):
            act(org, "oscar", "reply", case_id, "one more thing")
    with db.reading() as session:
        query = select(AuditEvent.action, AuditEvent.data).where(
            AuditEvent.target == f"case:{case_id}"
        )
        trail = [(action, dict(data)) for action, data in session.execute(query)]
    assert [action for action, _ in trail] == [
        "case.filed",
        "case.assigned",
        "case.replied",
        "case.noted",
        "case.review_started",
        "case.replied",
        "case.decided",
        "case.appealed",
        "case.assigned",
        "case.decided",
        "case.closed",
    ]
    text = str(trail)
    for said in ("looking at it", "supervisor asked", "thank you", "3 November", "two breaks"):
        assert said not in text


def test_an_appeal_after_the_window_is_refused(db: Database, org: Org) -> None:
    with clock.frozen_at(START):
        case_id = file(org, "ada").case.id
        act(org, "olga", "start_review", case_id)
        act(org, "olga", "decide", case_id, "not_upheld", "no")
        clock.advance(timedelta(days=14, seconds=1))
        with pytest.raises(Conflict, match="time to appeal this decision has passed"):
            act(org, "ada", "appeal", case_id, "too late")
        act(org, "olga", "close", case_id, "the window has passed")


def test_an_appeal_with_no_other_eligible_handler_is_left_unassigned(
    db: Database, org: Org
) -> None:
    with clock.frozen_at(START):
        case_id = file(org, "ben").case.id  # ben is on beta: olga, oscar, otto all eligible
        handler = handler_of(org, case_id)
        assert handler is not None
        act(org, handler, "start_review", case_id)
        act(org, handler, "decide", case_id, "upheld", "yes")
        from callwarden.identity import accounts
        from callwarden.identity.principal import SYSTEM

        with db.unit_of_work() as session:
            for other in {"olga", "oscar", "otto"} - {handler}:
                accounts.disable_user(session, SYSTEM, other, "left")
        act(org, "ben", "appeal", case_id, "please look again")
        assert handler_of(org, case_id) is None
        with db.reading() as session:
            shown = service.show(session, org.who("ben"), case_id)
        assert shown["handler"] is None and shown["state"] == "in_review"


def test_assignment_is_checked_not_trusted(db: Database, org: Org) -> None:
    with clock.frozen_at(START):
        case_id = file(org, "lee", kind="recording_dispute", recording_id="rec_000000000001",
                       on_behalf_of="a customer").case.id  # fmt: skip
    for target, why in [
        ("sue", "not a compliance officer"),
        ("rae", "not a compliance officer"),
        ("otto", "employee's own team"),
        ("nobody", "no user named"),
    ]:
        with pytest.raises(service.HandlerNotEligible, match=why):
            act(org, "olga", "assign", case_id, target)
    with pytest.raises(Forbidden):  # the role check: only compliance officers assign
        act(org, "lee", "assign", case_id, "oscar")
    act(org, "olga", "assign", case_id, "oscar")
    assert handler_of(org, case_id) == "oscar"
    from callwarden.identity import accounts
    from callwarden.identity.principal import SYSTEM

    with db.unit_of_work() as session:  # a handler who is disabled is no longer eligible
        accounts.disable_user(session, SYSTEM, "olga", "left")
    with pytest.raises(service.HandlerNotEligible, match="disabled"):
        act(org, "oscar", "assign", case_id, "olga")


def test_the_person_a_case_concerns_never_handles_or_assigns_it(db: Database, org: Org) -> None:
    with clock.frozen_at(START):
        # a concern about olga herself: she is its subject
        case_id = file(org, "ben", subject="olga").case.id
    assert handler_of(org, case_id) != "olga"
    with pytest.raises(service.HandlerNotEligible, match="whose conduct"):
        act(org, "oscar", "assign", case_id, "olga")
    with pytest.raises(Forbidden, match="one of the people this case is about"):
        act(org, "olga", "assign", case_id, "otto")


def test_a_reporter_who_is_an_officer_is_not_their_own_handler(db: Database, org: Org) -> None:
    with clock.frozen_at(START):
        case_id = file(org, "oscar").case.id
    assert handler_of(org, case_id) == "olga"
    with pytest.raises(service.HandlerNotEligible, match="employee this case is about"):
        act(org, "olga", "assign", case_id, "oscar")


def test_the_least_loaded_eligible_officer_is_chosen(db: Database, org: Org) -> None:
    with clock.frozen_at(START):
        handlers = [handler_of(org, file(org, "ben").case.id) for _ in range(6)]
    assert sorted(handlers) == ["olga", "olga", "oscar", "oscar", "otto", "otto"]  # type: ignore[type-var]


def test_bad_actions_are_refused(db: Database, org: Org) -> None:
    with clock.frozen_at(START):
        case_id = file(org, "ada").case.id
        act(org, "olga", "start_review", case_id)
        with pytest.raises(InvalidInput, match="unknown outcome"):
            act(org, "olga", "decide", case_id, "maybe", "reasons")
        with pytest.raises(InvalidInput, match="reasons must not be empty"):
            act(org, "olga", "decide", case_id, "upheld", "  ")
        with pytest.raises(InvalidInput, match="reply must not be empty"):
            act(org, "olga", "reply", case_id, "")
        with pytest.raises(NotFound):  # another agent does not see it at all
            act(org, "ben", "message", case_id, "hello")
        with pytest.raises(Forbidden):  # the auditor reads it, but writes nothing
            act(org, "aud", "message", case_id, "hello")
        with pytest.raises(Conflict, match="in review cannot take 'close'"):
            act(org, "olga", "close", case_id, "early")
