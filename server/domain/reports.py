"""The report figures an MPP is judged on (`GET /api/reports/summary`): plain Python over the grouped
rows the storage reads. The moments are the floor's (server/domain/floor.py): the monitor, the
morning summary and the reports agree on the same day.

Definitions (stated once; the API description and the pages say the same):
- **Waiting time**: ready (printed; `queued_at` without a print time) → FIRST call, of the tickets
  called at least once. **Service time**: start (or the call, when never started) → done, of the
  tickets `done`; after a transfer, at the counter that finished it. Times are wall-clock: a counter's
  pause or a break inside a wait or a visit counts in it (the citizen waited through it).
- **Service level**: % of called tickets whose wait ≤ the target (`target_wait_min`, default 15) of
  the service they were ISSUED for; exactly the target counts as within. Null when nobody was called.
- A ticket counts in `issued`, `transferred_out`, the waits, the service level, the priority share and
  the busiest hour under the service it was issued for (where it waited first), and in `served`,
  `no_show`, `cancelled` and the service time under where it ended (its current service) — as the
  monitor counts. For the groupings by counter and officer both are the ticket's last counter/officer.
- **Transferred out**: a ticket issued in this row that now belongs to another row (grouped by
  agency: another agency; by service: another service; otherwise: another service).
- **Mean, median, p90**: over the tickets' seconds; median and p90 interpolate linearly between the
  two nearest ranks (ties count each ticket). The storage gives the times rounded up to 6 seconds
  (a tenth of a minute, what the figures show) for the median and p90: within 0.1 minute of exact;
  the mean and the service level are exact.
- **Busiest hour**: the hour of day (of issue) with the most tickets issued; a tie goes to the earlier hour.
- **Priority share**: % of issued tickets under a priority category.
Minutes as numbers with one decimal.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from .errors import Invalid
from .floor import DEFAULT_TARGET_WAIT_MIN, percent

GROUPINGS = ("agency", "service", "counter", "officer", "hour", "day", "weekday")
MAX_DAYS = 400  # a year and a bit: a longer range is a warehouse's job
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
DONE, NO_SHOW, CANCELLED = "done", "no_show", "cancelled"


def date_range(start: str | None, end: str | None, today: str) -> tuple[str, str]:
    """The report's days: `from`..`to` (both included; `to` defaults to `from`, both to today)."""
    first = _day(start, "from") if start else None
    last = _day(end, "to") if end else None
    first = first or last or date.fromisoformat(today)
    last = last or first
    if last < first:
        raise Invalid("Tanggal akhir (to) tidak boleh sebelum tanggal awal (from).", code="bad_range")
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid(f"Rentang laporan paling lama {MAX_DAYS} hari.", code="range_too_long")
    return first.isoformat(), last.isoformat()


def month_range(month: str | None, today: str) -> tuple[str, str, str, str]:
    """(first, last, previous month's first, its last) of `YYYY-MM`; none: the month before today's
    (a monthly report goes out once the month is over)."""
    if month is None:
        before = date.fromisoformat(today).replace(day=1) - timedelta(days=1)
        month = before.isoformat()[:7]
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise Invalid("Bulan harus berbentuk TTTT-BB (mis. 2026-11).", code="bad_month")
    first = date.fromisoformat(month + "-01")
    last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    previous_last = first - timedelta(days=1)
    return first.isoformat(), last.isoformat(), previous_last.replace(day=1).isoformat(), previous_last.isoformat()


def _day(text: str, name: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"Tanggal {name} harus berbentuk TTTT-BB-HH (mis. 2026-11-23).", code="bad_date") from None


def quantile(histogram: Iterable[tuple[float, int]], share: float) -> float | None:
    """The `share` quantile (0.5: median) of values given as (value, how many), linear between the
    two nearest ranks (numpy's default). None for no values."""
    items = sorted((v, n) for v, n in histogram if n > 0)
    total = sum(n for _, n in items)
    if not total:
        return None
    rank = share * (total - 1)
    low, high = int(rank), min(int(rank) + 1, total - 1)
    seen, below, above = 0, None, None
    for value, count in items:
        if below is None and low < seen + count:
            below = value
        if high < seen + count:
            above = value
            break
        seen += count
    return below + (above - below) * (rank - low)


# The grouped rows are tuples (a month's summary folds tens of thousands of them: the storage's own
# rows, in these fields' order, are taken as they come).

class Issued(NamedTuple):
    """Tickets issued for `issued_service`, grouped: `key` (for groupings other than agency and
    service), the agency they now belong to, whether they now belong to another service, under a
    priority, their hour of issue."""

    key: str | None
    issued_service: str
    agency: str  # now
    moved: bool  # now at another service than issued
    priority: bool
    hour: int
    count: int


class Waits(NamedTuple):
    """Tickets issued for `issued_service` (and `key`) called at least once, by their wait."""

    key: str | None
    issued_service: str
    wait_s: int  # seconds, rounded up (to whole seconds or coarser)
    count: int
    wait_sum_s: float = 0.0  # exact


