"""Headless Chromium for web tests: find the binary, dump the rendered DOM, take a screenshot.

Each call starts a fresh Chromium with its own throw-away profile. `--virtual-time-budget`
lets the page's timers and fetches run (virtual time stands still while requests are in
flight) before the DOM is dumped or the picture taken, so what we see is what the page's
JavaScript made of the server's answers.

A missing Chromium is a test failure, not a skip: CI installs it (`python3 tasks.py test`).
"""

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--mute-audio",
)

# Every host name fails to resolve: only IP literals (our server on 127.0.0.1) are reachable.
ONLY_LOOPBACK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


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


def run_chromium(url: str, *flags: str, budget_ms: int = 3000, timeout: float = 60.0,
                 offline: bool = False) -> subprocess.CompletedProcess:
    """Run headless Chromium on `url` with extra `flags`; raise with its stderr if it fails."""
    binary = require_chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True) as profile:
        command = [binary, *BASE_FLAGS, f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}",
                   *([ONLY_LOOPBACK] if offline else []), *flags, url]
        done = subprocess.run(command, check=False, capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited with {done.returncode} on {url}:\n"
                           f"{done.stderr.decode(errors='replace')[-3000:]}")
    return done


def dump_dom(url: str, budget_ms: int = 3000, offline: bool = False, timeout: float = 60.0) -> str:
    """The serialized DOM of `url` after its scripts ran for `budget_ms` of virtual time.

    `offline=True` makes every host name unresolvable, so the page can reach only IP literals.
    """
    done = run_chromium(url, "--dump-dom", budget_ms=budget_ms, offline=offline, timeout=timeout)
    return done.stdout.decode("utf-8", errors="replace")


def screenshot(url: str, path: Path | str, size: tuple[int, int] = (390, 844), budget_ms: int = 3000,
               scale: float = 1, offline: bool = False, timeout: float = 60.0) -> Path:
    """A PNG of `url` in a `size` window (a phone by default) after `budget_ms` of virtual time."""
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    run_chromium(url, f"--screenshot={path}", f"--window-size={size[0]},{size[1]}",
                 f"--force-device-scale-factor={scale}", budget_ms=budget_ms, offline=offline, timeout=timeout)
    if not path.is_file():
        raise RuntimeError(f"chromium wrote no screenshot for {url} at {path}")
    return path


# ---------------------------------------------------------------- reading a dumped DOM

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    parts: list = field(default_factory=list)
    hidden_by_ancestor: bool = False

    @property
    def text(self) -> str:
        """The text inside, whitespace collapsed."""
        return " ".join("".join(self.parts).split())

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def hidden(self) -> bool:
        """True when it or an ancestor carries the `hidden` attribute (CSS is not considered)."""
        return "hidden" in self.attrs or self.hidden_by_ancestor


class _ById(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[Element] = []
        self.found: dict[str, Element] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        element = Element(tag, attrs, hidden_by_ancestor=any(e.hidden for e in self.open))
        if attrs.get("id"):
            self.found.setdefault(attrs["id"], element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for element in self.open:
            element.parts.append(data)


def elements_by_id(html: str) -> dict[str, Element]:
    """Every element of a dumped DOM that has an id, with its text and attributes."""
    parser = _ById()
    parser.feed(html)
    parser.close()
    return parser.found
