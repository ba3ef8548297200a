"""The console in a real browser: Debian's Chromium driven by Playwright, people with known
passwords to sign in with, and screenshots saved where a person can look at them.

Playwright's own browser download is not available on these machines, so Chromium is the
system one (`/usr/bin/chromium`, or `CALLWARDEN_CHROMIUM`), started with the flags that keep it
off the network.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from callwarden.db import Database
from callwarden.identity import passwords
from callwarden.identity import service as identity
from callwarden.identity.principal import SYSTEM, Principal
from callwarden.identity.roles import Role
from callwarden.models import User

REPOSITORY = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PASSWORD = "correct horse battery staple"  # synthetic people in a throwaway database


def chromium_executable() -> str | None:
    """The installed Chromium, if any."""
    return os.environ.get("CALLWARDEN_CHROMIUM") or shutil.which("chromium")


def launch_chromium(playwright: Playwright, executable: str) -> Browser:
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)


@contextmanager
def chromium_browser() -> Iterator[Browser]:
    """A headless Chromium for as long as the block runs; skipped without one (failed in CI).

    Playwright's sync API runs an event loop on this thread while the browser is open, so a
    fixture holding one must end before tests that run their own loop (the demo's browser test
    holds it for its module only; the console's tests, which run last, for the session)."""
    import pytest

    executable = chromium_executable()
    if executable is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI needs Debian's chromium for the console tests")
        pytest.skip("console browser tests skipped: install chromium (apt install chromium)")
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright, executable)
        yield launched
        launched.close()


def screenshot_dir() -> Path:
    """Where the screenshots of a test run go (`test-output/console/`, or the setting)."""
    base = Path(os.environ.get("CALLWARDEN_TEST_OUTPUT", REPOSITORY / "test-output"))
    folder = base / "console"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def make_person(
    db: Database,
    role: str,
    username: str,
    team: str | None = None,
    password: str = PASSWORD,
) -> User:
    """A person who has chosen their own password, so they can sign in to the console."""
    temporary = f"temporary-{password}"
    with db.unit_of_work() as session:
        if team is not None and identity.find_team(session, team) is None:
            identity.create_team(session, SYSTEM, team)
        created = identity.create_user(
            session, SYSTEM, username=username, role=role, team=team, password=temporary
        )
        me = Principal(
            actor=f"user:{username}", role=Role(role), user_id=created.user.id, username=username
        )
        passwords.change_own_password(session, me, temporary, password)
        return created.user


@dataclass
class Console:
    """One browser tab on the console, as a person would use it."""

    base: str
    page: Page

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page

    def sign_in(self, username: str, password: str = PASSWORD) -> Page:
        self.open("/sign-in")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        return self.page

    def shot(self, name: str) -> Path:
        """A full-page screenshot under the run's output directory."""
        path = screenshot_dir() / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def follow_nav(page: Page, label: str) -> None:
    """Click the navigation bar's link `label` as a person would: opening its menu first when
    the link sits in one."""
    bar = page.get_by_role("navigation", name="Main")
    link = bar.get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        # a closed menu's links are hidden from the roles: find its menu by the link's text
        named = page.locator("a", has_text=re.compile(f"^{re.escape(label)}$"))
        bar.locator("details", has=named).locator("summary").click()
    link.click()
