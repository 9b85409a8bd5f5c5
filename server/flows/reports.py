"""The reports (`GET /api/reports/summary`, `GET /api/reports/tickets.csv`): who may see what, the
range, and the tickets read in groups (summary) or in batches (CSV) through server/domain/reports.py.
Computed from the tickets each time: no second bookkeeping that could disagree with them."""

import json
from collections.abc import Iterator
from datetime import date

from .. import storage
from ..context import Context
from ..domain import reports
from ..domain.errors import Forbidden, NotFound

CSV_COLUMNS = ("service_day", "code", "agency", "service", "priority", "status", "issued_at", "called_at",
               "started_at", "done_at", "counter", "officer", "wait_min", "service_min")
CSV_SEPARATOR = ";"  # what Excel with Indonesian settings splits on (its decimal mark is the comma)


def scope(ctx: Context, principal, agency: str | None, service: str | None) -> str | None:
    """The agency the caller may see: a supervisor of one agency sees theirs only (403 for another's
    agency or service); a building supervisor and an admin see all. Unknown codes: 404."""
    site = ctx.site
    if agency is not None and agency not in site.agencies:
        raise NotFound(f"Instansi {agency!r} tidak dikenal.", code="unknown_agency")
    if service is not None and service not in site.services:
        raise NotFound(f"Layanan {service!r} tidak dikenal.", code="unknown_service")
    own = principal.agency if principal.role == "supervisor" else None
    if own is not None:
        if agency not in (None, own) or (service is not None and site.agency_of_service[service].code != own):
            raise Forbidden("Anda hanya dapat melihat laporan instansi Anda sendiri.", code="other_agency")
        agency = own
    return agency


def _agency_services(ctx: Context, agency: str | None) -> list[str] | None:
    return None if agency is None else [s.code for s in ctx.site.agencies[agency].services]


def summary(ctx: Context, conn, principal, start: str | None, end: str | None, agency: str | None = None,
            service: str | None = None, group: str | None = None) -> dict:
    """{"from", "to", "agency", "service", "group", "totals", "rows"} (server/domain/reports.py says what
    each figure means), from one read snapshot."""
    return summaries(ctx, conn, principal, start, end, agency, service, [group])[0]


def summaries(ctx: Context, conn, principal, start: str | None, end: str | None, agency: str | None = None,
              service: str | None = None, groups=(None,)) -> list[dict]:
    """One summary (as `summary`) per grouping in `groups`, all from one read snapshot. A read that
    several groupings share is made once: without a grouping, by agency and by service the issued
    tickets and their waits are the same rows (and over a long range, the endings too)."""
    agency = scope(ctx, principal, agency, service)
    first, last = reports.date_range(start, end, ctx.site.service_day(ctx.now()))
    site = ctx.site
    own = _agency_services(ctx, agency)
    service_agency = {code: a.code for code, a in site.agency_of_service.items()}
    targets = {code: s.target_wait_min for code, s in site.services.items()}
    made: dict = {}

    def once(name, read, *args):
        if name not in made:
            made[name] = read(*args)
        return made[name]

    answers = []
    with storage.read(conn):
        for group in groups:
            if group in LONG_GROUPINGS and _days(first, last) > SHORT_DAYS:
                by_hour = group == "hour"
                issued, waits, ended = _by_service(ctx, group, once(("by_service", by_hour), _service_rows, conn, first,
                                                                    last, [service] if service is not None else own,
                                                                    by_hour))
            else:
                # The storage's rows are in the fields' order of reports.Issued, Waits and Ended; the
                # issued and waits reads key no row by agency or service (the rules map the service).
                # A grouping whose rows another asked one's refine is folded from that one's reads.
                source, fold = _FINER.get(group, (group, None))
                if fold is None or not any(g in groups for g in _FINER_USERS[source] if g != group):
                    source, fold = group, None
                shared = None if source in (None, "agency", "service") else source
                issued = once(("issued", shared), storage.report_issued, conn, first, last, shared, agency, own, service)
                waits = once(("waits", shared), storage.report_waits, conn, first, last, shared, agency, own, service)
                ended = once(("ended", source), storage.report_ended, conn, first, last, source, agency, service)
                if fold:
                    issued, waits, ended = (_refold(rows, fold) for rows in (issued, waits, ended))
            answer = reports.summarise(group, issued, waits, ended, service_agency, targets)
            # Bookings apart from the tickets: a no-show booking never had one.
            answer["totals"].update(once(("bookings",), storage.booking_figures, conn, first, last,
                                         [service] if service else own))
            names = _names(ctx, conn, group, [row["key"] for row in answer["rows"]])
            for row in answer["rows"]:
                row["label"] = reports.label(group, row["key"], names)
            answers.append({"from": first, "to": last, "agency": agency, "service": service, "group": group, **answer})
    return answers


# Up to SHORT_DAYS, the day-led covering index reads only the range; beyond, the service-led indexes of
# the groupings that derive from the service or the hour of issue (read whole, but grouped as they are
# scanned: their cost is the database's, a month's about the same as the day-led read of a month on a
# seeded year).
SHORT_DAYS = 31
LONG_GROUPINGS = (None, "agency", "service", "hour")


# The heat map reads the day-led index up to about two months (a month: ~70 ms against ~240 ms).
LONG_HEAT_DAYS = 62


def _days(first: str, last: str) -> int:
    return (date.fromisoformat(last) - date.fromisoformat(first)).days + 1


def _weekday(day: str) -> str:
    return str(date.fromisoformat(day).isoweekday())  # as the storage's weekday key: Monday "1"


def _counter(pair: str) -> str | None:
    return json.loads(pair)[0]


def _officer(pair: str) -> str | None:
    officer = json.loads(pair)[1]
    return None if officer is None else str(officer)


