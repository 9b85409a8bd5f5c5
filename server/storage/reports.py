"""What the reports read (server/flows/reports.py, server/domain/reports.py): the tickets of a range
of service days, grouped in SQL into a few thousand rows (a year is ~900,000 tickets), and the tickets
one by one for the CSV, in batches. The moments are the floor's (storage/floor.py): each ticket's wait
and service seconds are kept on its row by triggers (the reports migration). A short range reads its
days' rows; a long one by agency or service reads service-led indexes, grouped as they are scanned."""

from collections.abc import Iterator

from .floor import _tuples

HOUR = "issued_hour"  # of issue, local time (kept by the triggers)
from .migrations import BUCKET_S  # noqa: F401  (the resolution of the medians and p90s: wait_b, service_b)


# The row a ticket counts in, per grouping, where the rule does not derive it from the issued service.
_KEY = {
    None: "NULL", "agency": "NULL", "service": "NULL",
    "counter": "counter", "officer": "CAST(officer_id AS TEXT)", "hour": f"CAST({HOUR} AS TEXT)",
    "day": "service_day", "weekday": "CAST((CAST(strftime('%w', service_day) AS INTEGER) + 6) % 7 + 1 AS TEXT)",
    # both at once, for a caller that wants the two groupings (a JSON pair: [counter, officer id])
    "counter_officer": "json_array(counter, officer_id)",
}
_ENDED_KEY = {**_KEY, "agency": "agency", "service": "service"}


def _group_by(key: str, *others: int) -> str:
    """The GROUP BY of a grouped read whose first column is the key: a constant key (NULL) left out,
    so SQLite's sorter compares the first real column's values directly (a month: ~25 % faster)."""
    return "GROUP BY " + ", ".join(str(n) for n in ((1,) if key != "NULL" else ()) + others)


def _where(issued_side: bool, agency_services: list[str] | None, agency: str | None, service: str | None):
    clauses, args = [], []
    if agency is not None:
        if issued_side:
            clauses.append(f"issued_service IN ({', '.join('?' for _ in agency_services or [''])})")
            args += agency_services or [""]
        else:
            clauses.append("agency = ?")
            args.append(agency)
    if service is not None:
        clauses.append("issued_service = ?" if issued_side else "service = ?")
        args.append(service)
    return "".join(f" AND {c}" for c in clauses), args


def report_issued(conn, first: str, last: str, grouping: str | None, agency: str | None = None,
                  agency_services: list[str] | None = None, service: str | None = None) -> list[tuple]:
    """Per key, issued service, current agency, moved, priority and hour of issue: how many tickets."""
    where, args = _where(True, agency_services, agency, service)
    if grouping in _BY_DAY:
        # Counted per day first, in the covering index's own order (no sort of every ticket), then the
        # days' few rows grouped: a month ~40 % faster.
        return _tuples(conn).execute(
            f"SELECT {_KEY[grouping]}, issued_service, agency, service != issued_service, priority IS NOT NULL, "
            f"{HOUR}, SUM(n) FROM (SELECT service_day, issued_service, service, agency, priority, {HOUR}, COUNT(*) AS n "
            f"FROM tickets INDEXED BY tickets_report_days WHERE service_day BETWEEN ? AND ?{where} "
            f"GROUP BY service_day, issued_service, service, agency, priority, {HOUR}) "
            f"{_group_by(_KEY[grouping], 2, 3, 4, 5, 6)}",
            [first, last, *args],
        ).fetchall()
    return _tuples(conn).execute(
        f"SELECT {_KEY[grouping]}, issued_service, agency, service != issued_service, priority IS NOT NULL, "
        f"{HOUR}, COUNT(*) FROM tickets INDEXED BY tickets_report_days "
        f"WHERE service_day BETWEEN ? AND ?{where} {_group_by(_KEY[grouping], 2, 3, 4, 5, 6)}",
        [first, last, *args],
    ).fetchall()


# The groupings whose key follows from the day and the hour of issue (see report_issued).
_BY_DAY = (None, "agency", "service", "hour", "day", "weekday")


def report_waits(conn, first: str, last: str, grouping: str | None, agency: str | None = None,
                 agency_services: list[str] | None = None, service: str | None = None) -> list[tuple]:
    """Per key, issued service and wait (seconds rounded up to BUCKET_S) of the tickets called at least
    once: how many, and their exact waits' sum. (Apart from the counts: a narrow GROUP BY is much faster.)"""
    where, args = _where(True, agency_services, agency, service)
    return _tuples(conn).execute(
        f"SELECT {_KEY[grouping]}, issued_service, wait_b, COUNT(*), TOTAL(wait_s) "
        "FROM tickets INDEXED BY tickets_report_days "
        f"WHERE service_day BETWEEN ? AND ? AND wait_s IS NOT NULL{where} {_group_by(_KEY[grouping], 2, 3)}",
        [first, last, *args],
    ).fetchall()


