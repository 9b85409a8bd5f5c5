"""Appointments: slots, booking, cancelling, the kiosk's check-in and the no-show rule.

Capacity and quotas are read and spent inside one write transaction (`Work`): the writer runs one
request's change at a time, so two citizens racing for the last place get one booking and one 409.
"""

import secrets
from datetime import timedelta

from .. import storage
from ..context import Context, Work, ticket_view
from ..domain import appointments as rule
from ..domain import personal
from ..domain.errors import Conflict, Invalid, NotFound
from .tickets import answered, insert_ticket

IMPORT_DAYS_AHEAD = 366  # an agency's own system keeps its own horizon
UNKNOWN = "Janji temu tidak ditemukan. Periksa kembali kodenya."


def _service(ctx: Context, code: str, booking: bool = True):
    service = ctx.site.services.get(code)
    if service is None:
        raise NotFound(f"Layanan {code!r} tidak dikenal.", code="unknown_service")
    if booking and (service.online_quota is None or service.hidden or ctx.site.agency_of_service[code].hidden):
        raise rule.refuse("closed")
    return service


def booking_services(ctx: Context) -> list[dict]:
    """Agencies with the services that take bookings, for the booking page's first steps."""
    found = []
    for agency in ctx.site.config.agencies:
        services = [{"code": s.code, "name": s.name, "name_en": s.name_en, "asks_nik": s.asks_nik}
                    for s in agency.services if s.online_quota is not None and not s.hidden]
        if services and not agency.hidden:
            found.append({"code": agency.code, "name": agency.name, "services": services})
    return found


def bookable_days(ctx: Context, service_code: str) -> list[str]:
    """The days from today to the last bookable one on which the service has a slot at all."""
    service = _service(ctx, service_code)
    schedule = ctx.site.service_schedules[service_code]
    today = schedule.service_day(ctx.now())
    days = [today + timedelta(days=n) for n in range(ctx.site.info.booking_days_ahead + 1)]
    return [d.isoformat() for d in days if rule.slot_starts(schedule, d, service.slot_min)]


def slots(ctx: Context, conn, service_code: str, day_text: str) -> list[dict]:
    """The slots still offered: not past, with room, while the day's online quota lasts."""
    service = _service(ctx, service_code)
    day = rule.parse_day(day_text)
    schedule = ctx.site.service_schedules[service_code]
    now = ctx.now()
    today = schedule.service_day(now)
    if day < today or day > rule.last_day(today, ctx.site.info.booking_days_ahead):
        return []
    with storage.read(conn):
        booked = storage.booked_per_slot(conn, day.isoformat(), service_code)
    if sum(booked.values()) >= service.online_quota:
        return []
    offered = rule.offered_slots(schedule, day, service.slot_min, service.slot_capacity, booked, now)
    return [{"slot": s.text, "capacity": s.capacity, "left": s.left} for s in offered]


def view(ctx: Context, row, person, base_url: str) -> dict:
    """A booking as its owner sees it: name, phone and NIK masked."""
    site = ctx.site
    day, start = rule.parse_day(row["day"]), rule.parse_slot(row["slot"])
    opens, closes = rule.check_in_window(site.service_schedules.get(row["service"]) or site.schedule, day, start,
                                         site.info.check_in_before_min, site.info.check_in_after_min)
    service = site.services.get(row["service"])
    agency = site.agencies.get(row["agency"])
    base = (ctx.settings.public_url or site.info.public_url or base_url).rstrip("/")
    return {
        "code": row["code"],
        "public_id": row["public_id"],
        "date": row["day"],
        "slot": row["slot"],
        "check_in_from": site.local_text(opens),
        "check_in_until": site.local_text(closes),
        "qr_url": f"{base}/booking/{row['code']}/qr.png",
        "status": row["status"],
        "service": row["service"],
        "service_name": service.name if service else row["service"],
        "agency": row["agency"],
        "agency_name": agency.name if agency else row["agency"],
        "name": mask_name(person["name"]) if person else None,
        "phone": personal.mask(person["phone"], 4, 3) if person else None,
        "nik": personal.mask(person["nik"]) if person else None,
        "page_url": f"{base}/booking/{row['code']}?k={row['public_id']}",
    }


def mask_name(name: str | None) -> str | None:
    """'Siti Aminah' -> 'Si*** Am***': enough to recognise one's own booking."""
    return " ".join(word[:2] + "***" for word in name.split()) if name else None


