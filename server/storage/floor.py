"""What the floor figures read (server/flows/floor.py, server/domain/floor.py): the tickets waiting
now, the day so far in groups, the counters, who is signed in. A busy day's 3,000 tickets arrive as
a few dozen rows: the page computes the figures again on every event."""

from .tickets import CONFIGURED_QUEUES, TODAYS_QUEUES

# The times of server/domain/floor.py's definitions: a ticket is ready when printed (queued_at when it
# has no print time); a waiting ticket called before waits since it joined a queue again.
READY = "COALESCE(printed_at, queued_at)"
WAITING_SINCE = f"COALESCE(rejoined_at, {READY})"
# Ready to first call, in seconds to the millisecond (so that exactly the target is exactly the target).
WAIT_SECONDS = f"ROUND((julianday(first_called_at) - julianday({READY})) * 86400, 3)"


def _tuples(conn):
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: no Row object per ticket
    return cursor


def floor_waiting(conn, service_day: str) -> list[tuple]:
    """The tickets waiting now: code, queue, service, agency, zone, priority, waiting since, transferred, booked."""
    return _tuples(conn).execute(
        f"SELECT code, queue, service, agency, zone, priority, {WAITING_SINCE}, transfer_count > 0, booked FROM tickets "
        "WHERE service_day = ? AND status = 'waiting'",
        (service_day,),
    ).fetchall()


def floor_first_calls(conn, service_day: str) -> list[tuple]:
    """Per issued service, the waits (seconds, as a JSON list) of the day's tickets called at least once."""
    return _tuples(conn).execute(
        f"SELECT issued_service, json_group_array({WAIT_SECONDS}) FROM tickets "
        "WHERE service_day = ? AND first_called_at IS NOT NULL GROUP BY issued_service",
        (service_day,),
    ).fetchall()


def floor_ended(conn, service_day: str) -> list[tuple]:
    """How many of the day's tickets ended done / no_show, and the last one when, per status, agency,
    zone and counter."""
    return _tuples(conn).execute(
        "SELECT status, agency, zone, counter, COUNT(*), MAX(finished_at) FROM tickets "
        "WHERE service_day = ? AND status IN ('done', 'no_show') GROUP BY status, agency, zone, counter",
        (service_day,),
    ).fetchall()


def floor_counters(conn, day: str):
    """Every active counter with the queues it serves on `day` (JSON list, in calling order: a
    supervisor's list for the day over the site's), its officer's username, and the called time of
    its current ticket."""
    return conn.execute(
        "SELECT counters.code, counters.name, counters.agency, counters.zone, counters.status, "
        "counters.status_since, counters.officer_id, counters.ticket_id, "
        "o.username AS officer_username, t.called_at AS ticket_since, "
        f"COALESCE({TODAYS_QUEUES}, {CONFIGURED_QUEUES}) AS queues "
        "FROM counters LEFT JOIN officers o ON o.id = counters.officer_id "
        "LEFT JOIN tickets t ON t.id = counters.ticket_id WHERE counters.active = 1 ORDER BY counters.position",
        (day,),
    ).fetchall()


def tickets_by_ids(conn, ids: list[int]):
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return conn.execute(f"SELECT * FROM tickets WHERE id IN ({marks})", ids).fetchall()


def signed_in_officers(conn, now: str):
    """Each active person with a session valid at `now` (not expired, not signed out): id, role, agency."""
    return conn.execute(
        "SELECT DISTINCT o.id, o.role, o.agency FROM sessions s JOIN officers o ON o.id = s.officer_id "
        "WHERE s.revoked_at IS NULL AND s.expires_at > ? AND o.active = 1",
        (now,),
    ).fetchall()