def report_ended(conn, first: str, last: str, grouping: str | None, agency: str | None = None,
                 service: str | None = None) -> list[tuple]:
    """Per key (where the ticket ended), final status and service time (rounded up to BUCKET_S):
    how many, and the exact sum."""
    where, args = _where(False, None, agency, service)
    return _tuples(conn).execute(
        f"SELECT {_ENDED_KEY[grouping]}, status, service_b, COUNT(*), TOTAL(service_s) "
        "FROM tickets INDEXED BY tickets_report_days "
        f"WHERE service_day BETWEEN ? AND ? AND status IN ('done', 'no_show', 'cancelled'){where} "
        f"{_group_by(_ENDED_KEY[grouping], 2, 3)}",
        [first, last, *args],
    ).fetchall()


# A long range grouped by agency or service (or not at all): by the issued and the current service,
# from the service-led indexes of the reports migration, whose order is the GROUP BY's (SQLite
# aggregates as it scans; the range is a filter on the way). The flow maps services to agencies.

def _services(column: str, services: list[str] | None) -> tuple[str, list]:
    if services is None:
        return "", []
    return f" AND {column} IN ({', '.join('?' for _ in services or [''])})", list(services or [""])


def report_counts_by_service(conn, first: str, last: str, issued: list[str] | None = None) -> list[tuple]:
    """Per issued service, current service, priority (category or NULL) and hour of issue: how many."""
    where, args = _services("issued_service", issued)
    return _tuples(conn).execute(
        "SELECT issued_service, service, priority, issued_hour, COUNT(*) FROM tickets INDEXED BY tickets_report_counts "
        f"WHERE service_day BETWEEN ? AND ?{where} GROUP BY 1, 2, 3, 4",
        [first, last, *args],
    ).fetchall()


def report_waits_by_service(conn, first: str, last: str, issued: list[str] | None = None,
                            by_hour: bool = False) -> list[tuple]:
    """Per issued service and wait (rounded up to BUCKET_S) (and hour of issue, `by_hour`): how many were
    called, their exact waits' sum."""
    where, args = _services("issued_service", issued)
    hour = ", issued_hour" if by_hour else ""
    return _tuples(conn).execute(
        f"SELECT issued_service, wait_b{hour}, COUNT(*), TOTAL(wait_s) FROM tickets INDEXED BY tickets_report_waits "
        f"WHERE wait_s IS NOT NULL AND service_day BETWEEN ? AND ?{where} GROUP BY 1, 2{', 3' if by_hour else ''}",
        [first, last, *args],
    ).fetchall()


def report_ends_by_service(conn, first: str, last: str, current: list[str] | None = None,
                           by_hour: bool = False) -> list[tuple]:
    """Per current service, final status and service time (rounded up to BUCKET_S) (and hour of issue,
    `by_hour`): how many, the exact sum."""
    where, args = _services("service", current)
    hour = ", issued_hour" if by_hour else ""
    return _tuples(conn).execute(
        f"SELECT service, status, service_b{hour}, COUNT(*), TOTAL(service_s) FROM tickets INDEXED BY tickets_report_ends "
        f"WHERE status IN ('done', 'no_show', 'cancelled') AND service_day BETWEEN ? AND ?{where} "
        f"GROUP BY 1, 2, 3{', 4' if by_hour else ''}",
        [first, last, *args],
    ).fetchall()


def report_day_hours(conn, first: str, last: str, issued: list[str] | None = None, long: bool = False) -> list[tuple]:
    """Per service day and hour of issue: how many tickets were issued (the staffing heat map). A long
    range reads the narrower service-led index whole (a year: ~0.8 s warm against ~4 s day-led)."""
    where, args = _services("issued_service", issued)
    index = "tickets_report_counts" if long else "tickets_report_days"
    return _tuples(conn).execute(
        f"SELECT service_day, {HOUR}, COUNT(*) FROM tickets INDEXED BY {index} "
        f"WHERE service_day BETWEEN ? AND ?{where} GROUP BY 1, 2",
        [first, last, *args],
    ).fetchall()


def report_tickets(conn, first: str, last: str, agency: str | None = None, agency_services: list[str] | None = None,
                   batch: int = 2000) -> Iterator[list[tuple]]:
    """The tickets of the range, in batches (a year never sits in memory), by day and number: service
    day, code, agency, service, priority, status, issued, first called, started, done, counter,
    officer's username, wait seconds, service seconds. An agency's: issued for it, or ended there."""
    where, args = "", []
    if agency is not None:
        marks = ", ".join("?" for _ in agency_services or [""])
        where, args = f" AND (t.agency = ? OR t.issued_service IN ({marks}))", [agency, *(agency_services or [""])]
    cursor = _tuples(conn).execute(
        "SELECT t.service_day, t.code, t.agency, t.service, t.priority, t.status, t.issued_at, t.first_called_at, "
        "t.started_at, t.finished_at, t.counter, o.username, t.wait_s, t.service_s "
        "FROM tickets t LEFT JOIN officers o ON o.id = t.officer_id "
        f"WHERE t.service_day BETWEEN ? AND ?{where} ORDER BY t.service_day, t.id",
        [first, last, *args],
    )
    while rows := cursor.fetchmany(batch):
        yield rows


def officer_names(conn, ids: list[int]) -> dict[str, str]:
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    return {str(i): name for i, name in conn.execute(f"SELECT id, username FROM officers WHERE id IN ({marks})", ids)}