def book(ctx: Context, values: dict, base_url: str, source: str = "online") -> tuple[dict, bool]:
    """(booking, created). `values`: service, date, slot, name, phone, nik?, request_id."""
    service = _service(ctx, values.get("service") or "")
    day, start = rule.parse_day(values.get("date")), rule.parse_slot(values.get("slot"))
    name = rule.clean_name(values.get("name"))
    phone = _field("phone", personal.clean_phone, values.get("phone") or "")
    nik = values.get("nik") or None
    if service.asks_nik:
        nik = _field("nik", personal.plausible_nik, nik or "")
    elif nik:
        raise rule.InvalidField("nik", "Layanan ini tidak memerlukan NIK; jangan dikirim.")
    request_id = values.get("request_id")
    info = ctx.site.info
    schedule = ctx.site.service_schedules[service.code]
    with Work(ctx) as work:
        conn = work.conn
        if request_id:
            existing = storage.appointment_by_request_id(conn, request_id)
            if existing is not None:
                if (existing["service"], existing["day"], existing["slot"]) != (service.code, day.isoformat(),
                                                                                 f"{start:%H:%M}"):
                    raise Conflict("request_id ini sudah dipakai untuk janji temu lain.", code="request_id_reused")
                return view(ctx, existing, storage.appointment_person(conn, existing["id"]), base_url), False
        rule.check_booking(
            schedule, work.moment, day, start, slot_min=service.slot_min, capacity=service.slot_capacity,
            days_ahead=info.booking_days_ahead if source == "online" else IMPORT_DAYS_AHEAD,
            slot_booked=storage.booked_per_slot(conn, day.isoformat(), service.code).get(f"{start:%H:%M}", 0),
            day_booked=storage.booked_on_day(conn, day.isoformat(), service.code),
            online_quota=service.online_quota,
            person_booked=storage.booked_by_person(conn, day.isoformat(), phone, nik),
            limit=info.booking_limit_per_day)
        appointment_id = storage.insert_appointment(
            conn, _free_code(conn), secrets.token_urlsafe(12), request_id, service.code,
            ctx.site.agency_of_service[service.code].code, day.isoformat(), f"{start:%H:%M}", work.now, name, phone,
            nik, source)
        row = conn.execute("SELECT * FROM appointments WHERE id = ?", (appointment_id,)).fetchone()
        return view(ctx, row, storage.appointment_person(conn, appointment_id), base_url), True


def _field(name: str, clean, text: str):
    try:
        return clean(text)
    except Invalid as exc:
        raise rule.InvalidField(name, exc.message) from None


def _free_code(conn) -> str:
    while True:  # 25^8 codes: a clash is rare, but a second booking must never share one
        code = rule.new_code()
        if storage.appointment_by_code(conn, code) is None:
            return code


def _owned(conn, code: str, public_id: str | None):
    """The booking behind `code`; with `public_id`, only if it matches (else the same 404 as unknown)."""
    clean = rule.clean_code(code)
    row = storage.appointment_by_code(conn, clean) if clean else None
    if row is None or (public_id is not None and not secrets.compare_digest(row["public_id"], public_id)):
        raise NotFound(UNKNOWN, code="unknown_appointment")
    return row


def booking(ctx: Context, conn, code: str, public_id: str, base_url: str) -> dict:
    with storage.read(conn):
        row = _owned(conn, code, public_id)
        return view(ctx, row, storage.appointment_person(conn, row["id"]), base_url)


def cancel(ctx: Context, code: str, public_id: str, base_url: str) -> dict:
    """The owner cancels (the public id is the proof); the place returns to the slot and the quota."""
    with Work(ctx) as work:
        row = _owned(work.conn, code, public_id)
        if row["status"] == rule.CHECKED_IN:
            raise rule.refuse("checked_in")
        if row["status"] == rule.BOOKED:
            storage.update_appointment(work.conn, row["id"], status=rule.CANCELLED, cancelled_at=work.now)
            row = storage.appointment_by_code(work.conn, row["code"])
        return view(ctx, row, storage.appointment_person(work.conn, row["id"]), base_url)


