"""Material policy changes: the example policy changed one thing at a time."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callwarden.policy.loading import parse_policy
from callwarden.policy.problems import PolicyInvalid
from callwarden.training.markdown import render_markdown
from callwarden.training.material import (
    WHAT_CHANGED,
    Area,
    PolicyChange,
    compare,
    compare_texts,
    place,
    what_changed,
)
from callwarden.training.policy_diff import ORDER, all_settings

EXAMPLE = resources.files("callwarden.policy").joinpath("examples/policy.yaml").read_text()
BASE = parse_policy(EXAMPLE)


def changed(old: str, new: str, count: int = 1) -> PolicyChange:
    """The example with `old` replaced by `new` (which must occur `count` times), compared."""
    assert EXAMPLE.count(old) == count, old
    return compare(BASE, parse_policy(EXAMPLE.replace(old, new)))


def sentences(change: PolicyChange) -> list[str]:
    return [item.words for item in change.changes if item.words]


def only(change: PolicyChange, area: Area) -> str:
    assert change.areas == (area,)
    (words,) = sentences(change)
    return words


def test_the_same_policy_is_no_change() -> None:
    change = compare(BASE, parse_policy(EXAMPLE))
    assert not change.material and change.not_material == ()
    assert what_changed(change) is None


def test_reformatting_and_comments_are_no_change() -> None:
    text = EXAMPLE.replace(
        "retention: {min: P90D, max: P6M}",
        "retention:\n      min: P90D  # three months\n      max: P6M",
    )
    assert compare_texts(EXAMPLE, text).changes == ()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: Call recording policy", "title: Our call recording policy"),
        (
            "Quality assurance and coaching of agents.",
            "Quality assurance and coaching of our agents.",
        ),
        ("description: Card payments queue;", "description: The card payments queue;"),
        (
            "reason: Internal calls between staff are not recorded.",
            "reason: Staff calls are private.",
        ),
        ("id: notice-en-v3", "id: notice-en-v4"),
        ("clock_tolerance_s: 5", "clock_tolerance_s: 10"),
        (
            "organisation: Northwind Mutual (example)",
            "organisation: Northwind Mutual plc (example)",
        ),
    ],
)
def test_titles_descriptions_reasons_and_ids_are_not_material(old: str, new: str) -> None:
    change = changed(old, new)
    assert not change.material
    (setting,) = change.not_material
    assert setting.before != setting.after


def test_a_new_notice_text_is_quoted_in_plain_words() -> None:
    words = only(changed("You can ask for a copy", "You may ask for a copy"), "scripts")
    assert words.startswith("The notice callers in English hear now reads:\n\n> ")
    assert "You may ask for a copy" in words and "Before, it read:" in words


def test_reflowing_a_notice_is_no_change_to_what_callers_hear() -> None:
    assert not changed("what we agree.\n        You can", "what we agree.   You can").material


def test_consent_keys_time_and_the_default_language_are_scripts() -> None:
    change = changed(
        'accept_digit: "1"\n      decline_digit: "2"\n      timeout_s: 8\n  de:',
        'accept_digit: "3"\n      decline_digit: "2"\n      timeout_s: 8\n  de:',
    )
    assert (
        only(change, "scripts")
        == "To agree to recording, callers in English now press 3 (before: 1)."
    )
    change = changed("timeout_s: 8\n  de:", "timeout_s: 12\n  de:")
    assert only(change, "scripts") == (
        "Callers in English now have 12 seconds to answer the consent question (before: 8)."
    )
    change = changed("default_language: en", "default_language: de")
    assert "now hear the German scripts (before: English)" in only(change, "scripts")


def test_a_language_dropped_is_material() -> None:
    start = EXAMPLE.index("  fr:\n")
    end = EXAMPLE.index("\nconsent:")
    change = compare(BASE, parse_policy(EXAMPLE[:start] + EXAMPLE[end:]))
    assert "no longer scripts in French" in only(change, "scripts")


def test_a_queue_no_longer_recorded() -> None:
    change = changed(
        "match: {queue: [payments]}\n    outcome: record",
        "match: {queue: [payments]}\n    outcome: do_not_record",
    )
    assert (
        only(change, "scope")
        == "Calls to the queue payments are no longer recorded (before, all were recorded)."
    )


def test_a_sampled_rule_recorded_in_full_is_one_sentence() -> None:
    change = changed("outcome: sample\n    rate: 0.2", "outcome: record")
    assert {item.setting.path[-1] for item in change.changes} == {"outcome", "rate"}
    assert only(change, "scope") == (
        "Outbound calls to the queue sales are now recorded (before, 20% were recorded)."
    )


def test_a_sample_rate_secure_pause_and_purposes_of_a_rule() -> None:
    assert (
        only(changed("rate: 0.2", "rate: 0.5"), "scope")
        == "Outbound calls to the queue sales: 50% are now recorded (before, 20% were recorded)."
    )
    words = only(changed("    secure_pause: true\n", "    secure_pause: false\n"), "scope")
    assert (
        words
        == "Recording of calls to the queue payments no longer pauses while card details are taken."
    )
    words = only(
        changed(
            "purposes: [dispute_resolution]\n    secure_pause",
            "purposes: [quality, dispute_resolution]\n    secure_pause",
        ),
        "scope",
    )
    assert "now kept for: quality, dispute resolution (before: dispute resolution)" in words


def test_a_new_rule_a_removed_rule_and_the_order() -> None:
    new_rule = "  - id: complaints\n    match: {queue: [complaints]}\n    outcome: do_not_record\n  - id: support\n"
    words = only(changed("  - id: support\n", new_rule), "scope")
    assert words == "Calls to the queue complaints are no longer recorded (a new rule)."
    start, end = EXAMPLE.index("  - id: internal\n"), EXAMPLE.index("  - id: support\n")
    removed = compare(BASE, parse_policy(EXAMPLE[:start] + EXAMPLE[end:]))
    assert only(removed, "scope") == (
        "The rule for internal calls is gone (none were recorded): those calls now follow the "
        "first rule that fits them, at the latest the rule for all other calls, under which "
        "they are recorded."
    )
    internal = EXAMPLE[start:end]
    moved = EXAMPLE[:start] + EXAMPLE[end:].replace(
        "\nscripts:", "\n" + internal.rstrip("\n") + "\nscripts:"
    )
    reordered = compare(BASE, parse_policy(moved))
    assert [item.setting.path for item in reordered.changes] == [(ORDER,)]


def test_where_the_policy_applies_and_the_payment_pause_are_scope() -> None:
    words = only(changed("US-NY, US-FL, CA, GB", "US-NY, US-FL, CA, GB, ES"), "scope")
    assert words == "The policy now covers callers in ES."
    words = only(changed("max_pause_s: 300", "max_pause_s: 600"), "scope")
    assert (
        words
        == "A secure pause for a card payment may now last up to 10 minutes (before: 5 minutes)."
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "on_decline: continue_unrecorded",
            "on_decline: end_call",
            "When a caller declines recording, the call is ended politely",
        ),
        (
            "on_withdrawal: stop_keep_prior",
            "on_withdrawal: stop_discard_all",
            "the whole recording is discarded",
        ),
        (
            "missing_notice: keep_with_violation",
            "missing_notice: refuse",
            "the recording is refused",
        ),
        ("minimum: law", "minimum: explicit", "now asked for explicit consent"),
        ("always_announce: true", "always_announce: false", "announced only where the law asks"),
        ("notice_window_s: 15", "notice_window_s: 10", "within 10 seconds"),
        (
            "unknown_location: strictest",
            "unknown_location: recorder",
            "the rule where the recording platform is",
        ),
        (
            "law_overrides: []",
            "law_overrides:\n  - {jurisdiction: US-NY, rule: all-party, reason: counsel}",
            "Calls in US-NY are now treated as needing every party's consent",
        ),
    ],
)
def test_consent_handling(old: str, new: str, expected: str) -> None:
    assert expected in only(changed(old, new), "consent")


def test_retention_in_plain_words() -> None:
    change = changed("retention: {min: P90D, max: P6M}", "retention: {min: P6M, max: P6M}")
    assert (
        only(change, "retention")
        == "Recordings kept for quality are now kept for at least 6 months instead of 90 days."
    )
    change = changed("retention: {min: P90D, max: P6M}", "retention: {min: P90D, max: P1Y}")
    assert "may now be kept for at most 1 year (before: 6 months)" in only(change, "retention")
    change = changed("retention: {min: P90D, max: P6M}", "retention: {min: P90D}")
    assert "no longer have a longest time" in only(change, "retention")
    change = changed("sector_rules: [ftc-tsr]", "sector_rules: [ftc-tsr, us-hipaa]")
    assert "now follow the sector rules ftc-tsr, us-hipaa (before: ftc-tsr)" in only(
        change, "retention"
    )
    change = changed("dispose_at: earliest", "dispose_at: latest")
    assert only(change, "retention").startswith(
        "A recording is now disposed of at the latest moment"
    )


def test_a_purpose_added_or_removed_is_retention() -> None:
    added = "purposes:\n  complaints:\n    retention: {min: P3M, max: P1Y}\n"
    words = only(changed("purposes:\n", added), "retention")
    assert words == (
        "There is a new purpose, complaints: recordings kept for complaints are kept for at "
        "least 3 months and at most 1 year."
    )
    start, end = EXAMPLE.index("  training:\n"), EXAMPLE.index("  dispute_resolution:\n")
    text = EXAMPLE[:start] + EXAMPLE[end:]
    removed = compare(
        BASE,
        parse_policy(
            text.replace(
                "purposes: [quality, training, telemarketing_records]",
                "purposes: [quality, telemarketing_records]",
            )
        ),
    )
    assert removed.areas == ("scope", "retention")
    assert "There is no longer a purpose training: no recording is kept for it." in sentences(
        removed
    )


def test_access_thresholds_are_access() -> None:
    change = changed(
        "law_overrides: []",
        "law_overrides: []\nchecks:\n  business_hours: {start: '07:00', end: '19:00', timezone: Europe/London}",
    )
    assert change.areas == ("access",)
    (words,) = set(sentences(change))
    assert (
        "now 07:00–19:00 Europe/London on Monday to Friday (before: 08:00–19:00 UTC on Monday to Friday)"
        in words
    )
    change = changed(
        "law_overrides: []",
        "law_overrides: []\nchecks: {max_administrators: 2, kek_rotation_days: 180}",
    )
    assert only(change, "access") == "There may now be at most 2 administrators (before: 3)."
    assert [s.path for s in change.not_material] == [("checks", "kek_rotation_days")]


def test_letting_auditors_listen_is_access() -> None:
    change = changed("auditors_may_listen: false", "auditors_may_listen: true")
    assert only(change, "access").startswith("Auditors may now listen to recordings")


def test_letting_employees_see_who_listened_is_access() -> None:
    change = changed("employees_see_access: true", "employees_see_access: false")
    assert only(change, "access").startswith("The About recording page no longer lists")
    off = EXAMPLE.replace("employees_see_access: true", "employees_see_access: false")
    back = compare(parse_policy(off), BASE)
    assert only(back, "access").startswith("You can now see who played")


def test_every_setting_of_the_policy_has_a_place() -> None:
    """A field added to the policy must be placed in `material.PLACES` (else it is "other")."""
    unplaced = [path for path in all_settings(BASE) if place(path) == "other"]
    assert unplaced == []
    assert place(("a_setting_added_later",)) == "other"


def test_an_unplaced_setting_is_material_and_described_by_its_path() -> None:
    from callwarden.training.material import describe
    from callwarden.training.policy_diff import Setting

    words = describe("other", Setting(("training", "overdue"), "finding", "no_access"), BASE, BASE)
    assert words == "The setting training.overdue is now no\\_access (before: finding)."


def test_the_what_changed_module_reads_in_areas_and_renders_safely() -> None:
    text = (
        EXAMPLE.replace(
            "You can ask for a copy", "You can ask for a <script>copy</script> [here](javascript:x)"
        )
        .replace(
            "match: {queue: [payments]}\n    outcome: record",
            "match: {queue: [payments]}\n    outcome: do_not_record",
        )
        .replace("retention: {min: P90D, max: P6M}", "retention: {min: P6M, max: P6M}")
        .replace("Quality assurance", "Quality assurances")
    )
    change = compare_texts(EXAMPLE, text)
    assert change.areas == ("scripts", "scope", "retention")
    module = what_changed(change, version=4)
    assert module is not None and module.id == WHAT_CHANGED
    assert module.title == "What changed in the policy in version 4"
    content = module.content
    assert (
        content.index("## What callers hear")
        < content.index("## Which calls are recorded")
        < content.index("## How long recordings are kept")
    )
    assert "Quality assurances" not in content
    html = render_markdown(content)
    assert "<script" not in html and "href" not in html
    assert "&lt;script&gt;copy&lt;/script&gt; [here](javascript:x)" in html


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("rate: 0.2", "rate: 0.5"),
        ("timeout_s: 8\n  de:", "timeout_s: 12\n  de:"),
        ("on_decline: continue_unrecorded", "on_decline: end_call"),
        ("retention: {min: P90D, max: P6M}", "retention: {min: P6M, max: P1Y}"),
        ("title: Call recording policy", "title: Recording policy"),
    ],
)
def test_a_change_and_its_undoing_are_in_the_same_areas(old: str, new: str) -> None:
    forward = changed(old, new)
    back = compare(parse_policy(EXAMPLE.replace(old, new)), BASE)
    assert (forward.areas, forward.material) == (back.areas, back.material)
    assert [c.setting.path for c in forward.changes] == [c.setting.path for c in back.changes]


def test_a_broken_policy_text_is_refused_as_a_policy() -> None:
    with pytest.raises(PolicyInvalid):
        compare_texts(EXAMPLE, "organisation: [")


MUTATIONS = [
    ("You can ask for a copy", "You may ask for a copy"),
    ("outcome: sample\n    rate: 0.2", "outcome: record"),
    ("match: {queue: [payments]}", "match: {queue: [payments, cards]}"),
    ("    secure_pause: true\n", ""),
    ("max_pause_s: 300", "max_pause_s: 120"),
    ("on_withdrawal: stop_keep_prior", "on_withdrawal: stop_discard_all"),
    ("retention: {min: P1Y, max: P2Y}", "retention: {min: P1Y}"),
    ("sector_rules: [ftc-tsr]", "sector_rules: []"),
    ("default_language: en", "default_language: fr"),
    (
        'decline_digit: "2"\n      timeout_s: 8\n  de:',
        "decline_digit: null\n      timeout_s: 8\n  de:",
    ),
    ("law_overrides: []", "law_overrides: []\nchecks: {volume_multiple: 5, max_token_days: 30}"),
    ("dispose_at: earliest", "dispose_at: latest\n  hold_review_days: 90"),
    ("Quality assurance and coaching of agents.", "Coaching."),
    ("US-NY, US-FL, CA, GB, DE, FR, IE", "US-NY, US-FL, CA, GB, DE, FR"),
]


@settings(deadline=None, max_examples=30)  # reading a policy takes ~0.1 s
@given(st.lists(st.sampled_from(MUTATIONS), unique=True, min_size=1))
def test_any_mix_of_changes_is_described_and_renders(mutations: list[tuple[str, str]]) -> None:
    text = EXAMPLE
    for old, new in mutations:
        assert old in text
        text = text.replace(old, new, 1)
    change = compare(BASE, parse_policy(text))
    only_descriptions = mutations == [MUTATIONS[12]]
    assert change.material is not only_descriptions
    module = what_changed(change)
    if module is None:
        return
    assert all(item.words or item.setting.path[-1] == "rate" for item in change.changes)
    assert "The setting " not in module.content  # every one of these has its own sentence
    html = render_markdown(module.content)
    assert html.count("<h2>") == len(change.areas)


def test_the_consequence_of_overdue_training_is_material_and_told_in_plain_words() -> None:
    change = compare_texts(EXAMPLE, EXAMPLE + "\ntraining:\n  overdue: no_access\n")
    assert change.material and change.areas == ("access",)
    (item,) = change.in_area("access")
    assert "supervisors and QA reviewers may not play recordings" in item.words
    assert "(before: it is reported as a finding)" in item.words
    with pytest.raises(PolicyInvalid):
        parse_policy(EXAMPLE + "\ntraining:\n  overdue: sometimes\n")
