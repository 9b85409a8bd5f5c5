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
