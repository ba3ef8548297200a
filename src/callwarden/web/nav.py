"""The navigation bar: each page module names its entry and the action its page needs, and a
role sees exactly the entries whose action `identity.policies.may` allows it.

An entry may name a menu (`group`): the bar shows the menus in the order of their first entry,
each opening to its links, so an officer's twenty pages fit on one line. A menu that would hold
a single link for this person is shown as that link.
"""

from __future__ import annotations

from dataclasses import dataclass

from callwarden.identity.policies import may
from callwarden.identity.principal import Principal

# The menus, by what the pages in them are for.
WORK = "My work"
OVERSIGHT = "Oversight"
RULES = "Policy"


@dataclass(frozen=True, slots=True)
class NavEntry:
    label: str
    href: str
    action: str | None  # None: every signed-in person (home, their own account)
    order: int  # left to right, and top to bottom inside a menu
    group: str | None = None  # the menu it opens from; None: on the bar itself

    def shown_to(self, who: Principal) -> bool:
        return self.action is None or bool(may(who, self.action))


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class NavItem:
    """One place on the bar: a link (`links` of one, `menu` None) or a menu of links."""

    menu: str | None
    links: tuple[NavLink, ...]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def links_for(entries: list[NavEntry], who: Principal, path: str) -> list[NavLink]:
    """The entries this person may open, the one they are on marked as current."""

    def covers(href: str) -> bool:
        return path == href or (href != "/home" and path.startswith(href + "/"))

    shown = [
        entry for entry in sorted(entries, key=lambda entry: entry.order) if entry.shown_to(who)
    ]
    # the closest entry is the current one: /cases/desk is the desk's, not "My cases" (/cases)
    current = max((entry.href for entry in shown if covers(entry.href)), key=len, default=None)
    return [NavLink(entry.label, entry.href, entry.href == current) for entry in shown]


def bar_for(entries: list[NavEntry], who: Principal, path: str) -> list[NavItem]:
    """The bar for this person: their links, gathered into the menus the entries name."""
    groups = {entry.href: entry.group for entry in entries}
    items: list[NavItem] = []
    menus: dict[str, list[NavLink]] = {}
    for link in links_for(entries, who, path):
        group = groups.get(link.href)
        if group is None:
            items.append(NavItem(None, (link,)))
        elif group in menus:
            menus[group].append(link)
        else:
            menus[group] = [link]
            items.append(NavItem(group, ()))  # its place on the bar; filled below
    return [_filled(item, menus) for item in items]


def _filled(item: NavItem, menus: dict[str, list[NavLink]]) -> NavItem:
    if item.menu is None:
        return item
    links = tuple(menus[item.menu])
    return NavItem(None if len(links) == 1 else item.menu, links)
