"""The simulated day at the largest MPPs' scale, driven over loopback: part of the benchmark.

    python -m devtools.simulation.busy_day [--visitors 3000] [--counters 120] [--rate 600] [--seed 2026] [--json]

The demo site's agencies, services, queues and zones, with `--counters` counters spread over
the agencies by simulation.plan.AGENCY_WEIGHT (one each first, the rest in proportion) and
every quota scaled by visitors/600. Officers log in and open their counters on a server at
real speed (07:45; an Argon2 login costs ~20 ms, which at 600x would make them late), then
the day runs on a server whose clock starts at 07:55 and goes `--rate` times real time.

The citizens of simulation.plan.plan_day come to 8 kiosks (issue, then confirm the print),
one display per zone follows its zone's event stream, and each counter follows the
officer's moves of simulation.plan.officer_step. An idle counter calls only when one of
its queues has someone waiting: the floor is one process that sees every ticket join a
queue (printed, transferred), so it wakes one idle counter at that moment. That is what
the counter app does on a `queue.counts` event; the server sends those every 0.5 s real
time, which at 600x would leave a counter idle for 5 simulated minutes. The day ends when
the clock is past closing and every queue is empty, or at `--max-wall` seconds.

Clients run in two processes (the floor, the displays) on the benchmark's epoll engine (loadgen), so
the cores go to the server. The report gives the wall time (target <= 60 s), what the
kiosks saw, the server's own figures from its database, latencies per request kind,
call-to-display, the server's RSS and CPU, and checks that the database agrees with the
clients. It also sets the wait estimate printed on each ticket against its real wait (print to first
call). Exit code 0 unless the run failed (server died, errors, lost tickets, a check) or the
estimates missed their target.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import tomllib
from collections import Counter as Tally, deque
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path

from devtools.benchmark import Run, answered_ms, delivery
from devtools.loadgen import Engine, http_request, now_ns, stream_worker
from devtools.launcher import DEMO_SITE, ServerProcess, add_officer, add_token, prepare_database
from devtools.simulation.plan import AGENCY_WEIGHT, Visit, officer_step, plan_day
from devtools.simulation.summary import (FINAL, estimate_errors, minutes, read_first_calls, read_tickets,
                                        summarise, summary_text)
from devtools.stats import latency_spread
from mpp_client.api import ApiClient
from server.site_config import load_site

DAY = "2026-11-23"  # a Monday
OPENING_NOW = f"{DAY}T07:45:00+07:00"  # officers log in at real speed …
DAY_NOW = f"{DAY}T07:55:00+07:00"  # … then the day runs fast from here
KIOSKS = 8
PIN = "24680"
WALL_TARGET_S = 60.0
RETRY_MINUTES = 1.0  # a counter that found nobody while the floor saw someone waiting tries again
KINDS = ("issue", "printed", "call-next", "start", "recall", "no-show", "transfer", "done")
TURNED_AWAY = ("closed", "quota_full", "cut_off")  # the kiosk's 409 reasons: not errors


# ---------------------------------------------------------------- the site


def staffing(weights: dict[str, float], counters: int) -> dict[str, int]:
    """Counters per agency: one each, the rest in proportion to `weights` (largest remainder)."""
    if counters < len(weights):
        raise ValueError(f"{counters} counters cannot staff {len(weights)} agencies (one each at least)")
    spare, total = counters - len(weights), sum(weights.values())
    share = {a: spare * w / total for a, w in weights.items()}
    seats = {a: 1 + int(s) for a, s in share.items()}
    for a in sorted(share, key=lambda a: int(share[a]) - share[a])[:counters - sum(seats.values())]:
        seats[a] += 1
    return seats


def busy_site(visitors: int, counters: int, demo: Path = DEMO_SITE) -> dict:
    """The demo site as data, with `counters` counters and quotas scaled by visitors/600."""
    data = tomllib.loads(Path(demo).read_text(encoding="utf-8"))
    scale = visitors / 600
    for agency in data["agencies"]:
        for service in agency["services"]:
            if "quota" in service:
                service["quota"] = max(1, round(service["quota"] * scale))
    seats = staffing({a["code"]: AGENCY_WEIGHT.get(a["code"], 1) for a in data["agencies"]}, counters)
    data["counters"], number = [], 0
    for agency in data["agencies"]:
        queues = list(dict.fromkeys(s["queue"] for s in agency["services"]))
        for k in range(seats[agency["code"]]):
            number += 1
            rotated = queues[k % len(queues):] + queues[:k % len(queues)]  # preferences alternate
            data["counters"].append({"code": f"L{number:03d}", "name": f"Loket {number}", "agency": agency["code"],
                                     "zone": agency["zone"], "queues": rotated})
    return data


def toml_text(data: dict) -> str:
    """TOML for the site's shapes: scalars, dates, lists of scalars, tables, arrays of tables."""
    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return v.isoformat() if hasattr(v, "isoformat") else repr(v)

    def table(d: dict, path: str) -> list[str]:
        lines = [f"{k} = {value(v)}" for k, v in d.items() if not isinstance(v, (dict, list)) or
                 isinstance(v, list) and not (v and isinstance(v[0], dict))]
        for k, v in d.items():
            if isinstance(v, dict):
                lines += ["", f"[{path}{k}]", *table(v, f"{path}{k}.")]
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                for item in v:
                    lines += ["", f"[[{path}{k}]]", *table(item, f"{path}{k}.")]
        return lines

    return "\n".join(table(data, "")).lstrip() + "\n"


