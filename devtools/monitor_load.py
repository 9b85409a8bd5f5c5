"""Open floor-monitor pages as load: each holds the page's stream and fetches its fragment as htmx does.

A monitor page (`/manage/`, server/web/monitor.py) follows one summary stream. It fetches
`/manage/floor` with `HX-Request: true` on each frame of a type in `TRIGGERS`, on `queue.counts`
at most every COUNTS_EVERY_S (the last of a burst included), and every REFRESH_S; `hx-sync="this:queue
last"` keeps one fetch in flight and at most one more queued. A call, a start or an end (`LIVE`) changes
its counter's row from the event itself, as monitor.js does. `Monitor` does all that on the benchmark's
epoll engine, signed in with the session cookie of a real sign-in through the form, and notes when each
counter's row first shows each ticket. The browser phase (devtools/browser.py) notes the same in a real
page's DOM; `fragment_delivery` pairs either with the counters' calls.
"""

import json
import os
import re
import selectors
from pathlib import Path

import httpx

from .loadgen import Engine, Stream, http_request, ignore_interrupts, now_ns
from .stats import latency_spread

ROW = re.compile(rb'<tr data-counter="([^"]+)"(.*?)</tr>', re.S)
TICKET = re.compile(rb'data-ticket="([^"]+)"')
FRAME = re.compile(rb"^event: ?(\S+)\n(?:retry: \d+\n)?data: ?(.*)$", re.M)


BROWSER_USER = "pemantau-web"
BUILDING_EVERY = 10  # one page in ten watches the whole building (an admin), the rest their agency


def monitor_accounts(count: int, agencies: list[str], pin: str) -> list[tuple[str, str, str, str | None]]:
    """(username, PIN, role, agency) of the pages' people: the browser's admin, then `count` monitors."""
    people = [(BROWSER_USER, pin, "admin", None)]
    for i in range(count):
        building = i % BUILDING_EVERY == 0
        people.append((f"pemantau-{i + 1:02d}", pin, "admin" if building else "supervisor",
                       None if building else agencies[i % len(agencies)]))
    return people


def monitor_pages(count: int, site: dict) -> list[dict]:
    """What each monitor page watches: the building (its stream unfiltered) or an agency (its zone's stream)."""
    agencies = sorted(set(site["counter_agency"].values()))
    zone_of = {site["counter_agency"][c]: z for c, z in site["counter_zone"].items()}
    pages = []
    for username, _pin, _role, agency in monitor_accounts(count, agencies, "")[1:]:
        pages.append({"name": username, "username": username, "agency": agency,
                      "zone": zone_of[agency] if agency else None})
    return pages


def rows_shown(html: bytes) -> dict[str, str | None]:
    """Each counter row of a floor fragment and the ticket code it shows (None: no ticket)."""
    shown = {}
    for row in ROW.finditer(html):
        ticket = TICKET.search(row.group(2))
        shown[row.group(1).decode()] = ticket.group(1).decode() if ticket else None
    return shown