class Ended(NamedTuple):
    """Tickets that ended in `status` under `key` (for agency and service: their current one)."""

    key: str | None
    status: str
    service_s: int | None  # seconds rounded up, for `done`
    count: int
    service_sum_s: float = 0.0


@dataclass
class _Tally:
    issued: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    transferred_out: int = 0
    priority: int = 0
    within: int = 0
    waits: dict = field(default_factory=dict)
    wait_sum: float = 0.0
    services: dict = field(default_factory=dict)
    service_sum: float = 0.0
    hours: dict = field(default_factory=dict)

    def figures(self) -> dict:
        called, done = sum(self.waits.values()), sum(self.services.values())
        busiest = max(sorted(self.hours.items()), key=lambda item: item[1], default=(None, 0))
        return {
            "issued": self.issued, "served": self.served, "no_show": self.no_show, "cancelled": self.cancelled,
            "transferred_out": self.transferred_out, "called": called,
            "wait_mean_min": _min(self.wait_sum / called if called else None),
            "wait_median_min": _min(quantile(self.waits.items(), 0.5)),
            "wait_p90_min": _min(quantile(self.waits.items(), 0.9)),
            "service_mean_min": _min(self.service_sum / done if done else None),
            "service_p90_min": _min(quantile(self.services.items(), 0.9)),
            "service_level_pct": percent(self.within, called),
            "priority_pct": percent(self.priority, self.issued),
            "busiest_hour": busiest[0] if busiest[1] else None,
        }


def _min(seconds: float | None) -> float | None:
    return None if seconds is None else round(max(0.0, seconds) / 60, 1)


def summarise(grouping: str | None, issued: Iterable[Issued], waits: Iterable[Waits], ended: Iterable[Ended],
              service_agency: dict[str, str], targets: dict[str, int | None]) -> dict:
    """{"totals", "rows"}: the figures of every ticket, and per group (sorted by key; none without
    `grouping`). `service_agency`: each service's agency; `targets`: each service's target_wait_min.
    (The rows come as tuples in the fields' order; a row's tally and the totals are kept side by side,
    the totals' histograms summed from the rows' at the end.)"""
    totals, rows = _Tally(), {}
    grouped = bool(grouping)

    def tally_of(key) -> _Tally:
        tally = rows.get(key)
        if tally is None:
            tally = rows[key] = _Tally()
        return tally

    if grouping == "agency":
        keys = {}

        def issued_key(service: str, key):
            return keys[service] if service in keys else keys.setdefault(service, service_agency.get(service))
    elif grouping == "service":
        def issued_key(service: str, key):
            return service
    else:
        def issued_key(service: str, key):
            return key

    for key, service, agency, moved, priority, hour, count in issued:
        totals.issued += count
        if moved:
            totals.transferred_out += count
        if priority:
            totals.priority += count
        tally = tally_of(issued_key(service, key)) if grouped else totals
        if grouped:
            tally.issued += count
            if (agency != service_agency.get(service)) if grouping == "agency" else moved:
                tally.transferred_out += count
            if priority:
                tally.priority += count
        tally.hours[hour] = tally.hours.get(hour, 0) + count
    limits = {}
    for key, service, wait_s, count, wait_sum_s in waits:
        limit = limits.get(service)
        if limit is None:
            limit = limits[service] = 60 * (targets.get(service) or DEFAULT_TARGET_WAIT_MIN)
        within = count if wait_s <= limit else 0
        totals.wait_sum += wait_sum_s
        totals.within += within
        tally = tally_of(issued_key(service, key)) if grouped else totals
        if grouped:
            tally.wait_sum += wait_sum_s
            tally.within += within
        tally.waits[wait_s] = tally.waits.get(wait_s, 0) + count
    for key, status, service_s, count, service_sum_s in ended:
        for tally in ((totals, tally_of(key)) if grouped else (totals,)):
            if status == DONE:
                tally.served += count
                if service_s is not None:
                    if tally is not totals or not grouped:
                        tally.services[service_s] = tally.services.get(service_s, 0) + count
                    tally.service_sum += service_sum_s
            elif status == NO_SHOW:
                tally.no_show += count
            elif status == CANCELLED:
                tally.cancelled += count
    if grouped:
        for tally in rows.values():
            for mine, theirs in ((tally.hours, totals.hours), (tally.waits, totals.waits),
                                 (tally.services, totals.services)):
                for value, count in mine.items():
                    theirs[value] = theirs.get(value, 0) + count
    ordered = sorted(rows.items(), key=lambda item: (item[0] is None, _sort_key(grouping, item[0])))
    return {"totals": totals.figures(), "rows": [{"key": key, **tally.figures()} for key, tally in ordered]}


def _sort_key(grouping: str | None, key):
    if key is None:
        return ""
    return int(key) if grouping in ("hour", "weekday") else str(key)


