"""The chain math alone: every kind of tampering breaks the walk at the right event."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from callwarden.audit.chain import GENESIS_HASH, ChainEntry, canonical_content, link_hash, walk


def build_chain(length: int) -> list[ChainEntry]:
    entries: list[ChainEntry] = []
    prev = GENESIS_HASH
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for seq in range(1, length + 1):
        when = start + timedelta(seconds=seq)
        content = canonical_content(
            seq, when, "user:alice", "thing.done", f"thing:{seq}", None, {"n": seq}
        )
        entry = ChainEntry(
            seq,
            when,
            "user:alice",
            "thing.done",
            f"thing:{seq}",
            None,
            {"n": seq},
            prev,
            link_hash(prev, content),
        )
        entries.append(entry)
        prev = entry.hash
    return entries


def test_intact_chain_verifies() -> None:
    chain = build_chain(5)
    report = walk(chain, head_seq=5, head_hash=chain[-1].hash)
    assert report.ok and report.checked == 5 and report.last_seq == 5


def test_edited_content_is_found() -> None:
    chain = build_chain(5)
    chain[2] = replace(chain[2], reason="quietly changed")
    report = walk(chain)
    assert report.broken_at == 3
    assert "edited" in (report.problem or "")


def test_edited_data_is_found() -> None:
    chain = build_chain(5)
    chain[1] = replace(chain[1], data={"n": 99})
    assert walk(chain).broken_at == 2


def test_deleted_event_is_found() -> None:
    chain = build_chain(5)
    del chain[1]
    report = walk(chain)
    assert report.broken_at == 2
    assert "missing" in (report.problem or "")


def test_reordered_events_are_found() -> None:
    chain = build_chain(5)
    chain[1], chain[2] = replace(chain[2], seq=2), replace(chain[1], seq=3)
    assert walk(chain).broken_at == 2


def test_deleted_tail_is_found_against_the_head() -> None:
    chain = build_chain(5)
    report = walk(chain[:4], head_seq=5, head_hash=chain[-1].hash)
    assert not report.ok and report.broken_at == 5


def test_hash_is_independent_of_timezone_rendering() -> None:
    when = datetime(2026, 1, 1, 12, tzinfo=UTC)
    other = when.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert canonical_content(1, when, "a", "b", "c", None, {}) == canonical_content(
        1, other, "a", "b", "c", None, {}
    )