# ---------------------------------------------------------------- the floor (a client process)


class Floor:
    """Kiosks and counters on one engine; the server's clock mapped onto CLOCK_MONOTONIC."""

    def __init__(self, conf: dict):
        self.engine, self.port, self.rate = Engine(conf["port"]), conf["port"], conf["rate"]
        self.m0, self.sim0 = conf["m0_ns"], datetime.fromisoformat(conf["sim0"])
        self.closing, self.seed = datetime.fromisoformat(conf["closing"]), conf["seed"]
        self.visits = {v["citizen"]: Visit(**{**v, "arrives": datetime.fromisoformat(v["arrives"])})
                       for v in conf["visits"]}
        self.waiting: Tally = Tally()  # per queue, as the floor saw tickets join and leave
        self.tickets: dict[int, dict] = {}  # ticket id -> what the clients know of it
        self.turned_away: Tally = Tally()
        self.calls: list = []  # (ticket id, counter, answered ns): first calls, for call-to-display
        self.arrived, self.finished = 0, False
        self.kiosks = [Kiosk(self, token) for token in conf["kiosk_tokens"]]
        self.desks = [Desk(self, code, token, queues) for code, token, queues in conf["counters"]]
        self.serving = {q: [d for d in self.desks if q in d.queues] for d in self.desks for q in d.queues}

    def sim_now(self) -> datetime:
        return self.sim0 + timedelta(seconds=(now_ns() - self.m0) * self.rate / 1e9)

    def after(self, minutes: float, fn) -> None:
        self.engine.at(now_ns() + int(minutes * 60e9 / self.rate), fn)

    def post(self, conn, kind: str, path: str, token: str, callback, payload: dict | None = None) -> bool:
        body = json.dumps(payload).encode() if payload is not None else b""
        return self.engine.request(conn, kind, http_request("POST", path, token, body, self.port), callback)

    def has_waiting(self, queues) -> bool:
        return any(self.waiting[q] > 0 for q in queues)

    def joined(self, queue: str) -> None:
        """A ticket joined `queue`: one idle counter serving it calls."""
        self.waiting[queue] += 1
        idle = next((d for d in self.serving.get(queue, ()) if not d.busy), None)
        if idle:
            idle.call()

    def arrive(self, visit: Visit) -> None:
        self.arrived += 1
        self.kiosks[visit.citizen % len(self.kiosks)].arrive(visit)

    def over(self) -> bool:
        return (self.sim_now() >= self.closing and self.arrived == len(self.visits)
                and not any(k.busy for k in self.kiosks) and not any(d.busy for d in self.desks)
                and not any(self.waiting.values()))

    def watch(self) -> None:
        if self.over():
            self.finished = self.engine.stopping = True
        else:
            self.engine.at(now_ns() + 20_000_000, self.watch)

    def run(self, until_ns: int) -> None:
        for visit in self.visits.values():
            due = self.m0 + int((visit.arrives - self.sim0).total_seconds() / self.rate * 1e9)
            self.engine.at(due, lambda v=visit: self.arrive(v))
        self.engine.at(now_ns(), self.watch)
        self.engine.run(until_ns)


