"""What supervisors change on the floor: a counter's queues for one service day, the boards'
running text; and the devices' health as the device page lists it."""

import json

# ---------------------------------------------------------------- a counter's queues for one day


def set_queues_today(conn, service_day: str, counter: str, queues: list[str]) -> None:
    """`counter` serves `queues`, in this order, on `service_day` only; earlier days' lists go."""
    conn.execute("DELETE FROM counter_queues_today WHERE service_day < ?", (service_day,))
    conn.execute("DELETE FROM counter_queues_today WHERE service_day = ? AND counter = ?", (service_day, counter))
    conn.executemany("INSERT INTO counter_queues_today (service_day, counter, position, queue) VALUES (?, ?, ?, ?)",
                     [(service_day, counter, i, queue) for i, queue in enumerate(queues)])


def queues_today(conn, service_day: str) -> dict[str, tuple[str, ...]]:
    """The counters whose queues a supervisor changed for `service_day`, with those queues in order."""
    served: dict[str, list[str]] = {}
    for counter, queue in conn.execute(
            "SELECT counter, queue FROM counter_queues_today WHERE service_day = ? ORDER BY counter, position",
            (service_day,)):
        served.setdefault(counter, []).append(queue)
    return {counter: tuple(queues) for counter, queues in served.items()}


# ---------------------------------------------------------------- running text on the boards

BROADCAST_COLUMNS = ("id", "text", "zone", "until", "created_at", "created_by")


def _broadcast(row) -> dict | None:
    return None if row is None else {column: row[column] for column in BROADCAST_COLUMNS}


def insert_broadcast(conn, text: str, zone: str | None, until: str, now: str, by: str) -> dict:
    row = conn.execute("INSERT INTO broadcasts (text, zone, until, created_at, created_by) VALUES (?, ?, ?, ?, ?) "
                       "RETURNING *", (text, zone, until, now, by)).fetchone()
    return _broadcast(row)


def broadcast_by_id(conn, broadcast_id: int):
    """(the message, whether it has ended) or None."""
    row = conn.execute("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,)).fetchone()
    return None if row is None else (_broadcast(row), row["ended_at"] is not None)


def active_broadcasts(conn, now: str, zone: str | None = None, every_zone: bool = True) -> list[dict]:
    """Messages still on the boards at `now`, oldest first: all of them (`every_zone`), or those a
    board of `zone` shows (its zone's and the building's)."""
    where, values = "ended_at IS NULL AND until > ?", [now]
    if not every_zone:
        where += " AND (zone IS NULL OR zone = ?)"
        values.append(zone)
    rows = conn.execute(f"SELECT * FROM broadcasts WHERE {where} ORDER BY id", values).fetchall()
    return [_broadcast(row) for row in rows]


def end_broadcast(conn, broadcast_id: int, now: str, by: str) -> None:
    conn.execute("UPDATE broadcasts SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL",
                 (now, by, broadcast_id))


def due_broadcasts(conn, now: str) -> list[dict]:
    """Messages whose time is up but which nobody has taken off the boards yet."""
    rows = conn.execute("SELECT * FROM broadcasts WHERE ended_at IS NULL AND until <= ? ORDER BY id", (now,))
    return [_broadcast(row) for row in rows.fetchall()]


# ---------------------------------------------------------------- devices


def device_rows(conn):
    """Every device not revoked, in the order they were added."""
    return conn.execute("SELECT id, kind, name, zone, last_seen, health FROM devices WHERE active = 1 ORDER BY id"
                        ).fetchall()


def device_row(conn, device_id: int):
    return conn.execute("SELECT id, kind, name, zone, last_seen, health FROM devices WHERE id = ?",
                        (device_id,)).fetchone()


def device_health(conn, device_id: int) -> dict | None:
    row = conn.execute("SELECT health FROM devices WHERE id = ?", (device_id,)).fetchone()
    return json.loads(row[0]) if row and row[0] else None


def record_last_seen(conn, seen: list[tuple[int, str]]) -> None:
    """The devices' latest requests, kept in memory between writes (never moved back)."""
    conn.executemany("UPDATE devices SET last_seen = ? WHERE id = ? AND (last_seen IS NULL OR last_seen < ?)",
                     [(moment, device_id, moment) for device_id, moment in seen])
