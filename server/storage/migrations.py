"""The schema, as migrations applied in order, each in its own transaction."""

import sqlite3

from .connection import write
from .floor import WAIT_SECONDS

# Start (or the call, never started) to done, in seconds to the millisecond; NULL unless done.
SERVICE_SECONDS = ("CASE WHEN status = 'done' THEN "
                   "ROUND((julianday(finished_at) - julianday(COALESCE(started_at, called_at))) * 86400, 3) END")
BUCKET_S = 6  # a tenth of a minute: the resolution of the reports' medians and p90s


def _bucket(seconds: str) -> str:
    """Rounded up to BUCKET_S (a whole-minute target is met exactly when the bucket is ≤ it)."""
    return f"CAST(({seconds} + {BUCKET_S - 0.001}) / {BUCKET_S} AS INTEGER) * {BUCKET_S}"


# Each of a ticket's report columns with what it follows (migration 18's triggers set one only when it
# changes: a ticket's call or start then rewrites none of the reports' indexes).
WAIT_TIMES = f"wait_s = {WAIT_SECONDS}, wait_b = {_bucket(WAIT_SECONDS)}"
SERVICE_TIMES = f"service_s = {SERVICE_SECONDS}, service_b = {_bucket(SERVICE_SECONDS)}"
ISSUED_HOUR = "CAST(substr(issued_at, 12, 2) AS INTEGER)"

