"""`mpp-server export-day`: one service day's tickets and events as CSV files with a stable schema,
for a province's or KemenPAN-RB's warehouse (docs/warehouse.md says how to load them into PostgreSQL,
DuckDB and ClickHouse). Next to the CSVs, a Frictionless Data Package (`datapackage.json`: a
published standard, read by existing tools) names every column, its type and unit.

CSV, not Parquet: Parquet needs pyarrow (a 55 MB wheel) on every MPP's server; the warehouse turns
the CSV into Parquet in one DuckDB statement if it wants. Rows are written as they are read (a day
is ~3,000 tickets and ~15,000 events), each file under a temporary name and renamed when whole."""

import csv
import json
import os
from pathlib import Path

from . import storage

SCHEMA_VERSION = "1"  # a column added or changed: a new version, the old columns kept as they are

# (column, Frictionless type, description). Times: ISO 8601 with the site's UTC offset and milliseconds.
TICKET_FIELDS = (
    ("site", "string", "The MPP (`--site-code`, default its short name)"),
    ("service_day", "date", "The service day, YYYY-MM-DD, in the site's time zone"),
    ("ticket_id", "integer", "The ticket's number in this MPP's database (unique with `site`)"),
    ("code", "string", "The printed code, e.g. A-007 (unique with `site` and `service_day`)"),
    ("queue", "string", "The queue it waits in now (its numbering line)"),
    ("issued_service", "string", "The service it was issued for"),
    ("issued_agency", "string", "That service's agency"),
    ("service", "string", "The service it belongs to now (ended): differs after a transfer"),
    ("agency", "string", "That service's agency"),
    ("zone", "string", "The zone (floor, hall) of its agency"),
    ("priority", "string", "The priority category (lansia, disabilitas, ...), empty: none"),
    ("status", "string", "printing, waiting, called, serving, held, done, no_show or cancelled, at export"),
    ("cancel_reason", "string", "Why it was cancelled: print_failed, print_timeout, supervisor, day_ended"),
    ("issued_at", "datetime", "Taken at the kiosk"),
    ("printed_at", "datetime", "Printed: ready, the wait begins"),
    ("first_called_at", "datetime", "Its first call: the wait ends"),
    ("called_at", "datetime", "Its last call"),
    ("started_at", "datetime", "Service started"),
    ("finished_at", "datetime", "Done or no-show"),
    ("cancelled_at", "datetime", "Cancelled"),
    ("counter", "string", "The counter (loket) that served it last"),
    ("officer_id", "integer", "The officer who served it last: a number, no name (the names stay in the MPP)"),
    ("recall_count", "integer", "How often it was called again"),
    ("transfer_count", "integer", "How often it was transferred"),
    ("wait_s", "number", "Seconds from ready to the first call (called tickets)"),
    ("service_s", "number", "Seconds from start (or call) to done (done tickets)"),
    ("target_wait_min", "integer", "The issued service's target wait in minutes, for the service level"),
)
EVENT_FIELDS = (
    ("site", "string", "The MPP, as in the tickets"),
    ("service_day", "date", "The service day of the event"),
    ("event_id", "integer", "Increasing within the site"),
    ("occurred_at", "datetime", "When it happened"),
    ("type", "string", "ticket.issued, ticket.waiting, ticket.called, ticket.recalled, ticket.started, "
                       "ticket.done, ticket.no_show, ticket.transferred, ticket.held, ticket.cancelled, "
                       "counter.opened, counter.paused, counter.resumed, counter.closed, counter.updated"),
    ("zone", "string", "The zone it was shown in"),
    ("counter", "string", "The counter, for a counter's action"),
    ("ticket_id", "integer", "The ticket (tickets.ticket_id), empty for a counter event"),
    ("ticket_code", "string", "Its code"),
    ("service", "string", "The ticket's service after the event (after a transfer: the new one)"),
    ("status", "string", "The ticket's status after the event"),
    ("reason", "string", "For a cancel or an end: print_failed, print_timeout, supervisor, day_ended"),
)
UNITS = {"wait_s": "s", "service_s": "s", "target_wait_min": "min"}
DEFAULT_TARGET_WAIT_MIN = 15


def export_day(conn, site, day: str, out_dir: Path, site_code: str) -> dict:
    """Write `tickets_DAY.csv`, `events_DAY.csv` and `datapackage_DAY.json` into `out_dir`;
    answers {"tickets": n, "events": n, "files": [paths]}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    agency_of = {code: a.code for code, a in site.agency_of_service.items()}
    targets = {code: s.target_wait_min or DEFAULT_TARGET_WAIT_MIN for code, s in site.services.items()}

    def ticket_rows():
        for batch in storage.warehouse_tickets(conn, day):
            for (ticket_id, code, queue, issued, service, agency, zone, priority, status, reason, *times,
                 counter, officer, recalls, transfers, wait_s, service_s) in batch:
                yield (site_code, day, ticket_id, code, queue, issued, agency_of.get(issued, ""), service, agency,
                       zone, priority, status, reason, *times, counter, officer, recalls, transfers,
                       _seconds(wait_s), _seconds(service_s), targets.get(issued, DEFAULT_TARGET_WAIT_MIN))

    def event_rows():
        for batch in storage.warehouse_events(conn, day):
            for row in batch:
                yield (site_code, day, *row)

    with storage.read(conn):  # one snapshot: the events and the tickets of the same moment
        tickets = _write(out_dir / f"tickets_{day}.csv", TICKET_FIELDS, ticket_rows())
        events = _write(out_dir / f"events_{day}.csv", EVENT_FIELDS, event_rows())
    package = out_dir / f"datapackage_{day}.json"
    _replace(package, json.dumps(data_package(day, site_code), ensure_ascii=False, indent=2) + "\n")
    return {"tickets": tickets, "events": events,
            "files": [out_dir / f"tickets_{day}.csv", out_dir / f"events_{day}.csv", package]}


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(max(0.0, value), 3)


def _write(path: Path, fields: tuple, rows) -> int:
    temporary = path.with_name(path.name + ".part")
    count = 0
    try:
        with open(temporary, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(name for name, _, _ in fields)
            for row in rows:
                writer.writerow("" if value is None else value for value in row)
                count += 1
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)  # a failed export leaves no half file behind
    return count


def _replace(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def data_package(day: str, site_code: str) -> dict:
    """The Frictionless Data Package (v1) describing the day's two files."""

    def schema(fields, key):
        return {"fields": [{"name": name, "type": kind, "description": text,
                            **({"format": "%Y-%m-%dT%H:%M:%S.%f%z"} if kind == "datetime" else {}),
                            **({"unit": UNITS[name]} if name in UNITS else {})} for name, kind, text in fields],
                "primaryKey": key, "missingValues": [""]}

    dialect = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True}
    return {
        "profile": "tabular-data-package",
        "name": f"antrian-mpp-{day}",
        "title": f"Antrian MPP: tickets and events of {site_code}, {day}",
        "version": SCHEMA_VERSION,
        "description": "No personal data: no NIK, phone or name of a citizen, no officer's name. Times in the "
                       "site's time zone with its UTC offset (WIB +07:00, WITA +08:00, WIT +09:00).",
        "resources": [
            {"name": "tickets", "path": f"tickets_{day}.csv", "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8", "dialect": dialect,
             "schema": schema(TICKET_FIELDS, ["site", "ticket_id"])},
            {"name": "events", "path": f"events_{day}.csv", "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8", "dialect": dialect,
             "schema": schema(EVENT_FIELDS, ["site", "event_id"])},
        ],
    }
