"""What a simulated day left in the server's database: tickets per agency, waiting and service times.

Read from the tickets table itself (read-only), so the figures are the server's records, not
what the simulation believes it did. Times are the server's clock: minutes of the MPP's day.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal

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


def read_first_calls(db_path: Path) -> dict[int, str]:
    """When each ticket was first called (a recall, a requeue or a transfer calls it again)."""
    conn = sqlite3.connect(f"file:{Path(db_path).as_posix()}?mode=ro", uri=True, timeout=10)
    try:
        rows = conn.execute("SELECT ticket_id, MIN(ts) FROM events WHERE type = 'ticket.called' GROUP BY ticket_id")
        return dict(rows.fetchall())
    finally:
        conn.close()


def minutes(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60


def spread(values: list[float]) -> dict:
    return {"n": len(values), "mean": round(sum(values) / len(values), 1) if values else None,
            "p90": round(percentile(values, 90), 1) if values else None}


ESTIMATE_TARGETS = {"mean": 2.0, "p95": 6.0}  # minutes off, overall and for priority tickets


def estimate_errors(told: list[tuple[float, float, bool]]) -> dict:
    """How far the wait printed on each ticket was from its real wait.

    `told`: (estimate, real wait, priority) per ticket, in minutes. Per group ("all",
    "priority"): count, mean absolute error, its 95th percentile, the mean signed error
    (positive: told too long), and whether the group meets ESTIMATE_TARGETS."""
    def group(rows) -> dict:
        off = [estimate - waited for estimate, waited, _ in rows]
        if not off:
            return {"n": 0, "mean": None, "p95": None, "bias": None, "met": True}
        absolute = [abs(x) for x in off]
        mean, p95 = sum(absolute) / len(absolute), percentile(absolute, 95)
        return {"n": len(off), "mean": round(mean, 2), "p95": round(p95, 2), "bias": round(sum(off) / len(off), 2),
                "met": mean <= ESTIMATE_TARGETS["mean"] and p95 <= ESTIMATE_TARGETS["p95"]}

    result = {"all": group(told), "priority": group([t for t in told if t[2]])}
    return {**result, "targets": dict(ESTIMATE_TARGETS), "met": result["all"]["met"] and result["priority"]["met"]}


def summarise(tickets: list[dict], agency_names: dict[str, str] | None = None) -> dict:
    """Per agency and overall: tickets issued (printed), served, no-shows, cancelled prints,
    still open; waiting (print → first call) and service (start, else call → finish) minutes."""
    names = agency_names or {}
    groups: dict[str, list[dict]] = defaultdict(list)
    for ticket in tickets:
        groups[ticket["agency"]].append(ticket)

    def figures(rows: list[dict]) -> dict:
        printed = [t for t in rows if t["printed_at"]]
        waits = [m for t in printed if (m := minutes(t["printed_at"], t["called_at"])) is not None]
        # As the server's estimate counts it: from the start, or from the call when never started.
        services = [m for t in rows if t["status"] == "done"
                    and (m := minutes(t["started_at"] or t["called_at"], t["finished_at"])) is not None]
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


# ---------------------------------------------------------------- the report an MPP manager reads

LEGEND = [
    "Semua waktu dalam menit, menurut jam server.",
    "Waktu tunggu: dari tiket siap (tercetak) sampai pertama kali dipanggil di loket; panggilan ulang tidak",
    "  dihitung, tiket yang dialihkan dihitung sampai panggilan di layanan tujuannya.",
    "Waktu layanan: dari mulai dilayani (atau dipanggil, bila tidak pernah dimulai) sampai selesai.",
    "P90: 90 % warga menunggu atau dilayani selama itu atau kurang.",
]
COLUMNS = ("Instansi", "Tiket", "Selesai", "Tidak hadir", "Batal", "Rata-rata tunggu", "P90 tunggu",
           "Rata-rata layanan", "P90 layanan")
NONE = "–"  # a figure that has no sample (no ticket called yet, none served)


def number(value, decimals: int = 0) -> str:
    """A figure in Indonesian notation: 1.234 and 8,6; a missing one as a dash."""
    if value is None:
        return NONE
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="id")


def table(header: tuple[str, ...], rows: list[tuple[str, ...]], total: tuple[str, ...] | None = None) -> list[str]:
    """Aligned plain-text columns: the first to the left (names), the others to the right (figures)."""
    every = [header, *rows] + ([total] if total else [])
    widths = [max(len(row[i]) for row in every) for i in range(len(header))]

    def line(row) -> str:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        return "  ".join(cells).rstrip()

    rule = "-" * len(line(header))
    out = [line(header), rule, *(line(row) for row in rows)]
    if total:
        out += [rule, line(total)]
    return out


def agency_row(name: str, f: dict) -> tuple[str, ...]:
    return (name, number(f["tickets"]), number(f["done"]), number(f["no_show"]), number(f["cancelled"]),
            number(f["wait_min"]["mean"], 1), number(f["wait_min"]["p90"], 1),
            number(f["service_min"]["mean"], 1), number(f["service_min"]["p90"], 1))


def agency_table(summary: dict) -> list[str]:
    """One row per agency (most tickets first), then every agency together."""
    rows = [agency_row(f["name"], f) for f in summary["agencies"].values()]
    return table(COLUMNS, rows, agency_row("SEMUA", summary["total"]))


def summary_text(summary: dict, title: str) -> str:
    """The server's figures as a plain table, in Indonesian, under `title`."""
    total = summary["total"]
    lines = [title, "", *agency_table(summary), "",
             f"Prioritas: {number(total['priority'])} · dipanggil ulang: {number(total['recalled'])} · "
             f"dialihkan: {number(total['transferred'])} · belum selesai: {number(total['open'])}",
             "", *LEGEND]
    return "\n".join(lines) + "\n"