REPORT_TIMES = (f"wait_s = {WAIT_SECONDS}, service_s = {SERVICE_SECONDS}, wait_b = {_bucket(WAIT_SECONDS)}, "
                f"service_b = {_bucket(SERVICE_SECONDS)}, issued_hour = CAST(substr(issued_at, 12, 2) AS INTEGER)")

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
    # 9: the audit log: every sign-in and every supervisor, admin and device action. Append-only:
    # the triggers refuse an UPDATE or DELETE, so nothing in the product can rewrite it.
    """
    CREATE TABLE audit_log (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, actor TEXT, actor_role TEXT,
                            action TEXT NOT NULL, target TEXT, details TEXT NOT NULL DEFAULT '{}',
                            address TEXT);
    CREATE INDEX audit_log_by_ts ON audit_log (ts);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
    # 10: the floor figures. A wait runs from ready to the FIRST call, but a transfer or a return to the
    # queue clears called_at: first_called_at keeps it, and rejoined_at says since when a ticket called
    # before waits again. A service's target wait for the service level (NULL: 15 minutes). The floor
    # page reads the day's endings and first calls on every event: covering indexes (a busy day's
    # 3,000 tickets: ~12 ms → ~5 ms), and valid sessions without reading every session ever opened.
    """
    ALTER TABLE tickets ADD COLUMN first_called_at TEXT;
    ALTER TABLE tickets ADD COLUMN rejoined_at TEXT;
    UPDATE tickets SET first_called_at = called_at WHERE called_at IS NOT NULL;
    ALTER TABLE services ADD COLUMN target_wait_min INTEGER;
    CREATE INDEX tickets_by_end ON tickets (service_day, status, agency, zone, counter, finished_at);
    CREATE INDEX tickets_by_first_call ON tickets (service_day, issued_service, first_called_at, printed_at, queued_at)
        WHERE first_called_at IS NOT NULL;
    CREATE INDEX sessions_by_expiry ON sessions (expires_at) WHERE revoked_at IS NULL;
    """,
    # 11: the key that signs the management pages' cookies: one per database, so that a restarted
    # server keeps everyone signed in and a copied database does not sign another site's cookies.
    """
    ALTER TABLE database_info ADD COLUMN web_secret TEXT;
    UPDATE database_info SET web_secret = lower(hex(randomblob(32)));
    """,
    # 12: what a supervisor changes for one service day only (the queues a counter serves today; the
    # site's own list is tomorrow's again), and the running text a supervisor sends to the boards.
    """
    CREATE TABLE counter_queues_today (service_day TEXT NOT NULL, counter TEXT NOT NULL REFERENCES counters (code),
                                       position INTEGER NOT NULL, queue TEXT NOT NULL REFERENCES queues (code),
                                       PRIMARY KEY (service_day, counter, position)) WITHOUT ROWID;
    CREATE TABLE broadcasts (id INTEGER PRIMARY KEY, text TEXT NOT NULL, zone TEXT, until TEXT NOT NULL,
                             created_at TEXT NOT NULL, created_by TEXT NOT NULL, ended_at TEXT, ended_by TEXT);
    CREATE INDEX broadcasts_open ON broadcasts (ended_at, until);
    """,
    # 13: an agency or a service hidden from the kiosk (the site administration's "hide"): it keeps its
    # tickets, counters still call them, but the kiosk no longer offers it.
    """
    ALTER TABLE agencies ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE services ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    """,
    # 14: the calendar's exceptions: dates open with their own hours, and services closed for a while
    # with the reason the kiosk shows
    """
    CREATE TABLE special_days (date TEXT PRIMARY KEY, name TEXT NOT NULL, opens TEXT NOT NULL, closes TEXT NOT NULL,
                               position INTEGER NOT NULL);
    CREATE TABLE service_closures (id INTEGER PRIMARY KEY, service TEXT NOT NULL, first_day TEXT NOT NULL,
                                   last_day TEXT NOT NULL, reason TEXT NOT NULL, position INTEGER NOT NULL);
    """,
    # 15: the reports. A year is ~900,000 tickets. Each one's wait and service time in seconds, the same
    # rounded up to 6 s, and its hour of issue are kept on its row by the database itself (triggers, in
    # the transaction that changes the ticket: they cannot disagree with its times), so a report computes
    # no julianday per ticket; three narrow indexes in the order a report by agency or service groups
    # by, so SQLite aggregates a year as it scans instead of sorting it. (One wide index for every
    # grouping cost each ticket write ~130 µs more: short ranges read the day's rows instead.)
    f"""
    ALTER TABLE tickets ADD COLUMN wait_s REAL;
    ALTER TABLE tickets ADD COLUMN service_s REAL;
    ALTER TABLE tickets ADD COLUMN wait_b INTEGER;
    ALTER TABLE tickets ADD COLUMN service_b INTEGER;
    ALTER TABLE tickets ADD COLUMN issued_hour INTEGER;
    UPDATE tickets SET {REPORT_TIMES};
    CREATE TRIGGER tickets_times_on_insert AFTER INSERT ON tickets BEGIN
        UPDATE tickets SET {REPORT_TIMES} WHERE id = NEW.id;
    END;
    CREATE TRIGGER tickets_times_on_update
        AFTER UPDATE OF printed_at, queued_at, first_called_at, called_at, started_at, finished_at, status,
                        issued_at ON tickets
    BEGIN
        UPDATE tickets SET {REPORT_TIMES} WHERE id = NEW.id;
    END;
    CREATE INDEX tickets_report_counts ON tickets (issued_service, service, priority, issued_hour, service_day);
    CREATE INDEX tickets_report_waits ON tickets (issued_service, wait_b, service_day, wait_s) WHERE wait_s IS NOT NULL;
    CREATE INDEX tickets_report_ends ON tickets (service, status, service_b, service_day, service_s)
        WHERE status IN ('done', 'no_show', 'cancelled');
    """,
    # 16: an agency's logo (PNG or SVG, checked before it is stored): in the database with the rest of the
    # site, so a backup or a copied database carries it; `version` moves with each upload (the URL's ?v=).
    """
    CREATE TABLE agency_logos (agency TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('png', 'svg')),
                               data BLOB NOT NULL, version INTEGER NOT NULL, width INTEGER, height INTEGER,
                               changed_at TEXT NOT NULL, changed_by TEXT) WITHOUT ROWID;
    """,
    # 17: the satisfaction survey (SKM, PermenPANRB 14/2017): one answer per served ticket (UNIQUE), with
    # where it was served. The respondent's profile is kept as counts per day, agency and service only:
    # nothing links it to a ticket, so it can never be joined with a NIK or a phone. The follow-up plan
    # (Rencana Tindak Lanjut) per element of a published period.
    """
    CREATE TABLE skm_responses (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets (id),
                                service_day TEXT NOT NULL, service TEXT NOT NULL, agency TEXT NOT NULL,
                                counter TEXT, officer_id INTEGER, channel TEXT NOT NULL, answered_at TEXT NOT NULL,
                                a1 INTEGER NOT NULL CHECK (a1 BETWEEN 1 AND 4),
                                a2 INTEGER NOT NULL CHECK (a2 BETWEEN 1 AND 4),
                                a3 INTEGER NOT NULL CHECK (a3 BETWEEN 1 AND 4),
                                a4 INTEGER NOT NULL CHECK (a4 BETWEEN 1 AND 4),
                                a5 INTEGER NOT NULL CHECK (a5 BETWEEN 1 AND 4),
                                a6 INTEGER NOT NULL CHECK (a6 BETWEEN 1 AND 4),
                                a7 INTEGER NOT NULL CHECK (a7 BETWEEN 1 AND 4),
                                a8 INTEGER NOT NULL CHECK (a8 BETWEEN 1 AND 4),
                                a9 INTEGER NOT NULL CHECK (a9 BETWEEN 1 AND 4), comment TEXT);
    CREATE INDEX skm_responses_by_day ON skm_responses (service_day, agency, service);
    CREATE TABLE skm_profile_counts (service_day TEXT NOT NULL, agency TEXT NOT NULL, service TEXT NOT NULL,
                                     field TEXT NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL,
                                     PRIMARY KEY (service_day, agency, service, field, value)) WITHOUT ROWID;
    CREATE TABLE skm_plans (agency TEXT NOT NULL, first_day TEXT NOT NULL, last_day TEXT NOT NULL,
                            element INTEGER NOT NULL CHECK (element BETWEEN 1 AND 9), text TEXT NOT NULL,
                            changed_at TEXT NOT NULL, changed_by TEXT NOT NULL,
                            PRIMARY KEY (agency, first_day, last_day, element)) WITHOUT ROWID;
    """,
    # 18: whether the boards' running text carries the latest month's IKM (SKM), an admin's setting.
    """
    ALTER TABLE site_settings ADD COLUMN show_ikm_on_boards INTEGER NOT NULL DEFAULT 0;
    """,
    # 19: appointments: a booking of a service's slot, checked in at the kiosk for a ticket marked `booked`
    # (that ticket spends the online quota, not the walk-in one). Name, phone and NIK live apart, purged
    # with the tickets' personal data.
    """
    ALTER TABLE services ADD COLUMN online_quota INTEGER;
    ALTER TABLE services ADD COLUMN slot_min INTEGER NOT NULL DEFAULT 30;
    ALTER TABLE services ADD COLUMN slot_capacity INTEGER NOT NULL DEFAULT 5;
    ALTER TABLE site_settings ADD COLUMN booking_days_ahead INTEGER NOT NULL DEFAULT 14;
    ALTER TABLE site_settings ADD COLUMN check_in_before_min INTEGER NOT NULL DEFAULT 30;
    ALTER TABLE site_settings ADD COLUMN check_in_after_min INTEGER NOT NULL DEFAULT 15;
    ALTER TABLE site_settings ADD COLUMN booking_limit_per_day INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE tickets ADD COLUMN booked INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE appointments (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, public_id TEXT NOT NULL UNIQUE,
                               request_id TEXT UNIQUE, service TEXT NOT NULL, agency TEXT NOT NULL,
                               day TEXT NOT NULL, slot TEXT NOT NULL,
                               status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'checked_in', 'no_show')),
                               source TEXT NOT NULL DEFAULT 'online', created_at TEXT NOT NULL,
                               cancelled_at TEXT, checked_in_at TEXT, ticket_id INTEGER REFERENCES tickets (id));
    CREATE INDEX appointments_by_day ON appointments (day, service, slot, status);
    CREATE TABLE appointment_people (appointment_id INTEGER PRIMARY KEY REFERENCES appointments (id),
                                     name TEXT, phone TEXT, nik TEXT, created_at TEXT NOT NULL);
    CREATE INDEX appointment_people_by_phone ON appointment_people (phone);
    CREATE INDEX appointment_people_by_nik ON appointment_people (nik);
    CREATE INDEX appointment_people_by_age ON appointment_people (created_at);
    """,
    # 20: the reports of a short range (a month: ~75,000 tickets) read their days from one covering index
    # holding every column a summary groups or sums, instead of looking up each ticket's wide row. It
    # starts as the index it replaces did (service_day, issued_service), so the quota count and the floor
    # still find their rows there. The long range's waits and endings carry the hour of issue after the
    # time, so a year by hour is grouped as it is scanned too (the report page's hours, ~4 s → ~0.5 s).
    """
    CREATE INDEX tickets_report_days ON tickets (service_day, issued_service, service, agency, priority, issued_hour,
                                                  status, counter, officer_id, wait_b, wait_s, service_b, service_s);
    DROP INDEX tickets_by_issued_service;
    DROP INDEX tickets_report_waits;
    CREATE INDEX tickets_report_waits ON tickets (issued_service, wait_b, issued_hour, service_day, wait_s)
        WHERE wait_s IS NOT NULL;
    DROP INDEX tickets_report_ends;
    CREATE INDEX tickets_report_ends ON tickets (service, status, service_b, issued_hour, service_day, service_s)
        WHERE status IN ('done', 'no_show', 'cancelled');
    """
    # The times' triggers of migration 15 set every report column on every change of a ticket, rewriting
    # each report index's entry each time (with the covering index: +45 % CPU per ticket's life). Now
    # each column is set only by what it follows, and only when its value changes.
    f"""
    DROP TRIGGER tickets_times_on_insert;
    DROP TRIGGER tickets_times_on_update;
    CREATE TRIGGER tickets_times_on_insert AFTER INSERT ON tickets BEGIN
        UPDATE tickets SET issued_hour = {ISSUED_HOUR} WHERE id = NEW.id;
        UPDATE tickets SET {WAIT_TIMES} WHERE id = NEW.id AND wait_s IS NOT {WAIT_SECONDS};
        UPDATE tickets SET {SERVICE_TIMES} WHERE id = NEW.id AND service_s IS NOT {SERVICE_SECONDS};
    END;
    CREATE TRIGGER tickets_wait_on_update AFTER UPDATE OF printed_at, queued_at, first_called_at ON tickets BEGIN
        UPDATE tickets SET {WAIT_TIMES} WHERE id = NEW.id AND wait_s IS NOT {WAIT_SECONDS};
    END;
    CREATE TRIGGER tickets_service_on_update AFTER UPDATE OF called_at, started_at, finished_at, status ON tickets
    BEGIN
        UPDATE tickets SET {SERVICE_TIMES} WHERE id = NEW.id AND service_s IS NOT {SERVICE_SECONDS};
    END;
    CREATE TRIGGER tickets_hour_on_update AFTER UPDATE OF issued_at ON tickets BEGIN
        UPDATE tickets SET issued_hour = {ISSUED_HOUR} WHERE id = NEW.id AND issued_hour IS NOT {ISSUED_HOUR};
    END;
    """,
]


def statements(script: str) -> list[str]:
    """The statements of a script, a trigger's body (which holds `;`) kept whole."""
    found, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                found.append(pending.strip())
            pending = ""
    return found


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations the file lacks, each in its own transaction; returns the version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return version
    conn.execute("PRAGMA foreign_keys=OFF")  # a rebuilt table keeps its rows' references (outside a transaction)
    try:
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with write(conn):
                for statement in statements(script):
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


def web_secret(conn: sqlite3.Connection) -> str:
    """The key of the management pages' signed cookies (migration 10 makes it)."""
    return conn.execute("SELECT web_secret FROM database_info WHERE id = 1").fetchone()[0]


def renew_generation(conn: sqlite3.Connection) -> str | None:
    """A restored database starts another history: its event ids mean something else to clients.
    (A backup older than the generation gets one when `mpp-server init` migrates it.)"""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'database_info'").fetchone() is None:
        return None
    with write(conn):
        return conn.execute("UPDATE database_info SET generation = lower(hex(randomblob(8))), "
                            "since = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1 RETURNING generation"
                            ).fetchone()[0]