def sign_in(base_url: str, username: str, pin: str) -> str:
    """The `mpp_manage` session cookie of a sign-in through the form, as a browser does it."""
    with httpx.Client(base_url=base_url, timeout=60) as web:
        form = web.get("/manage/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        if form.status_code != 200 or token is None:
            raise RuntimeError(f"the sign-in form did not load (HTTP {form.status_code})")
        answer = web.post("/manage/login", data={"username": username, "pin": pin, "csrf_token": token.group(1)})
        cookie = web.cookies.get("mpp_manage")
        if answer.status_code != 303 or not cookie:
            raise RuntimeError(f"signing in {username} failed (HTTP {answer.status_code})")
        return cookie


class Monitor:
    """One open monitor page: its stream, its fragment fetches (one at a time, the last queued)."""

    def __init__(self, engine: Engine, name: str, cookie: str, zone: str | None, agency: str | None,
                 page: dict):
        port = engine.port
        self.engine, self.agency = engine, agency
        self.triggers, self.live, self.holding = page["triggers"], page["live"], page["holding"]
        self.counts_every_ns, self.refresh_ns = page["counts_every_ns"], page["refresh_ns"]
        self.counts_due, self.last_counts = None, 0
        headers = (f"Cookie: mpp_manage={cookie}",)
        stream_path = "/manage/events?summary=1" + (f"&zone={zone}" if zone else "")
        self.stream = Stream(name, "monitor", zone, None, stream_path, None, port, headers=headers)
        self.stream.on_frame = self.changed
        engine.sel.register(self.stream.sock, selectors.EVENT_READ, self.stream)
        self.conn = engine.connect()
        # An agency's supervisor asks without a query: their scope goes without saying (as the page does).
        self.raw = http_request("GET", "/manage/floor", None, port=port,
                                headers=(*headers, "HX-Request: true", "Accept: text/html"))
        self.busy = self.queued = False
        self.current: dict[str, str | None] = {}
        self.shown: list = []  # [counter, ticket code, received ns] when a row first shows a ticket
        self.fetches = 0

    def changed(self, frame: bytes, at: int) -> None:
        for kind, data in FRAME.findall(frame):
            if kind in self.triggers:
                self.fetch()
            elif kind == b"queue.counts":
                self.counts_changed()
            elif kind in self.live:
                self.show(json.loads(data), at)

    def show(self, event: dict, at: int) -> None:
        """What monitor.js does with a call, a start or an end: the counter's row shows the ticket
        while its status is one a counter holds, else none."""
        counter, ticket = event.get("counter"), event.get("ticket") or {}
        if counter is None:
            return
        code = ticket.get("code") if ticket.get("status") in self.holding else None
        if code is not None and self.current.get(counter) != code:
            self.shown.append((counter, code, at))
        self.current[counter] = code

    def counts_changed(self) -> None:
        """monitor.js: a fetch at most every `counts_every_ns`, the last change of a burst included."""
        if self.counts_due is not None:
            return
        self.counts_due = max(now_ns(), self.last_counts + self.counts_every_ns)
        self.engine.at(self.counts_due, self.counts_fetch)

    def counts_fetch(self) -> None:
        self.counts_due, self.last_counts = None, now_ns()
        self.fetch()

    def refresh(self) -> None:
        self.fetch()
        self.engine.at(now_ns() + self.refresh_ns, self.refresh)

    def fetch(self) -> None:
        if self.busy:
            self.queued = True  # queue last: one more after the one in flight, however many frames came
            return
        self.busy, self.queued = True, False
        if not self.engine.request(self.conn, "floor-fragment", self.raw, self.fetched):
            self.busy = False

    def fetched(self, status: int, body: bytes, at: int) -> None:
        self.busy = False
        self.fetches += 1
        if status == 200:
            for counter, code in rows_shown(body).items():
                if code is not None and self.current.get(counter) != code:
                    self.shown.append((counter, code, at))
                self.current[counter] = code
        if self.queued:
            self.fetch()


def monitor_worker(conf: dict, out: str, ready, stop) -> None:
    """Holds `conf["monitors"]` open pages until told to stop (or `max_s` passes)."""
    ignore_interrupts()
    from server.web import monitor as page  # the page's own lists: what the page reacts to, this does

    engine = Engine(conf["port"])
    behaviour = {"triggers": frozenset(t.encode() for t in page.TRIGGERS),
                 "live": frozenset(t.encode() for t in page.LIVE), "holding": frozenset(page.TICKET_STATUSES),
                 "counts_every_ns": int(page.COUNTS_EVERY_S * 1e9), "refresh_ns": int(page.REFRESH_S * 1e9)}
    monitors = [Monitor(engine, m["name"], m["cookie"], m["zone"], m["agency"], behaviour) for m in conf["monitors"]]
    for monitor in monitors:
        monitor.refresh()  # the page as it loads, then every REFRESH_S
    deadline = now_ns() + int(conf["max_s"] * 1e9)

    def check():
        if not ready.is_set() and all(m.stream.head_done or m.stream.error for m in monitors):
            ready.set()
        if stop.is_set():
            engine.stopping = True  # no new fetches; run() returns once those in flight are answered
        else:
            engine.at(now_ns() + 100_000_000, check)

    engine.at(0, check)
    engine.run(deadline)
    result = [{**m.stream.info, "agency": m.agency, "ok": bool(m.stream.ok), "error": m.stream.error,
               "frames": m.stream.frames, "fetches": m.fetches, "shown": m.shown} for m in monitors]
    for monitor in monitors:
        monitor.stream.sock.close()
    cpu = os.times()
    Path(out).write_text(json.dumps({"monitors": result, "samples": engine.samples, "errors": engine.errors,
                                     "cpu_s": cpu.user + cpu.system}))


def fragment_delivery(calls: list, pages: list[dict], counter_agency: dict, window: tuple[int, int]) -> dict:
    """Latency from each call's HTTP answer (calls within `window`) to the first time a page's row of
    that counter showed the called ticket, on every page whose scope holds the counter (`agency`
    None: the building)."""
    lo, hi = window
    latencies, missing, early = [], 0, 0
    for page in pages:
        first = {}
        for counter, code, at, *_ in page["shown"]:
            first.setdefault((counter, code), at)
        for call in calls:
            _id, counter, answered, code = call[:4]
            if not lo <= answered < hi or page["agency"] not in (None, counter_agency.get(counter)):
                continue
            at = first.get((counter, code))
            if at is None:
                missing += 1
                continue
            early += at < answered  # the fragment was read after the commit, before the counter had its answer
            latencies.append(max(0, at - answered) / 1e6)
    return {**latency_spread(latencies), "missing": missing, "before_answer": early}
