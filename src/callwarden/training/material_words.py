"""A changed policy setting in plain words, for the "what changed" training module (pure).

Each sentence says what a member of staff will notice: what callers now hear, which calls are
now recorded, how long recordings are now kept, with the value before in brackets. Values taken
from the policy (a notice's text, a queue's name) are escaped for Markdown, so a notice that
happens to contain `[x](y)` or `*` reads as typed. A setting no sentence knows is described by
its path and values: never silently left out.

This module holds the shared helpers and the sentences about what callers hear and which calls
are recorded; `handling_words` those about consent, retention and access.
"""

from __future__ import annotations

import re
from typing import Any

from callwarden.law.durations import parse_duration
from callwarden.policy.schema import PolicyDocument
from callwarden.training.policy_diff import ORDER, Setting

LANGUAGES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "nl": "Dutch", "pt": "Portuguese", "pl": "Polish", "sv": "Swedish", "da": "Danish",
    "fi": "Finnish", "nb": "Norwegian", "ga": "Irish", "cy": "Welsh", "ja": "Japanese",
    "zh": "Chinese", "ar": "Arabic", "tr": "Turkish", "el": "Greek", "cs": "Czech",
}  # fmt: skip
# What can start Markdown syntax anywhere in a line (emphasis, links, HTML, entities, code,
# tables, strikethrough), and what can only at its start (lists, headings, quotes).
_INLINE = re.compile(r"([\\`*_\[\]<>#!|~&])")
_LEADING = re.compile(r"^([-+=>]|\d+(?=[.)]))")


def md(value: object) -> str:
    """Text from the policy as literal Markdown (on one line): what Markdown would read as
    syntax is escaped, so the text renders exactly as typed."""
    text = _INLINE.sub(r"\\\1", re.sub(r"\s+", " ", str(value)).strip())
    match = _LEADING.match(text)
    if match is None:
        return text
    if match.group(1)[0].isdigit():
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return "\\" + text


def quote(text: object) -> str:
    return "> " + md(text)


def language(tag: str) -> str:
    base, _, region = tag.partition("-")
    name = LANGUAGES.get(base.lower(), f"the language {tag}")
    return f"{name} ({region})" if region and base.lower() in LANGUAGES else name


def seconds(value: int) -> str:
    if value % 60 == 0:
        minutes = value // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{value} seconds"


def duration(iso: str | None) -> str:
    return parse_duration(iso).words() if iso else "no limit"


def words_list(values: list[str] | None) -> str:
    names = [md(value.replace("_", " ")) for value in values or []]
    return ", ".join(names) if names else "none"


def calls(match: dict[str, Any] | None) -> str:
    """A scope rule's match as the calls it covers: "outbound calls to the queue sales"."""
    match = match or {}
    directions = match.get("direction") or []
    noun = (" or ".join(directions) + " calls") if directions else "calls"
    clauses = []
    for key, phrase in (
        ("queue", "to the queue"),
        ("line", "on the line"),
        ("dialled", "to the number"),
        ("calling", "from the number"),
        ("agent_team", "handled by the team"),
    ):
        values = match.get(key)
        if values:
            clauses.append(f"{phrase} " + " or ".join(md(value) for value in values))
    if not clauses and not directions:
        return "all other calls"
    return " ".join([noun, *clauses])


DAY_NAMES = {
    "mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
    "sat": "Saturday", "sun": "Sunday",
}  # fmt: skip


def day_names(days: list[str]) -> str:
    """Working days as people say them: "Monday to Friday", or each named."""
    order = list(DAY_NAMES)
    chosen = sorted(days, key=order.index)
    first, last = order.index(chosen[0]), order.index(chosen[-1])
    if len(chosen) > 2 and chosen == order[first : last + 1]:
        return f"{DAY_NAMES[chosen[0]]} to {DAY_NAMES[chosen[-1]]}"
    return ", ".join(DAY_NAMES[day] for day in chosen)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rule(document: PolicyDocument, rule_id: str) -> dict[str, Any] | None:
    rule = next((rule for rule in document.scope if rule.id == rule_id), None)
    return rule.model_dump(mode="json") if rule else None


def _covers(wide: dict[str, Any], narrow: dict[str, Any]) -> bool:
    """Whether every call `narrow` matches is matched by `wide` too."""
    return all(
        not wide.get(key) or (bool(narrow.get(key)) and set(narrow[key]) <= set(wide[key]))
        for key in set(wide) | set(narrow)
    )


def _where_now(gone: dict[str, Any], after: PolicyDocument) -> str:
    """Where the calls of a removed rule go: the first later rule that fits them all is as
    far as they can fall (an earlier rule may take some of them first)."""
    for rule in after.scope:
        wider = rule.model_dump(mode="json")
        if _covers(wider["match"], gone["match"]):
            outcome = {
                "record": "are recorded",
                "do_not_record": "are not recorded",
                "sample": f"are sampled ({wider['rate'] or 0:.0%} recorded)",
            }[wider["outcome"]]
            return (
                "those calls now follow the first rule that fits them, at the latest the rule "
                f"for {calls(wider['match'])}, under which they {outcome}."
            )
    return "those calls now follow the first rule that fits them."


def _now_recorded(rule: dict[str, Any]) -> str:
    if rule["outcome"] == "record":
        return "are now recorded"
    if rule["outcome"] == "do_not_record":
        return "are no longer recorded"
    return f"are now sampled: {rule['rate'] or 0:.0%} of them are recorded"


