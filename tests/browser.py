"""Web pages in a real browser: Playwright for Python driving Debian's Chromium.

Playwright's own browser download is not reachable here, so the browser is the system's
`chromium` (`executable_path`). A missing Chromium is a test failure, not a skip: CI installs
it (`python3 tasks.py test`).
"""

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Without these Chromium keeps calling home, and this machine's closed network refuses it noisily.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio"]

# Every host name fails to resolve: only IP literals (our server on 127.0.0.1) are reachable.
ONLY_LOOPBACK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}  # the management pages' smallest screen


def find_chromium() -> str | None:
    """The path of a Chromium/Chrome binary on PATH, or None."""
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


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
    return driver.chromium.launch(executable_path=require_chromium(),
                                  args=FLAGS + ([ONLY_LOOPBACK] if offline else []))


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
