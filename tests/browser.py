"""Web pages in a real browser: Playwright for Python driving Debian's Chromium.

Playwright's own browser download is not reachable here, so the browser is the system's
`chromium` (`executable_path`). A missing Chromium is a test failure, not a skip: CI installs
it (`python3 tasks.py test`).
"""

from contextlib import contextmanager
from pathlib import Path

import pytest

from devtools.browser import CANDIDATES, find_chromium
from devtools.browser import launch as launch_chromium

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}  # the management pages' smallest screen


def require_chromium() -> str:
    """The Chromium binary, or fail the calling test with instructions."""
    path = find_chromium()
    if path is None:
        pytest.fail(
            "Chromium is not installed (looked for " + ", ".join(CANDIDATES) + " on PATH); browser tests "
            "need it. Install it with `apt-get install -y chromium` or run `python3 tasks.py test`.",
            pytrace=False,
        )
    return path


@contextmanager
def playwright():
    """Playwright's driver, once per test module (its sync API cannot be started twice at once)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


def launch(driver, offline: bool = False):
    """A headless Chromium (`offline`: it can reach IP literals only); close it when done."""
    return launch_chromium(driver, require_chromium(), offline)


def screenshot(page, path: Path | str) -> Path:
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


@contextmanager
def offline_chromium():
    """One headless Chromium that reaches only the server on loopback, for a test module."""
    with playwright() as driver:
        running = launch(driver, offline=True)
        yield running
        running.close()


@contextmanager
def laptop_page(running):
    """A page in a fresh context (its own cookies) on a laptop's screen, Indonesian, 10 s timeouts."""
    context = running.new_context(viewport=LAPTOP, locale="id-ID")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page, base_url: str, username: str, pin: str = "1234", start: str = "/manage/") -> None:
    """Sign in to the management pages through the form, as a person does."""
    page.goto(base_url + start)
    page.fill("#username", username)
    page.fill("#pin", pin)
    page.click("button[type=submit]")
    page.wait_for_load_state()
