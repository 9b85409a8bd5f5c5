"""A realistic year of tickets written straight into a database, for the reports' benchmark:
`python -m devtools.seed_year --db FILE [--days 365] [--per-day 3000]`.

Each service day (Monday to Saturday; Saturday half as busy) is the busy-day plan of
devtools/simulation/plan.py: its arrivals by hour, agencies and services, priority share, no-shows
(called, recalled 2 min later, marked 3 min after) and log-normal service times. Each queue is served
first come, priority first, by as many counters as keep it at ~85% busy (the site's counters
for the queue, reused when the load needs more). A ticket row carries every time a real day leaves
(issued, printed, first called, started, done or cancelled; counter and officer); a few misprints end
cancelled. The events table is not filled (5 rows per ticket would quintuple the file, and the reports
do not read it). A new file gets the demo site; an existing one is appended to after its last day.
"""

import argparse
import heapq
import math
import random
import sqlite3
import sys
import time
from datetime import date, datetime, time as clock_time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from devtools.launcher import DEMO_SITE, prepare_database
from devtools.simulation.plan import plan_day
from server import storage
from server.site_config import load_site

OPEN_MINUTES = 7 * 60  # 08:00–15:00
BUSY = 0.85  # how busy the counters of a queue are kept
MISPRINT_SHARE = 0.003  # tickets whose print failed: cancelled, never called
COLUMNS = ("public_id", "code", "number", "queue", "service", "issued_service", "agency", "zone", "priority",
           "status", "service_day", "issued_at", "queued_at", "printed_at", "called_at", "started_at",
           "finished_at", "cancelled_at", "cancel_reason", "counter", "officer_id", "recall_count",
           "transfer_count", "first_called_at")
INSERT = f"INSERT INTO tickets ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"


def _text(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def counter_officers(conn, site) -> dict[str, int]:
    """One officer per counter (`petugas_l01`, no usable PIN): the officer grouping has names."""
    ids = {}
    for counter in site.counters:
        ids[counter.code] = storage.upsert_officer(conn, f"petugas_{counter.code.lower()}", "seed:no-login",
                                                   "officer", counter.agency, "2026-01-01T00:00:00.000+07:00")
    return ids


def seed_day(site, day: date, visitors: int, officers: dict[str, int], tz, rng: random.Random) -> list[tuple]:
    """The ticket rows of one service day."""
    start = datetime.combine(day, clock_time(8, 0), tz)
    visits = plan_day(site, visitors, start, start + timedelta(minutes=OPEN_MINUTES), seed=rng.randrange(2**31))
    service_of = {s.code: (a, s) for a in site.agencies for s in a.services}
    queue_of = {q.code: q for q in site.queues}
    counters_of: dict[str, list[str]] = {}
    for counter in site.counters:
        for queue in counter.queues:
            counters_of.setdefault(queue, []).append(counter.code)
    by_queue: dict[str, list] = {}
    for visit in visits:
        by_queue.setdefault(service_of[visit.service][1].queue, []).append(visit)
    rows, day_text = [], day.isoformat()
    for queue, queued in by_queue.items():
        load = sum(v.service_minutes + v.walk_minutes for v in queued)
        needed = max(1, math.ceil(load / (BUSY * OPEN_MINUTES)))
        codes = counters_of.get(queue) or [None]
        free = [(start, i) for i in range(needed)]  # when each counter is free again
        prefix, width = queue_of[queue].prefix, queue_of[queue].width
        # Priority tickets first among those already waiting: approximated by a small head start.
        order = sorted(queued, key=lambda v: v.arrives - (timedelta(minutes=3) if v.priority else timedelta()))
        numbers = {id(v): n for n, v in enumerate(sorted(queued, key=lambda v: v.arrives), start=1)}
        for visit in order:
            agency, service = service_of[visit.service]
            number = numbers[id(visit)]
            issued = visit.arrives
            printed = issued + timedelta(seconds=rng.uniform(2, 6))
            row = {"public_id": f"seed{day_text}{queue}{number}", "code": f"{prefix}-{number:0{width}d}",
                   "number": number, "queue": queue, "service": visit.service, "issued_service": visit.service,
                   "agency": agency.code, "zone": agency.zone, "priority": visit.priority, "service_day": day_text,
                   "issued_at": _text(issued), "queued_at": _text(issued), "recall_count": 0, "transfer_count": 0}
            if rng.random() < MISPRINT_SHARE:
                rows.append(_row({**row, "status": "cancelled", "cancelled_at": _text(issued + timedelta(minutes=2)),
                                  "cancel_reason": "print_failed"}))
                continue
            at, slot = heapq.heappop(free)
            called = max(at, printed)
            code = codes[slot % len(codes)]
            row.update(printed_at=_text(printed), called_at=_text(called), first_called_at=_text(called),
                       counter=code, officer_id=officers.get(code))
            if visit.no_show:
                ended = called + timedelta(minutes=5)
                row.update(status="no_show", recall_count=1, finished_at=_text(ended))
            else:
                began = called + timedelta(minutes=visit.walk_minutes)
                ended = began + timedelta(minutes=visit.service_minutes)
                row.update(status="done", started_at=_text(began), finished_at=_text(ended))
                if visit.transfer_to:  # served on at the other service: where it ended
                    other_agency, _ = service_of[visit.transfer_to]
                    row.update(service=visit.transfer_to, agency=other_agency.code, zone=other_agency.zone,
                               transfer_count=1)
            heapq.heappush(free, (ended, slot))
            rows.append(_row(row))
    return rows


def _row(values: dict) -> tuple:
    return tuple(values.get(column) for column in COLUMNS)


def seed(db: Path, days: int = 365, per_day: int = 3000, first: date | None = None, seed_value: int = 2026,
         progress=None) -> dict:
    """Write `days` calendar days (Sundays closed) of ~`per_day` tickets; answers {days, tickets, seconds}."""
    began = time.monotonic()
    if not db.exists():
        prepare_database(db, DEMO_SITE)
    site = load_site(DEMO_SITE)
    tz = ZoneInfo(site.site.timezone)
    conn = storage.connect(db)
    try:
        officers = counter_officers(conn, site)
        last = conn.execute("SELECT MAX(service_day) FROM tickets").fetchone()[0]
        day = date.fromisoformat(last) + timedelta(days=1) if last else first or date(2025, 12, 1)
        conn.execute("PRAGMA synchronous=OFF")  # a seeded file is made again, not recovered
        rng, written, open_days = random.Random(seed_value), 0, 0
        for _ in range(days):
            if day.weekday() != 6:
                visitors = per_day // 2 if day.weekday() == 5 else per_day
                rows = seed_day(site, day, visitors, officers, tz, rng)
                with storage.write(conn):
                    conn.executemany(INSERT, rows)
                written += len(rows)
                open_days += 1
                if progress:
                    progress(day, written)
            day += timedelta(days=1)
        conn.execute("PRAGMA synchronous=FULL")
        storage.checkpoint(conn)
    finally:
        conn.close()
    return {"days": open_days, "tickets": written, "seconds": round(time.monotonic() - began, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=3000)
    parser.add_argument("--first", type=date.fromisoformat, help="first day of a new file (default 2025-12-01)")
    args = parser.parse_args(argv)

    def progress(day: date, written: int) -> None:
        if day.day == 1:
            print(f"{day:%Y-%m}: {written} tiket", file=sys.stderr, flush=True)

    done = seed(args.db, args.days, args.per_day, args.first, progress=progress)
    print(f"{done['tickets']} tiket dalam {done['days']} hari layanan, {done['seconds']} s → {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
