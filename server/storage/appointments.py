"""Appointments (bookings of a service's slot) and the personal data a booking holds."""

__all__ = ["insert_appointment", "appointment_by_code", "appointment_by_request_id", "appointment_person",
           "booked_per_slot", "booked_on_day", "booked_by_person", "update_appointment", "bookings_left_open",
           "purge_appointment_people", "appointments_of_day", "booking_figures"]

# A booking holds its place unless cancelled: a no-show spent its slot and the quota.
HOLDING = "status != 'cancelled'"


def insert_appointment(conn, code: str, public_id: str, request_id: str | None, service: str, agency: str,
                       day: str, slot: str, now: str, name: str, phone: str | None, nik: str | None,
                       source: str = "online") -> int:
    appointment_id = conn.execute(
        "INSERT INTO appointments (code, public_id, request_id, service, agency, day, slot, status, source, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?)",
        (code, public_id, request_id, service, agency, day, slot, source, now)).lastrowid
    conn.execute("INSERT INTO appointment_people (appointment_id, name, phone, nik, created_at) VALUES (?, ?, ?, ?, ?)",
                 (appointment_id, name, phone, nik, now))
    return appointment_id


def appointment_by_code(conn, code: str):
    return conn.execute("SELECT * FROM appointments WHERE code = ?", (code,)).fetchone()


def appointment_by_request_id(conn, request_id: str):
    return conn.execute("SELECT * FROM appointments WHERE request_id = ?", (request_id,)).fetchone()


def appointment_person(conn, appointment_id: int):
    return conn.execute("SELECT name, phone, nik FROM appointment_people WHERE appointment_id = ?",
                        (appointment_id,)).fetchone()


def booked_per_slot(conn, day: str, service: str) -> dict[str, int]:
    return dict(conn.execute(f"SELECT slot, COUNT(*) FROM appointments WHERE day = ? AND service = ? AND {HOLDING} "
                             "GROUP BY slot", (day, service)).fetchall())


def booked_on_day(conn, day: str, service: str) -> int:
    return conn.execute(f"SELECT COUNT(*) FROM appointments WHERE day = ? AND service = ? AND {HOLDING}",
                        (day, service)).fetchone()[0]


def booked_by_person(conn, day: str, phone: str | None, nik: str | None) -> int:
    """The day's bookings (any service) of this phone or this NIK."""
    return conn.execute(
        f"SELECT COUNT(*) FROM appointments a JOIN appointment_people p ON p.appointment_id = a.id "
        f"WHERE a.day = ? AND a.{HOLDING} AND (p.phone = ? OR p.nik = ?)", (day, phone, nik)).fetchone()[0]


def update_appointment(conn, appointment_id: int, **values) -> None:
    assignments = ", ".join(f"{name} = ?" for name in values)
    conn.execute(f"UPDATE appointments SET {assignments} WHERE id = ?", [*values.values(), appointment_id])


def bookings_left_open(conn, up_to_day: str):
    """Bookings still waiting for their check-in on `up_to_day` or before (the no-show rule reads them)."""
    return conn.execute("SELECT * FROM appointments WHERE status = 'booked' AND day <= ? ORDER BY id",
                        (up_to_day,)).fetchall()


def purge_appointment_people(conn, older_than: str) -> int:
    return conn.execute("DELETE FROM appointment_people WHERE created_at < ?", (older_than,)).rowcount


def appointments_of_day(conn, day: str):
    return conn.execute("SELECT a.*, p.name, p.phone, p.nik FROM appointments a "
                        "LEFT JOIN appointment_people p ON p.appointment_id = a.id WHERE a.day = ? "
                        "ORDER BY a.slot, a.service, a.id", (day,)).fetchall()


def booking_figures(conn, first_day: str, last_day: str, services: list[str] | None = None) -> dict[str, int]:
    """Bookings of the days (cancelled ones left out) and, of them, the no-shows."""
    where, values = "", [first_day, last_day]
    if services is not None:
        where = f" AND service IN ({', '.join('?' for _ in services)})"
        values += services
    row = conn.execute(f"SELECT COUNT(*), COALESCE(SUM(status = 'no_show'), 0) FROM appointments "
                       f"WHERE day BETWEEN ? AND ? AND {HOLDING}{where}", values).fetchone()
    return {"booked": row[0], "booking_no_show": row[1]}
