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
from .stats import percentile

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


# Every counter row's ticket as the page shows it: [counter, code, epoch ms] whenever a row first shows
# a ticket, noted by the page itself as the swap lands in the DOM (as tests/server/test_manage_monitor_live),
# and where the time went: when the swap's fetch was sent and when its answer came (epoch ms too).
WATCH_ROWS = """() => {
    window.seen = [];
    const floor = document.getElementById('floor'), known = new Map();
    const clock = () => performance.timeOrigin + performance.now();
    let sent = null, answered = null;  // of the fetch being swapped in (the next may be sent before the scan)
    floor.addEventListener('htmx:beforeRequest', event => { event.detail.xhr.sentAt = clock(); });
    floor.addEventListener('htmx:beforeSwap', event => { answered = clock(); sent = event.detail.xhr.sentAt; });
    const scan = () => {
        const at = clock();
        for (const row of floor.querySelectorAll('tr[data-counter]')) {
            const ticket = row.querySelector('[data-ticket]');
            const code = ticket ? ticket.dataset.ticket : null;
            if (code && known.get(row.dataset.counter) !== code) {
                window.seen.push([row.dataset.counter, code, at, sent, answered]);
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
    shown = [(counter, code, *(None if ms is None else int(ms * 1e6) - offset_ns for ms in times))
             for counter, code, *times in seen]
    Path(out).write_text(json.dumps({"shown": shown}))


def where_the_time_went(calls: list, shown: list, window: tuple[int, int]) -> dict:
    """Of each call shown in the page: from the counter's answer to its fetch being sent (the page waits
    for the event, and for the fetch in flight: one at a time), the fetch, and the answer to the DOM."""
    first = {}
    for counter, code, *times in shown:
        first.setdefault((counter, code), times)
    parts: dict[str, list] = {"to_fetch_ms": [], "fetch_ms": [], "to_dom_ms": []}
    for _id, counter, answered, code in (call[:4] for call in calls):
        times = first.get((counter, code))
        if not window[0] <= answered < window[1] or times is None or None in times:
            continue
        at, sent, came = times
        parts["to_fetch_ms"].append((sent - answered) / 1e6)  # below 0: the fetch left before the answer came
        parts["fetch_ms"].append((came - sent) / 1e6)
        parts["to_dom_ms"].append((at - came) / 1e6)
    return {name: percentile(values, 50) for name, values in parts.items()}
