"""The report pages (`/manage/reports`): the figures of GET /api/reports/summary for a range of days, as
tables and charts; supervisors and admins, an agency's supervisor her agency only (the flows' own scope).

Everything shown is what server/flows/reports.py computes: the page only picks the range, sorts the
rows and formats the numbers in Indonesian. The charts' figures go into the page as JSON
(`<script type="application/json">`), drawn by static/reports.js with the bundled Chart.js; each chart
has the same figures as a table. Downloads are the API's own files, read with the page's session.
"""

from urllib.parse import urlencode

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import current_app, g, render_template, request
from werkzeug.exceptions import HTTPException

from ..api import conn, ctx
from ..domain import reports as rule
from ..domain.errors import DomainError, NotFound
from ..flows import reports as flow
from .manage import bp
from .session import MANAGERS, PATH, page, page_principal, scope

RANGE_NAMES = {"today": "Hari ini", "week": "Minggu ini", "month": "Bulan ini", "last_month": "Bulan lalu",
               "custom": "Pilih tanggal"}
GROUP_NAMES = {"agency": "Instansi", "service": "Layanan", "counter": "Loket", "officer": "Petugas",
               "hour": "Jam (diambil)", "day": "Tanggal", "weekday": "Hari"}
# The table's columns: (field of the summary, heading, decimals); minutes and percentages have one.
COLUMNS = (("issued", "Diambil", 0), ("served", "Dilayani", 0), ("no_show", "Tidak hadir", 0),
           ("cancelled", "Dibatalkan", 0), ("transferred_out", "Dialihkan", 0), ("called", "Dipanggil", 0),
           ("wait_mean_min", "Tunggu rata-rata (menit)", 1), ("wait_median_min", "Tunggu median (menit)", 1),
           ("wait_p90_min", "Tunggu p90 (menit)", 1), ("service_mean_min", "Layanan rata-rata (menit)", 1),
           ("service_p90_min", "Layanan p90 (menit)", 1), ("service_level_pct", "Tingkat layanan (%)", 1),
           ("priority_pct", "Prioritas (%)", 1), ("busiest_hour", "Jam tersibuk", None))
SORTABLE = {"label", *(name for name, _, _ in COLUMNS)}
FILES = {"tickets.csv": "Tiket (CSV)", "summary.xlsx": "Ringkasan (XLSX)", "monthly.pdf": "Laporan bulanan (PDF)"}
HEAT_LEVELS = 5


def number(value, digits: int | None = 0) -> str:
    """1234 → "1.234", 15.25 with 1 → "15,3"; an hour → "09.00"; nothing → "–"."""
    if value is None:
        return "–"
    if digits is None:
        return f"{int(value):02d}.00"
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""), locale="id")


def asked() -> dict:
    """The form's values, trimmed: range, from, to, agency, service, group, sort."""
    values = {name: request.args.get(name, "").strip()[:32] for name in
              ("range", "from", "to", "agency", "service", "group", "sort")}
    if values["range"] not in RANGE_NAMES:
        values["range"] = "custom" if values["from"] or values["to"] else "today"
    if values["group"] not in rule.GROUPINGS:
        values["group"] = "service" if scope() else "agency"
    if values["sort"].lstrip("-") not in SORTABLE:
        values["sort"] = ""
    return values


def days(values: dict) -> tuple[str, str]:
    """The range's first and last day: a named one from today, else the form's from/to (422 when bad)."""
    today = ctx().site.service_day(ctx().now())
    named = rule.preset_range(values["range"], today)
    return named or rule.date_range(values["from"] or None, values["to"] or None, today)


def sorted_rows(rows: list[dict], sort: str) -> list[dict]:
    """The rows by one column (`-` first: descending); empty values last either way."""
    if not sort:
        return rows
    field, descending = sort.lstrip("-"), sort.startswith("-")
    present = [r for r in rows if r[field] is not None]
    present.sort(key=lambda r: r[field].casefold() if isinstance(r[field], str) else r[field], reverse=descending)
    return present + [r for r in rows if r[field] is None]


def page_url(values: dict, **changes) -> str:
    query = {k: v for k, v in {**values, **changes}.items() if v}
    return f"{PATH}/reports" + (f"?{urlencode(query)}" if query else "")


def file_available(name: str) -> bool:
    """Whether the server has this API file (XLSX and PDF come with their own change)."""
    try:
        current_app.url_map.bind("localhost").match(f"/api/reports/{name}", method="GET")
    except HTTPException:
        return False
    return True