def label(grouping: str, key: str | None, names: dict[str, str]) -> str:
    """How a page names a row: the agency's, service's or counter's name, the officer's username,
    "08.00–09.00", a date, a weekday. A row without a counter or officer: tickets nobody called."""
    if key is None:
        return {"counter": "Tanpa loket", "officer": "Tanpa petugas"}.get(grouping, "-")
    if grouping == "hour":
        return f"{int(key):02d}.00–{int(key) + 1:02d}.00"
    if grouping == "weekday":
        return WEEKDAYS[int(key) - 1]
    return names.get(key, key)


# ------------------------------------------------------------------- what the report page shows

# The same definitions in Indonesian, for the report page and the API description (one text).
DEFINITIONS_ID = (
    ("Waktu tunggu", "dari tiket siap (tercetak; tanpa waktu cetak: saat masuk antrean) sampai panggilan PERTAMA, "
                     "untuk tiket yang pernah dipanggil. Waktu jam dinding: jeda loket atau istirahat di dalamnya "
                     "ikut terhitung."),
    ("Waktu layanan", "dari mulai dilayani (atau panggilan, bila tidak pernah dimulai) sampai selesai, untuk tiket "
                      "yang selesai; setelah dialihkan, di loket yang menyelesaikannya."),
    ("Tingkat layanan", "persentase tiket yang dipanggil dengan waktu tunggu paling lama sama dengan target layanan "
                        "tempat tiket diambil (bawaan 15 menit); tepat sama dengan target dihitung memenuhi."),
    ("Tempat dihitung", "tiket diambil, dialihkan, waktu tunggu, tingkat layanan, porsi prioritas dan jam tersibuk "
                        "dihitung pada layanan tempat tiket diambil; dilayani, tidak hadir, dibatalkan dan waktu "
                        "layanan di tempat tiket berakhir, seperti monitor. Per loket dan petugas: yang terakhir."),
    ("Median dan p90", "antara dua peringkat terdekat, atas waktu yang dibulatkan ke atas per 6 detik (paling jauh "
                       "0,1 menit dari nilai tepat); rata-rata dan tingkat layanan tepat. Menit dengan satu desimal."),
)

RANGES = ("today", "week", "month", "last_month", "custom")


def preset_range(name: str, today: str) -> tuple[str, str] | None:
    """The days of a named range: this week and this month run from their first day (Monday, the 1st)
    to today; last month is whole. None for `custom` (the page's own from/to)."""
    day = date.fromisoformat(today)
    if name == "today":
        return today, today
    if name == "week":
        return (day - timedelta(days=day.weekday())).isoformat(), today
    if name == "month":
        return day.replace(day=1).isoformat(), today
    if name == "last_month":
        last = day.replace(day=1) - timedelta(days=1)
        return last.replace(day=1).isoformat(), last.isoformat()
    return None


# The wait distribution's bins: upper edges in minutes; a wait exactly on an edge is in the lower bin
# (as the service level counts exactly the target as within). The last bin is open.
WAIT_EDGES_MIN = (5, 10, 15, 20, 30, 45, 60)


def wait_bins(waits: Iterable[Waits]) -> list[dict]:
    """[{"label", "count"}] of called tickets per wait bin (their waits rounded up as the medians')."""
    counts = [0] * (len(WAIT_EDGES_MIN) + 1)
    for w in waits:
        index = next((i for i, edge in enumerate(WAIT_EDGES_MIN) if w.wait_s <= edge * 60), len(WAIT_EDGES_MIN))
        counts[index] += w.count
    lows = (0, *WAIT_EDGES_MIN)
    labels = [f"{low}–{high} menit" for low, high in zip(lows, WAIT_EDGES_MIN)] + [f"> {WAIT_EDGES_MIN[-1]} menit"]
    return [{"label": text, "count": n} for text, n in zip(labels, counts)]


def weekday_hours(per_day_hour: Iterable[tuple[str, int, int]]) -> dict:
    """The staffing heat map from (service day, hour of issue, tickets): per weekday that had tickets,
    the mean tickets issued per such day in each hour, one decimal. {"hours", "rows": [{"weekday",
    "label", "days", "values"}], "max"}."""
    totals, days = {}, {}
    for day, hour, count in per_day_hour:
        weekday = date.fromisoformat(day).isoweekday()
        totals[(weekday, hour)] = totals.get((weekday, hour), 0) + count
        days.setdefault(weekday, set()).add(day)
    hours = list(range(min(h for _, h in totals), max(h for _, h in totals) + 1)) if totals else []
    rows = [{"weekday": w, "label": WEEKDAYS[w - 1], "days": len(days[w]),
             "values": [round(totals.get((w, h), 0) / len(days[w]), 1) for h in hours]} for w in sorted(days)]
    return {"hours": hours, "rows": rows, "max": max((v for r in rows for v in r["values"]), default=0)}
