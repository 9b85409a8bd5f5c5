"""Load benchmark: the real server on loopback, a busy floor, then issuing flat out.

    python -m devtools.benchmark [--counters 200] [--kiosks 20] [--displays 50] [--duration 15] [--json]

It writes its own site file (20 agencies, 40 queues, 60 services, the counters
asked for, open around the clock, no quotas) into a temporary directory, starts
`mpp-server run` there and drives it over 127.0.0.1 only:

- phase 1 "floor": every display and counter holds an event stream
  (`?summary=1`); kiosks issue and confirm tickets at a steady rate; every
  counter opens once, then calls the next ticket at a steady rate.
  Call-to-display latency runs from the moment the call's HTTP answer reaches
  the counter client to the moment its `ticket.called` event reaches a display
  stream (CLOCK_MONOTONIC is system-wide on Linux, so two client processes can
  compare their `time.monotonic_ns()`).
- phase 1b "monitors": phase 1 again with `--monitors` floor-monitor pages open (`devtools.monitor_load`:
  each signed in through the form, on the page's stream, fetching its fragment as htmx does): the
  kiosk/counter API p99 against phase 1's, and each call's way to the pages' rows.
- phase 1c "browser": phase 1 again with one monitor page of the whole building in Debian's Chromium
  (`devtools.browser`): a MutationObserver notes when each called ticket reaches its counter's row in
  the DOM (the page's epoch clock, turned into the monotonic one).
- phase 2 "capacity": kiosks issue as fast as the server answers (closed loop,
  keep-alive), the streams still connected.

The clients are a few processes, each one thread over non-blocking sockets
(epoll, `devtools.loadgen`: why not the apps' client is measured there), so that
the two cores go to the server. The report lists every target with PASS or MISS.

Exit codes: 0 every target passed; 1 at least one target missed (MISS); 2 the run
itself failed (the server or a client process died, a phase could not start), so
there is no verdict; 3 the run overran its hard deadline; 130 interrupted.
"""

import argparse
import json
import multiprocessing
import os
import random
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mpp_client.api import ApiClient

from .browser import browser_worker, how_rows_changed, unavailable
from .loadgen import Engine, http_request, ignore_interrupts, now_ns, run_batch, stream_worker
from .monitor_load import BROWSER_USER, fragment_delivery, monitor_accounts, monitor_pages, monitor_worker, sign_in
from .stats import latency_spread

MPP_NOW = "2026-11-23T08:00:00+07:00"
TARGETS = {"display_p99_ms": 20.0, "api_p99_ms": 25.0, "issues_per_s": 1000.0, "rss_mb": 120.0,
           "monitor_dom_p99_ms": 100.0, "monitor_api_impact_pct": 10.0}
PIN = "24680"


# ---------------------------------------------------------------- the site file

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O, Q: easily confused when read aloud


