"""Bookings as files: import those made in an agency's own system (CSV), export a day's.

Import columns (a header row; `;` or `,`; UTF-8, a BOM allowed): `service`, `date` (YYYY-MM-DD), `slot`
(HH:MM), `name`, `phone`, `nik` (only for a service that asks), `ref` (the other system's booking id:
importing the same file again changes nothing). Each row passes the booking page's rules (slot, capacity,
online quota, limit per phone/NIK, NIK check) except the horizon; a refused row is listed with its reason.
"""

import csv
import io

from .. import storage
from ..context import Context
from ..domain import personal
from ..domain.errors import DomainError
from . import appointments

IMPORT_COLUMNS = ("service", "date", "slot", "name", "phone", "nik", "ref")
EXPORT_COLUMNS = ("code", "service", "date", "slot", "status", "source", "name", "phone", "nik", "created_at",
                  "checked_in_at", "ticket")


def read_rows(text: str) -> list[dict]:
    text = text.lstrip("\ufeff")
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "service", delimiters=";,")
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(io.StringIO(text), dialect=dialect)]


def import_bookings(ctx: Context, text: str) -> tuple[list[dict], list[tuple[int, str, str]]]:
    """(bookings made or already imported, [(line, code, message)] of the rows refused)."""
    made, refused = [], []
    rows = read_rows(text)
    if rows and not {"service", "date", "slot", "name", "phone"} <= set(rows[0]):
        return [], [(1, "bad_header", "Baris judul harus memuat: " + ", ".join(IMPORT_COLUMNS[:5]))]
    for line, row in enumerate(rows, start=2):
        values = {**row, "nik": row.get("nik") or None,
                  "request_id": f"import:{row['ref']}" if row.get("ref") else None}
        try:
            booking, _ = appointments.book(ctx, values, "", source="import")
        except DomainError as refusal:
            refused.append((line, refusal.code, refusal.message))
        else:
            made.append({"line": line, **booking})
    return made, refused


def export_day(conn, day: str) -> str:
    """The day's bookings as CSV (`;`, UTF-8 with BOM for Excel), name, phone and NIK masked."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    with storage.read(conn):
        for row in storage.appointments_of_day(conn, day):
            ticket = storage.ticket_by_id(conn, row["ticket_id"]) if row["ticket_id"] else None
            writer.writerow([row["code"], row["service"], row["day"], row["slot"], row["status"], row["source"],
                             appointments.mask_name(row["name"]), personal.mask(row["phone"], 4, 3),
                             personal.mask(row["nik"]), row["created_at"], row["checked_in_at"] or "",
                             ticket["code"] if ticket else ""])
    return out.getvalue()
