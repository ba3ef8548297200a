"""Follow-up codes: long, readable, stored only as a hash, and looked up behind a throttle."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest

from callwarden.cases.codes import (
    ALPHABET,
    CodeThrottle,
    MalformedCode,
    code_hash,
    new_code,
    normalised,
)
from callwarden.kit import clock
from callwarden.kit.errors import TooManyRequests


def test_a_code_is_140_random_bits_in_groups_of_four() -> None:
    code = new_code()
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}", code), code
    assert len(ALPHABET) == 32 and len(normalised(code)) * 5 == 140
    assert len({new_code() for _ in range(1000)}) == 1000


def test_a_code_is_read_back_however_it_was_written_and_stored_as_its_sha256() -> None:
    code = new_code()
    typed = code.lower().replace("-", " ")
    assert code_hash(typed) == code_hash(code)
    assert code_hash(code) == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert code not in code_hash(code)
    ones = "1" * 28
    assert normalised("I" * 14 + "l" * 14) == ones and normalised("o" * 28) == "0" * 28
    for wrong in ("", "ABCD", new_code() + "X", "U" * 28, "!" * 28):
        with pytest.raises(MalformedCode):
            code_hash(wrong)


def test_wrong_codes_are_throttled_per_address_and_overall() -> None:
    with clock.frozen_at(datetime(2026, 11, 2, tzinfo=UTC)):
        throttle = CodeThrottle(timedelta(minutes=15), per_address=3, overall=5)
        for _ in range(3):
            throttle.check("10.0.0.1")
            throttle.wrong("10.0.0.1")
        with pytest.raises(TooManyRequests) as refused:
            throttle.check("10.0.0.1")
        assert refused.value.response_headers()["Retry-After"] == str(15 * 60)
        throttle.check("10.0.0.2")  # another address still may
        throttle.wrong("10.0.0.2")
        throttle.wrong("10.0.0.3")
        with pytest.raises(TooManyRequests):  # five wrong overall: everyone waits
            throttle.check("10.0.0.4")
        clock.advance(timedelta(minutes=15))
        throttle.check("10.0.0.1")
