"""The reports against their targets, on a seeded year (devtools/seed_year.py), through a real server:
`python -m devtools.benchmark_reports --db FILE [--seed]`. Exit 1 on a miss, as devtools/benchmark.py.

Measured: a month's summary (grouped by agency, and by hour), the year's summary grouped by agency,
a month's XLSX (every grouping's sheet) and monthly PDF, and the year's tickets CSV streamed to the end while the server's memory (RSS) is sampled: it must
stay flat (grow less than RSS_GROWTH_MB over what it held before). Each summary is asked a few times;
the median counts (the first answer warms SQLite's page cache, as any second look at a report would).
"""

import argparse
import statistics
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import psutil

from devtools.launcher import ServerProcess, add_officer
from devtools.seed_year import seed

TARGETS = {"month_ms": 300.0, "year_by_agency_ms": 2000.0, "month_xlsx_ms": 5000.0, "csv_rss_growth_mb": 50.0}
RUNS = 5


def _days(db: Path) -> tuple[date, date]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        first, last = conn.execute("SELECT MIN(service_day), MAX(service_day) FROM tickets").fetchone()
    finally:
        conn.close()
    return date.fromisoformat(first), date.fromisoformat(last)


def timed(client: httpx.Client, params: dict, runs: int = RUNS) -> tuple[float, float, dict]:
    """(median ms, max ms, the last answer) of `runs` summaries."""
    spent, answer = [], None
    for _ in range(runs):
        began = time.perf_counter()
        reply = client.get("/api/reports/summary", params=params)
        spent.append((time.perf_counter() - began) * 1000)
        reply.raise_for_status()
        answer = reply.json()
    return statistics.median(spent), max(spent), answer


def timed_file(client: httpx.Client, path: str, params: dict, runs: int = 3) -> tuple[float, int]:
    """(median ms, bytes) of `runs` downloads of a report file."""
    spent, size = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        reply = client.get(path, params=params)
        spent.append((time.perf_counter() - began) * 1000)
        reply.raise_for_status()
        size = len(reply.content)
    return statistics.median(spent), size


def stream_csv(client: httpx.Client, params: dict, process: psutil.Process) -> dict:
    """The CSV read to its end while the server's RSS is sampled every 50 ms."""
    samples, done = [], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            try:
                samples.append(process.memory_info().rss)
            except psutil.Error:
                return

    before = process.memory_info().rss
    sampler = threading.Thread(target=sample, daemon=True)
    began = time.perf_counter()
    sampler.start()
    rows = size = 0
    try:
        with client.stream("GET", "/api/reports/tickets.csv", params=params, timeout=600) as reply:
            reply.raise_for_status()
            for chunk in reply.iter_bytes():
                size += len(chunk)
                rows += chunk.count(b"\n")
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - began
    return {"rows": rows - 1, "mb": size / 2**20, "seconds": seconds, "rss_before_mb": before / 2**20,
            "rss_max_mb": max(samples or [before]) / 2**20, "growth_mb": (max(samples or [before]) - before) / 2**20}


def run(db: Path) -> dict:
    first, last = _days(db)
    month_end = last.replace(day=1) - timedelta(days=1)  # the last whole month
    month = {"from": month_end.replace(day=1).isoformat(), "to": month_end.isoformat()}
    year = {"from": max(first, last - timedelta(days=364)).isoformat(), "to": last.isoformat()}
    add_officer(db, "laporan", "1234", "supervisor", None)
    results = {"month": month, "year": year}
    with ServerProcess(db, now=f"{last + timedelta(days=1)}T09:00:00+07:00") as server:
        process = psutil.Process(server.process.pid)
        with httpx.Client(base_url=server.url, timeout=120) as anonymous:
            token = anonymous.post("/api/auth/login", json={"username": "laporan", "pin": "1234"}).json()["token"]
        with httpx.Client(base_url=server.url, timeout=120, headers={"Authorization": f"Bearer {token}"}) as client:
            results["month_ms"], results["month_max_ms"], answer = timed(client, {**month, "group": "agency"})
            results["month_tickets"] = answer["totals"]["issued"]
            results["month_hour_ms"], _, _ = timed(client, {**month, "group": "hour"})
            results["year_by_agency_ms"], results["year_max_ms"], answer = timed(
                client, {**year, "group": "agency"}, runs=3)
            results["year_tickets"] = answer["totals"]["issued"]
            results["year_totals"] = answer["totals"]
            results["year_by_day_ms"], _, _ = timed(client, {**year, "group": "day"}, runs=1)
            results["month_xlsx_ms"], results["month_xlsx_bytes"] = timed_file(client, "/api/reports/summary.xlsx",
                                                                               month)
            results["month_pdf_ms"], results["month_pdf_bytes"] = timed_file(
                client, "/api/reports/monthly.pdf", {"month": month["from"][:7]})
            results["csv"] = stream_csv(client, year, process)
    return results


def judge(results: dict, targets: dict = TARGETS) -> dict:
    return {
        "month_ms": results["month_ms"] <= targets["month_ms"],
        "year_by_agency_ms": results["year_by_agency_ms"] <= targets["year_by_agency_ms"],
        "month_xlsx_ms": results["month_xlsx_ms"] <= targets["month_xlsx_ms"],
        "csv_rss_growth_mb": results["csv"]["growth_mb"] <= targets["csv_rss_growth_mb"],
    }


def report(results: dict, verdict: dict) -> str:
    csv = results["csv"]
    lines = [
        f"Reports on {results['year_tickets']} tickets ({results['year']['from']} .. {results['year']['to']})",
        f"{'measure':<40}{'value':>14}{'target':>12}  verdict",
        f"{'month summary by agency (median ms)':<40}{results['month_ms']:>14.0f}{'≤ 300':>12}  "
        f"{'PASS' if verdict['month_ms'] else 'MISS'}",
        f"{'year summary by agency (median ms)':<40}{results['year_by_agency_ms']:>14.0f}{'≤ 2000':>12}  "
        f"{'PASS' if verdict['year_by_agency_ms'] else 'MISS'}",
        f"{'month XLSX, all sheets (median ms)':<40}{results['month_xlsx_ms']:>14.0f}{'≤ 5000':>12}  "
        f"{'PASS' if verdict['month_xlsx_ms'] else 'MISS'}",
        f"{'year CSV: server RSS growth (MB)':<40}{csv['growth_mb']:>14.1f}{'≤ 50':>12}  "
        f"{'PASS' if verdict['csv_rss_growth_mb'] else 'MISS'}",
        f"  (month: {results['month_tickets']} tickets, max {results['month_max_ms']:.0f} ms; by hour "
        f"{results['month_hour_ms']:.0f} ms; year max {results['year_max_ms']:.0f} ms, "
        f"by day {results['year_by_day_ms']:.0f} ms)",
        f"  (XLSX {results['month_xlsx_bytes'] / 1024:.0f} KB; monthly PDF {results['month_pdf_ms']:.0f} ms, "
        f"{results['month_pdf_bytes'] / 1024:.0f} KB)",
        f"  (CSV: {csv['rows']} rows, {csv['mb']:.0f} MB in {csv['seconds']:.1f} s; RSS {csv['rss_before_mb']:.0f} → "
        f"max {csv['rss_max_mb']:.0f} MB)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a seeded database (see --seed)")
    parser.add_argument("--seed", action="store_true", help="seed a year first when the file has none")
    args = parser.parse_args(argv)
    if args.seed and not args.db.exists():
        print(seed(args.db), file=sys.stderr)
    results = run(args.db)
    verdict = judge(results)
    print(report(results, verdict))
    return 0 if all(verdict.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