class Kiosk:
    """Citizens queue at a kiosk; each takes a ticket (issue, print, confirm) in turn."""

    def __init__(self, floor: Floor, token: str):
        self.floor, self.token, self.conn = floor, token, floor.engine.connect()
        self.line: deque[Visit] = deque()
        self.busy, self.visit, self.ticket = False, None, None

    def arrive(self, visit: Visit) -> None:
        self.line.append(visit)
        if not self.busy:
            self.next()

    def next(self) -> None:
        self.busy = bool(self.line)
        if self.busy:
            self.visit = v = self.line.popleft()
            payload = {"service": v.service, "priority": v.priority,
                       "request_id": f"busy-{self.floor.seed}-{v.citizen:05d}"}
            self.floor.post(self.conn, "issue", "/api/tickets", self.token, self.issued, payload)

    def issued(self, status: int, body: bytes, _at: int) -> None:
        if status == 201:
            t = json.loads(body)
            self.ticket = self.floor.tickets[t["id"]] = {
                "id": t["id"], "code": t["code"], "queue": t["queue"], "agency": t["agency"],
                "citizen": self.visit.citizen, "status": "printing", "calls": 0, "transferred": False,
                "est_wait_min": t["est_wait_min"], "priority": bool(t["priority"])}
            if self.floor.post(self.conn, "printed", f"/api/tickets/{t['id']}/printed", self.token, self.printed):
                return
        elif status == 409 and (reason := json.loads(body)["error"]["code"]) in TURNED_AWAY:
            self.floor.turned_away[reason] += 1
        self.next()

    def printed(self, status: int, _body: bytes, _at: int) -> None:
        if status == 200:
            self.ticket["status"] = "waiting"
            self.floor.joined(self.ticket["queue"])
        self.next()


class Desk:
    """An officer at a counter: call, then the moves of officer_step until the ticket leaves."""

    def __init__(self, floor: Floor, code: str, token: str, queues: list[str]):
        self.floor, self.code, self.token, self.queues = floor, code, token, queues
        self.conn = floor.engine.connect()
        self.busy, self.ticket = False, None

    def send(self, action: str, callback, payload: dict | None = None) -> None:
        self.floor.post(self.conn, action, f"/api/counters/{self.code}/{action}", self.token, callback, payload)

    def call(self) -> None:
        self.busy = True
        self.send("call-next", self.called)

    def called(self, status: int, body: bytes, at: int) -> None:
        ticket = json.loads(body)["ticket"] if status == 200 else None
        if ticket is None:
            if status != 200 or self.floor.has_waiting(self.queues):
                self.floor.after(RETRY_MINUTES, self.call)
            else:
                self.busy = False
            return
        self.floor.waiting[ticket["queue"]] -= 1
        self.ticket = record = self.floor.tickets[ticket["id"]]
        if not record["calls"]:
            self.floor.calls.append((ticket["id"], self.code, at))
        record["calls"] += 1
        record["status"] = "called"
        self.step("called")

    def step(self, stage: str) -> None:
        move = officer_step(self.floor.visits[self.ticket["citizen"]], stage, self.ticket["transferred"])
        self.floor.after(move.after_minutes, lambda: self.act(move.action))

    def act(self, action: str) -> None:
        visit = self.floor.visits[self.ticket["citizen"]]
        payload = {"service": visit.transfer_to} if action == "transfer" else None
        self.send(action, lambda status, body, _at: self.acted(action, status, body), payload)

    def acted(self, action: str, status: int, body: bytes) -> None:
        record = self.ticket
        if status == 200 and action in ("start", "recall"):
            record["status"] = "serving" if action == "start" else "called"
            self.step("serving" if action == "start" else "recalled")
            return
        self.ticket = None
        if status == 200 and action == "transfer":
            answer = json.loads(body)["ticket"]
            record.update(transferred=True, queue=answer["queue"], agency=answer["agency"], status="waiting")
            self.floor.joined(answer["queue"])
        elif status == 200:
            record["status"] = {"done": "done", "no-show": "no_show"}[action]
        else:  # the engine counted the error; call-next below completes the ticket on the server
            record["status"] = "done"
        if self.floor.has_waiting(self.queues) or status != 200:
            self.call()
        else:
            self.busy = False


