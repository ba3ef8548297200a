"""The policy's `checks:` section: its defaults, and the values it refuses."""

from __future__ import annotations

from datetime import time

import pytest

from callwarden.checks.thresholds import thresholds
from callwarden.db import Database
from callwarden.kit.errors import InvalidInput
from callwarden.policy import service as policies
from callwarden.policy.schema import ChecksHandling
from tests.checks.support import apply_policy_with
from tests.support.policies import EXAMPLE_TEXT


def test_without_a_policy_or_a_section_the_defaults_apply(db: Database) -> None:
    with db.reading() as session:
        assert thresholds(session) == ChecksHandling()
    apply_policy_with(db, "  kek_rotation_days: 90\n")
    with db.reading() as session:
        limits = thresholds(session)
    assert limits.kek_rotation_days == 90
    assert limits.business_hours.start == time(8, 0)
    assert limits.business_hours.days == ["mon", "tue", "wed", "thu", "fri"]


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("  business_hours: {timezone: Mars/Olympus}\n", "unknown time zone"),
        ('  business_hours: {start: "19:00", end: "08:00"}\n', "start must be before"),
        ("  business_hours: {days: [mon, mon]}\n", "each working day once"),
        ("  business_hours: {days: [funday]}\n", "days"),
        ("  kek_rotation_days: 0\n", "kek_rotation_days"),
        ("  short_recording_ratio: 1.5\n", "short_recording_ratio"),
        ("  volume_multiple: 3\n  volume_minimum: 0\n", "volume_minimum"),
        ("  no_such_threshold: 1\n", "no_such_threshold"),
    ],
)
def test_a_bad_checks_section_is_refused_with_its_reason(section: str, problem: str) -> None:
    text = EXAMPLE_TEXT + "\nchecks:\n" + section
    with pytest.raises(InvalidInput) as refused:
        policies.validate_text(text)
    assert problem in str(refused.value) + str(getattr(refused.value, "extra", ""))
