"""The database file grows with the product: an older file opened by a newer server keeps every row."""

import json
import sqlite3

import pytest

from server import storage
from devtools.launcher import DEMO_SITE
from server.site_config import load_site


def file_at_version(path, version: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    for number, script in enumerate(storage.MIGRATIONS[:version], start=1):
        conn.executescript(f"BEGIN; {script}; PRAGMA user_version={number}; COMMIT;")
    return conn


def ticket(conn, id_, code, number, queue, **extra):
    values = {"id": id_, "public_id": f"p{id_}", "request_id": None, "device_id": None, "code": code,
              "number": number, "queue": queue, "service": "DK-KTP", "issued_service": "DK-KTP",
              "agency": "DUKCAPIL", "zone": "1", "priority": None, "status": "waiting",
              "service_day": "2026-11-23", "issued_at": "2026-11-23T08:00:00+07:00",
              "queued_at": "2026-11-23T08:00:00+07:00", **extra}
    conn.execute(f"INSERT INTO tickets ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                 list(values.values()))


def test_version_2_file_keeps_its_tickets_and_personal_data_and_allows_transfers(tmp_path):
    conn = file_at_version(tmp_path / "old.db", 2)
    ticket(conn, 1, "A-001", 1, "DUKCAPIL-KTP")
    ticket(conn, 2, "B-001", 1, "DUKCAPIL-SIPIL", service="DK-KK", issued_service="DK-KK")
    conn.execute("INSERT INTO personal_data VALUES (1, '3201010101010001', NULL, '2026-11-23T08:00:00+07:00')")
    with pytest.raises(sqlite3.IntegrityError):  # version 2: numbers unique per current queue
        conn.execute("UPDATE tickets SET queue = 'DUKCAPIL-SIPIL' WHERE id = 1")

    assert storage.migrate(conn) == len(storage.MIGRATIONS)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(storage.MIGRATIONS)
    assert conn.execute("SELECT id, code FROM tickets ORDER BY id").fetchall() == [(1, "A-001"), (2, "B-001")]
    assert conn.execute("SELECT nik FROM personal_data WHERE ticket_id = 1").fetchone() == ("3201010101010001",)
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    conn.execute("UPDATE tickets SET queue = 'DUKCAPIL-SIPIL' WHERE id = 1")  # A-001 transferred beside B-001
    with pytest.raises(sqlite3.IntegrityError):  # …but a code is still never given twice in a day
        ticket(conn, 3, "A-001", 1, "DUKCAPIL-KTP")
    with pytest.raises(sqlite3.IntegrityError):  # and personal data still needs its ticket
        conn.execute("INSERT INTO personal_data VALUES (99, NULL, '0812', '2026-11-23T08:00:00+07:00')")


def test_migrating_a_current_file_again_changes_nothing(tmp_path):
    conn = file_at_version(tmp_path / "new.db", len(storage.MIGRATIONS))
    ticket(conn, 1, "A-001", 1, "DUKCAPIL-KTP")
    assert storage.migrate(conn) == len(storage.MIGRATIONS)
    assert conn.execute("SELECT count(*) FROM tickets").fetchone() == (1,)


def old_site_copy(conn, config, source="demo.toml"):
    """What version 3 stored for a site: the file as JSON, and mirrors of parts of it."""
    blob = config.model_dump_json().replace('"08:00-15:00"', '"08.00-15.00"')  # as a file may have said it
    conn.execute("INSERT INTO site VALUES (1, ?, ?, '2026-11-01T07:00:00+07:00')", (blob, source))
    conn.executemany("INSERT INTO zones VALUES (?, ?)", [(z.code, z.name) for z in config.zones])
    conn.executemany("INSERT INTO queues VALUES (?, ?, ?, ?)",
                     [(q.code, q.prefix, q.width, q.name) for q in config.queues])
    conn.executemany("INSERT INTO agencies VALUES (?, ?, ?, ?, ?, 1)",
                     [(a.code, a.name, a.short_name, a.zone, i) for i, a in enumerate(config.agencies)])
    conn.executemany(
        "INSERT INTO services VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        [(s.code, a.code, s.queue, s.name, s.name_en, s.quota, s.default_minutes, json.dumps(s.requirements), i)
         for a in config.agencies for i, s in enumerate(a.services)])
    conn.executemany(
        "INSERT INTO counters (code, name, spoken_name, agency, zone, queues, strict_queue_order, position) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(c.code, c.name, c.spoken_name, c.agency, c.zone, json.dumps(c.queues), int(c.strict_queue_order), i)
         for i, c in enumerate(config.counters)])


def before_appointments(config):
    """The site as a file of version 3's time could say it: no service took bookings (migration 18)."""
    data = config.model_dump()
    for agency in data["agencies"]:
        for service in agency["services"]:
            service.update(online_quota=None, slot_min=30, slot_capacity=5)
    return type(config).model_validate(data)


def test_version_3_file_moves_its_site_into_tables_and_keeps_tickets_and_counter_state(tmp_path):
    demo = before_appointments(load_site(DEMO_SITE))
    conn = file_at_version(tmp_path / "v3.db", 3)
    old_site_copy(conn, demo)
    # A service removed by an earlier `init` (its tickets still name it), and a counter at work.
    conn.execute("INSERT INTO services VALUES ('DK-OLD', 'DUKCAPIL', 'DUKCAPIL-KTP', 'Layanan lama', NULL, NULL, "
                 "10, '[\"KTP\"]', 9, 0)")
    ticket(conn, 1, "A-001", 1, "DUKCAPIL-KTP", service="DK-OLD", issued_service="DK-OLD", status="called",
           counter="L01")
    conn.execute("UPDATE counters SET status = 'open', officer_id = 3, ticket_id = 1, interleave_pos = 1 "
                 "WHERE code = 'L01'")
    conn.execute("PRAGMA foreign_keys=ON")

    assert storage.migrate(conn) == len(storage.MIGRATIONS)
    conn.close()
    conn = storage.connect(tmp_path / "v3.db")
    assert storage.load_site(conn) == (demo, 1)  # times now kept as 08:00-15:00
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'site'").fetchone() is None
    assert [tuple(r) for r in conn.execute("SELECT id, code, service FROM tickets")] == [(1, "A-001", "DK-OLD")]
    assert conn.execute("SELECT active FROM services WHERE code = 'DK-OLD'").fetchone()[0] == 0
    row = storage.counter_row(conn, "L01")
    assert (row["status"], row["officer_id"], row["ticket_id"], row["interleave_pos"]) == ("open", 3, 1, 1)
    assert json.loads(row["queues"]) == ["DUKCAPIL-KTP"]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The tables now are the site: `init` with the same file changes nothing.
    assert storage.save_site(conn, demo, "demo.toml", "2026-11-23T08:00:00+07:00") == 1


def test_version_9_file_keeps_the_first_call_of_tickets_called_before(tmp_path):
    conn = file_at_version(tmp_path / "old.db", 9)
    ticket(conn, 1, "A-001", 1, "DUKCAPIL-KTP", status="done", called_at="2026-11-23T08:10:00+07:00")
    ticket(conn, 2, "A-002", 2, "DUKCAPIL-KTP")
    assert storage.migrate(conn) == len(storage.MIGRATIONS)
    assert conn.execute("SELECT id, first_called_at, rejoined_at FROM tickets ORDER BY id").fetchall() == [
        (1, "2026-11-23T08:10:00+07:00", None), (2, None, None)]
    assert conn.execute("SELECT count(*) FROM services WHERE target_wait_min IS NOT NULL").fetchone() == (0,)
