"""What a simulated day left in the server's database: tickets per agency, waiting and service times.

Read from the tickets table itself (read-only), so the figures are the server's records, not
what the simulation believes it did. Times are the server's clock: minutes of the MPP's day.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from devtools.stats import percentile

FINAL = ("done", "no_show", "cancelled")


def read_tickets(db_path: Path) -> tuple[list[dict], dict[str, str]]:
    """Every ticket row, and each agency's short name."""
    conn = sqlite3.connect(f"file:{Path(db_path).as_posix()}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        tickets = [dict(row) for row in conn.execute("SELECT * FROM tickets ORDER BY id")]
        names = {row["code"]: row["short_name"] or row["name"]
                 for row in conn.execute("SELECT code, name, short_name FROM agencies")}
    finally:
        conn.close()
    return tickets, names


def minutes(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60


def spread(values: list[float]) -> dict:
    return {"n": len(values), "mean": round(sum(values) / len(values), 1) if values else None,
            "p90": round(percentile(values, 90), 1) if values else None}


def summarise(tickets: list[dict], agency_names: dict[str, str] | None = None) -> dict:
    """Per agency and overall: tickets issued (printed), served, no-shows, cancelled prints,
    still open; waiting (print → first call) and service (start → finish) minutes."""
    names = agency_names or {}
    groups: dict[str, list[dict]] = defaultdict(list)
    for ticket in tickets:
        groups[ticket["agency"]].append(ticket)

    def figures(rows: list[dict]) -> dict:
        printed = [t for t in rows if t["printed_at"]]
        waits = [m for t in printed if (m := minutes(t["printed_at"], t["called_at"])) is not None]
        services = [m for t in rows if t["status"] == "done" and (m := minutes(t["started_at"], t["finished_at"]))
                    is not None]
        return {
            "tickets": len(printed),
            "done": sum(t["status"] == "done" for t in rows),
            "no_show": sum(t["status"] == "no_show" for t in rows),
            "cancelled": sum(t["status"] == "cancelled" for t in rows),
            "open": sum(t["status"] not in FINAL for t in rows),
            "priority": sum(bool(t["priority"]) for t in printed),
            "transferred": sum(t["transfer_count"] > 0 for t in rows),
            "recalled": sum(t["recall_count"] > 0 for t in rows),
            "wait_min": spread(waits),
            "service_min": spread(services),
        }

    return {
        "agencies": {code: {"name": names.get(code, code), **figures(rows)} for code, rows in sorted(
            groups.items(), key=lambda item: -len(item[1]))},
        "total": figures(tickets),
    }


def summary_text(summary: dict, title: str) -> str:
    """The summary as a plain table, in Indonesian."""
    def cell(value) -> str:
        return "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

    header = (f"{'Instansi':<24}{'Tiket':>7}{'Selesai':>9}{'Tdk hadir':>11}{'Batal':>7}{'Tunggu rata2':>14}"
              f"{'Tunggu p90':>12}{'Layan rata2':>13}{'Layan p90':>11}")
    lines = [title, "", "Waktu dalam menit (jam server). Tunggu: tiket tercetak → dipanggil; layan: mulai → selesai.",
             "", header, "-" * len(header)]
    rows = [(f["name"], f) for f in summary["agencies"].values()] + [("SEMUA", summary["total"])]
    for name, f in rows:
        if name == "SEMUA":
            lines.append("-" * len(header))
        lines.append(f"{name[:23]:<24}{f['tickets']:>7}{f['done']:>9}{f['no_show']:>11}{f['cancelled']:>7}"
                     f"{cell(f['wait_min']['mean']):>14}{cell(f['wait_min']['p90']):>12}"
                     f"{cell(f['service_min']['mean']):>13}{cell(f['service_min']['p90']):>11}")
    total = summary["total"]
    lines += ["", f"Prioritas: {total['priority']} · dipanggil ulang: {total['recalled']} · "
                  f"dialihkan: {total['transferred']} · belum selesai: {total['open']}"]
    return "\n".join(lines) + "\n"