def site_toml(counters: int, agencies: int = 20) -> tuple[str, dict]:
    """A site of `agencies` agencies in two zones, two queues and three services each, and
    `counters` counters spread over the agencies, each calling from one or both of its queues.
    Returns the TOML text and what the clients need: services, and each counter's zone."""
    agencies = max(1, min(agencies, counters))
    prefixes = [a + b for a in LETTERS for b in LETTERS]
    days = "\n".join(f'{day} = "00:00-23:59"' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    out = [
        "[site]", 'name = "MPP Benchmark"', 'timezone = "Asia/Jakarta"', "ticket_cutoff_minutes = 0",
        "printing_timeout_seconds = 3600", 'priority_ratio = "1:2"', "", "[site.hours]", days, "",
        '[[site.priority_categories]]\ncode = "lansia"\nname = "Lanjut usia"', "",
        '[[zones]]\ncode = "1"\nname = "Lantai 1"', "", '[[zones]]\ncode = "2"\nname = "Lantai 2"', "",
    ]
    zone_of = {}
    services = []
    for a in range(agencies):
        for k in (1, 2):
            out += ["[[queues]]", f'code = "G{a + 1:02d}-Q{k}"', f'prefix = "{prefixes[2 * a + k - 1]}"',
                    f'name = "Antrian {a + 1}.{k}"', ""]
    for a in range(agencies):
        zone_of[a] = "1" if a < (agencies + 1) // 2 else "2"
        out += ["[[agencies]]", f'code = "G{a + 1:02d}"', f'name = "Instansi {a + 1}"', f'zone = "{zone_of[a]}"', ""]
        for s, k in ((1, 1), (2, 2), (3, 1)):
            code = f"G{a + 1:02d}-S{s}"
            services.append(code)
            out += ["[[agencies.services]]", f'code = "{code}"', f'name = "Layanan {a + 1}.{s}"',
                    f'queue = "G{a + 1:02d}-Q{k}"', "default_minutes = 6", ""]
    counter_zone, counter_agency = {}, {}
    for i in range(counters):
        a, j = i % agencies, i // agencies
        queues = [[1, 2], [1], [2]][j % 3]
        code = f"L{i + 1:03d}"
        counter_zone[code] = zone_of[a]
        counter_agency[code] = f"G{a + 1:02d}"
        listed = ", ".join(f'"G{a + 1:02d}-Q{k}"' for k in queues)
        out += ["[[counters]]", f'code = "{code}"', f'name = "Loket {i + 1}"', f'agency = "G{a + 1:02d}"',
                f'zone = "{zone_of[a]}"', f"queues = [{listed}]", ""]
    return "\n".join(out), {"services": services, "counter_zone": counter_zone, "counter_agency": counter_agency,
                            "queues": 2 * agencies}


class Kiosk:
    """Issues tickets on its own connection: paced (every `interval_ns`) or closed loop (interval 0),
    optionally confirming each print, until a shared budget runs out."""

    def __init__(self, engine: Engine, token: str, services: list[str], rng: random.Random, tag: str,
                 interval_ns: int = 0, confirm: bool = True, budget: list | None = None):
        self.engine, self.token, self.services, self.rng, self.tag = engine, token, services, rng, tag
        self.interval_ns, self.confirm, self.budget = interval_ns, confirm, budget
        self.conn = engine.connect()
        self.seq = 0
        self.due = 0

    def start(self, first_ns: int) -> None:
        self.due = first_ns
        self.engine.at(first_ns, self.fire)

    def fire(self) -> None:
        if self.budget is not None:
            if self.budget[0] <= 0:
                return
            self.budget[0] -= 1
        self.seq += 1
        priority = "lansia" if self.rng.random() < 0.1 else None
        body = json.dumps({"service": self.rng.choice(self.services), "priority": priority,
                           "request_id": f"{self.tag}-{self.seq}-{self.rng.getrandbits(32):08x}"}).encode()
        self.engine.request(self.conn, "issue", http_request("POST", "/api/tickets", self.token, body,
                                                             self.engine.port), self.issued)

    def issued(self, status: int, body: bytes, _at: int) -> None:
        if status == 201 and self.confirm:
            ticket_id = json.loads(body)["id"]
            raw = http_request("POST", f"/api/tickets/{ticket_id}/printed", self.token, b"", self.engine.port)
            if self.engine.request(self.conn, "printed", raw, self.printed, finishing=True):
                return
        self.next()

    def printed(self, _status: int, _body: bytes, _at: int) -> None:
        self.next()

    def next(self) -> None:
        if self.interval_ns:
            self.due += self.interval_ns
            self.engine.at(self.due, self.fire)
        else:
            self.fire()


class Counter:
    """An officer at one counter pressing call-next every `interval_ns`."""

    def __init__(self, engine: Engine, token: str, code: str, interval_ns: int, calls: list, empty: list):
        self.engine, self.code, self.interval_ns, self.calls, self.empty = engine, code, interval_ns, calls, empty
        self.raw = http_request("POST", f"/api/counters/{code}/call-next", token, b"", engine.port)
        self.conn = engine.connect()
        self.due = 0

    def start(self, first_ns: int) -> None:
        self.due = first_ns
        self.engine.at(first_ns, self.fire)

    def fire(self) -> None:
        self.engine.request(self.conn, "call-next", self.raw, self.answered)

    def answered(self, status: int, body: bytes, at: int) -> None:
        if status == 200:
            ticket = json.loads(body)["ticket"]
            if ticket:
                self.calls.append((ticket["id"], self.code, at, ticket["code"]))
            else:
                self.empty[0] += 1
        self.due += self.interval_ns
        self.engine.at(self.due, self.fire)


# ---------------------------------------------------------------- client processes


def _engine_result(engine: Engine, **extra) -> dict:
    cpu = os.times()
    return {"samples": engine.samples, "errors": engine.errors, "max_lag_ms": engine.max_lag_ns / 1e6,
            "cpu_s": cpu.user + cpu.system, **extra}


def floor_worker(conf: dict, out: str) -> None:
    """Phase 1: kiosks at a steady rate, counters calling at a steady rate, each on its own connection."""
    ignore_interrupts()
    engine = Engine(conf["port"])
    rng = random.Random(conf["seed"])
    start, calls, empty = conf["start_ns"], [], [0]
    kiosk_ns = int(1e9 / conf["kiosk_rate"])
    kiosks = [Kiosk(engine, token, conf["services"], rng, f"k{i}-{conf['seed']}", kiosk_ns)
              for i, token in enumerate(conf["kiosk_tokens"])]
    counter_ns = int(conf["call_interval"] * 1e9)
    counters = [Counter(engine, conf["officer_tokens"][code], code, counter_ns, calls, empty)
                for code in conf["counters"]]
    for i, kiosk in enumerate(kiosks):  # spread evenly over one interval, so the load is flat
        kiosk.start(start + i * kiosk_ns // len(kiosks))
    for i, counter in enumerate(counters):
        counter.start(start + i * counter_ns // len(counters))
    engine.run(conf["until_ns"])
    Path(out).write_text(json.dumps(_engine_result(engine, calls=calls, empty_calls=empty[0])))


def capacity_worker(conf: dict, out: str) -> None:
    """Phase 2: kiosks issuing back to back (no print confirmation), one connection each."""
    ignore_interrupts()
    engine = Engine(conf["port"])
    rng = random.Random(conf["seed"])
    kiosks = [Kiosk(engine, token, conf["services"], rng, f"c{i}-{conf['seed']}", confirm=False)
              for i, token in enumerate(conf["kiosk_tokens"])]
    for kiosk in kiosks:
        kiosk.start(conf["start_ns"])
    engine.run(conf["until_ns"])
    Path(out).write_text(json.dumps(_engine_result(engine)))


# ---------------------------------------------------------------- numbers


def merge(results: list[dict]) -> tuple[dict, dict]:
    samples, errors = {}, {}
    for result in results:
        for kind, rows in result["samples"].items():
            samples.setdefault(kind, []).extend(rows)
        for key, count in result["errors"].items():
            errors[key] = errors.get(key, 0) + count
    return samples, errors


def answered_ms(rows) -> list[float]:
    return [lat / 1000 for _, lat, status in rows if status]


def ok_count(rows, status: int) -> int:
    return sum(1 for row in rows if row[2] == status)


def delivery(calls: list, streams: list[dict], call_key, stream_key) -> dict:
    """Latency from each call's HTTP answer to its ticket.called on every stream that should show it
    (those whose `stream_key` equals the call's `call_key`: the counter's zone, or the counter)."""
    latencies, missing, early = [], 0, 0
    calls_by_key: dict = {}
    for call in calls:
        calls_by_key.setdefault(call_key(call), []).append(call)
    for stream in streams:
        arrived = {}
        for ticket_id, at in stream["called"]:
            arrived.setdefault(ticket_id, at)
        for ticket_id, _counter, answered, *_ in calls_by_key.get(stream_key(stream), ()):
            at = arrived.get(ticket_id)
            if at is None:
                missing += 1
                continue
            early += at < answered  # the event left before the HTTP answer: latency 0
            latencies.append(max(0, at - answered) / 1e6)
    return {**latency_spread(latencies), "missing": missing, "before_answer": early}


# ---------------------------------------------------------------- the run


def filesystem_of(path: Path) -> str:
    """The type of the file system holding `path` (ext4, tmpfs …): tmpfs makes fsync free."""
    import psutil

    best = ("", "?")
    for part in psutil.disk_partitions(all=True):
        mount = part.mountpoint.rstrip(os.sep) + os.sep
        if (str(path) + os.sep).startswith(mount) and len(mount) > len(best[0]):
            best = (mount, part.fstype)
    return best[1]


class Run:
    """Owns the server and every client process, and ends them all, whatever happens."""

    def __init__(self, args, tmp: Path):
        self.args, self.tmp = args, tmp
        self.mp = multiprocessing.get_context("spawn")
        self.children: list = []
        self.floors = 0
        self.server = None
        self.rss: list[tuple[int, int]] = []  # (ns, bytes) every 50 ms
        self.done = threading.Event()
        self.lock = threading.Lock()

    def cleanup(self) -> None:
        with self.lock:
            self.done.set()
            for child in self.children:
                if child.is_alive():
                    child.terminate()
            for child in self.children:
                child.join(3)
                if child.is_alive():
                    child.kill()
                    child.join(1)
            self.children = []
            if self.server is not None:
                self.server.stop()

    def _sample_rss(self, proc) -> None:
        import psutil

        while not self.done.wait(0.05):
            try:
                self.rss.append((now_ns(), proc.memory_info().rss))
            except psutil.Error:
                return

    def _spawn(self, name: str, target, conf: dict, *extra):
        out = self.tmp / f"{name}.json"
        child = self.mp.Process(target=target, args=(conf, str(out), *extra), name=name, daemon=True)
        child.start()
        self.children.append(child)
        return child, out

    @staticmethod
    def _collect(child, out: Path, timeout: float) -> dict:
        child.join(timeout)
        if child.is_alive():
            child.kill()
            raise RuntimeError(f"client process {child.name} did not finish within {timeout:.0f} s")
        if not out.exists():
            raise RuntimeError(f"client process {child.name} failed (exit code {child.exitcode})")
        return json.loads(out.read_text())

    def _window(self, proc, start_ns: int, until_ns: int) -> float:
        """Sleep through a phase; the server's CPU use during it, in % of one core."""
        time.sleep(max(0.0, (start_ns - now_ns()) / 1e9))
        before = proc.cpu_times()
        time.sleep(max(0.0, (until_ns - now_ns()) / 1e9))
        after = proc.cpu_times()
        if self.server.process.poll() is not None:
            raise RuntimeError(f"the server exited (code {self.server.process.returncode}) during the run")
        return 100 * (after.user + after.system - before.user - before.system) / ((until_ns - start_ns) / 1e9)

    def _floor(self, name: str, proc, conf: dict) -> tuple[dict, float, tuple[int, int]]:
        """One floor phase (kiosks and counters at their steady rates): its figures, server CPU, window."""
        start = now_ns() + 2 * 10**9  # room for the client process to start and connect
        window = (start, start + int(self.args.duration * 1e9))
        floor, floor_out = self._spawn(name, floor_worker, {**conf, "start_ns": window[0], "until_ns": window[1],
                                                            "seed": conf["seed"] + self.floors})
        self.floors += 1  # another seed each time: the kiosks' request ids must not repeat (idempotency)
        cpu = self._window(proc, *window)
        # A server swamped by monitor pages is slow to accept the floor's 220 connections: room for that too.
        return self._collect(floor, floor_out, 60 + self.args.duration), cpu, window

    def _watched(self, name: str, proc, floor_conf: dict, worker, conf: dict) -> dict:
        """A floor phase with `worker` (monitor pages, a browser) open: its figures and the watcher's."""
        ready, stop = self.mp.Event(), self.mp.Event()
        child, out = self._spawn(name, worker, {**conf, "port": self.server.port,
                                                "max_s": 3 * self.args.duration + 90}, ready, stop)
        connect_by = time.monotonic() + 60
        while not ready.wait(0.2):
            if not child.is_alive() or time.monotonic() > connect_by:
                raise RuntimeError(f"{name} did not get ready (exit code {child.exitcode})")
        log(f"{name} ready; floor phase for {self.args.duration:g} s")
        phase, cpu, window = self._floor(f"floor-{name}", proc, floor_conf)
        time.sleep(1.0)  # the last calls reach the pages
        stop.set()
        return {"phase": phase, "cpu": cpu, "window": window, "watched": self._collect(child, out, 30)}

    def _with_monitors(self, proc, floor_conf: dict, site: dict) -> dict:
        pages = monitor_pages(self.args.monitors, site)
        with ThreadPoolExecutor(4) as pool:  # the server checks 2 PINs at a time
            cookies = list(pool.map(lambda m: sign_in(self.server.url, m["username"], PIN), pages))
        conf = {"monitors": [{**m, "cookie": cookie} for m, cookie in zip(pages, cookies)]}
        log(f"{len(pages)} monitor pages signed in through the form")
        return self._watched("monitors", proc, floor_conf, monitor_worker, conf)

    def _with_browser(self, proc, floor_conf: dict) -> dict:
        if self.args.no_browser:
            return {"skipped": "--no-browser"}
        missing = unavailable()
        if missing:
            log(f"browser phase not measured: {missing}")
            return {"skipped": missing, "not_measured": True}
        conf = {"url": self.server.url, "username": BROWSER_USER, "pin": PIN}
        return self._watched("browser", proc, floor_conf, browser_worker, conf)

    def execute(self) -> dict:
        import psutil

        from .launcher import ServerProcess, add_officers, add_token, prepare_database

        a, tmp = self.args, self.tmp
        text, site = site_toml(a.counters)
        site_path, db = tmp / "bench-site.toml", tmp / "bench.db"
        site_path.write_text(text, encoding="utf-8")
        prepare_database(db, site_path=site_path, now=MPP_NOW)
        kiosk_tokens = [add_token(db, "kiosk", f"Kios {i + 1}", str(1 + i % 2)) for i in range(a.kiosks)]
        display_zones = [str(1 + i % 2) for i in range(a.displays)]
        display_tokens = [add_token(db, "display", f"Layar {i + 1}", z) for i, z in enumerate(display_zones)]
        counters, zone_of = list(site["counter_zone"]), site["counter_zone"]
        # An officer at every counter, as on a real floor (each one's figures of the day are their own).
        add_officers(db, [(f"petugas-{c}", PIN, "officer", site["counter_agency"][c]) for c in counters]
                     + monitor_accounts(a.monitors, sorted(set(site["counter_agency"].values())), PIN))

        self.server = ServerProcess(db, now=MPP_NOW)  # known before it starts, so cleanup can stop it
        self.server.start()
        port, proc = self.server.port, psutil.Process(self.server.process.pid)
        threading.Thread(target=self._sample_rss, args=(proc,), daemon=True).start()
        log(f"server pid {proc.pid} at {self.server.url}; site: {len(site['services'])} services, "
            f"{site['queues']} queues, {len(counters)} counters")
        def login(username: str) -> str:
            with ApiClient(self.server.url, timeout=60) as api:  # as the counter app logs in
                return api.login(username, PIN)["token"]

        with ThreadPoolExecutor(8) as pool:
            officers = dict(zip(counters, pool.map(login, [f"petugas-{c}" for c in counters])))
        opened = run_batch(port, [("open", http_request("POST", f"/api/counters/{c}/open", officers[c], b"",
                                                                 port)) for c in counters])
        if opened.errors:
            raise RuntimeError(f"opening the counters failed: {opened.errors}")
        prefill = a.prefill if a.prefill is not None else 25 * site["queues"]
        log(f"{len(counters)} counters open; issuing {prefill} tickets so the queues start full")
        engine, budget, rng = Engine(port), [prefill], random.Random(a.seed)
        for i in range(8):
            Kiosk(engine, kiosk_tokens[i % len(kiosk_tokens)], site["services"], rng, f"p{i}", budget=budget).start(0)
        engine.run(now_ns() + 120 * 10**9, stop_when_idle=True)
        if engine.errors:
            raise RuntimeError(f"filling the queues failed: {engine.errors}")

        stream_conf = {"port": port, "display_zones": display_zones, "display_tokens": display_tokens,
                       "counters": counters, "counter_zone": zone_of, "officer_tokens": officers,
                       "max_s": 5 * a.duration + 150}
        ready, stop = self.mp.Event(), self.mp.Event()
        streams, streams_out = self._spawn("streams", stream_worker, stream_conf, ready, stop)
        connect_by = time.monotonic() + 60
        while not ready.wait(0.2):
            if not streams.is_alive() or time.monotonic() > connect_by:
                raise RuntimeError(f"the event streams did not connect (stream process exit code {streams.exitcode})")
        health = self.server.health()
        log(f"{health['streams']} event streams open on the server; phase 1 (floor) for {a.duration:g} s")

        d_ns = int(a.duration * 1e9)
        floor_conf = {"port": port, "seed": a.seed, "kiosk_tokens": kiosk_tokens, "kiosk_rate": a.kiosk_rate,
                      "services": site["services"], "officer_tokens": officers, "counters": counters,
                      "call_interval": a.call_interval}
        phase1, cpu1, (start1, _) = self._floor("floor", proc, floor_conf)
        extra = {"monitors": self._with_monitors(proc, floor_conf, site) if a.monitors else None,
                 "browser": self._with_browser(proc, floor_conf)}

        log(f"phase 2 (capacity) for {a.duration:g} s: {a.kiosks} kiosks over {a.capacity_procs} processes")
        start2 = now_ns() + 2 * 10**9
        workers = []
        for p in range(a.capacity_procs):
            conf = {"port": port, "seed": a.seed * 100 + p, "start_ns": start2, "until_ns": start2 + d_ns,
                    "services": site["services"], "kiosk_tokens": kiosk_tokens[p::a.capacity_procs]}
            workers.append(self._spawn(f"capacity-{p + 1}", capacity_worker, conf))
        cpu2 = self._window(proc, start2, start2 + d_ns)
        phase2 = [self._collect(child, out, 30) for child, out in workers]

        time.sleep(0.5)  # the last events reach the streams
        health = self.server.health()
        stop.set()
        stream_result = self._collect(streams, streams_out, 15)
        rss_end = proc.memory_info().rss
        self.done.set()
        db_bytes = sum(p.stat().st_size for p in tmp.glob("bench.db*"))
        return {**extra, "site": site, "phase1": phase1, "phase2": phase2, "streams": stream_result, "rss": self.rss,
                "rss_end": rss_end, "cpu": (cpu1, cpu2), "health": health, "db_bytes": db_bytes,
                "db_dir": str(tmp), "db_fs": filesystem_of(tmp),
                "windows": ((start1, start1 + d_ns), (start2, start2 + d_ns))}


# ---------------------------------------------------------------- the report


def longest_gap_s(times: list[int], window: tuple[int, int]) -> float:
    """The longest time within `window` with no RSS sample (taken every 50 ms): above a second, the
    benchmark itself did not run (a machine that stalled or a VM paused), and the phase's figures are void."""
    lo, hi = window
    inside = [lo] + sorted(t for t in times if lo <= t <= hi) + [hi]
    return max(b - a for a, b in zip(inside, inside[1:])) / 1e9


def counts_rate(streams: list[dict], window: tuple[int, int]) -> float:
    """queue.counts frames per display stream per second within a phase."""
    lo, hi = window
    if not streams:
        return 0.0
    total = sum(1 for s in streams for at in s["counts_ns"] if lo <= at < hi)
    return total / len(streams) / ((hi - lo) / 1e9)


def summarise(args, raw: dict) -> dict:
    d = args.duration
    zone_of = raw["site"]["counter_zone"]
    (w1, w2), (cpu1, cpu2) = raw["windows"], raw["cpu"]
    streams = raw["streams"]["streams"]
    displays = [s for s in streams if s["kind"] == "display"]
    counter_streams = [s for s in streams if s["kind"] == "counter"]
    broken = [f"{s['name']}: {s['error'] or 'no answer'}" for s in streams if not s["ok"] or s["error"]]

    p1 = raw["phase1"]
    samples1, errors1 = merge([p1])
    calls = p1["calls"]
    display = delivery(calls, displays, lambda call: zone_of[call[1]], lambda s: s["zone"])
    at_counter = delivery(calls, counter_streams, lambda call: call[1], lambda s: s["counter"])
    issued1 = ok_count(samples1.get("issue", []), 201)
    api = latency_spread([ms for rows in samples1.values() for ms in answered_ms(rows)])
    problems1 = {"broken streams": len(broken), "display deliveries missing": display["missing"],
                 "counter-stream deliveries missing": at_counter["missing"]}
    errors1.update((what, n) for what, n in problems1.items() if n)

    samples2, errors2 = merge(raw["phase2"])
    issues2 = samples2.get("issue", [])
    issued2 = ok_count(issues2, 201)
    per_second = [0] * max(1, int(d))
    for sent, lat, status in issues2:
        second = int((sent + lat * 1000 - w2[0]) // 10**9)
        if status == 201 and 0 <= second < len(per_second):
            per_second[second] += 1

    watched = {name: watched_summary(raw.get(name), api, raw["site"], raw["rss"]) for name in ("monitors", "browser")}
    rss = [b for _, b in raw["rss"]]
    rss1 = [b for t, b in raw["rss"] if w1[0] <= t < w1[1]]
    rss2 = [b for t, b in raw["rss"] if w2[0] <= t < w2[1]]
    rss0 = [b for t, b in raw["rss"] if t < w1[0]]
    mb = 1024 * 1024
    rss_peak = max(rss + [raw["rss_end"]]) / mb
    return {
        "config": {"counters": args.counters, "kiosks": args.kiosks, "displays": args.displays, "duration_s": d,
                   "kiosk_rate_per_s": args.kiosk_rate, "call_interval_s": args.call_interval,
                   "capacity_processes": args.capacity_procs, "cpus": os.cpu_count(),
                   "database_dir": raw["db_dir"], "database_fs": raw["db_fs"]},
        "floor": {
            "streams_open": len(streams) - len(broken), "streams_expected": len(streams),
            "tickets_per_s": issued1 / d, "printed_per_s": ok_count(samples1.get("printed", []), 200) / d,
            "calls_per_s": (len(calls) + p1["empty_calls"]) / d, "calls_with_ticket_per_s": len(calls) / d,
            "empty_calls": p1["empty_calls"],
            "api_ms": api, "api_by_kind_ms": {k: latency_spread(answered_ms(rows)) for k, rows in samples1.items()},
            "call_to_display_ms": display, "call_to_counter_stream_ms": at_counter,
            "queue_counts_per_display_s": counts_rate(displays, w1),
            "errors": sum(errors1.values()), "error_detail": errors1,
            "broken_streams": broken[:5], "server_cpu_pct": cpu1,
            "rss_peak_mb": max(rss1, default=0) / mb, "client_max_lag_ms": p1["max_lag_ms"],
        },
        **watched,
        "capacity": {
            "issues_per_s": issued2 / d, "worst_second": min(per_second), "best_second": max(per_second),
            "issue_ms": latency_spread(answered_ms(issues2)), "errors": sum(errors2.values()), "error_detail": errors2,
            "queue_counts_per_display_s": counts_rate(displays, w2), "server_cpu_pct": cpu2,
            "rss_peak_mb": max(rss2, default=0) / mb,
        },
        "server": {"rss_peak_mb": rss_peak, "rss_end_mb": raw["rss_end"] / mb,
                   "rss_setup_peak_mb": max(rss0, default=0) / mb, "db_mb": raw["db_bytes"] / mb,
                   "longest_stall_s": {name: longest_gap_s([t for t, _ in raw["rss"]], tuple(window))
                                       for name, window in [("floor", w1), ("capacity", w2)]
                                       + [(k, raw[k]["window"]) for k in ("monitors", "browser")
                                          if raw.get(k) and "window" in raw[k]]},
                   "errors": sum(errors1.values()) + sum(errors2.values()),
                   "events": raw["health"].get("last_event_id"), "streams_at_end": raw["health"].get("streams")},
        "client_cpu_s": {"floor": p1["cpu_s"], "streams": raw["streams"]["cpu_s"],
                         "capacity": sum(r["cpu_s"] for r in raw["phase2"])},
    }


def watched_summary(raw: dict | None, baseline_api: dict, site: dict, rss: list) -> dict | None:
    """A floor phase with monitor pages (or the browser's page) open: the kiosk/counter API against
    phase 1 without them, and each call's way to the pages' rows. None: the phase was not asked for."""
    if raw is None:
        return None
    if "skipped" in raw:
        return {"skipped": raw["skipped"], "not_measured": raw.get("not_measured", False)}
    phase, watched = raw["phase"], raw["watched"]
    samples, errors = merge([phase])
    api = latency_spread([ms for rows in samples.values() for ms in answered_ms(rows)])
    before, after = baseline_api["p99"], api["p99"]
    pages = watched.get("monitors") or [{"agency": None, "shown": watched["shown"], "ok": True, "error": None}]
    delivery = fragment_delivery(phase["calls"], pages, site["counter_agency"], tuple(raw["window"]))
    broken = [f"{p['name']}: {p['error'] or 'no answer'}" for p in pages if not p["ok"] or p["error"]]
    problems = {**errors, **{f"pages: {k}": n for k, n in watched.get("errors", {}).items()},
                "broken monitor streams": len(broken), "calls never shown": delivery["missing"]}
    problems = {what: n for what, n in problems.items() if n}
    fetches = watched.get("samples", {}).get("floor-fragment", [])
    lo, hi = raw["window"]
    seconds = (hi - lo) / 1e9
    return {"pages": len(pages), "api_ms": api, "api_p99_change_pct": 100 * (after / before - 1) if after and before
            else None, "call_to_row_ms": delivery, "fragment_ms": latency_spread(answered_ms(fetches)),
            "rows_changed_by": how_rows_changed(phase["calls"], watched["shown"], (lo, hi))
            if "shown" in watched else None,
            "fragments_per_page_s": len(fetches) / len(pages) / seconds, "server_cpu_pct": raw["cpu"],
            "rss_peak_mb": max((b for t, b in rss if lo <= t < hi), default=0) / 1024 / 1024,
            "calls_with_ticket_per_s": len(phase["calls"]) / seconds, "pages_client_cpu_s": watched.get("cpu_s"),
            "errors": sum(problems.values()), "error_detail": problems, "broken_streams": broken[:5]}


# Exit codes (see the module's docstring): a CI job or `tasks.py bench` fails on a miss.
EXIT_PASS, EXIT_MISS, EXIT_FAILED, EXIT_OVERDUE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def judge(summary: dict, targets: dict = TARGETS) -> dict:
    """PASS or MISS per target; a figure that was never measured (no samples) is a MISS."""
    floor, capacity = summary["floor"], summary["capacity"]
    checks = {
        "api_p99": floor["api_ms"]["p99"] is not None and floor["api_ms"]["p99"] <= targets["api_p99_ms"],
        "display_p99": floor["call_to_display_ms"]["p99"] is not None
        and floor["call_to_display_ms"]["p99"] <= targets["display_p99_ms"],
        "floor_errors": floor["errors"] == 0,
        "issues_per_s": capacity["issues_per_s"] >= targets["issues_per_s"],
        "capacity_errors": capacity["errors"] == 0,
        "rss": summary["server"]["rss_peak_mb"] <= targets["rss_mb"],
    }
    monitors, page = summary.get("monitors"), summary.get("browser")
    if monitors is not None:  # `--monitors 0` leaves the phase out; a phase that ran and measured nothing misses
        change = monitors.get("api_p99_change_pct")
        checks["monitor_api_impact"] = change is not None and change <= targets["monitor_api_impact_pct"]
        checks["monitor_errors"] = monitors.get("errors") == 0
    if page is not None and (page.get("not_measured") or "skipped" not in page):  # `--no-browser`: left out
        p99 = page.get("call_to_row_ms", {}).get("p99")
        checks["monitor_dom_p99"] = p99 is not None and p99 <= targets["monitor_dom_p99_ms"]
    return {name: "PASS" if ok else "MISS" for name, ok in checks.items()}


def verdict(summary: dict, targets: dict = TARGETS) -> int:
    """The exit code of a finished run: EXIT_PASS when every target holds, else EXIT_MISS."""
    return EXIT_MISS if "MISS" in judge(summary, targets).values() else EXIT_PASS


def _ms(s: dict) -> str:
    if not s["n"]:
        return "no samples"
    return f"{s['p50']:.1f} / {s['p95']:.1f} / {s['p99']:.1f} ms"


def watched_rows(summary: dict, verdict: dict) -> list[tuple]:
    """The report's rows of the phases with monitor pages and with the browser's page."""
    rows: list[tuple] = []
    monitors, page = summary.get("monitors"), summary.get("browser")
    d = summary["config"]["duration_s"]
    if monitors is not None and "skipped" not in monitors:
        change = monitors["api_p99_change_pct"]
        rows += [
            (f"Phase 1b: floor with {monitors['pages']} monitor pages ({d:g} s)",),
            ("API latency p50 / p95 / p99", _ms(monitors["api_ms"])),
            ("  API p99 against phase 1", "not measured" if change is None else f"{change:+.1f} %",
             f"<= +{TARGETS['monitor_api_impact_pct']:g} %", verdict["monitor_api_impact"]),
            ("call-to-fragment p50 / p95 / p99", _ms(monitors["call_to_row_ms"])),
            ("  rows shown (before the answer)",
             f"{monitors['call_to_row_ms']['n']} ({monitors['call_to_row_ms']['before_answer']})"),
            ("fragment fetch p50 / p95 / p99", _ms(monitors["fragment_ms"])),
            ("fragments per page/s", f"{monitors['fragments_per_page_s']:.1f}"),
            ("errors", str(monitors["errors"]), "0", verdict["monitor_errors"]),
            ("server CPU (one core = 100 %)", f"{monitors['server_cpu_pct']:.0f} %"),
            ("server RSS peak", f"{monitors['rss_peak_mb']:.1f} MB"),
            ("client CPU s of the pages", f"{monitors['pages_client_cpu_s']:.1f}"),
        ]
    if page is not None:
        rows.append((f"Phase 1c: floor with one monitor page in Chromium ({d:g} s)",))
        if "skipped" in page:
            told = ("not measured: " if page["not_measured"] else "left out: ") + page["skipped"]
            rows.append(("call-to-DOM p99", told,
                         f"<= {TARGETS['monitor_dom_p99_ms']:g} ms", verdict.get("monitor_dom_p99", "")))
        else:
            rows += [
                ("call-to-DOM p50 / p95 / p99", _ms(page["call_to_row_ms"]),
                 f"p99 <= {TARGETS['monitor_dom_p99_ms']:g} ms", verdict["monitor_dom_p99"]),
                ("  rows changed by their event / by a fetch",
                 f"{page['rows_changed_by']['event']} / {page['rows_changed_by']['fetch']}"),
                ("  rows changed (calls never shown)",
                 f"{page['call_to_row_ms']['n']} ({page['call_to_row_ms']['missing']})"),
                ("API latency p50 / p95 / p99", _ms(page["api_ms"])),
                ("server CPU (one core = 100 %)", f"{page['server_cpu_pct']:.0f} %"),
            ]
    return rows


def report(summary: dict, verdict: dict) -> str:
    c, floor, cap, srv = summary["config"], summary["floor"], summary["capacity"], summary["server"]
    rows: list[tuple] = [
        (f"Phase 1: floor ({c['duration_s']:g} s)",),
        ("event streams open", f"{floor['streams_open']} / {floor['streams_expected']}"),
        ("tickets issued/s (issue + printed)",
         f"{floor['tickets_per_s']:.1f} (printed {floor['printed_per_s']:.1f})"),
        ("calls/s (with a ticket)", f"{floor['calls_per_s']:.1f} ({floor['calls_with_ticket_per_s']:.1f})"),
        ("API latency p50 / p95 / p99", _ms(floor["api_ms"]), f"p99 <= {TARGETS['api_p99_ms']:g} ms",
         verdict["api_p99"]),
        *((f"  {kind} ({s['n']})", _ms(s)) for kind, s in floor["api_by_kind_ms"].items()),
        ("call-to-display p50 / p95 / p99", _ms(floor["call_to_display_ms"]),
         f"p99 <= {TARGETS['display_p99_ms']:g} ms", verdict["display_p99"]),
        ("  deliveries (before the answer)",
         f"{floor['call_to_display_ms']['n']} ({floor['call_to_display_ms']['before_answer']})"),
        ("call-to-counter-stream p50/p95/p99", _ms(floor["call_to_counter_stream_ms"])),
        ("queue.counts per display stream/s", f"{floor['queue_counts_per_display_s']:.2f}"),
        ("errors", str(floor["errors"]), "0", verdict["floor_errors"]),
        ("server CPU (one core = 100 %)", f"{floor['server_cpu_pct']:.0f} %"),
        ("server RSS peak", f"{floor['rss_peak_mb']:.1f} MB"),
        ("client schedule lag max", f"{floor['client_max_lag_ms']:.1f} ms"),
        *watched_rows(summary, verdict),
        (f"Phase 2: capacity ({c['duration_s']:g} s, {c['kiosks']} kiosks flat out)",),
        ("durable issues/s (POST /api/tickets)", f"{cap['issues_per_s']:.0f}", f">= {TARGETS['issues_per_s']:g}/s",
         verdict["issues_per_s"]),
        ("  worst / best second", f"{cap['worst_second']} / {cap['best_second']}"),
        ("issue latency p50 / p95 / p99", _ms(cap["issue_ms"])),
        ("queue.counts per display stream/s", f"{cap['queue_counts_per_display_s']:.2f}"),
        ("errors", str(cap["errors"]), "0", verdict["capacity_errors"]),
        ("server CPU (one core = 100 %)", f"{cap['server_cpu_pct']:.0f} %"),
        ("server RSS peak", f"{cap['rss_peak_mb']:.1f} MB"),
        ("Server",),
        ("RSS peak / at end", f"{srv['rss_peak_mb']:.1f} / {srv['rss_end_mb']:.1f} MB",
         f"<= {TARGETS['rss_mb']:g} MB", verdict["rss"]),
        ("  peak during setup (login, prefill)", f"{srv['rss_setup_peak_mb']:.1f} MB"),
        ("errors in total", str(srv["errors"])),
        ("database + WAL; events", f"{srv['db_mb']:.1f} MB; {srv['events']}"),
        ("client CPU s: floor, streams, capacity",
         " / ".join(f"{v:.1f}" for v in summary["client_cpu_s"].values())),
    ]
    head = ("metric", "value", "target", "result")
    widths = [36, 34, 16, 6]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip()
    title = (f"Antrian MPP benchmark: {c['counters']} counters, {c['kiosks']} kiosks, {c['displays']} displays; "
             f"{c['cpus']} CPUs")
    out = [title, f"database in {c['database_dir']} ({c['database_fs']})", "", line, "-" * len(line)]
    stalled = {name: gap for name, gap in srv.get("longest_stall_s", {}).items() if gap > 1.0}
    if stalled:
        out.insert(2, "NOTE: the benchmark did not run for " + ", ".join(f"{gap:.1f} s in phase {name}" for name, gap
                                                                     in stalled.items())
                   + " (the machine stalled): those figures are void")
    if c["database_fs"] in ("tmpfs", "ramfs"):
        out.insert(2, "NOTE: the database is in memory, so commits are not durable: issues/s is not the real figure")
    for row in rows:
        if len(row) == 1:
            out.append(row[0])
            continue
        cells = list(row) + [""] * (4 - len(row))
        out.append("  ".join(str(v).ljust(w) for v, w in zip(cells, widths)).rstrip())
    problems = {**{f"floor {k}": v for k, v in floor["error_detail"].items()},
                **{f"{name} {k}": v for name in ("monitors", "browser") for k, v in
                   ((summary.get(name) or {}).get("error_detail") or {}).items()},
                **{f"capacity {k}": v for k, v in cap["error_detail"].items()}}
    if problems:
        out += ["", "errors:"] + [f"  {count:6d}  {what}" for what, count in sorted(problems.items())]
    for broken in floor["broken_streams"]:
        out.append(f"  stream {broken}")
    return "\n".join(out)


# ---------------------------------------------------------------- command line


def log(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


def positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
        return value
    return parse


def non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m devtools.benchmark", description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n")[-1].strip())
    parser.add_argument("--counters", type=positive(int), default=200, help="counters calling (default 200)")
    parser.add_argument("--kiosks", type=positive(int), default=20, help="kiosks issuing (default 20)")
    parser.add_argument("--displays", type=positive(int), default=50, help="display streams, half per zone (50)")
    parser.add_argument("--duration", type=positive(float), default=15.0, help="seconds per phase (default 15)")
    parser.add_argument("--kiosk-rate", type=positive(float), default=5.0,
                        help="tickets per second per kiosk in phase 1 (default 5)")
    parser.add_argument("--call-interval", type=positive(float), default=2.0,
                        help="seconds between two calls of one counter in phase 1 (default 2)")
    parser.add_argument("--capacity-procs", type=positive(int), default=2,
                        help="client processes sharing the kiosks in phase 2 (default 2)")
    parser.add_argument("--prefill", type=int, default=None, help="tickets waiting before phase 1 (25 per queue)")
    parser.add_argument("--monitors", type=non_negative, default=50,
                        help="floor-monitor pages open in phase 1b, which repeats phase 1 with them (default 50; "
                             "0 leaves the phase out)")
    parser.add_argument("--no-browser", action="store_true",
                        help="leave out phase 1c (one monitor page in Chromium); without it a missing Chromium or "
                             "Playwright is a MISS (not measured)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print a JSON summary after the table")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the temporary database goes (default: the system's temp dir; /dev/shm takes "
                             "the disk's fsync out of the measurement)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, server log)")
    args = parser.parse_args(argv)
    args.capacity_procs = min(args.capacity_procs, args.kiosks)
    return args


def _interrupt(*_):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="mpp-bench-", dir=args.dir))
    run = Run(args, tmp)
    limit = 180 + 5 * args.duration

    def overdue():
        log(f"hard deadline of {limit:.0f} s passed: stopping everything")
        run.cleanup()
        os._exit(EXIT_OVERDUE)

    watchdog = threading.Timer(limit, overdue)
    watchdog.daemon = True
    watchdog.start()
    signal.signal(signal.SIGTERM, _interrupt)
    code = EXIT_PASS
    try:
        raw = run.execute()
        run.cleanup()
        summary = summarise(args, raw)
        results = judge(summary)
        print(report(summary, results), flush=True)
        if args.json:
            print(json.dumps({**summary, "targets": TARGETS, "verdict": results}, indent=2))
        code = verdict(summary)
        if code == EXIT_MISS:
            log(f"missed: {', '.join(name for name, result in results.items() if result == 'MISS')}")
    except KeyboardInterrupt:
        log("interrupted")
        code = EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the benchmark itself failed: say why, with the server's last words
        log(f"benchmark failed: {type(exc).__name__}: {exc}")
        server_log = tmp / "bench.log"
        if server_log.exists():
            log("server log (end):\n" + server_log.read_text(errors="replace")[-3000:])
        code = EXIT_FAILED
    finally:
        watchdog.cancel()
        run.cleanup()
        if args.keep or code == EXIT_FAILED:
            log(f"kept {tmp}")
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