def floor_worker(_conf: dict, out: str, conf_q) -> None:
    """Started before the day's server; gets its port and clock, runs the day, writes what it saw."""
    conf = conf_q.get()
    floor = Floor(conf)
    floor.run(conf["until_ns"])
    cpu = os.times()
    Path(out).write_text(json.dumps({
        "samples": floor.engine.samples, "errors": floor.engine.errors, "calls": floor.calls,
        "tickets": list(floor.tickets.values()), "turned_away": dict(floor.turned_away), "arrived": floor.arrived,
        "finished": floor.finished, "sim_end": floor.sim_now().isoformat(timespec="seconds"),
        "max_lag_ms": floor.engine.max_lag_ns / 1e6, "cpu_s": cpu.user + cpu.system}))


def display_worker(_conf: dict, out: str, conf_q, ready, stop) -> None:
    stream_worker(conf_q.get(), out, ready, stop)


# ---------------------------------------------------------------- the run


def open_counters(port: int, officers: list[tuple[str, str]]) -> tuple[dict, Engine]:
    """Each officer logs in and opens their counter (8 at a time); their tokens by counter."""
    engine, tokens, pending = Engine(port), {}, list(reversed(officers))

    def desk(conn):
        def login(*_):
            if pending:
                username, counter = pending.pop()
                body = json.dumps({"username": username, "pin": PIN}).encode()
                engine.request(conn, "login", http_request("POST", "/api/auth/login", None, body, port),
                               lambda status, answer, _at: opened(status, answer, counter))

        def opened(status, answer, counter):
            if status != 200:
                return login()
            tokens[counter] = token = json.loads(answer)["token"]
            engine.request(conn, "open", http_request("POST", f"/api/counters/{counter}/open", token, b"", port),
                           login)
        return login

    for _ in range(min(8, len(officers))):
        engine.at(0, desk(engine.connect()))
    engine.run(now_ns() + 120 * 10**9, stop_when_idle=True)
    return tokens, engine


class Day(Run):
    """Owns the servers and the client processes (Run ends them all, whatever happens)."""

    def execute(self) -> dict:
        import psutil

        a, tmp = self.args, self.tmp
        data = busy_site(a.visitors, a.counters)
        site_path, db = tmp / "busy-site.toml", tmp / "busy.db"
        site_path.write_text(toml_text(data), encoding="utf-8")
        site = load_site(site_path)
        opening, closing = site.site.hours.mon.split("-")
        doors, closes = (datetime.fromisoformat(f"{DAY}T{hhmm}:00+07:00") for hhmm in (opening, closing))
        cutoff = closes - timedelta(minutes=site.site.ticket_cutoff_minutes)  # citizens know it: none come later
        visits = plan_day(site, a.visitors, doors, cutoff, a.seed)
        prepare_database(db, site_path=site_path, now=OPENING_NOW)
        kiosk_tokens = [add_token(db, "kiosk", f"Anjungan {i + 1}", site.zones[i % len(site.zones)].code)
                        for i in range(KIOSKS)]
        zones = [z.code for z in site.zones]
        display_tokens = [add_token(db, "display", f"Layar {z}", z) for z in zones]
        officers = [(f"petugas{c.code.lower()}", c.code) for c in site.counters]
        for (username, _), counter in zip(officers, site.counters):
            add_officer(db, username, PIN, "officer", counter.agency)

        # The clients start before the day's server: at 600x a second of start-up is 10 minutes.
        floor_q, displays_q, ready, stop = self.mp.Queue(), self.mp.Queue(), self.mp.Event(), self.mp.Event()
        floor, floor_out = self._spawn("floor", floor_worker, {}, floor_q)
        streams, streams_out = self._spawn("displays", display_worker, {}, displays_q, ready, stop)

        started = time.monotonic()
        self.server = ServerProcess(db, now=OPENING_NOW)
        self.server.start()
        tokens, morning = open_counters(self.server.port, officers)
        self.server.stop()
        if len(tokens) != len(officers) or morning.errors:
            raise RuntimeError(f"officers could not open their counters: {morning.errors}")
        log(f"{len(tokens)} counters open in {time.monotonic() - started:.1f} s; the day starts")

        day_start = time.monotonic()
        self.server = ServerProcess(db, now=DAY_NOW, env={"MPP_CLOCK_RATE": str(a.rate)}, log_path=tmp / "day.log")
        self.server.start()
        port, proc = self.server.port, psutil.Process(self.server.process.pid)
        cpu0 = proc.cpu_times()
        threading.Thread(target=self._sample_rss, args=(proc,), daemon=True).start()
        with ApiClient(self.server.url, timeout=30) as api:  # made first: an httpx client takes ~50 ms to make
            before = now_ns()
            health = api.health()
            m0 = (before + now_ns()) // 2
        displays_q.put({"port": port, "display_zones": zones, "display_tokens": display_tokens, "counters": [],
                        "counter_zone": {}, "officer_tokens": {}, "max_s": a.max_wall + 60})
        if not ready.wait(30):
            raise RuntimeError("the displays' event streams did not connect")
        floor_q.put({
            "port": port, "rate": a.rate, "m0_ns": m0, "sim0": health["now"], "seed": a.seed,
            "closing": closes.isoformat(), "until_ns": now_ns() + int(a.max_wall * 1e9),
            "visits": [{**asdict(v), "arrives": v.arrives.isoformat()} for v in visits],
            "kiosk_tokens": kiosk_tokens, "counters": [(c.code, tokens[c.code], c.queues) for c in site.counters]})
        floor_result = self._collect(floor, floor_out, a.max_wall + 30)
        day_wall = time.monotonic() - day_start
        time.sleep(0.3)  # the last calls reach the displays
        if self.server.process.poll() is not None:
            raise RuntimeError(f"the server exited (code {self.server.process.returncode}) during the day")
        health = self.server.health()
        cpu1 = proc.cpu_times()
        stop.set()
        streams_result = self._collect(streams, streams_out, 15)
        self.done.set()
        self.server.stop()
        tickets, names = read_tickets(db)
        return {"site": site, "visits": visits, "floor": floor_result, "streams": streams_result["streams"],
                "tickets": tickets, "first_calls": read_first_calls(db), "agency_names": names, "health": health, "day_wall_s": day_wall,
                "cpu_s": cpu1.user + cpu1.system - cpu0.user - cpu0.system, "rss": self.rss,
                "morning": morning.samples, "db_mb": sum(p.stat().st_size for p in tmp.glob("busy.db*")) / 2**20}


