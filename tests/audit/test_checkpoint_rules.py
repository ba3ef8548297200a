"""The checkpoint rules alone (pure): which problem is named, and what is tolerated."""

from __future__ import annotations

from callwarden.audit.chain import walk
from callwarden.audit.checkpoints import (
    StoredCheckpoint,
    TrailReport,
    check_against_checkpoints,
    parse_checkpoint,
    sign_checkpoint,
)
from callwarden.signing import generate_signing_key
from tests.audit.test_chain import build_chain

KEY = generate_signing_key()


def check(
    length: int, seqs: list[int], every: int = 10, *, chain_length: int | None = None
) -> TrailReport:
    """Checkpoints of `seqs` signed over a chain of `length`, checked against `chain_length`."""
    signed = build_chain(length)
    stored = [
        StoredCheckpoint(
            f"line {n}", sign_checkpoint(KEY, s, signed[s - 1].hash, every=every).to_json()
        )
        for n, s in enumerate(seqs, start=1)
    ]
    chain = signed[: chain_length or length]
    report = walk(chain, head_seq=len(chain), head_hash=chain[-1].hash)
    hashes = {entry.seq: entry.hash for entry in chain}
    return check_against_checkpoints(report, hashes, stored, KEY.public_key(), every)


def test_every_nth_event_signed_verifies() -> None:
    report = check(35, [10, 20, 30])
    assert report.ok and report.checkpoints_checked == 3 and report.last_checkpoint_seq == 30


def test_the_newest_checkpoint_may_lag_but_not_two() -> None:
    assert check(39, [10, 20]).ok  # 30's checkpoint may still be being written
    late = check(40, [10, 20])
    assert not late.ok and late.broken_at == 30 and "missing checkpoint" in (late.problem or "")


def test_head_checkpoints_between_multiples_do_not_excuse_a_gap() -> None:
    report = check(45, [10, 15, 25, 30, 40])
    assert not report.ok and report.broken_at == 20


def test_a_changed_n_is_judged_by_each_checkpoints_own_n() -> None:
    early = [sign_checkpoint(KEY, s, build_chain(60)[s - 1].hash, every=20) for s in (20, 40)]
    chain = build_chain(60)
    stored = [StoredCheckpoint("a", c.to_json()) for c in early] + [
        StoredCheckpoint("b", sign_checkpoint(KEY, s, chain[s - 1].hash, every=5).to_json())
        for s in (45, 50, 55, 60)
    ]
    report = walk(chain, head_seq=60, head_hash=chain[-1].hash)
    hashes = {entry.seq: entry.hash for entry in chain}
    assert check_against_checkpoints(report, hashes, stored, KEY.public_key(), 5).ok


def test_a_checkpoint_round_trips_and_its_fields_are_signed() -> None:
    signed = sign_checkpoint(KEY, 7, "ab" * 32, every=10)
    assert parse_checkpoint(signed.to_json()) == signed
    moved = signed.to_json().replace('"seq": 7', '"seq": 8')
    chain = build_chain(8)
    report = walk(chain, head_seq=8, head_hash=chain[-1].hash)
    verdict = check_against_checkpoints(
        report, {8: chain[7].hash}, [StoredCheckpoint("x", moved)], KEY.public_key(), 10
    )
    assert "forged checkpoint" in (verdict.problem or "") and "bad signature" in (
        verdict.problem or ""
    )


def test_an_unreadable_checkpoint_is_forged() -> None:
    chain = build_chain(3)
    report = walk(chain)
    verdict = check_against_checkpoints(
        report, {}, [StoredCheckpoint("line 4", "{not json")], KEY.public_key(), 10
    )
    assert verdict.problem is not None and verdict.problem.startswith("forged checkpoint: line 4")


def test_checkpoints_without_a_key_to_check_them_fail() -> None:
    chain = build_chain(12)
    report = walk(chain)
    stored = [StoredCheckpoint("l", sign_checkpoint(KEY, 10, chain[9].hash, every=10).to_json())]
    verdict = check_against_checkpoints(report, {10: chain[9].hash}, stored, None, 10)
    assert not verdict.ok and "--public-key" in (verdict.problem or "")
