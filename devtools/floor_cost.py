"""What the floor figures cost on a busy day: `python -m devtools.floor_cost [--tickets 3000] [--counters 50]`.

Builds the benchmark's site, fills one service day with tickets as a busy afternoon leaves them
(most done, some no-shows and misprints, the last half hour still waiting), opens most counters,
signs officers in, and times `server.flows.floor.figures` for the building, a zone and an agency.
"""

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from server import storage
from server.app import create_app
from server.domain.clock import Clock
from server.flows import floor

from .benchmark import site_toml
from .launcher import prepare_database
from .stats import percentile

DAY = "2026-11-23"
OPENS = datetime.fromisoformat(f"{DAY}T08:00:00.000+07:00")
NOW = datetime.fromisoformat(f"{DAY}T14:00:00.000+07:00")


def _text(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def fill_day(db: Path, tickets: int, seed: int = 1) -> None:
    """`tickets` tickets from 08:00 to 14:00, each served at a counter of its own agency."""
    rng = random.Random(seed)
    conn = storage.connect(db)
    try:
        services = conn.execute("SELECT s.code, s.queue, s.agency, a.zone, q.prefix FROM services s "
                                "JOIN agencies a ON a.code = s.agency JOIN queues q ON q.code = s.queue").fetchall()
        counters: dict[str, list[str]] = {}
        for code, agency in conn.execute("SELECT code, agency FROM counters ORDER BY position"):
            counters.setdefault(agency, []).append(code)
        numbers: dict[str, int] = {}
        step = (NOW - OPENS) / tickets
        with storage.write(conn):
            officers = len(conn.execute("SELECT code FROM counters").fetchall())
            for i in range(officers):
                agency = list(counters)[i % len(counters)]
                conn.execute("INSERT INTO officers (username, pin_hash, role, agency, created_at) "
                             "VALUES (?, 'x', 'officer', ?, ?)", (f"petugas{i}", agency, _text(OPENS)))
                conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, NULL)",
                             (f"sesi{i}", i + 1, _text(OPENS), _text(OPENS + timedelta(hours=16))))
            for i in range(tickets):
                service, queue, agency, zone, prefix = rng.choice(services)
                number = numbers[queue] = numbers.get(queue, 0) + 1
                issued = OPENS + step * i
                roll = rng.random()
                if issued > NOW - timedelta(minutes=35):
                    status = "waiting"
                else:
                    status = "done" if roll < 0.9 else "no_show" if roll < 0.96 else "cancelled"
                called = issued + timedelta(minutes=rng.uniform(1, 30)) if status in ("done", "no_show") else None
                conn.execute(
                    "INSERT INTO tickets (public_id, code, number, queue, service, issued_service, agency, zone, "
                    "priority, status, service_day, issued_at, queued_at, printed_at, called_at, first_called_at, "
                    "finished_at, counter) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (f"biaya{i}", f"{prefix}-{number:03d}", number, queue, service, service, agency, zone,
                     "lansia" if roll > 0.95 else None, status, DAY, _text(issued), _text(issued), _text(issued),
                     called and _text(called), called and _text(called),
                     called and _text(called + timedelta(minutes=8)),
                     rng.choice(counters[agency]) if called else None))
            for i, (code,) in enumerate(conn.execute("SELECT code FROM counters ORDER BY position").fetchall()):
                if i % 10 != 9:  # nine in ten open
                    conn.execute("UPDATE counters SET status = 'open', officer_id = ?, status_since = ? WHERE code = ?",
                                 (i + 1, _text(OPENS), code))
    finally:
        conn.close()


def measure(tickets: int = 3000, counters: int = 50, rounds: int = 100, folder: Path | None = None) -> dict:
    """{scope: {"p50_ms", "p95_ms", "cpu_ms", "waiting", "served"}} for the building, zone 1, one agency."""
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(folder or temp)
        site = folder / "site.toml"
        site.write_text(site_toml(counters)[0], encoding="utf-8")
        db = folder / "floor.db"
        prepare_database(db, site)
        fill_day(db, tickets)
        app = create_app({"DATABASE": str(db), "CLOCK": Clock(NOW)})
        ctx = app.extensions["mpp"]
        results = {}
        try:
            with ctx.pool.connection() as conn:
                for label, scope in (("building", {}), ("zone 1", {"zone": "1"}), ("agency G01", {"agency": "G01"})):
                    floor.figures(ctx, conn, **scope)
                    wall, cpu = [], []
                    for _ in range(rounds):
                        started, used = time.perf_counter(), time.process_time()
                        answer = floor.figures(ctx, conn, **scope)
                        wall.append((time.perf_counter() - started) * 1000)
                        cpu.append((time.process_time() - used) * 1000)
                    results[label] = {"p50_ms": round(statistics.median(wall), 2),
                                      "p95_ms": round(percentile(wall, 95), 2),
                                      "cpu_ms": round(statistics.median(cpu), 2),
                                      "waiting": answer["kpi"]["waiting"], "served": answer["kpi"]["served"]}
        finally:
            ctx.pool.close()
            ctx.writer.close()
        return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--counters", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.tickets, args.counters, args.rounds), indent=2))


if __name__ == "__main__":
    main()
