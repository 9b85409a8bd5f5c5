"""Numbers, tickets, counters, events and kept answers of the service day."""

import json

# ---------------------------------------------------------------- numbers and tickets


def allocate_number(conn, queue: str, service_day: str) -> int:
    """The next number of a queue on a service day; a write first, so it cannot race."""
    return conn.execute(
        "INSERT INTO queue_numbers (queue, service_day, last) VALUES (?, ?, 1) "
        "ON CONFLICT (queue, service_day) DO UPDATE SET last = last + 1 RETURNING last",
        (queue, service_day),
    ).fetchone()[0]


TICKET_COLUMNS = (
    "public_id", "request_id", "device_id", "code", "number", "queue", "service", "issued_service", "agency",
    "zone", "priority", "status", "service_day", "issued_at", "queued_at", "booked",
)


def insert_ticket(conn, **values) -> int:
    columns = ", ".join(TICKET_COLUMNS)
    marks = ", ".join("?" for _ in TICKET_COLUMNS)
    values.setdefault("booked", 0)
    cursor = conn.execute(f"INSERT INTO tickets ({columns}) VALUES ({marks})", [values[c] for c in TICKET_COLUMNS])
    return cursor.lastrowid


def insert_personal_data(conn, ticket_id: int, nik, phone, now: str) -> None:
    conn.execute("INSERT INTO personal_data (ticket_id, nik, phone, created_at) VALUES (?, ?, ?, ?)",
                 (ticket_id, nik, phone, now))


def personal_data(conn, ticket_id: int):
    return conn.execute("SELECT nik, phone FROM personal_data WHERE ticket_id = ?", (ticket_id,)).fetchone()


def purge_personal_data(conn, older_than: str) -> int:
    return conn.execute("DELETE FROM personal_data WHERE created_at < ?", (older_than,)).rowcount


def update_ticket(conn, ticket_id: int, **values) -> None:
    assignments = ", ".join(f"{name} = ?" for name in values)
    conn.execute(f"UPDATE tickets SET {assignments} WHERE id = ?", [*values.values(), ticket_id])


def mark_first_call(conn, ticket_id: int, now: str) -> None:
    """The ticket's first call (its wait ends); a later call, after a transfer or a recall to the queue, keeps it."""
    conn.execute("UPDATE tickets SET first_called_at = ? WHERE id = ? AND first_called_at IS NULL", (now, ticket_id))


def ticket_by_id(conn, ticket_id: int):
    return conn.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()


def ticket_by_public_id(conn, public_id: str):
    return conn.execute("SELECT * FROM tickets WHERE public_id = ?", (public_id,)).fetchone()


def ticket_by_request_id(conn, request_id: str):
    return conn.execute("SELECT * FROM tickets WHERE request_id = ?", (request_id,)).fetchone()


def ticket_by_code(conn, service_day: str, code: str):
    return conn.execute(
        "SELECT * FROM tickets WHERE service_day = ? AND code = ?", (service_day, code)
    ).fetchone()


def issued_count(conn, service_day: str, service: str) -> int:
    """Walk-in tickets a service handed out today (cancelled misprints do not use the quota; a booking's
    ticket spent the online quota)."""
    return conn.execute(
        "SELECT COUNT(*) FROM tickets WHERE service_day = ? AND issued_service = ? AND status != 'cancelled' "
        "AND booked = 0",
        (service_day, service),
    ).fetchone()[0]


def issued_counts(conn, service_day: str) -> dict[str, int]:
    rows = conn.execute(
        "SELECT issued_service, COUNT(*) FROM tickets WHERE service_day = ? AND status != 'cancelled' "
        "AND booked = 0 GROUP BY issued_service",
        (service_day,),
    )
    return dict(rows.fetchall())


def waiting_counts(conn, service_day: str, queues: list[str] | None = None) -> dict[str, int]:
    """Tickets waiting per queue: every queue, or only `queues` (a counter's: no walk over the others)."""
    if queues is None:
        rows = conn.execute(
            "SELECT queue, COUNT(*) FROM tickets WHERE service_day = ? AND status = 'waiting' GROUP BY queue",
            (service_day,),
        )
        return dict(rows.fetchall())
    return {queue: conn.execute("SELECT COUNT(*) FROM tickets WHERE service_day = ? AND status = 'waiting' "
                                "AND queue = ?", (service_day, queue)).fetchone()[0] for queue in queues}


def waiting_ahead(conn, service_day: str, queue: str, queued_at: str) -> int:
    return conn.execute(
        "SELECT COUNT(*) FROM tickets WHERE service_day = ? AND status = 'waiting' AND queue = ? AND queued_at < ?",
        (service_day, queue, queued_at),
    ).fetchone()[0]


