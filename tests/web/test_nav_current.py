"""The bar marks one current page: the entry closest to the address, so a page under another
entry's address (the cases desk under "My cases") lights up its own entry only."""

from __future__ import annotations

from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.web.nav import OVERSIGHT, WORK, NavEntry, bar_for, links_for

ENTRIES = [
    NavEntry("Home", "/home", None, order=0),
    NavEntry("My cases", "/cases", None, order=39, group=WORK),
    NavEntry("Cases", "/cases/desk", None, order=48, group=OVERSIGHT),
    NavEntry("Checks", "/checks", None, order=45, group=OVERSIGHT),
]
OFFICER = Principal(actor="user:olga", role=Role.COMPLIANCE_OFFICER)


def current(path: str) -> list[str]:
    return [link.label for link in links_for(ENTRIES, OFFICER, path) if link.current]


def test_the_closest_entry_is_current() -> None:
    assert current("/cases/desk") == ["Cases"]
    assert current("/cases/desk/all") == ["Cases"]
    assert current("/cases/CASE-0001") == ["My cases"]
    assert current("/cases") == ["My cases"]
    assert current("/home") == ["Home"]
    assert current("/elsewhere") == []


def test_menus_keep_their_order_and_mark_the_current_one() -> None:
    bar = bar_for(ENTRIES, OFFICER, "/cases/desk")
    assert [item.menu for item in bar] == [None, None, OVERSIGHT]  # a menu of one is its link
    assert [item.current for item in bar] == [False, False, True]
    assert [link.label for link in bar[2].links] == ["Checks", "Cases"]