def checks(raw: dict) -> dict[str, bool]:
    """Does the server's database agree with what the clients saw?"""
    rows, seen = raw["tickets"], {t["id"]: t for t in raw["floor"]["tickets"]}
    confirmed = [t for t in seen.values() if t["status"] != "printing"]
    by_id = {r["id"]: r for r in rows}
    done = [r for r in rows if r["status"] == "done"]
    kiosk_agencies = Tally(t["agency"] for t in confirmed)
    db_agencies = {code: f["tickets"] for code, f in summarise(rows)["agencies"].items() if f["tickets"]}
    cut = not raw["floor"]["finished"]
    return {
        "printed in the database = confirmed by kiosks": sum(bool(r["printed_at"]) for r in rows) == len(confirmed),
        "every issued ticket is in the database": len(rows) == len(seen) and set(by_id) == set(seen),
        "tickets per agency agree": db_agencies == dict(kiosk_agencies),
        "no duplicate codes": len({(r["service_day"], r["code"]) for r in rows}) == len(rows),
        "called <= started <= finished": all(
            r["called_at"] and r["started_at"] and r["finished_at"]
            and datetime.fromisoformat(r["called_at"]) <= datetime.fromisoformat(r["started_at"])
            <= datetime.fromisoformat(r["finished_at"]) for r in done),
        "statuses agree with the counters": all(by_id.get(t["id"], {}).get("status") == t["status"]
                                                for t in seen.values()),
        "no ticket lost": cut or all(r["status"] in FINAL and r["status"] != "cancelled" for r in rows),
    }


def estimate_told_and_waited(raw: dict) -> list[tuple[float, float, bool]]:
    """(estimate printed on the ticket, real wait, priority) of each ticket called today: the wait
    runs from the print (it joins the queue) to its first call, on the server's clock."""
    printed = {r["id"]: r["printed_at"] for r in raw["tickets"]}
    told = []
    for t in raw["floor"]["tickets"]:
        waited = minutes(printed.get(t["id"]), raw["first_calls"].get(t["id"]))
        if waited is not None and t.get("est_wait_min") is not None:
            told.append((t["est_wait_min"], waited, t["priority"]))
    return told