# The wait estimate's inputs (server/flows/waits.py): a counter's visit runs from its call to its end.
VISIT_MINUTES = "(julianday(finished_at) - julianday(called_at)) * 1440"


def queue_head(conn, service_day: str, queue: str, limit: int) -> list[tuple]:
    """The oldest `limit` tickets of a queue: waiting, or printing (they join it in a moment).
    Two walks of the index, in its order (no sort of the whole queue)."""
    sql = ("SELECT id, queue, (priority IS NOT NULL OR booked = 1) AS is_priority, queued_at, service FROM tickets "
           "WHERE service_day = ? AND status = ? AND queue = ? ORDER BY queued_at, id LIMIT ?")
    rows = [tuple(row) for status in ("waiting", "printing")
            for row in conn.execute(sql, (service_day, status, queue, limit))]
    rows.sort(key=lambda row: (row[3], row[0]))
    return rows[:limit]


def waiting_before(conn, service_day: str, queue: str, before: str | None) -> int:
    """Tickets waiting (or printing) in a queue that joined it before `before` (None: all)."""
    if before is None:
        return conn.execute(
            "SELECT COUNT(*) FROM tickets WHERE service_day = ? AND status IN ('printing', 'waiting') AND queue = ?",
            (service_day, queue)).fetchone()[0]
    return conn.execute(
        "SELECT COUNT(*) FROM tickets WHERE service_day = ? AND status IN ('printing', 'waiting') AND queue = ? "
        "AND queued_at < ?", (service_day, queue, before)).fetchone()[0]


def recent_finished_calls(conn, service_day: str, queue: str, limit: int = 30):
    """A queue's latest finished calls today, newest first: counter, called and finished at, the
    minutes in between, no-show or not, priority or not."""
    return conn.execute(
        f"SELECT counter, called_at, finished_at, {VISIT_MINUTES} AS minutes, status = 'no_show' AS no_show, "
        "priority IS NOT NULL AS is_priority, service FROM tickets WHERE service_day = ? AND status IN ('done', 'no_show') "
        "AND queue = ? AND called_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
        (service_day, queue, limit),
    ).fetchall()


def counters_at_work(conn, codes: list[str], day: str | None = None):
    """Counters with their state (the queues they serve on `day`) and, when they hold a ticket,
    since when and from which queue."""
    marks = ", ".join("?" for _ in codes)
    select, values = _served_queues(day)
    return conn.execute(
        f"SELECT counters.code, {select} AS queues, counters.status, counters.status_since, "
        "counters.interleave_pos, counters.strict_queue_order, "
        "t.called_at, t.queue AS ticket_queue, t.service AS ticket_service FROM counters "
        "LEFT JOIN tickets t ON t.id = counters.ticket_id "
        f"WHERE counters.active = 1 AND counters.code IN ({marks}) ORDER BY counters.code",
        (*values, *codes),
    ).fetchall()


def waiting_candidates(conn, service_day: str, queues: list[str]):
    """The oldest waiting ticket per queue and kind (priority or not)."""
    marks = ", ".join("?" for _ in queues)
    # SQLite fills the bare columns from the row that holds the MIN().
    return conn.execute(
        f"SELECT id, queue, (priority IS NOT NULL OR booked = 1) AS is_priority, MIN(queued_at) AS queued_at FROM tickets "
        f"WHERE service_day = ? AND status = 'waiting' AND queue IN ({marks}) GROUP BY queue, is_priority",
        (service_day, *queues),
    ).fetchall()


def stuck_printing(conn, older_than: str):
    return conn.execute(
        "SELECT * FROM tickets WHERE status = 'printing' AND issued_at < ? ORDER BY id", (older_than,)
    ).fetchall()


def open_tickets_before(conn, service_day: str):
    return conn.execute(
        "SELECT * FROM tickets WHERE service_day < ? AND status IN ('printing', 'waiting', 'held', 'called', "
        "'serving') ORDER BY id",
        (service_day,),
    ).fetchall()


def release_tickets_from_counters(conn, ticket_ids: list[int]) -> None:
    marks = ", ".join("?" for _ in ticket_ids)
    conn.execute(f"UPDATE counters SET ticket_id = NULL WHERE ticket_id IN ({marks})", ticket_ids)


def officer_figures(conn, service_day: str, officer_id: int) -> dict:
    row = conn.execute(
        "SELECT SUM(status = 'done'), SUM(status = 'no_show'), "
        "AVG(CASE WHEN status = 'done' THEN (julianday(finished_at) - julianday(COALESCE(started_at, called_at)))"
        " * 1440 END) FROM tickets WHERE service_day = ? AND officer_id = ?",
        (service_day, officer_id),
    ).fetchone()
    return {"served": row[0] or 0, "no_show": row[1] or 0, "mean_service_min": round(row[2], 1) if row[2] else None}


