"""Whether a new policy version changes what staff must know, and what exactly changed (pure).

Every policy version must be acknowledged, but asking everyone to acknowledge again because a
description lost a typo teaches people to click through. So two versions are compared setting
by setting, and each changed setting is placed in an area:

- scripts: what callers hear (notice and consent texts, keys, time to answer, the language used
  when none fits);
- scope: which calls are recorded, sampled or never recorded, the secure pause for card
  payments, and where the policy applies;
- consent: how consent is asked for and what happens on a decline, a withdrawal or a missing
  notice, whether recording is always announced, how an unplaced caller is treated, counsel's
  readings of the law;
- retention: the purposes recordings are kept for, how long, the sector rules, disposal and
  the review of legal holds;
- access: when opening recordings is reported (business hours, unusual volumes), API tokens'
  lifetime, the number of administrators, who may listen, and whether employees see who
  listened to their own calls.

A change in any of them is material; titles, descriptions, a scope rule's stated reason, a
script's id (the text is what callers hear) and technical thresholds of the checks (clock
tolerance, upload grace, key rotation, call-detail matching) are not. Script texts are compared
with their white space collapsed, as a caller hears them. A setting this table does not know (a
field added to the policy later) counts as material, in the area "other", until it is placed:
asking once too often is the safe mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from callwarden.policy.loading import parse_policy
from callwarden.policy.schema import PolicyDocument
from callwarden.training.course import Module
from callwarden.training.handling_words import (
    access_words,
    consent_words,
    override_words,
    retention_words,
)
from callwarden.training.material_words import (
    generic_words,
    jurisdictions_words,
    scope_words,
    scripts_words,
)
from callwarden.training.policy_diff import ORDER, Path_, Setting, changed_settings

Area = Literal["scripts", "scope", "consent", "retention", "access", "other"]
AREAS: tuple[Area, ...] = ("scripts", "scope", "consent", "retention", "access", "other")

# The first pattern that starts a changed setting's path places it; "*" is any key; None is
# not material. Specific patterns come before the general ones they refine.
PLACES: tuple[tuple[Path_, Area | None], ...] = (
    (("organisation",), None),
    (("title",), None),
    (("purposes", "*", "description"), None),
    (("purposes",), "retention"),
    (("scope", "*", "description"), None),
    (("scope", "*", "reason"), None),
    (("scope",), "scope"),
    ((ORDER,), "scope"),
    (("payment_pause",), "scope"),
    (("recorder_jurisdiction",), "scope"),
    (("operating_jurisdictions",), "scope"),
    (("scripts", "*", "*", "id"), None),
    (("scripts",), "scripts"),
    (("default_language",), "scripts"),
    (("consent",), "consent"),
    (("always_announce",), "consent"),
    (("notice_window_s",), "consent"),
    (("unknown_location",), "consent"),
    (("law_overrides", "*", "reason"), None),
    (("law_overrides", "*", "approved_by"), None),
    (("law_overrides", "*", "approved_on"), None),
    (("law_overrides",), "consent"),
    (("retention",), "retention"),
    (("calls",), None),
    (("checks", "business_hours"), "access"),
    (("checks", "volume_multiple"), "access"),
    (("checks", "volume_minimum"), "access"),
    (("checks", "max_token_days"), "access"),
    (("checks", "max_administrators"), "access"),
    (("checks",), None),
    (("access", "auditors_may_listen"), "access"),
    (("training", "overdue"), "access"),
    (("cases",), None),  # how long a handler has: the process, not what staff must do
    (("transparency", "employees_see_access"), "access"),
)


@dataclass(frozen=True, slots=True)
class Change:
    """A material change, in its area, with what it means in plain words (Markdown). `words`
    is empty when another change's sentence already says it (a sampled rule that becomes
    recorded changes its outcome and its rate; one sentence tells both)."""

    area: Area
    setting: Setting
    words: str


@dataclass(frozen=True, slots=True)
class PolicyChange:
    changes: tuple[Change, ...]  # the material ones, in document order
    not_material: tuple[Setting, ...]

    @property
    def material(self) -> bool:
        return bool(self.changes)

    @property
    def areas(self) -> tuple[Area, ...]:
        changed = {change.area for change in self.changes}
        return tuple(area for area in AREAS if area in changed)

    def in_area(self, area: Area) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.area == area)


def compare(before: PolicyDocument, after: PolicyDocument) -> PolicyChange:
    """What changed from `before` to `after`, each setting placed in its area."""
    changes: list[Change] = []
    not_material: list[Setting] = []
    for setting in changed_settings(before, after):
        area = place(setting.path)
        if area is None:
            not_material.append(setting)
        else:
            changes.append(Change(area, setting, describe(area, setting, before, after)))
    return PolicyChange(tuple(changes), tuple(not_material))


def describe(area: Area, setting: Setting, before: PolicyDocument, after: PolicyDocument) -> str:
    """The change to `setting` in plain words ("" when another change's sentence says it)."""
    head = setting.path[0]
    text: str | None
    if area == "scripts":
        text = scripts_words(setting)
    elif area == "scope":
        text = jurisdictions_words(setting) if head == "operating_jurisdictions" else None
        text = text or scope_words(setting, before, after)
    elif area == "consent":
        text = override_words(setting) if head == "law_overrides" else consent_words(setting)
    elif area == "retention":
        text = retention_words(setting)
    elif area == "access":
        text = access_words(setting, before, after)
    else:
        text = None
    return generic_words(setting) if text is None else text


def compare_texts(before: str, after: str) -> PolicyChange:
    """`compare` of two policy YAML texts (each refused as `parse_policy` refuses it)."""
    return compare(parse_policy(before, "before"), parse_policy(after, "after"))


def place(path: Path_) -> Area | None:
    """The area of a setting's path, None when it is not material, "other" when unknown."""
    for pattern, area in PLACES:
        if len(path) >= len(pattern) and all(
            want in ("*", got) for want, got in zip(pattern, path, strict=False)
        ):
            return area
    return "other"


AREA_TITLES: dict[Area, str] = {
    "scripts": "What callers hear",
    "scope": "Which calls are recorded",
    "consent": "Consent",
    "retention": "How long recordings are kept",
    "access": "Opening recordings",
    "other": "Other settings",
}
WHAT_CHANGED = "what-changed"


def what_changed(change: PolicyChange, version: int | None = None) -> Module | None:
    """The short module that tells staff what a material change means for them (None when the
    change is not material: nothing new to learn, nothing to acknowledge again)."""
    if not change.material:
        return None
    named = f" in version {version}" if version is not None else ""
    parts = [
        f"The call recording policy has changed{named}. This is what is different for you; "
        "read it before you acknowledge the new version."
    ]
    for area in change.areas:
        parts.append(f"## {AREA_TITLES[area]}")
        said: list[str] = []
        for item in change.in_area(area):
            if item.words and item.words not in said:
                said.append(item.words)
        parts.extend(said)
    title = f"What changed in the policy{named}"
    return Module(id=WHAT_CHANGED, title=title, content="\n\n".join(parts) + "\n")
