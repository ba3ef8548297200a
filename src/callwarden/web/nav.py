"""The navigation bar: each page module names its entry and the action its page needs, and a
role sees exactly the entries whose action `identity.policies.may` allows it."""

from __future__ import annotations

from dataclasses import dataclass

from callwarden.identity.policies import may
from callwarden.identity.principal import Principal


@dataclass(frozen=True, slots=True)
class NavEntry:
    label: str
    href: str
    action: str | None  # None: every signed-in person (home, their own account)
    order: int  # left to right

    def shown_to(self, who: Principal) -> bool:
        return self.action is None or bool(may(who, self.action))


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    href: str
    current: bool


def links_for(entries: list[NavEntry], who: Principal, path: str) -> list[NavLink]:
    """The entries this person may open, the one they are on marked as current."""

    def is_current(href: str) -> bool:
        return path == href or (href != "/home" and path.startswith(href + "/"))

    return [
        NavLink(entry.label, entry.href, is_current(entry.href))
        for entry in sorted(entries, key=lambda entry: entry.order)
        if entry.shown_to(who)
    ]
