"""The one module that knows SQL: connections, migrations and the queries.

Every write runs in `BEGIN IMMEDIATE` so that number allocation and calling can
never race; the database runs in WAL with synchronous=FULL because a printed
number must survive a power cut. One connection per request/greenlet.
"""

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from .site_config import SiteConfig

BUSY_TIMEOUT_MS = 5000


def connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def checkpoint(conn: sqlite3.Connection) -> bool:
    """Copy the write-ahead log into the database file and truncate it; False when a reader
    elsewhere (another process) kept part of it."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


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
    # 4: the database holds the site, in tables; the site file is only imported and exported.
    # The JSON copy of the last site file fills what the tables lacked, then goes. Times are kept
    # as HH:MM (a file may have said 8.00). Rows that tickets name are retired (active = 0), never deleted.
    """
    CREATE TABLE site_settings (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, short_name TEXT,
                                address TEXT, timezone TEXT NOT NULL, public_base_url TEXT, running_text TEXT,
                                ticket_cutoff_minutes INTEGER NOT NULL, printing_timeout_seconds INTEGER NOT NULL,
                                priority_ratio TEXT NOT NULL, personal_data_retention_days INTEGER NOT NULL,
                                version INTEGER NOT NULL, source TEXT, changed_at TEXT NOT NULL);
    INSERT INTO site_settings
        SELECT 1, json_extract(config, '$.site.name'), json_extract(config, '$.site.short_name'),
               json_extract(config, '$.site.address'), json_extract(config, '$.site.timezone'),
               json_extract(config, '$.site.public_base_url'), json_extract(config, '$.site.running_text'),
               json_extract(config, '$.site.ticket_cutoff_minutes'),
               json_extract(config, '$.site.printing_timeout_seconds'), json_extract(config, '$.site.priority_ratio'),
               json_extract(config, '$.site.personal_data_retention_days'), 1, source, loaded_at
        FROM site;

    CREATE TABLE opening_hours (scope TEXT NOT NULL CHECK (scope IN ('site', 'agency', 'service')),
                                owner TEXT NOT NULL, weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
                                opens TEXT, closes TEXT, PRIMARY KEY (scope, owner, weekday)) WITHOUT ROWID;
    INSERT INTO opening_hours (scope, owner, weekday, opens)
        SELECT 'site', '', (instr('montuewedthufrisatsun', h.key) - 1) / 3, h.value
        FROM site, json_each(site.config, '$.site.hours') AS h;
    INSERT INTO opening_hours (scope, owner, weekday, opens)
        SELECT 'agency', json_extract(a.value, '$.code'), (instr('montuewedthufrisatsun', h.key) - 1) / 3, h.value
        FROM site, json_each(site.config, '$.agencies') AS a, json_each(a.value, '$.hours') AS h
        WHERE h.key IS NOT NULL;
    INSERT INTO opening_hours (scope, owner, weekday, opens)
        SELECT 'service', json_extract(s.value, '$.code'), (instr('montuewedthufrisatsun', h.key) - 1) / 3, h.value
        FROM site, json_each(site.config, '$.agencies') AS a, json_each(a.value, '$.services') AS s,
             json_each(s.value, '$.hours') AS h
        WHERE h.key IS NOT NULL;
    UPDATE opening_hours
        SET opens = substr('0' || trim(replace(substr(opens, 1, instr(opens, '-') - 1), '.', ':')), -5),
            closes = substr('0' || trim(replace(substr(opens, instr(opens, '-') + 1), '.', ':')), -5)
        WHERE opens IS NOT NULL;

    CREATE TABLE breaks (id INTEGER PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL,
                         starts TEXT NOT NULL, ends TEXT NOT NULL);
    CREATE TABLE break_days (break INTEGER NOT NULL REFERENCES breaks (id) ON DELETE CASCADE,
                             weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
                             PRIMARY KEY (break, weekday)) WITHOUT ROWID;
    INSERT INTO breaks (id, position, name, starts, ends)
        SELECT b.key + 1, b.key, json_extract(b.value, '$.name'), json_extract(b.value, '$.time'), ''
        FROM site, json_each(site.config, '$.site.breaks') AS b;
    UPDATE breaks
        SET starts = substr('0' || trim(replace(substr(starts, 1, instr(starts, '-') - 1), '.', ':')), -5),
            ends = substr('0' || trim(replace(substr(starts, instr(starts, '-') + 1), '.', ':')), -5);
    INSERT OR IGNORE INTO break_days (break, weekday)
        SELECT b.key + 1, (instr('montuewedthufrisatsun', d.value) - 1) / 3
        FROM site, json_each(site.config, '$.site.breaks') AS b, json_each(b.value, '$.days') AS d;

    CREATE TABLE holidays (date TEXT PRIMARY KEY, name TEXT NOT NULL, position INTEGER NOT NULL);
    INSERT OR IGNORE INTO holidays (date, name, position)
        SELECT json_extract(h.value, '$.date'), json_extract(h.value, '$.name'), h.key
        FROM site, json_each(site.config, '$.site.holidays') AS h;

    CREATE TABLE priority_categories (code TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT,
                                      position INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1);
    INSERT INTO priority_categories (code, name, name_en, position)
        SELECT json_extract(p.value, '$.code'), json_extract(p.value, '$.name'), json_extract(p.value, '$.name_en'),
               p.key
        FROM site, json_each(site.config, '$.site.priority_categories') AS p;

    ALTER TABLE zones ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE zones ADD COLUMN active INTEGER NOT NULL DEFAULT 0;
    UPDATE zones SET (position, active) = (SELECT z.key, 1 FROM site, json_each(site.config, '$.zones') AS z
                                            WHERE json_extract(z.value, '$.code') = zones.code)
        WHERE code IN (SELECT json_extract(z.value, '$.code') FROM site, json_each(site.config, '$.zones') AS z);

    CREATE TABLE queues_v4 (code TEXT PRIMARY KEY, prefix TEXT NOT NULL, width INTEGER NOT NULL, name TEXT NOT NULL,
                            position INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 0);
    INSERT INTO queues_v4 (code, prefix, width, name) SELECT code, prefix, width, name FROM queues;
    DROP TABLE queues;
    ALTER TABLE queues_v4 RENAME TO queues;
    UPDATE queues SET (position, active) = (SELECT q.key, 1 FROM site, json_each(site.config, '$.queues') AS q
                                             WHERE json_extract(q.value, '$.code') = queues.code)
        WHERE code IN (SELECT json_extract(q.value, '$.code') FROM site, json_each(site.config, '$.queues') AS q);
    CREATE UNIQUE INDEX queues_by_prefix ON queues (prefix) WHERE active = 1;

    CREATE TABLE agencies_v4 (code TEXT PRIMARY KEY, name TEXT NOT NULL, short_name TEXT,
                              zone TEXT NOT NULL REFERENCES zones (code), position INTEGER NOT NULL,
                              active INTEGER NOT NULL DEFAULT 1);
    INSERT INTO agencies_v4 SELECT code, name, short_name, zone, position, active FROM agencies;
    DROP TABLE agencies;
    ALTER TABLE agencies_v4 RENAME TO agencies;

    CREATE TABLE services_v4 (code TEXT PRIMARY KEY, agency TEXT NOT NULL REFERENCES agencies (code),
                              queue TEXT NOT NULL REFERENCES queues (code), name TEXT NOT NULL, name_en TEXT,
                              quota INTEGER, default_minutes REAL NOT NULL, cutoff_minutes INTEGER,
                              asks_nik INTEGER NOT NULL DEFAULT 0, asks_phone INTEGER NOT NULL DEFAULT 0,
                              position INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1);
    INSERT INTO services_v4 (code, agency, queue, name, name_en, quota, default_minutes, position, active)
        SELECT code, agency, queue, name, name_en, quota, default_minutes, position, active FROM services;
    UPDATE services_v4 SET (cutoff_minutes, asks_nik, asks_phone) = (
            SELECT json_extract(s.value, '$.cutoff_minutes'), json_extract(s.value, '$.asks_nik'),
                   json_extract(s.value, '$.asks_phone')
            FROM site, json_each(site.config, '$.agencies') AS a, json_each(a.value, '$.services') AS s
            WHERE json_extract(s.value, '$.code') = services_v4.code)
        WHERE code IN (SELECT json_extract(s.value, '$.code')
                       FROM site, json_each(site.config, '$.agencies') AS a, json_each(a.value, '$.services') AS s);
    CREATE TABLE requirements (service TEXT NOT NULL REFERENCES services (code), position INTEGER NOT NULL,
                               text TEXT NOT NULL, PRIMARY KEY (service, position)) WITHOUT ROWID;
    INSERT INTO requirements (service, position, text)
        SELECT services.code, r.key, r.value FROM services, json_each(services.requirements) AS r;
    DROP TABLE services;
    ALTER TABLE services_v4 RENAME TO services;

    CREATE TABLE counters_v4 (code TEXT PRIMARY KEY, name TEXT NOT NULL, spoken_name TEXT,
                              agency TEXT NOT NULL REFERENCES agencies (code), zone TEXT NOT NULL REFERENCES zones (code),
                              strict_queue_order INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL,
                              active INTEGER NOT NULL DEFAULT 1,
                              status TEXT NOT NULL DEFAULT 'closed', officer_id INTEGER, ticket_id INTEGER,
                              interleave_pos INTEGER NOT NULL DEFAULT 0, status_since TEXT);
    INSERT INTO counters_v4
        SELECT code, name, spoken_name, agency, zone, strict_queue_order, position, active, status, officer_id,
               ticket_id, interleave_pos, status_since FROM counters;
    CREATE TABLE counter_queues (counter TEXT NOT NULL REFERENCES counters (code),
                                 position INTEGER NOT NULL, queue TEXT NOT NULL REFERENCES queues (code),
                                 PRIMARY KEY (counter, position), UNIQUE (counter, queue)) WITHOUT ROWID;
    INSERT OR IGNORE INTO counter_queues (counter, position, queue)
        SELECT counters.code, q.key, q.value FROM counters, json_each(counters.queues) AS q;
    DROP TABLE counters;
    ALTER TABLE counters_v4 RENAME TO counters;
    DROP TABLE site;
    """,
    # 5: the site file calls it public_url (the address phones reach for the ticket's QR code); and the
    # database's generation: a new one when a database is created or restored, so that clients drop
    # event ids that belong to another history.
    """
    ALTER TABLE site_settings RENAME COLUMN public_base_url TO public_url;
    CREATE TABLE database_info (id INTEGER PRIMARY KEY CHECK (id = 1), generation TEXT NOT NULL,
                                since TEXT NOT NULL);
    INSERT INTO database_info (id, generation, since)
        VALUES (1, lower(hex(randomblob(8))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
    """,
    # 6: an officer's action and its answer, by the Idempotency-Key the app sent: a retry after a lost
    # answer gets the same answer and calls nobody twice. Kept for the service day.
    """
    CREATE TABLE kept_answers (officer_id INTEGER NOT NULL, key TEXT NOT NULL, service_day TEXT NOT NULL,
                               request TEXT NOT NULL, answer TEXT NOT NULL, created_at TEXT NOT NULL,
                               PRIMARY KEY (officer_id, key)) WITHOUT ROWID;
    CREATE INDEX kept_answers_by_day ON kept_answers (service_day);
    """,
    # 7: zones that share a waiting hall share its voice.
    """
    ALTER TABLE zones ADD COLUMN hall TEXT;
    """,
    # 8: indexes for what every issue and every counter screen reads: an officer's figures of the day
    # (scanned the whole day before), and a queue's latest finished tickets, newest first (sorted
    # the queue's whole day before taking 20).
    """
    CREATE INDEX tickets_by_officer ON tickets (service_day, officer_id);
    CREATE INDEX tickets_by_finish ON tickets (service_day, queue, status, finished_at);
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


def generation(conn: sqlite3.Connection) -> str:
    return conn.execute("SELECT generation FROM database_info WHERE id = 1").fetchone()[0]


def renew_generation(conn: sqlite3.Connection) -> str | None:
    """A restored database starts another history: its event ids mean something else to clients.
    (A backup older than the generation gets one when `mpp-server init` migrates it.)"""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'database_info'").fetchone() is None:
        return None
    with write(conn):
        return conn.execute("UPDATE database_info SET generation = lower(hex(randomblob(8))), "
                            "since = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1 RETURNING generation"
                            ).fetchone()[0]


# ---------------------------------------------------------------- the site
# The tables are the site; `SiteConfig` is how the rest of the server (and the site file) sees it.

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SITE_COLUMNS = ("name", "short_name", "address", "timezone", "public_url", "running_text",
                "ticket_cutoff_minutes", "printing_timeout_seconds", "priority_ratio", "personal_data_retention_days")


def site_version(conn) -> int | None:
    """The version of the stored site (it moves on every change); None before the first `init`."""
    row = conn.execute("SELECT version FROM site_settings WHERE id = 1").fetchone()
    return row[0] if row else None


def load_site(conn):
    """(SiteConfig, version) of the stored site, or None before the first `init`; one snapshot."""
    with read(conn):
        return _read_site(conn)


def _read_site(conn):
    settings = conn.execute("SELECT * FROM site_settings WHERE id = 1").fetchone()
    if settings is None:
        return None
    hours: dict[tuple[str, str], dict] = {}
    for row in conn.execute("SELECT * FROM opening_hours ORDER BY scope, owner, weekday"):
        day = hours.setdefault((row["scope"], row["owner"]), {})
        if row["opens"] is not None:
            day[WEEKDAY_KEYS[row["weekday"]]] = f"{row['opens']}-{row['closes']}"
    days: dict[int, list[str]] = {}
    for row in conn.execute("SELECT break, weekday FROM break_days ORDER BY break, weekday"):
        days.setdefault(row[0], []).append(WEEKDAY_KEYS[row[1]])
    site = {column: settings[column] for column in SITE_COLUMNS}
    site["hours"] = hours.get(("site", ""), {})
    site["breaks"] = [{"name": b["name"], "days": days.get(b["id"], []), "time": f"{b['starts']}-{b['ends']}"}
                      for b in conn.execute("SELECT * FROM breaks ORDER BY position")]
    site["holidays"] = [{"date": h["date"], "name": h["name"]}
                        for h in conn.execute("SELECT * FROM holidays ORDER BY position")]
    site["priority_categories"] = [
        {"code": p["code"], "name": p["name"], "name_en": p["name_en"]}
        for p in conn.execute("SELECT * FROM priority_categories WHERE active = 1 ORDER BY position")
    ]
    requirements: dict[str, list[str]] = {}
    for row in conn.execute("SELECT service, text FROM requirements ORDER BY service, position"):
        requirements.setdefault(row[0], []).append(row[1])
    services: dict[str, list[dict]] = {}
    for s in conn.execute("SELECT * FROM services WHERE active = 1 ORDER BY position"):
        services.setdefault(s["agency"], []).append({
            "code": s["code"], "name": s["name"], "name_en": s["name_en"], "queue": s["queue"], "quota": s["quota"],
            "default_minutes": s["default_minutes"], "requirements": requirements.get(s["code"], []),
            "hours": hours.get(("service", s["code"])), "cutoff_minutes": s["cutoff_minutes"],
            "asks_nik": bool(s["asks_nik"]), "asks_phone": bool(s["asks_phone"]),
        })
    served: dict[str, list[str]] = {}
    for row in conn.execute("SELECT counter, queue FROM counter_queues ORDER BY counter, position"):
        served.setdefault(row[0], []).append(row[1])
    data = {
        "site": site,
        "zones": [{"code": z["code"], "name": z["name"], "hall": z["hall"]}
                  for z in conn.execute("SELECT * FROM zones WHERE active = 1 ORDER BY position")],
        "queues": [{"code": q["code"], "prefix": q["prefix"], "width": q["width"], "name": q["name"]}
                   for q in conn.execute("SELECT * FROM queues WHERE active = 1 ORDER BY position")],
        "agencies": [
            {"code": a["code"], "name": a["name"], "short_name": a["short_name"], "zone": a["zone"],
             "hours": hours.get(("agency", a["code"])), "services": services.get(a["code"], [])}
            for a in conn.execute("SELECT * FROM agencies WHERE active = 1 ORDER BY position")
        ],
        "counters": [
            {"code": c["code"], "name": c["name"], "spoken_name": c["spoken_name"], "agency": c["agency"],
             "zone": c["zone"], "queues": served.get(c["code"], []), "strict_queue_order": bool(c["strict_queue_order"])}
            for c in conn.execute("SELECT * FROM counters WHERE active = 1 ORDER BY position")
        ],
    }
    return SiteConfig.model_validate(data), settings["version"]


def save_site(conn, config: SiteConfig, source: str | None, now: str) -> int:
    """Make `config` the stored site in one transaction; returns the site version.

    A site equal to the stored one changes nothing (same version). Rows that tickets name
    (zones, queues, agencies, services, counters, priority categories) are retired, not
    deleted; counters keep their live state (status, officer, ticket)."""
    with write(conn):
        stored = _read_site(conn)
        if stored is not None and stored[0] == config:
            return stored[1]
        version = stored[1] + 1 if stored else 1
        info = config.site
        values = [getattr(info, column) for column in SITE_COLUMNS]
        conn.execute(
            f"INSERT INTO site_settings (id, {', '.join(SITE_COLUMNS)}, version, source, changed_at) "
            f"VALUES (1, {', '.join('?' for _ in SITE_COLUMNS)}, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in (*SITE_COLUMNS, "version", "source", "changed_at")),
            (*values, version, source, now),
        )
        for table in ("opening_hours", "break_days", "breaks", "holidays", "requirements", "counter_queues"):
            conn.execute(f"DELETE FROM {table}")
        for table in ("priority_categories", "zones", "queues", "agencies", "services", "counters"):
            conn.execute(f"UPDATE {table} SET active = 0")
        _write_hours(conn, "site", "", info.hours)
        for i, b in enumerate(info.breaks):
            start, end = b.time.split("-")
            break_id = conn.execute("INSERT INTO breaks (position, name, starts, ends) VALUES (?, ?, ?, ?)",
                                    (i, b.name, start, end)).lastrowid
            conn.executemany("INSERT INTO break_days (break, weekday) VALUES (?, ?)",
                             [(break_id, WEEKDAY_KEYS.index(d)) for d in b.days])
        conn.executemany("INSERT INTO holidays (date, name, position) VALUES (?, ?, ?)",
                         [(h.date.isoformat(), h.name, i) for i, h in enumerate(info.holidays)])
        _upsert(conn, "priority_categories", [
            {"code": p.code, "name": p.name, "name_en": p.name_en, "position": i}
            for i, p in enumerate(info.priority_categories)])
        _upsert(conn, "zones", [{"code": z.code, "name": z.name, "hall": z.hall, "position": i}
                                for i, z in enumerate(config.zones)])
        _upsert(conn, "queues", [{"code": q.code, "prefix": q.prefix, "width": q.width, "name": q.name, "position": i}
                                 for i, q in enumerate(config.queues)])
        _upsert(conn, "agencies", [{"code": a.code, "name": a.name, "short_name": a.short_name, "zone": a.zone,
                                    "position": i} for i, a in enumerate(config.agencies)])
        _upsert(conn, "services", [
            {"code": s.code, "agency": a.code, "queue": s.queue, "name": s.name, "name_en": s.name_en,
             "quota": s.quota, "default_minutes": s.default_minutes, "cutoff_minutes": s.cutoff_minutes,
             "asks_nik": int(s.asks_nik), "asks_phone": int(s.asks_phone), "position": i}
            for a in config.agencies for i, s in enumerate(a.services)])
        for agency in config.agencies:
            _write_hours(conn, "agency", agency.code, agency.hours)
            for service in agency.services:
                _write_hours(conn, "service", service.code, service.hours)
                conn.executemany("INSERT INTO requirements (service, position, text) VALUES (?, ?, ?)",
                                 [(service.code, i, text) for i, text in enumerate(service.requirements)])
        # Only the configured columns: a counter keeps its status, officer and ticket.
        _upsert(conn, "counters", [
            {"code": c.code, "name": c.name, "spoken_name": c.spoken_name, "agency": c.agency, "zone": c.zone,
             "strict_queue_order": int(c.strict_queue_order), "position": i}
            for i, c in enumerate(config.counters)])
        conn.executemany("INSERT INTO counter_queues (counter, position, queue) VALUES (?, ?, ?)",
                         [(c.code, i, q) for c in config.counters for i, q in enumerate(c.queues)])
        return version


def _write_hours(conn, scope: str, owner: str, hours) -> None:
    """Seven rows for a scope with its own hours (NULL: closed that day); none when it has none."""
    if hours is None:
        return
    rows = []
    for weekday, key in enumerate(WEEKDAY_KEYS):
        period = getattr(hours, key)
        opens, closes = period.split("-") if period else (None, None)
        rows.append((scope, owner, weekday, opens, closes))
    conn.executemany("INSERT INTO opening_hours (scope, owner, weekday, opens, closes) VALUES (?, ?, ?, ?, ?)", rows)


def _upsert(conn, table: str, rows: list[dict]) -> None:
    """Insert or update by code, and mark active; columns not named keep their values."""
    if not rows:
        return
    columns = [*rows[0], "active"]
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "code")
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT (code) DO UPDATE SET {updates}",
        [(*row.values(), 1) for row in rows],
    )


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