# ---------------------------------------------------------------- idempotent actions


def kept_answer(conn, officer_id: int, key: str):
    return conn.execute("SELECT request, answer FROM kept_answers WHERE officer_id = ? AND key = ?",
                        (officer_id, key)).fetchone()


def keep_answer(conn, officer_id: int, key: str, service_day: str, request: str, answer: str, now: str) -> None:
    conn.execute("INSERT INTO kept_answers (officer_id, key, service_day, request, answer, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (officer_id, key, service_day, request, answer, now))


def forget_answers_before(conn, service_day: str) -> int:
    return conn.execute("DELETE FROM kept_answers WHERE service_day < ?", (service_day,)).rowcount

# ---------------------------------------------------------------- counters


# A counter row carries the queues it serves, in order, as a JSON list: on `day`, a supervisor's
# list for that day (counter_queues_today) over the site's own; `configured_queues` is the site's.
CONFIGURED_QUEUES = ("(SELECT json_group_array(queue) FROM (SELECT queue FROM counter_queues "
                     "WHERE counter = counters.code ORDER BY position))")
TODAYS_QUEUES = ("(SELECT json_group_array(queue) FROM (SELECT queue FROM counter_queues_today "
                 "WHERE service_day = ? AND counter = counters.code ORDER BY position) HAVING COUNT(*) > 0)")


def _served_queues(day: str | None) -> tuple[str, tuple]:
    if day is None:
        return CONFIGURED_QUEUES, ()
    return f"COALESCE({TODAYS_QUEUES}, {CONFIGURED_QUEUES})", (day,)


def _counter_select(day: str | None) -> tuple[str, tuple]:
    served, values = _served_queues(day)
    return f"SELECT counters.*, {served} AS queues, {CONFIGURED_QUEUES} AS configured_queues FROM counters", values


def counter_row(conn, code: str, day: str | None = None):
    """A counter and the queues it serves on the service day `day` (None: the site's list)."""
    select, values = _counter_select(day)
    return conn.execute(f"{select} WHERE code = ? AND active = 1", (*values, code)).fetchone()


def counter_rows(conn, zone: str | None = None, day: str | None = None):
    select, values = _counter_select(day)
    if zone is None:
        return conn.execute(f"{select} WHERE active = 1 ORDER BY position", values).fetchall()
    return conn.execute(f"{select} WHERE active = 1 AND zone = ? ORDER BY position", (*values, zone)).fetchall()


def update_counter(conn, code: str, **values) -> None:
    assignments = ", ".join(f"{name} = ?" for name in values)
    conn.execute(f"UPDATE counters SET {assignments} WHERE code = ?", [*values.values(), code])


def open_counter_codes(conn) -> set[str]:
    # One row of JSON, not a Row object per counter: every issued ticket asks (~140 µs → ~40 µs at 200).
    (codes,) = conn.execute(
        "SELECT json_group_array(code) FROM counters WHERE status = 'open' AND active = 1").fetchone()
    return set(json.loads(codes))


# ---------------------------------------------------------------- events


def insert_event(conn, ts: str, type_: str, zone, counter, ticket_id, data: str) -> int:
    return conn.execute(
        "INSERT INTO events (ts, type, zone, counter, ticket_id, data) VALUES (?, ?, ?, ?, ?, ?)",
        (ts, type_, zone, counter, ticket_id, data),
    ).lastrowid


def last_event_id(conn) -> int:
    return conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]


def events_after(conn, after_id: int, limit: int = 500, skip_types=()):
    skip = "".join(" AND type != ?" for _ in skip_types)
    return conn.execute(
        f"SELECT id, type, zone, data FROM events WHERE id > ?{skip} ORDER BY id LIMIT ?",
        (after_id, *skip_types, limit),
    ).fetchall()


def recent_calls(conn, service_day_start: str, zone: str | None, counter: str | None = None, limit: int = 10):
    """The day's latest calls, newest first: of a zone, of one counter, or of the whole site."""
    where, values = "", []
    if zone is not None:
        where, values = where + " AND zone = ?", values + [zone]
    if counter is not None:
        where, values = where + " AND counter = ?", values + [counter]
    return conn.execute(
        "SELECT id, data FROM events WHERE type IN ('ticket.called', 'ticket.recalled') AND ts >= ?"
        f"{where} ORDER BY id DESC LIMIT ?",
        (service_day_start, *values, limit),
    ).fetchall()
