"""The database file grows with the product: an older file opened by a newer server keeps every row."""

import sqlite3

import pytest

from server import storage


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