def reschedule(ctx: Context, code: str, public_id: str, values: dict, base_url: str) -> dict:
    """The owner moves a booking still `booked` to another slot of its service: the new slot is checked and
    spent in one write as a new booking would be, the old one freed by the same UPDATE. Counts on the same
    day leave the booking itself out (it already holds its place in the quota and the person's limit)."""
    day, start = rule.parse_day(values.get("date")), rule.parse_slot(values.get("slot"))
    day_text, slot_text = day.isoformat(), f"{start:%H:%M}"
    info = ctx.site.info
    with Work(ctx) as work:
        conn = work.conn
        row = _owned(conn, code, public_id)
        rule.check_movable(row["status"])
        person = storage.appointment_person(conn, row["id"])
        if (row["day"], row["slot"]) != (day_text, slot_text):  # the same slot again: a double submit
            service = _service(ctx, row["service"])
            itself = 1 if row["day"] == day_text else 0
            phone, nik = (person["phone"], person["nik"]) if person else (None, None)
            rule.check_booking(
                ctx.site.service_schedules[service.code], work.moment, day, start, slot_min=service.slot_min,
                capacity=service.slot_capacity, days_ahead=info.booking_days_ahead,
                slot_booked=storage.booked_per_slot(conn, day_text, service.code).get(slot_text, 0),
                day_booked=storage.booked_on_day(conn, day_text, service.code) - itself,
                online_quota=service.online_quota,
                person_booked=storage.booked_by_person(conn, day_text, phone, nik) - itself if person else 0,
                limit=info.booking_limit_per_day)
            storage.update_appointment(conn, row["id"], day=day_text, slot=slot_text)
            row = storage.appointment_by_code(conn, row["code"])
        return view(ctx, row, person, base_url)


def check_in(ctx: Context, device, code: str, base_url: str) -> dict:
    """The kiosk's check-in: within the window, a ticket (status printing, `booked`) in the service's
    queue by the same numbering as a walk-in's; the kiosk prints and confirms it as any other."""
    info = ctx.site.info
    with Work(ctx) as work:
        row = _owned(work.conn, code, None)
        _service(ctx, row["service"], booking=False)
        status = row["status"]
        if status == rule.CHECKED_IN:
            issued = storage.ticket_by_id(work.conn, row["ticket_id"])
            if not _misprinted(issued):  # a kiosk that lost the answer learns which ticket it was
                raise rule.refuse("checked_in", ticket=issued["code"] if issued else None)
            status = rule.BOOKED  # nobody holds that paper: the citizen checks in again
        schedule = ctx.site.service_schedules[row["service"]]
        rule.check_check_in(schedule, work.moment, status, rule.parse_day(row["day"]),
                            rule.parse_slot(row["slot"]), info.check_in_before_min, info.check_in_after_min)
        ticket_id = insert_ticket(work, device, row["service"], None, f"appointment:{row['code']}:{work.now}",
                                  booked=True)
        storage.update_appointment(work.conn, row["id"], status=rule.CHECKED_IN, checked_in_at=work.now,
                                   ticket_id=ticket_id)
        ticket = ticket_view(ctx.site, storage.ticket_by_id(work.conn, ticket_id))
        work.emit("ticket.issued", ticket["zone"], ticket=ticket)
    answer = answered(ctx, ticket, base_url)
    answer["appointment"] = {"code": row["code"], "date": row["day"], "slot": row["slot"]}
    return answer


def _misprinted(ticket) -> bool:
    """A check-in's ticket cancelled because its print failed or was never confirmed."""
    reason = (ticket["cancel_reason"] or "") if ticket is not None and ticket["status"] == "cancelled" else ""
    return reason.startswith(("print_failed", "print_timeout"))


def mark_no_shows(ctx: Context) -> int:
    """Bookings nobody checked in by the end of their window become the day's no-shows."""
    info = ctx.site.info
    day = ctx.site.service_day(ctx.now())
    with ctx.pool.connection() as conn, storage.read(conn):  # most rounds find none: no write, no fsync
        if not storage.bookings_left_open(conn, day):
            return 0
    with Work(ctx) as work:
        missed = 0
        for row in storage.bookings_left_open(work.conn, work.service_day):
            schedule = ctx.site.service_schedules.get(row["service"]) or ctx.site.schedule
            if rule.is_no_show(schedule, work.moment, row["status"], rule.parse_day(row["day"]),
                               rule.parse_slot(row["slot"]), info.check_in_after_min):
                storage.update_appointment(work.conn, row["id"], status=rule.NO_SHOW)
                missed += 1
        return missed


def purge_people(ctx: Context) -> int:
    """Name, phone and NIK of bookings older than the site's retention, as tickets' personal data."""
    days = ctx.site.info.personal_data_retention_days
    with Work(ctx) as work:
        return storage.purge_appointment_people(work.conn, ctx.site.local_text(work.moment - timedelta(days=days)))