def downloads(main: dict, group: str) -> list[tuple[str, str, str]]:
    """(id, text, link) of the files of this range the server has: the tickets, the summary, the month's PDF."""
    links = []
    for name, text in FILES.items():
        if not file_available(name):
            continue
        query = {"from": main["from"], "to": main["to"], "agency": main["agency"]}
        if name == "summary.xlsx":
            query["group"] = group
        elif name == "monthly.pdf":
            query, text = {"month": main["from"][:7]}, f"{text} {main['from'][:7]}"
        links.append(("file-" + name.replace(".", "-"), text,
                      f"{PATH}/reports/{name}?" + urlencode({k: v for k, v in query.items() if v})))
    return links


def hourly(rows: list[dict]) -> dict:
    """The line chart's hours, from the first to the last with tickets: an hour without any is a zero
    (and no wait), not a gap the line would jump over."""
    by_hour = {int(r["key"]): r for r in rows if r["key"] is not None}
    hours = range(min(by_hour), max(by_hour) + 1) if by_hour else []
    return {"labels": [f"{h:02d}.00" for h in hours],
            "issued": [by_hour[h]["issued"] if h in by_hour else 0 for h in hours],
            "wait_mean_min": [by_hour[h]["wait_mean_min"] if h in by_hour else None for h in hours]}


def short_label(group: str, row: dict) -> str:
    """A chart's axis takes an agency's short name (the table keeps the full one)."""
    agency = ctx().site.agencies.get(row["key"]) if group == "agency" else None
    return (agency.short_name or agency.name) if agency else row["label"]


def long_date(day: str) -> str:
    """2026-11-23 → "23 November 2026"."""
    return format_date(date.fromisoformat(day), format="long", locale="id")


def heat_level(value: float, top: float) -> int:
    return 0 if not top or not value else max(1, round(HEAT_LEVELS * value / top))


@bp.get("/reports")
@page(roles=MANAGERS)
def reports_page():
    values = asked()
    who, site = page_principal(), ctx().site
    agency, service = values["agency"] or None, values["service"] or None
    try:
        first, last = days(values)
    except DomainError as exc:  # a bad date: the form again, with the message
        return render_template("reports.html", **_choices(values), report=None, message=exc.message), exc.status
    # The page's table, its hours chart and its volume chart (by service within one agency's scope),
    # from one snapshot; a grouping asked twice is read once.
    volume_group = "service" if flow.scope(ctx(), who, agency, service) else "agency"
    groups = list(dict.fromkeys([values["group"], "hour", volume_group]))
    made = dict(zip(groups, flow.summaries(ctx(), conn(), who, first, last, agency, service, groups)))
    main, hours, volume = made[values["group"]], made["hour"], made[volume_group]
    spread = flow.distributions(ctx(), conn(), who, first, last, agency, service)
    values["from"], values["to"] = first, last
    charts = {"hours": hourly(hours["rows"]), "volume": {
        "labels": [short_label(volume_group, r) for r in volume["rows"]],
        "issued": [r["issued"] for r in volume["rows"]], "served": [r["served"] for r in volume["rows"]]},
        "waits": {"labels": [b["label"] for b in spread["wait_bins"]],
                  "count": [b["count"] for b in spread["wait_bins"]]}}
    heat = spread["weekday_hours"]
    report = {"main": main, "rows": sorted_rows(main["rows"], values["sort"]), "hours": hours, "volume": volume,
              "volume_group": volume_group, "bins": spread["wait_bins"], "heat": heat,
              "heat_level": lambda v: heat_level(v, heat["max"]), "charts": charts,
              "scope_name": site.agencies[main["agency"]].name if main["agency"] else None,
              "downloads": downloads(main, values["group"])}
    return render_template("reports.html", **_choices(values), report=report, message=None)


def _choices(values: dict) -> dict:
    """What the form offers within the person's scope, and the helpers the template uses."""
    site, mine = ctx().site, scope()
    agencies = [a for a in site.config.agencies if mine is None or a.code == mine]
    return {"values": values, "agencies": agencies, "range_names": RANGE_NAMES, "group_names": GROUP_NAMES,
            "columns": COLUMNS, "number": number, "long_date": long_date, "page_url": page_url,
            "definitions": rule.DEFINITIONS_ID}


@bp.get("/reports/<name>")
@page(roles=MANAGERS)
def report_file(name: str):
    """The API's file of that name, for the signed-in person: the page's session stands in for a
    bearer token, and the API's own view checks the role, the scope and the query."""
    if name not in FILES:
        raise NotFound("Berkas laporan ini tidak ada.", code="no_such_file")
    try:
        endpoint, arguments = current_app.url_map.bind("localhost").match(f"/api/reports/{name}", method="GET")
    except HTTPException:
        raise NotFound("Berkas laporan ini belum tersedia.", code="no_such_file") from None
    g.principal = page_principal()
    return current_app.view_functions[endpoint](**arguments)