def priority_issued_since(conn, service_day: str, services: list[str], since: str) -> dict[str, int]:
    """Priority tickets issued for `services` since `since`, per queue they joined."""
    marks = ", ".join("?" for _ in services)
    return dict(conn.execute(
        f"SELECT queue, COUNT(*) FROM tickets WHERE service_day = ? AND issued_service IN ({marks}) "
        "AND priority IS NOT NULL AND issued_at >= ? GROUP BY queue", (service_day, *services, since)).fetchall())


def counters_at_work(conn, codes: list[str]):
    """Counters with their state and, when they hold a ticket, since when and from which queue."""
    marks = ", ".join("?" for _ in codes)
    return conn.execute(
        "SELECT c.code, (SELECT json_group_array(queue) FROM (SELECT queue FROM counter_queues "
        "WHERE counter = c.code ORDER BY position)) AS queues, c.status, c.status_since, c.interleave_pos, "
        "c.strict_queue_order, "
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


# A counter row carries the queues it serves, in order, as a JSON list.
COUNTER_SELECT = ("SELECT counters.*, (SELECT json_group_array(queue) FROM (SELECT queue FROM counter_queues "
                  "WHERE counter = counters.code ORDER BY position)) AS queues FROM counters")


def counter_row(conn, code: str):
    return conn.execute(f"{COUNTER_SELECT} WHERE code = ? AND active = 1", (code,)).fetchone()


def counter_rows(conn, zone: str | None = None):
    if zone is None:
        return conn.execute(f"{COUNTER_SELECT} WHERE active = 1 ORDER BY position").fetchall()
    return conn.execute(
        f"{COUNTER_SELECT} WHERE active = 1 AND zone = ? ORDER BY position", (zone,)
    ).fetchall()


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
