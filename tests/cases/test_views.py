"""Who sees what of a case: the reporter, the handlers, the people named in it, the oversight
roles, and everyone else (who does not see it at all). On both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from callwarden.cases import service
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.kit.errors import Forbidden, NotFound
from tests.cases.conftest import ADAS_CALL, START, Org, file


def shown(org: Org, who: str, ref: str) -> dict[str, Any]:
    with org.db.reading() as session, clock.frozen_at(START + timedelta(days=1)):
        return service.show(session, org.who(who), ref)


def _a_customer_dispute(org: Org) -> str:
    with clock.frozen_at(START):
        case_id = file(
            org,
            "lee",
            kind="recording_dispute",
            recording_id=ADAS_CALL,
            on_behalf_of="Mrs Jones, account 42",
            details="the agent promised a refund",
        ).case.id
        with org.db.unit_of_work() as session:
            handler = org.who("olga")
            service.reply(session, handler, case_id, "we are listening to the call")
            service.note(session, handler, case_id, "internal: the refund was not authorised")
            service.start_review(session, handler, case_id)
            service.decide(session, handler, case_id, "partly_upheld", "a refund was offered")
    return case_id


def test_the_reporter_sees_replies_and_the_decision_never_notes_or_the_handler(
    db: Database, org: Org
) -> None:
    case_id = _a_customer_dispute(org)
    mine = shown(org, "lee", case_id)
    assert mine["view"] == "reporter"
    assert mine["handler"] == "a compliance officer"
    assert mine["decision_reasons"] == "a refund was offered" and mine["outcome_note"]
    assert mine["may_appeal"] is True and mine["due_at"] and mine["state"] == "decided"
    bodies = [entry["body"] for entry in mine["entries"]]
    assert "we are listening to the call" in bodies
    assert not any("internal" in body for body in bodies)
    assert {entry["author"] for entry in mine["entries"]} == {"a compliance officer"}
    assert "olga" not in str(mine)


def test_the_handler_sees_everything(db: Database, org: Org) -> None:
    case_id = _a_customer_dispute(org)
    theirs = shown(org, "olga", case_id)
    assert theirs["view"] == "handler"
    assert theirs["reporter"] == "lee" and theirs["subject"] == "ada"
    assert theirs["on_behalf_of"] == "Mrs Jones, account 42"
    kinds = [entry["kind"] for entry in theirs["entries"]]
    assert "note" in kinds and "reply" in kinds and "decision" in kinds


def test_the_agent_named_in_a_customer_dispute_never_sees_who_reported_it(
    db: Database, org: Org
) -> None:
    case_id = _a_customer_dispute(org)
    named = shown(org, "ada", case_id)
    assert named["view"] == "named"
    assert named["reporter"] is None and named["on_behalf_of"] is None
    assert named["details"] is None and named["summary"] is None and named["entries"] == []
    assert named["handler"] == "a compliance officer"
    assert "lee" not in str(named) and "Jones" not in str(named) and "refund was" in str(named)


def test_oversight_reads_without_the_reporters_identity(db: Database, org: Org) -> None:
    case_id = _a_customer_dispute(org)
    for who in ("aud", "oscar"):  # an auditor; a compliance officer not handling it
        read = shown(org, who, case_id)
        assert read["view"] == "oversight"
        assert read["reporter"] is None and read["on_behalf_of"] is None
        assert "lee" not in str(read) and "Jones" not in str(read)
        assert read["handler"] == "olga" and read["entries"]


def test_anyone_else_sees_nothing_as_if_there_were_no_case(db: Database, org: Org) -> None:
    case_id = _a_customer_dispute(org)
    for who in ("ben", "sue", "rae", "adm"):
        with pytest.raises(NotFound) as hidden:
            shown(org, who, case_id)
        with pytest.raises(NotFound) as missing:
            shown(org, who, "case_nothing")
        assert str(hidden.value).replace(case_id, "X") == str(missing.value).replace(
            "case_nothing", "X"
        )


def test_the_reviewer_of_a_disputed_evaluation_never_sees_who_disputed_it(
    db: Database, org: Org
) -> None:
    with clock.frozen_at(START):
        case_id = file(
            org, "ada", kind="evaluation_dispute", evaluation_id=org.evaluation_id
        ).case.id
    named = shown(org, "rae", case_id)
    assert named["view"] == "named" and named["reporter"] is None and "ada" not in str(named)


def test_a_named_officer_reads_as_named_not_as_oversight(db: Database, org: Org) -> None:
    with clock.frozen_at(START):
        case_id = file(org, "ben", subject="oscar", details="oscar listens too much").case.id
    read = shown(org, "oscar", case_id)
    assert read["view"] == "named" and read["details"] is None and "ben" not in str(read)


def test_an_anonymous_reporter_reads_and_writes_with_the_code_only(db: Database, org: Org) -> None:
    with clock.frozen_at(START):
        filed = file(org, "ada", anonymous=True, details="my calls are played in meetings")
        assert filed.code is not None
        code, case_id = filed.code, filed.case.id
        with pytest.raises(NotFound):  # the filer's own account does not lead to it
            shown(org, "ada", case_id)
        with db.unit_of_work() as session:
            service.reply(session, org.who("olga"), case_id, "which meetings?")
            service.note(session, org.who("olga"), case_id, "ask the team leads")
        with db.unit_of_work() as session:
            read = service.follow_up(session, code.lower(), message="the Monday briefings")
        assert read["view"] == "reporter" and read["reporter"] is None
        assert [(e["author"], e["body"]) for e in read["entries"]] == [
            ("a compliance officer", "which meetings?"),
            ("you", "the Monday briefings"),
        ]
        handler = shown(org, "olga", case_id)
        assert handler["reporter"] is None
        assert handler["entries"][-1]["author"] == "the reporter"
        with db.reading() as session, pytest.raises(NotFound):
            service.follow_up(session, "0000-0000-0000-0000-0000-0000-0000")


def test_lists_mine_handling_and_all_filtered_and_paged(db: Database, org: Org) -> None:
    with clock.frozen_at(START):
        for _ in range(3):
            file(org, "ada")
        file(org, "ada", kind="private_call", recording_id=ADAS_CALL)
        file(org, "ben")
    with db.reading() as session:
        mine = service.list_cases(session, org.who("ada"), "mine", limit=2)
        assert [row["number"] for row in mine.rows] == [4, 3] and mine.next_cursor
        assert all(row["overdue"] for row in mine.rows)  # due 16 November, still open
        rest = service.list_cases(session, org.who("ada"), "mine", cursor=mine.next_cursor)
        assert [row["number"] for row in rest.rows] == [2, 1] and rest.next_cursor is None
        private = service.list_cases(session, org.who("ada"), "mine", kind="private_call")
        assert [row["number"] for row in private.rows] == [4]
        handling = service.list_cases(session, org.who("olga"), "handling", state="open")
        assert handling.rows and all(row["view"] == "handler" for row in handling.rows)
        everything = service.list_cases(session, org.who("aud"), "all")
        assert len(everything.rows) == 5
        assert {row["view"] for row in everything.rows} == {"oversight"}
        with pytest.raises(Forbidden):
            service.list_cases(session, org.who("ada"), "all")
        with pytest.raises(Forbidden):
            service.list_cases(session, org.who("aud"), "handling")
