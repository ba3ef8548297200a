"""The line diff of two policy texts: numbers on both sides, changes named, long runs folded."""

from __future__ import annotations

from callwarden.policy.compare import DiffLine, line_diff


def numbered(count: int) -> list[str]:
    return [f"line {number}" for number in range(1, count + 1)]


def test_a_changed_line_is_a_removal_and_an_addition_with_its_numbers() -> None:
    before = numbered(20)
    after = [*before[:9], "line ten, rewritten", *before[10:], "line 21"]
    changes = line_diff("\n".join(before), "\n".join(after), context=2)
    assert changes.added == 2 and changes.removed == 1 and changes.changed
    assert changes.lines[0] == DiffLine("gap", None, None, "7 unchanged lines")
    assert DiffLine("removed", 10, None, "line 10") in changes.lines
    assert DiffLine("added", None, 10, "line ten, rewritten") in changes.lines
    assert DiffLine("kept", 11, 11, "line 11") in changes.lines
    assert DiffLine("gap", None, None, "6 unchanged lines") in changes.lines
    assert changes.lines[-1] == DiffLine("added", None, 21, "line 21")


def test_equal_texts_have_no_lines_and_one_line_gaps_say_line() -> None:
    same = line_diff("a\nb\n", "a\nb\n")
    assert not same.changed and same.lines == ()
    one = line_diff("a\nb\nc\nd\n", "a\nb\nc\nD\n", context=2)
    assert one.lines[0] == DiffLine("gap", None, None, "1 unchanged line")