# The groupings the XLSX asks together whose rows fold from one finer read (a month's grouped read is
# ~0.1 s of SQLite, folding its rows a few ms): the weekday from the day, the counter and the officer
# from the pair. The figures are the same (counts and histograms add up; sums differ in the last bit).
_FINER = {"weekday": ("day", _weekday), "counter": ("counter_officer", _counter),
          "officer": ("counter_officer", _officer)}
_FINER_USERS = {"day": ("day", "weekday"), "counter_officer": ("counter", "officer")}


def _refold(rows: list[tuple], fold) -> list[tuple]:
    """The rows with their key (first) folded to the coarser grouping's; the rules add up equal keys."""
    keys: dict = {}
    return [(keys[k] if k in keys else keys.setdefault(k, fold(k)), *rest) for k, *rest in rows]


def _service_rows(conn, first: str, last: str, services: list[str] | None, by_hour: bool) -> tuple[list, list, list]:
    return (storage.report_counts_by_service(conn, first, last, services),
            storage.report_waits_by_service(conn, first, last, services, by_hour),
            storage.report_ends_by_service(conn, first, last, services, by_hour))


def _by_service(ctx: Context, group: str | None, rows: tuple[list, list, list]) -> tuple[list, list, list]:
    """The rows `summarise` reads, from the per-service groups; the key (agency or service) from the site,
    the hour's as the day-led read writes it (text)."""
    agency_of = {code: a.code for code, a in ctx.site.agency_of_service.items()}
    counts, waits, ends = rows
    if group == "hour":
        return ([(_text(h), s, agency_of.get(now), now != s, p is not None, h, n) for s, now, p, h, n in counts],
                [(_text(h), s, w, n, total) for s, w, h, n, total in waits],
                [(_text(h), status, b, n, total) for s, status, b, h, n, total in ends])

    def key(code: str):
        return agency_of.get(code) if group == "agency" else code if group == "service" else None

    issued = [(None, s, agency_of.get(now), now != s, p is not None, h, n) for s, now, p, h, n in counts]
    waits = [(None, *row) for row in waits]
    # Where a ticket ended: an agency's (or a service's) own services, whatever it was issued for.
    ended = [(key(s), status, b, n, total) for s, status, b, n, total in ends]
    return issued, waits, ended


def _text(hour: int | None) -> str | None:
    return None if hour is None else str(hour)


def distributions(ctx: Context, conn, principal, start: str | None, end: str | None, agency: str | None = None,
                  service: str | None = None) -> dict:
    """The report page's other figures, scoped as `summary`: {"from", "to", "wait_bins" (called tickets
    per wait bin), "weekday_hours" (the staffing heat map)}; rules in server/domain/reports.py."""
    agency = scope(ctx, principal, agency, service)
    first, last = reports.date_range(start, end, ctx.site.service_day(ctx.now()))
    own = _agency_services(ctx, agency)
    services = [service] if service is not None else own
    with storage.read(conn):
        if _days(first, last) > SHORT_DAYS:
            waits = [reports.Waits(None, *row) for row in storage.report_waits_by_service(conn, first, last, services)]
        else:
            waits = list(map(reports.Waits._make, storage.report_waits(conn, first, last, None, agency, own, service)))
        per_day_hour = storage.report_day_hours(conn, first, last, services, long=_days(first, last) > LONG_HEAT_DAYS)
    return {"from": first, "to": last, "wait_bins": reports.wait_bins(waits),
            "weekday_hours": reports.weekday_hours(per_day_hour)}


def _names(ctx: Context, conn, group: str | None, keys: list) -> dict[str, str]:
    site = ctx.site
    if group == "agency":
        return {a.code: a.name for a in site.config.agencies}
    if group == "service":
        return {s.code: s.name for s in site.services.values()}
    if group == "counter":
        return {c.code: c.name for c in site.config.counters}
    if group == "officer":
        return storage.officer_names(conn, [int(k) for k in keys if k is not None])
    return {}


def tickets_csv(ctx: Context, principal, start: str | None, end: str | None, agency: str | None = None) -> tuple:
    """(first day, last day, the CSV's text in pieces): checked now, read while it streams, on its own
    connection and in batches, so a year's 900,000 tickets never sit in memory."""
    agency = scope(ctx, principal, agency, None)
    first, last = reports.date_range(start, end, ctx.site.service_day(ctx.now()))
    own = _agency_services(ctx, agency)

    def pieces() -> Iterator[str]:
        yield "\ufeff" + CSV_SEPARATOR.join(CSV_COLUMNS) + "\r\n"
        with ctx.pool.connection() as conn:
            for batch in storage.report_tickets(conn, first, last, agency, own):
                yield "".join(_csv_line(row) for row in batch)

    return first, last, pieces()


def _csv_line(row: tuple) -> str:
    *texts, wait_s, service_s = row
    cells = [_cell(t) for t in texts] + [_minutes(wait_s), _minutes(service_s)]
    return CSV_SEPARATOR.join(cells) + "\r\n"


def _cell(value) -> str:
    """Times as `2026-11-23 08:01:02` (local: a spreadsheet reads it as a date and time); text quoted
    only when it holds the separator or a quote."""
    if value is None:
        return ""
    text = str(value)
    if len(text) == 29 and text[10] == "T":  # an ISO time with milliseconds and offset
        return text[:10] + " " + text[11:19]
    if CSV_SEPARATOR in text or '"' in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _minutes(seconds: float | None) -> str:
    """One decimal, with a decimal comma (a dot would read as a thousands mark in an Indonesian Excel)."""
    return "" if seconds is None else f"{max(0.0, seconds) / 60:.1f}".replace(".", ",")
