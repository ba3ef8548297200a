"""A hold's scope, without a database: what it accepts, how it is stored, what it matches."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callwarden.kit.errors import InvalidInput
from callwarden.retention.scope import Facts, covers_directly, e164, parse

CALL = Facts(
    recording_id="rec_1",
    call_id="call_1",
    numbers=frozenset({"+14155550123"}),
    agent_user_id="usr_alice",
    team_id="team_east",
    call_started_at=datetime(2026, 6, 1, 12, tzinfo=UTC),
)


def test_numbers_are_normalised_to_e164_or_refused() -> None:
    assert e164("+44 20 7183-8750") == "+442071838750"
    for wrong, why in (("020 7183 8750", "E.164"), ("+1415", "possible"), ("+12ab", "E.164")):
        with pytest.raises(InvalidInput, match=why):
            e164(wrong)


def test_the_stored_form_round_trips_and_keeps_times_in_utc() -> None:
    scope = parse(
        {
            "numbers": ["+1 415 555 0123"],
            "started": {"from": "2026-06-01T14:00:00+02:00"},
            "search": {"queue": "support", "from": "2026-01-01T00:00:00Z"},
        }
    )
    stored = scope.as_json()
    assert stored["started"] == {"from": "2026-06-01T12:00:00+00:00", "to": None}
    assert stored["search"] == {"from": "2026-01-01T00:00:00+00:00", "queue": "support"}
    assert parse(stored) == scope


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"phones": []}, "unknown scope fields"),
        ({"search": {"colour": "red"}}, "not a search parameter"),
        ({"started": {"from": "2026-06-01T12:00:00"}}, "time zone"),
        ({"started": {"from": "yesterday"}}, "ISO 8601"),
        ({"started": {"from": "2300-01-01T00:00:00Z"}}, "between"),
        ({"agents": [""]}, "1 to 200"),
        ({"call_ids": "call_1"}, "list of strings"),
    ],
)
def test_malformed_scopes_are_refused_saying_where(data: dict[str, object], why: str) -> None:
    with pytest.raises(InvalidInput, match=why):
        parse(data)


def test_any_part_of_a_scope_is_enough_to_keep_a_recording() -> None:
    def keeps(data: dict[str, object], agents: list[str] = [], teams: list[str] = []) -> bool:  # noqa: B006
        return covers_directly(parse(data), CALL, agents, teams)

    assert keeps({"numbers": ["+14155550123"], "call_ids": ["call_other"]})
    assert keeps({"recording_ids": ["rec_1"]}) and keeps({"call_ids": ["call_1"]})
    assert keeps({"agents": ["alice"]}, agents=["usr_alice"])
    assert not keeps({"agents": ["bob"]}, agents=["usr_bob"])
    assert keeps({"teams": ["East"]}, teams=["team_east"])
    assert keeps({"started": {"from": "2026-06-01T12:00:00Z", "to": "2026-06-02T00:00:00Z"}})
    assert not keeps({"started": {"to": "2026-06-01T12:00:00Z"}})  # the end is exclusive
    assert not keeps({"numbers": ["+14155550199"]})
    assert not keeps({"search": {"queue": "support"}})  # a search is judged by the database