def judge(raw: dict, total_wall: float) -> dict:
    floor = raw["floor"]
    samples = floor["samples"]
    zone_of = {c.code: c.zone for c in raw["site"].counters}
    display = delivery(floor["calls"], [s for s in raw["streams"] if s["kind"] == "display"],
                       lambda call: zone_of[call[1]], lambda s: s["zone"])
    expected = {f"issue: HTTP 409 {reason}" for reason in TURNED_AWAY}
    errors = {k: n for k, n in floor["errors"].items() if k not in expected}
    errors.update({f"display stream {s['name']}: {s['error']}": 1 for s in raw["streams"] if s["error"]})
    if display["missing"]:
        errors["calls missing on a display"] = display["missing"]
    rss = [b for _, b in raw["rss"]]
    rows = raw["tickets"]
    result = {
        "config": {k: getattr(raw["args"], k) for k in ("visitors", "counters", "rate", "seed", "max_wall")},
        "wall_s": {"total": round(total_wall, 1), "day": round(raw["day_wall_s"], 1), "target": WALL_TARGET_S,
                   "verdict": "PASS" if total_wall <= WALL_TARGET_S else "MISS"},
        "day": {"finished": floor["finished"], "server_clock_at_end": floor["sim_end"]},
        "visitors": {"planned": len(raw["visits"]), "arrived": floor["arrived"],
                     "issued": sum(1 for _, _, s in samples.get("issue", []) if s == 201),
                     "confirmed": sum(t["status"] != "printing" for t in floor["tickets"]),
                     "turned_away": dict(floor["turned_away"]),
                     "printed_by_agency": dict(Tally(t["agency"] for t in floor["tickets"]
                                                     if t["status"] != "printing"))},
        "summary": summarise(rows, raw["agency_names"]),
        "latency_ms": {kind: latency_spread(answered_ms(samples[kind])) for kind in KINDS if kind in samples},
        "opening_latency_ms": {kind: latency_spread(answered_ms(rows_)) for kind, rows_ in raw["morning"].items()},
        "call_to_display_ms": display,
        "server": {"rss_peak_mb": round(max(rss, default=0) / 2**20, 1), "cpu_s": round(raw["cpu_s"], 1),
                   "cpu_pct_of_one_core": round(100 * raw["cpu_s"] / raw["day_wall_s"]),
                   "requests": sum(len(v) for v in samples.values()),
                   "events": raw["health"]["last_event_id"], "db_mb": round(raw["db_mb"], 1)},
        "clients": {"floor_cpu_s": round(floor["cpu_s"], 1), "schedule_lag_max_ms": round(floor["max_lag_ms"], 1)},
        "errors": sum(errors.values()), "error_detail": errors,
        "checks": checks(raw),
        "estimate_error_min": estimate_errors(estimate_told_and_waited(raw)),
    }
    result["ok"] = result["errors"] == 0 and all(result["checks"].values())
    return result


def _ms(s: dict) -> str:
    return "–" if not s["n"] else f"{s['p50']:.1f} / {s['p95']:.1f} / {s['p99']:.1f} ms (max {s['max']:.1f})"


def _estimate_row(label: str, g: dict, targets: dict) -> tuple:
    if not g["n"]:
        return (f"{label} (0)", "–")
    return (f"{label} ({g['n']}) mean/p95 (bias)", f"{g['mean']:.2f} / {g['p95']:.2f} min ({g['bias']:+.2f})",
            f"<= {targets['mean']:g} / {targets['p95']:g}", "PASS" if g["met"] else "MISS")


