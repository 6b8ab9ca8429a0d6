"""Playwright driving Debian's Chromium, with the flags this workplace requires."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.support.services import REPO, need_binary

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"

# The site's Content-Security-Policy allows no eval (shadowvault/content_security.py), and
# Playwright polls a bare expression given to wait_for_function ("video.paused") with eval in
# the page, which the policy refuses. The same test as a function ("() => (video.paused)") is
# called, not evaluated from a string, so every page's wait_for_function gets that form.
_FUNCTION = re.compile(r"^\s*(async\b|function\b|\([\w$,\s]*\)\s*=>|[\w$]+\s*=>)")
_wait_for_function = Page.wait_for_function


def _wait_for_function_as_function(self: Page, expression: str, *args, **kwargs):
    if not _FUNCTION.match(expression):
        expression = f"() => ({expression})"
    return _wait_for_function(self, expression, *args, **kwargs)


Page.wait_for_function = _wait_for_function_as_function


@contextmanager
def chromium() -> Iterator[Browser]:
    executable = need_binary("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class WatchedPage:
    """A page that records every console error and uncaught exception."""

    page: Page
    errors: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, browser: Browser, **context_options) -> WatchedPage:
        page = browser.new_context(**context_options).new_page()
        watched = cls(page)
        page.on("console", watched._on_console)
        page.on("pageerror", lambda error: watched.errors.append(f"page error: {error}"))
        return watched

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} at {message.location}")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def has_no_horizontal_scroll(self) -> bool:
        return self.page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )


def sign_in(browser: Browser, url: str, username: str, password: str, **options) -> WatchedPage:
    """A new browser context signed in on the site at `url` through its login form."""
    watched = WatchedPage.open(browser, **(options or DESKTOP))
    page = watched.page
    page.goto(url + "/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    return watched
