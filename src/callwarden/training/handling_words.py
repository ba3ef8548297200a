"""A changed consent, retention or access setting in plain words (pure; see `material_words`
for what callers hear and which calls are recorded, and the helpers both use)."""

from __future__ import annotations

from callwarden.policy.render import DECLINE_WORDS, DISPOSE_AT_WORDS, MISSING_NOTICE_WORDS
from callwarden.policy.render import WITHDRAWAL_WORDS as WITHDRAW_WORDS
from callwarden.policy.schema import PolicyDocument
from callwarden.training.material_words import capital, day_names, duration, md, words_list
from callwarden.training.policy_diff import Setting

MINIMUM_WORDS = {
    "law": "as much consent as the law of their jurisdiction asks for",
    "implied": "at least implied consent (they hear the notice and stay on the line)",
    "explicit": "explicit consent (they agree, for example by pressing a key)",
}
LAW_RULE_WORDS = {
    "one-party": "needing one party's consent",
    "notice": "needing a notice to every party",
    "all-party": "needing every party's consent",
}

OVERDUE_WORDS = {
    "finding": "it is reported as a finding",
    "call_findings": "every call you handle while it is overdue is reported as a finding",
    "no_access": "it is reported, and supervisors and QA reviewers may not play recordings "
    "until they are current",
}


def consent_words(setting: Setting) -> str | None:
    """How consent is asked for and what happens when it is refused, withdrawn or missing."""
    path, old, new = setting.path, setting.before, setting.after
    if path == ("always_announce",):
        if new:
            return (
                "Recording is now announced on every recorded call, even where the law would not "
                "ask for it."
            )
        return (
            "Recording is now announced only where the law asks for it (before, on every "
            "recorded call)."
        )
    if path == ("notice_window_s",):
        return (
            f"The notice must now play within {new} seconds of the call starting (before: {old})."
        )
    if path == ("unknown_location",):

        def where(value: str) -> str:
            return {
                "strictest": "the strictest rule of the places we operate",
                "recorder": "the rule where the recording platform is",
            }.get(value, f"the rule of {md(value)}")

        return (
            f"A caller whose location we cannot tell is now treated under {where(new)} (before: "
            f"{where(old)})."
        )
    tables = {
        "on_decline": ("When a caller declines recording, ", DECLINE_WORDS),
        "on_withdrawal": ("When a caller withdraws consent during a call, ", WITHDRAW_WORDS),
        "missing_notice": (
            "When a recording arrives without the notice its call needed, ",
            MISSING_NOTICE_WORDS,
        ),
    }
    if len(path) == 2 and path[1] in tables:
        start, table = tables[path[1]]
        return f"{start}{table[new]} (before: {table[old]})."
    if path == ("consent", "minimum"):
        return f"Callers are now asked for {MINIMUM_WORDS[new]} (before: {MINIMUM_WORDS[old]})."
    return None


def override_words(setting: Setting) -> str | None:
    """Counsel's readings of a jurisdiction's law (by jurisdiction)."""
    path, old, new = setting.path, setting.before, setting.after
    place = md(path[1].rstrip("+"))
    if len(path) == 2:
        if new is None:
            return (
                f"Counsel's own reading of the law in {place} is withdrawn: the knowledge base's "
                "rule applies again."
            )
        return (
            f"Calls in {place} are now treated as {LAW_RULE_WORDS[new['rule']]}, on counsel's "
            "reading of the law."
        )
    if path[2] == "rule":
        return (
            f"Calls in {place} are now treated as {LAW_RULE_WORDS[new]}, on counsel's reading "
            f"(before: {LAW_RULE_WORDS[old]})."
        )
    return None


def retention_words(setting: Setting) -> str | None:
    """The purposes' retention and sector rules, disposal, legal holds' review."""
    path, old, new = setting.path, setting.before, setting.after
    if path == ("retention", "dispose_at"):
        return (
            f"A recording is now disposed of {DISPOSE_AT_WORDS[new]} (before: "
            f"{DISPOSE_AT_WORDS[old]})."
        )
    if path == ("retention", "hold_review_days"):
        return (
            f"A legal hold left unchanged for {new} days is now due a review (before: {old} days)."
        )
    if path[0] != "purposes" or len(path) < 2:
        return None
    kept = f"recordings kept for {md(path[1].replace('_', ' '))}"
    if len(path) == 2:
        if new is None:
            return (
                f"There is no longer a purpose {md(path[1].replace('_', ' '))}: no recording is "
                "kept for it."
            )
        limit = (
            f" and at most {duration(new['retention']['max'])}"
            if new["retention"].get("max")
            else ""
        )
        return (
            f"There is a new purpose, {md(path[1].replace('_', ' '))}: {kept} are kept for at "
            f"least {duration(new['retention']['min'])}{limit}."
        )
    if path[2:] == ("retention", "min"):
        return (
            f"{capital(kept)} are now kept for at least {duration(new)} instead of {duration(old)}."
        )
    if path[2:] == ("retention", "max"):
        if new is None:
            return (
                f"{capital(kept)} no longer have a longest time they may be kept (before: "
                f"{duration(old)})."
            )
        return (
            f"{capital(kept)} may now be kept for at most {duration(new)} (before: "
            f"{duration(old)})."
        )
    if path[2:] == ("sector_rules",):
        return (
            f"{capital(kept)} now follow the sector rules {words_list(new)} (before: "
            f"{words_list(old)})."
        )
    return None


def access_words(setting: Setting, before: PolicyDocument, after: PolicyDocument) -> str | None:
    """Whether auditors may listen, whether employees see who listened to their calls; when
    opening recordings is reported, tokens' lifetime, the number of administrators."""
    path, old, new = setting.path, setting.before, setting.after
    if path[:2] == ("training", "overdue"):
        return (
            f"When your training is overdue, {OVERDUE_WORDS[new]} (before: {OVERDUE_WORDS[old]})."
        )
    if path[:2] == ("access", "auditors_may_listen"):
        return (
            "Auditors may now listen to recordings (never download them), giving a reason that "
            "is kept."
            if new
            else "Auditors may no longer listen to recordings; they read everything else."
        )
    if path[:2] == ("transparency", "employees_see_access"):
        return (
            "You can now see who played or downloaded the recordings of your own calls, when, "
            "and the reason they gave (on the About recording page)."
            if new
            else "The About recording page no longer lists who played the recordings of your "
            "own calls; the rules of who may listen still apply and every listen is audited."
        )
    if path[1] == "business_hours":

        def hours(document: PolicyDocument) -> str:
            hours = document.checks.business_hours
            named = day_names(list(hours.days))
            return f"{hours.start:%H:%M}–{hours.end:%H:%M} {md(hours.timezone)} on {named}"

        return (
            f"Opening a recording outside business hours, now {hours(after)} (before: "
            f"{hours(before)}), is reported for review."
        )
    if path[1] in ("volume_multiple", "volume_minimum"):

        def volume(document: PolicyDocument) -> str:
            checks = document.checks
            return (
                f"more than {checks.volume_multiple:g} times what is usual for their role (and at "
                f"least {checks.volume_minimum})"
            )

        return (
            f"Someone who plays {volume(after)} recordings in a period is now reported for review "
            f"(before: {volume(before)})."
        )
    if path[1] == "max_token_days":
        return f"An API token may now last at most {new} days (before: {old})."
    if path[1] == "max_administrators":
        return f"There may now be at most {new} administrators (before: {old})."
    return None
