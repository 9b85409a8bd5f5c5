"""Devices, officers and their sessions."""

import json

from .connection import write


def insert_device(conn, kind: str, name: str, zone, token_hash: str, now: str) -> int:
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


def officer_counts(conn) -> dict[str, int]:
    """Active officers per agency: who can open that agency's counters."""
    return {row[0]: row[1] for row in conn.execute(
        "SELECT agency, COUNT(*) FROM officers WHERE active = 1 AND role = 'officer' AND agency IS NOT NULL "
        "GROUP BY agency")}


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


def web_session(conn, token_hash: str, now: str):
    """The officer of a live session, with the session's `session_created_at` and `session_expires_at`."""
    return conn.execute(
        "SELECT officers.*, sessions.created_at AS session_created_at, sessions.expires_at AS session_expires_at "
        "FROM sessions JOIN officers ON officers.id = sessions.officer_id "
        "WHERE sessions.token_hash = ? AND sessions.revoked_at IS NULL AND sessions.expires_at > ? "
        "AND officers.active = 1",
        (token_hash, now),
    ).fetchone()


def extend_session(conn, token_hash: str, expires_at: str) -> None:
    conn.execute("UPDATE sessions SET expires_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                 (expires_at, token_hash))


# ---------------------------------------------------------------- the administration of officers and devices


def officer_rows(conn):
    """Every officer, active or not, by username."""
    return conn.execute("SELECT id, username, role, agency, active, created_at FROM officers ORDER BY username"
                        ).fetchall()


def officer_row(conn, username: str):
    return conn.execute("SELECT id, username, role, agency, active, created_at FROM officers WHERE username = ?",
                        (username,)).fetchone()


def insert_officer(conn, username: str, pin_hash: str, role: str, agency, now: str) -> int:
    return conn.execute("INSERT INTO officers (username, pin_hash, role, agency, created_at) VALUES (?, ?, ?, ?, ?)",
                        (username, pin_hash, role, agency, now)).lastrowid


def update_officer(conn, officer_id: int, role: str, agency, active: bool) -> None:
    conn.execute("UPDATE officers SET role = ?, agency = ?, active = ? WHERE id = ?",
                 (role, agency, int(active), officer_id))


def set_officer_pin(conn, officer_id: int, pin_hash: str) -> None:
    conn.execute("UPDATE officers SET pin_hash = ? WHERE id = ?", (pin_hash, officer_id))


def end_officer_sessions(conn, officer_id: int, now: str) -> int:
    """Every open session of the officer ends now (deactivated, PIN reset); returns how many."""
    return conn.execute("UPDATE sessions SET revoked_at = ? WHERE officer_id = ? AND revoked_at IS NULL",
                        (now, officer_id)).rowcount


def admin_device_rows(conn):
    """Every device, revoked ones too, in the order they were added."""
    return conn.execute("SELECT id, kind, name, zone, active, created_at, last_seen FROM devices ORDER BY id"
                        ).fetchall()


def admin_device_row(conn, device_id: int):
    return conn.execute("SELECT id, kind, name, zone, active, created_at, last_seen FROM devices WHERE id = ?",
                        (device_id,)).fetchone()


def update_device(conn, device_id: int, name: str, zone) -> None:
    conn.execute("UPDATE devices SET name = ?, zone = ? WHERE id = ?", (name, zone, device_id))


def revoke_device(conn, device_id: int) -> None:
    conn.execute("UPDATE devices SET active = 0 WHERE id = ?", (device_id,))