def report(result: dict) -> str:
    c, w, v, srv = result["config"], result["wall_s"], result["visitors"], result["server"]
    day, clients, shown = result["day"], result["clients"], result["call_to_display_ms"]
    cut = " (CUT at the wall-time cap)"
    est = result["estimate_error_min"]
    away = ", ".join(f"{k} {n}" for k, n in sorted(v["turned_away"].items())) or "none"
    rows = [
        ("wall time (whole run; the day alone)", f"{w['total']:.1f} s; {w['day']:.1f} s", f"<= {w['target']:g} s",
         w["verdict"]),
        ("day ended", f"server clock {day['server_clock_at_end'][11:16]}{'' if day['finished'] else cut}"),
        ("visitors planned / arrived", f"{v['planned']} / {v['arrived']}"),
        ("tickets issued / printed", f"{v['issued']} / {v['confirmed']}"),
        ("turned away", away),
        ("requests / events", f"{srv['requests']} / {srv['events']}"),
        *((f"  {kind} ({s['n']}) p50/p95/p99", _ms(s)) for kind, s in result["latency_ms"].items()),
        *((f"  {kind} before opening ({s['n']})", _ms(s)) for kind, s in result["opening_latency_ms"].items()),
        ("call-to-display p50/p95/p99", _ms(shown)),
        ("  calls shown (event before the answer)", f"{shown['n']} ({shown['before_answer']})"),
        ("server RSS peak", f"{srv['rss_peak_mb']:.1f} MB"),
        ("server CPU during the day", f"{srv['cpu_s']:.1f} s ({srv['cpu_pct_of_one_core']} % of one core)"),
        ("database + WAL", f"{srv['db_mb']:.1f} MB"),
        ("client CPU; schedule lag max", f"{clients['floor_cpu_s']:.1f} s; {clients['schedule_lag_max_ms']:.1f} ms"),
        *(_estimate_row(label, est[group], est["targets"]) for group, label in
          (("all", "wait estimate error, all"), ("priority", "wait estimate error, priority"))),
        ("errors", str(result["errors"]), "0", "PASS" if not result["errors"] else "FAIL"),
        *((f"check: {name}", "yes" if ok else "NO", "", "PASS" if ok else "FAIL")
          for name, ok in result["checks"].items()),
    ]
    widths = (54, 44, 9, 5)
    title = (f"Antrian MPP busy day: {c['visitors']} visitors, {c['counters']} counters, clock x{c['rate']:g}, "
             f"seed {c['seed']}; {os.cpu_count()} CPUs")
    out = [title, ""]
    out += ["  ".join(str(cell).ljust(wd) for cell, wd in zip(row, widths)).rstrip() for row in rows]
    out += [f"  {n:6d}  {what}" for what, n in sorted(result["error_detail"].items())]
    out += ["", summary_text(result["summary"], "Menurut basis data server")]
    return "\n".join(out)


# ---------------------------------------------------------------- command line


def log(text: str) -> None:
    print(f"[busy-day] {text}", file=sys.stderr, flush=True)


def run_day(visitors: int = 3000, counters: int = 120, rate: float = 600, seed: int = 2026,
            max_wall: float = 120, workdir: Path | None = None) -> dict:
    """One simulated day on a real server; the judged result. The database stays in `workdir`
    when given (else a temporary directory, removed)."""
    args = argparse.Namespace(visitors=visitors, counters=counters, rate=rate, seed=seed, max_wall=max_wall)
    t0 = time.monotonic()
    tmp = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="mpp-busy-day-"))
    tmp.mkdir(parents=True, exist_ok=True)
    day = Day(args, tmp)
    try:
        raw = day.execute()
    except Exception:
        log_file = tmp / "day.log"
        if log_file.exists():
            log("server log (end):\n" + log_file.read_text(errors="replace")[-3000:])
        raise
    finally:
        day.cleanup()
        if not workdir:
            shutil.rmtree(tmp, ignore_errors=True)
    raw["args"] = args
    return judge(raw, time.monotonic() - t0)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m devtools.simulation.busy_day",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=3000, help="citizens in the day (default 3000)")
    parser.add_argument("--counters", type=int, default=120, help="counters, at least one per agency (default 120)")
    parser.add_argument("--rate", type=float, default=600, help="server clock speed, x real time (default 600)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--max-wall", type=float, default=120, help="cut the day after this many seconds (120)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON after the table")
    parser.add_argument("--dir", type=Path, default=None, help="keep the database and logs here")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    a = parse_args(argv)
    try:
        result = run_day(a.visitors, a.counters, a.rate, a.seed, a.max_wall, a.dir)
    except KeyboardInterrupt:
        return 130
    except (RuntimeError, ValueError, OSError) as exc:
        log(f"the day failed: {type(exc).__name__}: {exc}")
        return 1
    print(report(result), flush=True)
    if a.json:
        print(json.dumps(result, indent=2))
    return 0 if result["ok"] and result["estimate_error_min"]["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
