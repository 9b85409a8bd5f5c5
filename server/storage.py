"""The one module that knows SQL: connections, migrations and the queries.

Every write runs in `BEGIN IMMEDIATE` so that number allocation and calling can
never race; the database runs in WAL with synchronous=FULL because a printed
number must survive a power cut. One connection per request/greenlet.
"""

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 5000


def connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


@contextmanager
def write(conn: sqlite3.Connection):
    """A write transaction that holds the write lock from its first statement."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def read(conn: sqlite3.Connection):
    """A read transaction: every query inside sees one consistent snapshot."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


class Pool:
    """Idle connections handed to one request (greenlet) at a time."""

    def __init__(self, path: Path | str, keep: int = 16):
        self.path = path
        self.keep = keep
        self._idle: list[sqlite3.Connection] = []

    def acquire(self) -> sqlite3.Connection:
        return self._idle.pop() if self._idle else connect(self.path)

    def release(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if len(self._idle) < self.keep:
            self._idle.append(conn)
        else:
            conn.close()

    @contextmanager
    def connection(self):
        conn = self.acquire()
        try:
            yield conn
        finally:
            self.release(conn)

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()


# ---------------------------------------------------------------- migrations

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE site (id INTEGER PRIMARY KEY CHECK (id = 1), config TEXT NOT NULL,
                       source TEXT, loaded_at TEXT NOT NULL);
    CREATE TABLE zones (code TEXT PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE queues (code TEXT PRIMARY KEY, prefix TEXT NOT NULL UNIQUE, width INTEGER NOT NULL,
                         name TEXT NOT NULL);
    CREATE TABLE agencies (code TEXT PRIMARY KEY, name TEXT NOT NULL, short_name TEXT, zone TEXT NOT NULL,
                           position INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1);
    CREATE TABLE services (code TEXT PRIMARY KEY, agency TEXT NOT NULL, queue TEXT NOT NULL,
                           name TEXT NOT NULL, name_en TEXT, quota INTEGER, default_minutes REAL NOT NULL,
                           requirements TEXT NOT NULL DEFAULT '[]', position INTEGER NOT NULL,
                           active INTEGER NOT NULL DEFAULT 1);
    CREATE TABLE counters (code TEXT PRIMARY KEY, name TEXT NOT NULL, spoken_name TEXT, agency TEXT NOT NULL,
                           zone TEXT NOT NULL, queues TEXT NOT NULL, strict_queue_order INTEGER NOT NULL DEFAULT 0,
                           position INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1,
                           status TEXT NOT NULL DEFAULT 'closed', officer_id INTEGER, ticket_id INTEGER,
                           interleave_pos INTEGER NOT NULL DEFAULT 0, status_since TEXT);
    CREATE TABLE queue_numbers (queue TEXT NOT NULL, service_day TEXT NOT NULL, last INTEGER NOT NULL,
                                PRIMARY KEY (queue, service_day)) WITHOUT ROWID;
    CREATE TABLE tickets (
        id INTEGER PRIMARY KEY,
        public_id TEXT NOT NULL UNIQUE,
        request_id TEXT UNIQUE,
        device_id INTEGER,
        code TEXT NOT NULL,
        number INTEGER NOT NULL,
        queue TEXT NOT NULL,
        service TEXT NOT NULL,
        issued_service TEXT NOT NULL,
        agency TEXT NOT NULL,
        zone TEXT NOT NULL,
        priority TEXT,
        status TEXT NOT NULL,
        service_day TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        printed_at TEXT, called_at TEXT, started_at TEXT, finished_at TEXT, cancelled_at TEXT,
        cancel_reason TEXT,
        counter TEXT,
        officer_id INTEGER,
        recall_count INTEGER NOT NULL DEFAULT 0,
        transfer_count INTEGER NOT NULL DEFAULT 0,
        UNIQUE (queue, service_day, number)
    );
    CREATE INDEX tickets_by_status ON tickets (service_day, status, queue, queued_at);
    CREATE INDEX tickets_by_code ON tickets (service_day, code);
    CREATE INDEX tickets_by_issued_service ON tickets (service_day, issued_service);
    CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, type TEXT NOT NULL,
                         zone TEXT, counter TEXT, ticket_id INTEGER, data TEXT NOT NULL);
    CREATE TABLE devices (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, zone TEXT,
                          token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, last_seen TEXT,
                          health TEXT, active INTEGER NOT NULL DEFAULT 1);
    CREATE TABLE officers (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE COLLATE NOCASE,
                           pin_hash TEXT NOT NULL, role TEXT NOT NULL, agency TEXT,
                           active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);
    CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, officer_id INTEGER NOT NULL, created_at TEXT NOT NULL,
                           expires_at TEXT NOT NULL, revoked_at TEXT);
    """,
    # 2: personal data apart from tickets, so it can be purged and never leaks into events
    """
    CREATE TABLE personal_data (ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id), nik TEXT, phone TEXT,
                                created_at TEXT NOT NULL);
    CREATE INDEX personal_data_by_age ON personal_data (created_at);
    """,
    # 3: a ticket transferred to another queue keeps its code and number, so numbers are unique
    # per code and day, not per (current) queue: A-002 may join the queue where B-002 waits.
    # SQLite cannot drop a table constraint: the table is rebuilt (foreign keys off meanwhile).
    """
    CREATE TABLE tickets_v3 (
        id INTEGER PRIMARY KEY,
        public_id TEXT NOT NULL UNIQUE,
        request_id TEXT UNIQUE,
        device_id INTEGER,
        code TEXT NOT NULL,
        number INTEGER NOT NULL,
        queue TEXT NOT NULL,
        service TEXT NOT NULL,
        issued_service TEXT NOT NULL,
        agency TEXT NOT NULL,
        zone TEXT NOT NULL,
        priority TEXT,
        status TEXT NOT NULL,
        service_day TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        printed_at TEXT, called_at TEXT, started_at TEXT, finished_at TEXT, cancelled_at TEXT,
        cancel_reason TEXT,
        counter TEXT,
        officer_id INTEGER,
        recall_count INTEGER NOT NULL DEFAULT 0,
        transfer_count INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO tickets_v3 SELECT * FROM tickets;
    DROP TABLE tickets;
    ALTER TABLE tickets_v3 RENAME TO tickets;
    CREATE INDEX tickets_by_status ON tickets (service_day, status, queue, queued_at);
    CREATE UNIQUE INDEX tickets_by_code ON tickets (service_day, code);
    CREATE INDEX tickets_by_issued_service ON tickets (service_day, issued_service);
    """,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations the file lacks, each in its own transaction; returns the version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return version
    conn.execute("PRAGMA foreign_keys=OFF")  # a rebuilt table keeps its rows' references (outside a transaction)
    try:
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with write(conn):
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise sqlite3.IntegrityError(f"migration {number} broke references: {broken[:5]}")
                conn.execute(f"PRAGMA user_version={number}")
    finally:
        conn.execute("PRAGMA foreign_keys=ON")
    return len(MIGRATIONS)


def save_site(conn: sqlite3.Connection, config, source: str, now: str) -> None:
    """Store the site file and mirror its parts into tables (re-running is safe)."""
    db = sqlite_utils.Database(conn)
    with write(conn):
        conn.execute(
            "INSERT INTO site (id, config, source, loaded_at) VALUES (1, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET config = excluded.config, source = excluded.source, "
            "loaded_at = excluded.loaded_at",
            (config.model_dump_json(), source, now),
        )
        db["zones"].upsert_all([{"code": z.code, "name": z.name} for z in config.zones], pk="code")
        db["queues"].upsert_all(
            [{"code": q.code, "prefix": q.prefix, "width": q.width, "name": q.name} for q in config.queues], pk="code"
        )
        for table in ("agencies", "services", "counters"):
            conn.execute(f"UPDATE {table} SET active = 0")
        db["agencies"].upsert_all(
            [
                {"code": a.code, "name": a.name, "short_name": a.short_name, "zone": a.zone, "position": i, "active": 1}
                for i, a in enumerate(config.agencies)
            ],
            pk="code",
        )
        db["services"].upsert_all(
            [
                {
                    "code": s.code, "agency": a.code, "queue": s.queue, "name": s.name, "name_en": s.name_en,
                    "quota": s.quota, "default_minutes": s.default_minutes,
                    "requirements": json.dumps(s.requirements), "position": i, "active": 1,
                }
                for a in config.agencies
                for i, s in enumerate(a.services)
            ],
            pk="code",
        )
        # Upsert keeps each counter's live state (status, officer, current ticket).
        db["counters"].upsert_all(
            [
                {
                    "code": c.code, "name": c.name, "spoken_name": c.spoken_name, "agency": c.agency,
                    "zone": c.zone, "queues": json.dumps(c.queues), "strict_queue_order": int(c.strict_queue_order),
                    "position": i, "active": 1,
                }
                for i, c in enumerate(config.counters)
            ],
            pk="code",
        )


def load_site_json(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT config FROM site WHERE id = 1").fetchone()
    return row[0] if row else None


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
    "zone", "priority", "status", "service_day", "issued_at", "queued_at",
)


def insert_ticket(conn, **values) -> int:
    columns = ", ".join(TICKET_COLUMNS)
    marks = ", ".join("?" for _ in TICKET_COLUMNS)
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
    """Tickets a service handed out today (cancelled misprints do not use the quota)."""
    return conn.execute(
        "SELECT COUNT(*) FROM tickets WHERE service_day = ? AND issued_service = ? AND status != 'cancelled'",
        (service_day, service),
    ).fetchone()[0]


def issued_counts(conn, service_day: str) -> dict[str, int]:
    rows = conn.execute(
        "SELECT issued_service, COUNT(*) FROM tickets WHERE service_day = ? AND status != 'cancelled' "
        "GROUP BY issued_service",
        (service_day,),
    )
    return dict(rows.fetchall())


def waiting_counts(conn, service_day: str) -> dict[str, int]:
    rows = conn.execute(
        "SELECT queue, COUNT(*) FROM tickets WHERE service_day = ? AND status = 'waiting' GROUP BY queue",
        (service_day,),
    )
    return dict(rows.fetchall())


def waiting_ahead(conn, service_day: str, queue: str, queued_at: str) -> int:
    return conn.execute(
        "SELECT COUNT(*) FROM tickets WHERE service_day = ? AND status = 'waiting' AND queue = ? AND queued_at < ?",
        (service_day, queue, queued_at),
    ).fetchone()[0]


# The wait estimate's inputs (server/flows/waits.py): a counter's visit runs from its call to its end.
VISIT_MINUTES = "(julianday(finished_at) - julianday(called_at)) * 1440"


def waiting_head(conn, service_day: str, queue: str, limit: int):
    """The oldest `limit` tickets waiting in a queue (in the index's order: no sort)."""
    return conn.execute(
        "SELECT id, queue, priority IS NOT NULL AS is_priority, queued_at, service FROM tickets "
        "WHERE service_day = ? AND status = 'waiting' AND queue = ? ORDER BY queued_at, id LIMIT ?",
        (service_day, queue, limit),
    ).fetchall()


def printing_in(conn, service_day: str, queue: str):
    """Tickets of a queue still printing: they join it in a moment."""
    return conn.execute(
        "SELECT id, queue, priority IS NOT NULL AS is_priority, queued_at, service FROM tickets "
        "WHERE service_day = ? AND status = 'printing' AND queue = ?",
        (service_day, queue),
    ).fetchall()


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


def counters_at_work(conn, codes: list[str]):
    """Counters with their state and, when they hold a ticket, since when and from which queue."""
    marks = ", ".join("?" for _ in codes)
    return conn.execute(
        "SELECT c.code, c.queues, c.status, c.status_since, c.interleave_pos, c.strict_queue_order, "
        "t.called_at, t.queue AS ticket_queue, t.service AS ticket_service FROM counters c "
        "LEFT JOIN tickets t ON t.id = c.ticket_id "
        f"WHERE c.active = 1 AND c.code IN ({marks}) ORDER BY c.code",
        codes,
    ).fetchall()


def waiting_candidates(conn, service_day: str, queues: list[str]):
    """The oldest waiting ticket per queue and kind (priority or not)."""
    marks = ", ".join("?" for _ in queues)
    # SQLite fills the bare columns from the row that holds the MIN().
    return conn.execute(
        f"SELECT id, queue, priority IS NOT NULL AS is_priority, MIN(queued_at) AS queued_at FROM tickets "
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


# ---------------------------------------------------------------- counters


def counter_row(conn, code: str):
    return conn.execute("SELECT * FROM counters WHERE code = ? AND active = 1", (code,)).fetchone()


def counter_rows(conn, zone: str | None = None):
    if zone is None:
        return conn.execute("SELECT * FROM counters WHERE active = 1 ORDER BY position").fetchall()
    return conn.execute(
        "SELECT * FROM counters WHERE active = 1 AND zone = ? ORDER BY position", (zone,)
    ).fetchall()


def update_counter(conn, code: str, **values) -> None:
    assignments = ", ".join(f"{name} = ?" for name in values)
    conn.execute(f"UPDATE counters SET {assignments} WHERE code = ?", [*values.values(), code])


def open_counter_codes(conn) -> set[str]:
    return {row[0] for row in conn.execute("SELECT code FROM counters WHERE status = 'open' AND active = 1")}


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


def recent_calls(conn, service_day_start: str, zone: str | None, limit: int = 10):
    if zone is None:
        return conn.execute(
            "SELECT id, data FROM events WHERE type IN ('ticket.called', 'ticket.recalled') AND ts >= ? "
            "ORDER BY id DESC LIMIT ?",
            (service_day_start, limit),
        ).fetchall()
    return conn.execute(
        "SELECT id, data FROM events WHERE type IN ('ticket.called', 'ticket.recalled') AND ts >= ? AND zone = ? "
        "ORDER BY id DESC LIMIT ?",
        (service_day_start, zone, limit),
    ).fetchall()


# ---------------------------------------------------------------- devices, officers, sessions


def insert_device(conn, kind: str, name: str, zone, token_hash: str, now: str) -> int:
    with write(conn):
        return conn.execute(
            "INSERT INTO devices (kind, name, zone, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            (kind, name, zone, token_hash, now),
        ).lastrowid


def device_by_token(conn, token_hash: str):
    return conn.execute(
        "SELECT * FROM devices WHERE token_hash = ? AND active = 1", (token_hash,)
    ).fetchone()


def record_heartbeat(conn, device_id: int, now: str, health: dict | None) -> None:
    if health is None:
        conn.execute("UPDATE devices SET last_seen = ? WHERE id = ?", (now, device_id))
    else:
        conn.execute("UPDATE devices SET last_seen = ?, health = ? WHERE id = ?", (now, json.dumps(health), device_id))


def upsert_officer(conn, username: str, pin_hash: str, role: str, agency, now: str) -> int:
    with write(conn):
        return conn.execute(
            "INSERT INTO officers (username, pin_hash, role, agency, created_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (username) DO UPDATE SET pin_hash = excluded.pin_hash, role = excluded.role, "
            "agency = excluded.agency, active = 1 RETURNING id",
            (username, pin_hash, role, agency, now),
        ).fetchone()[0]


def officer_by_username(conn, username: str):
    return conn.execute("SELECT * FROM officers WHERE username = ? AND active = 1", (username,)).fetchone()


def officer_by_id(conn, officer_id: int):
    return conn.execute("SELECT * FROM officers WHERE id = ?", (officer_id,)).fetchone()


def insert_session(conn, token_hash: str, officer_id: int, now: str, expires_at: str) -> None:
    conn.execute(
        "INSERT INTO sessions (token_hash, officer_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (token_hash, officer_id, now, expires_at),
    )


def session_officer(conn, token_hash: str, now: str):
    return conn.execute(
        "SELECT officers.* FROM sessions JOIN officers ON officers.id = sessions.officer_id "
        "WHERE sessions.token_hash = ? AND sessions.revoked_at IS NULL AND sessions.expires_at > ? "
        "AND officers.active = 1",
        (token_hash, now),
    ).fetchone()


def revoke_session(conn, token_hash: str, now: str) -> None:
    conn.execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ?", (now, token_hash))
