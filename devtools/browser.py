"""Debian's Chromium under Playwright: the launch the browser tests and the benchmark share, and the
benchmark's browser phase (one real floor-monitor page timing each call reaching its row in the DOM).

Playwright's own browser download is not reachable here, so the browser is the system's `chromium`
(`executable_path`).
"""

import json
import shutil
import time
from pathlib import Path

from .loadgen import ignore_interrupts, now_ns

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Without these Chromium keeps calling home, and this machine's closed network refuses it noisily.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio"]

# Every host name fails to resolve: only IP literals (our server on 127.0.0.1) are reachable.
ONLY_LOOPBACK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def find_chromium() -> str | None:
    """The path of a Chromium/Chrome binary on PATH, or None."""
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def launch(driver, executable: str, offline: bool = False):
    """A headless Chromium (`offline`: it can reach IP literals only); close it when done."""
    return driver.chromium.launch(executable_path=executable, args=FLAGS + ([ONLY_LOOPBACK] if offline else []))


def unavailable() -> str | None:
    """Why the browser phase cannot run here (no Chromium, no Playwright), or None."""
    if find_chromium() is None:
        return "Chromium is not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    return None


# Every counter row's ticket as the page shows it: [counter, code, epoch ms, how] whenever a row first
# shows a ticket, noted by the page itself as the change lands in the DOM (as tests/server/
# test_manage_monitor_live); `how`: "event" (monitor.js from the call's own event) or "fetch" (a
# fragment htmx swapped in).
WATCH_ROWS = """() => {
    window.seen = [];
    const floor = document.getElementById('floor'), known = new Map();
    const clock = () => performance.timeOrigin + performance.now();
    let swaps = 0, scanned = 0;
    floor.addEventListener('htmx:beforeSwap', () => { swaps += 1; });
    const scan = () => {
        const at = clock(), how = swaps !== scanned ? 'fetch' : 'event';
        scanned = swaps;
        for (const row of floor.querySelectorAll('tr[data-counter]')) {
            const ticket = row.querySelector('[data-ticket]');
            const code = ticket ? ticket.dataset.ticket : null;
            if (code && known.get(row.dataset.counter) !== code) {
                window.seen.push([row.dataset.counter, code, at, how]);
            }
            known.set(row.dataset.counter, code);
        }
    };
    scan();
    new MutationObserver(scan).observe(floor, {childList: true, subtree: true});
}"""


def browser_worker(conf: dict, out: str, ready, stop) -> None:
    """One monitor page in Chromium, signed in through the form, watching its rows until told to stop."""
    ignore_interrupts()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = launch(driver, find_chromium(), offline=True)
        page = chromium.new_page(viewport={"width": 1366, "height": 768}, locale="id-ID")
        page.set_default_timeout(30_000)
        page.goto(conf["url"] + "/manage/login")
        page.fill("#username", conf["username"])
        page.fill("#pin", conf["pin"])
        page.click("button[type=submit]")
        page.wait_for_url(conf["url"] + "/manage/")
        page.evaluate(WATCH_ROWS)
        ready.set()
        deadline = time.monotonic() + conf["max_s"]
        while not stop.is_set() and time.monotonic() < deadline:
            page.wait_for_timeout(200)  # lets the page run; Playwright's sync API has no other way to wait
        seen = page.evaluate("window.seen")
        offset_ns = time.time_ns() - now_ns()  # the page's epoch ms → this machine's monotonic clock
        chromium.close()
    shown = [(counter, code, int(ms * 1e6) - offset_ns, how) for counter, code, ms, how in seen]
    Path(out).write_text(json.dumps({"shown": shown}))


def how_rows_changed(calls: list, shown: list, window: tuple[int, int]) -> dict:
    """Of the calls within `window` shown in the page: how many first showed by their own event, how
    many by a fragment fetch."""
    first = {}
    for counter, code, _at, how in shown:
        first.setdefault((counter, code), how)
    hows = [first.get((counter, code)) for _id, counter, answered, code in (call[:4] for call in calls)
            if window[0] <= answered < window[1]]
    return {"event": hows.count("event"), "fetch": hows.count("fetch")}