def long_date(day: str) -> str:
    """2026-11-23 → Senin, 23 November 2026."""
    return format_date(date.fromisoformat(day), "EEEE, d MMMM y", locale="id")


def reasons(counts: dict[str, int]) -> list[str]:
    return [f"    {why}: {number(n)}" for why, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def morning_report(figures: dict) -> str:
    """summary.txt of the simulated morning: a pure function of what summary.json holds."""
    summary, total = figures["summary"], figures["summary"]["total"]
    turned_away, failures = figures["turned_away"], figures["kiosk_failures"]
    period = figures["period"]
    facts = [
        ("Warga datang", number(figures["visitors"])),
        ("Mendapat tiket", number(figures["tickets_taken"])),
        ("Pulang tanpa tiket", number(sum(turned_away.values()))),
        ("Gagal di kios, pindah ke kios lain", number(sum(failures.values()))),
        ("Selesai dilayani", number(total["done"])),
        ("Tidak hadir saat dipanggil", number(total["no_show"])),
        ("Tiket batal (cetak gagal)", number(total["cancelled"])),
        ("Belum selesai", number(total["open"])),
        ("Prioritas", number(total["priority"])),
        ("Dipanggil ulang", number(total["recalled"])),
        ("Dialihkan ke layanan lain", number(total["transferred"])),
        ("Pengumuman suara", number(figures["announcements"])),
    ]
    width = max(len(label) for label, _ in facts)
    title = f"Laporan Simulasi Pagi – {figures['site']}"
    lines = [title, "=" * len(title), f"Hari    : {long_date(figures['day'])}",
             f"Periode : {period['from']}–{period['to']} {period['zone']}", "", "Jumlah", "------"]
    for label, value in facts:
        lines.append(f"  {label.ljust(width)}  {value.rjust(6)}")
        if label == "Pulang tanpa tiket":
            lines += reasons(turned_away)
        elif label.startswith("Gagal di kios"):
            lines += reasons(failures)
    lines += ["", "Per instansi", "------------", *agency_table(summary), ""]
    lines += ["Tiket tercetak per kios: " + " · ".join(f"{kiosk} {number(n)}"
                                                     for kiosk, n in figures["printed_jobs"].items())]
    if figures.get("paper_out"):
        lines.append(f"Kertas habis di {figures['paper_out']['kiosk']} pukul "
                     f"{figures['paper_out']['from']}–{figures['paper_out']['to']}.")
    lines += [f"Simulasi {number(figures['rate'])}× lebih cepat: {number(figures['wall_s'], 1)} detik waktu nyata.",
              "", "Keterangan", "----------", *LEGEND]
    return "\n".join(lines) + "\n"