def _were_recorded(rule: dict[str, Any]) -> str:
    if rule["outcome"] == "record":
        return "all were recorded"
    if rule["outcome"] == "do_not_record":
        return "none were recorded"
    return f"{rule['rate'] or 0:.0%} were recorded"


def generic_words(setting: Setting) -> str:
    """A setting no sentence knows, by its path and values: never silently left out."""
    old = "(none)" if setting.before is None else setting.before
    new = "(none)" if setting.after is None else setting.after
    return f"The setting {md(setting.dotted)} is now {md(new)} (before: {md(old)})."


def scripts_words(setting: Setting) -> str | None:
    """What callers hear: scripts by language, keys, time to answer, the default language."""
    path, old, new = setting.path, setting.before, setting.after
    if path == ("default_language",):
        return (
            "Callers whose language has no scripts of its own now hear the "
            f"{language(new)} scripts (before: {language(old)})."
        )
    who = f"callers in {language(path[1])}"
    if len(path) == 2:
        if new is None:
            return (
                f"There are no longer scripts in {language(path[1])}: those callers hear the "
                "default language's."
            )
        notice = (new.get("notice") or {}).get("text")
        heard = f" The notice they hear reads:\n\n{quote(notice)}" if notice else ""
        return f"{capital(who)} now have scripts in their own language.{heard}"
    kind = {"notice": "notice", "consent": "consent question"}[path[2]]
    if len(path) == 3:
        if new is None:
            return f"{capital(who)} no longer hear a {kind} of their own."
        return f"{capital(who)} now hear a {kind}, which reads:\n\n{quote(new['text'])}"
    field = path[3]
    if field == "text":
        return (
            f"The {kind} {who} hear now reads:\n\n{quote(new)}\n\nBefore, it read:\n\n{quote(old)}"
        )
    if field == "accept_digit":
        return f"To agree to recording, {who} now press {md(new)} (before: {md(old)})."
    if field == "decline_digit":
        if new is None:
            return f"{capital(who)} no longer have a key to decline recording (before: {md(old)})."
        return (
            f"To decline recording, {who} now press {md(new)} (before: "
            f"{md(old) if old else 'no key'})."
        )
    if field == "timeout_s":
        return (
            f"{capital(who)} now have {new} seconds to answer the consent question (before: {old})."
        )
    if field == "method":
        how = {"dtmf": "pressing a key", "speech": "speaking"}
        return (
            f"{capital(who)} now answer the consent question by {how[new]} (before: by {how[old]})."
        )
    return None


def scope_words(setting: Setting, before: PolicyDocument, after: PolicyDocument) -> str | None:
    """Which calls are recorded: the rules (read from both documents, so a sentence names the
    calls a rule covers), their order, the payment pause, the recording platform's place."""
    path, old, new = setting.path, setting.before, setting.after
    if path == ("payment_pause", "max_pause_s"):
        return (
            f"A secure pause for a card payment may now last up to {seconds(new)} (before: "
            f"{seconds(old)})."
        )
    if path == ("recorder_jurisdiction",):
        return (
            f"The recording platform now counts as being in {md(new or 'no jurisdiction')} "
            f"(before: {md(old or 'none')})."
        )
    if path == (ORDER,):
        steps = [
            f"{n}. {capital(calls((_rule(after, rule_id) or {}).get('match')))}"
            for n, rule_id in enumerate(new, 1)
        ]
        return (
            "The scope rules now apply in this order (the first that fits a call decides):\n\n"
            + "\n".join(steps)
        )
    if len(path) < 2:
        return None
    rule_before, rule_after = _rule(before, path[1]), _rule(after, path[1])
    if rule_after is None and rule_before is not None:
        return (
            f"The rule for {calls(rule_before['match'])} is gone ({_were_recorded(rule_before)}): "
            + (_where_now(rule_before, after))
        )
    if rule_after is None:
        return None
    who = calls(rule_after["match"])
    if rule_before is None:
        paused = (
            " Recording pauses while card details are taken." if rule_after["secure_pause"] else ""
        )
        return f"{capital(who)} {_now_recorded(rule_after)} (a new rule).{paused}"
    field = path[2] if len(path) > 2 else ""
    if field == "outcome":
        return (
            f"{capital(who)} {_now_recorded(rule_after)} (before, {_were_recorded(rule_before)})."
        )
    if field == "rate":
        if rule_before["outcome"] != rule_after["outcome"]:
            return ""  # the outcome's sentence gives the share
        return (
            f"{capital(who)}: {_were_recorded(rule_after).replace('were', 'are now')} (before, "
            f"{_were_recorded(rule_before)})."
        )
    if field == "match":
        return f"The rule for {calls(rule_before['match'])} now covers {who} instead."
    if field == "purposes":
        return (
            f"Recordings of {who} are now kept for: {words_list(new)} (before: {words_list(old)})."
        )
    if field == "secure_pause":
        change = "now pauses" if new else "no longer pauses"
        return f"Recording of {who} {change} while card details are taken."
    return None


def jurisdictions_words(setting: Setting) -> str:
    old, new = set(setting.before or []), set(setting.after or [])
    parts = []
    if new - old:
        parts.append(
            "The policy now covers callers in " + ", ".join(md(j) for j in sorted(new - old)) + "."
        )
    if old - new:
        parts.append(
            "It no longer covers callers in " + ", ".join(md(j) for j in sorted(old - new)) + "."
        )
    return " ".join(parts)
