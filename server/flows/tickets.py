"""Issuing tickets at a kiosk, two-phase printing, the catalog and the public status."""

import secrets
from datetime import timedelta

from .. import storage
from ..context import Context, Work, ticket_view
from . import waits
from .admin import logo_url
from ..domain import personal
from ..domain.errors import Conflict, Invalid, NotFound
from ..domain.numbering import ticket_code
from ..domain.schedule import Availability
from ..domain.tickets import (
    CANCELLED, END_OF_DAY_ACTION, EVENT_OF_ACTION, PRINTING, WAITING, next_status, printed_action, transfer_changes,
)

REASON_MESSAGES = {
    "closed": "Layanan sedang tutup.",
    "quota_full": "Kuota harian layanan ini sudah habis.",
    "cut_off": "Pengambilan nomor antrean untuk hari ini sudah ditutup.",
}
DETAIL_MESSAGES = {
    "holiday": "Hari ini libur",
    "day_off": "Tidak ada layanan hari ini.",
    "outside_hours": "Di luar jam layanan.",
    "break": "Sedang istirahat",
    "service_closed": "Layanan ditutup sementara",
}


def service_availability(ctx: Context, conn, service_code: str, moment, issued: int | None = None):
    """(Availability, quota_left) of a service at `moment`."""
    service = ctx.site.services[service_code]
    available = ctx.site.service_schedules[service_code].availability(moment)
    quota_left = None
    if service.quota is not None:
        if issued is None:
            issued = storage.issued_count(conn, ctx.site.service_day(moment), service_code)
        quota_left = max(0, service.quota - issued)
        if available.open and quota_left == 0:
            available = Availability(False, "quota_full")
    return available, quota_left


def unavailable_message(available: Availability) -> str:
    message = REASON_MESSAGES[available.reason]
    if available.detail in ("holiday", "break", "service_closed") and available.label:
        message = f"{DETAIL_MESSAGES[available.detail]}: {available.label}."
    elif available.detail:
        message = f"{message} {DETAIL_MESSAGES[available.detail]}"
    return message


def open_counters_for(ctx: Context, open_codes: set[str], queue: str,
                      by_queue: dict[str, list[str]] | None = None) -> int:
    """The counters open on `queue`; `by_queue`: the counters serving each queue today (default: the site's)."""
    serving = (ctx.site.counters_by_queue if by_queue is None else by_queue).get(queue, [])
    opened = sum(1 for code in serving if code in open_codes)
    # Before the counters open in the morning, assume the ones that will.
    return opened or len(serving)


def status_url(ctx: Context, base_url: str, public_id: str) -> str:
    base = (ctx.settings.public_url or ctx.site.info.public_url or base_url).rstrip("/")
    return f"{base}/t/{public_id}"


def with_wait(ctx: Context, conn, ticket: dict, base_url: str) -> dict:
    """The ticket plus what the citizen wants to know: people ahead, wait, status page."""
    ahead = wait = 0
    if ticket["status"] in (PRINTING, WAITING):
        row = storage.ticket_by_id(conn, ticket["id"])
        ahead = storage.waiting_ahead(conn, ticket["service_day"], ticket["queue"], row["queued_at"])
        wait = waits.ticket_wait(ctx, conn, row)
    ticket["ahead"] = ahead
    ticket["est_wait_min"] = wait
    ticket["status_url"] = status_url(ctx, base_url, ticket["public_id"])
    return ticket


def answered(ctx: Context, ticket: dict, base_url: str) -> dict:
    """`with_wait` once the change is on disk, on a read connection: the estimate's reads do not
    hold the write transaction that the other kiosks' and counters' changes share."""
    with ctx.pool.connection() as conn, storage.read(conn):
        return with_wait(ctx, conn, ticket, base_url)


def issue_ticket(ctx: Context, device, service_code: str, priority, request_id: str, base_url: str,
                 nik: str | None = None, phone: str | None = None):
    """Reserve a number (status printing). Returns (ticket, created)."""
    ticket, created = _reserve(ctx, device, service_code, priority, request_id, nik, phone)
    return answered(ctx, ticket, base_url), created


def _reserve(ctx: Context, device, service_code: str, priority, request_id: str, nik, phone) -> tuple[dict, bool]:
    site = ctx.site
    with Work(ctx) as work:
        conn = work.conn
        existing = storage.ticket_by_request_id(conn, request_id)
        if existing is not None:
            if existing["issued_service"] != service_code or existing["device_id"] != device.id:
                raise Conflict(
                    "request_id ini sudah dipakai untuk tiket lain; buat request_id baru untuk tiket baru.",
                    code="request_id_reused",
                )
            return ticket_view(site, existing), False
        service = site.services.get(service_code)
        if service is None:
            raise NotFound(f"Layanan {service_code!r} tidak dikenal.", code="unknown_service")
        if service.hidden or site.agency_of_service[service_code].hidden:
            raise Conflict("Layanan ini tidak lagi dibuka di anjungan.", code="closed", detail="hidden")
        if priority is not None and priority not in site.priority:
            known = ", ".join(site.priority) or "none"
            raise Invalid(f"Kategori prioritas {priority!r} tidak dikenal (pilihan: {known}).", code="unknown_priority")
        nik, phone = _personal_data(service, nik, phone)
        available, _ = service_availability(ctx, conn, service_code, work.moment)
        if not available.open:
            raise Conflict(unavailable_message(available), code=available.reason, detail=available.detail)
        ticket_id = insert_ticket(work, device, service_code, priority, request_id)
        if nik or phone:
            storage.insert_personal_data(conn, ticket_id, nik, phone, work.now)
        ticket = ticket_view(site, storage.ticket_by_id(conn, ticket_id))
        work.emit("ticket.issued", site.agency_of_service[service_code].zone, ticket=ticket)
        return ticket, True


def insert_ticket(work: Work, device, service_code: str, priority, request_id: str | None, booked: bool = False) -> int:
    """A new number of the service's queue, status printing; the caller emits `ticket.issued`."""
    site = work.ctx.site
    service = site.services[service_code]
    agency = site.agency_of_service[service_code]
    queue = site.queues[service.queue]
    number = storage.allocate_number(work.conn, queue.code, work.service_day)
    return storage.insert_ticket(
        work.conn,
        public_id=secrets.token_urlsafe(12),
        request_id=request_id,
        device_id=device.id,
        code=ticket_code(queue.prefix, number, queue.width),
        number=number,
        queue=queue.code,
        service=service_code,
        issued_service=service_code,
        agency=agency.code,
        zone=agency.zone,
        priority=priority,
        status=PRINTING,
        service_day=work.service_day,
        issued_at=work.now,
        queued_at=work.now,
        booked=int(booked),
    )


def join_service(work: Work, row, service: str):
    """The ticket `row` joins `service`'s queue by the transfer rule (it keeps its code and its place
    in time); returns the agency of that service. A counter's transfer and a supervisor's both come here."""
    joined = work.ctx.site.services.get(service)
    if joined is None:
        raise NotFound(f"Layanan {service!r} tidak dikenal.", code="unknown_service")
    agency = work.ctx.site.agency_of_service[service]
    storage.update_ticket(work.conn, row["id"], **transfer_changes(row, service, joined.queue, agency.code,
                                                                   agency.zone, work.now))
    return agency


def _personal_data(service, nik, phone):
    """Only what the service asks for: anything else is refused, not silently stored."""
    if (nik and not service.asks_nik) or (phone and not service.asks_phone):
        raise Invalid("Layanan ini tidak memerlukan NIK atau nomor ponsel; jangan dikirim.",
                      code="personal_data_not_needed")
    return (personal.clean_nik(nik) if nik else None), (personal.clean_phone(phone) if phone else None)


def purge_personal_data(ctx: Context) -> int:
    days = ctx.site.info.personal_data_retention_days
    with Work(ctx) as work:
        return storage.purge_personal_data(work.conn, ctx.site.local_text(work.moment - timedelta(days=days)))


def _kiosk_ticket(conn, ticket_id: int):
    row = storage.ticket_by_id(conn, ticket_id)
    if row is None:
        raise NotFound(f"Tiket {ticket_id} tidak ditemukan.", code="unknown_ticket")
    return row


def confirm_printed(ctx: Context, ticket_id: int, base_url: str) -> dict:
    """The kiosk printed the ticket: it joins the queue."""
    return answered(ctx, _confirm(ctx, ticket_id), base_url)


def _confirm(ctx: Context, ticket_id: int) -> dict:
    with Work(ctx) as work:
        conn = work.conn
        row = _kiosk_ticket(conn, ticket_id)
        if row["printed_at"] is not None:  # a retried confirmation
            return ticket_view(ctx.site, row)
        next_status(row["status"], printed_action(row["status"], row["cancel_reason"]))
        storage.update_ticket(conn, ticket_id, status=WAITING, printed_at=work.now, cancelled_at=None,
                              cancel_reason=None)
        ticket = ticket_view(ctx.site, storage.ticket_by_id(conn, ticket_id))
        work.emit("ticket.waiting", row["zone"], ticket=ticket)
        return ticket


def report_print_failed(ctx: Context, ticket_id: int, reason: str, base_url: str) -> dict:
    """Nobody holds this number: cancel it. The number is never issued again."""
    return answered(ctx, _cancel_misprint(ctx, ticket_id, reason), base_url)


def _cancel_misprint(ctx: Context, ticket_id: int, reason: str) -> dict:
    with Work(ctx) as work:
        conn = work.conn
        row = _kiosk_ticket(conn, ticket_id)
        if row["status"] == CANCELLED:
            return ticket_view(ctx.site, row)
        next_status(row["status"], "print_failed")
        storage.update_ticket(conn, ticket_id, status=CANCELLED, cancelled_at=work.now,
                              cancel_reason=f"print_failed: {reason}"[:200])
        ticket = ticket_view(ctx.site, storage.ticket_by_id(conn, ticket_id))
        work.emit("ticket.cancelled", row["zone"], ticket=ticket, reason="print_failed")
        return ticket


def expire_stuck_printing(ctx: Context) -> int:
    """Cancel tickets whose kiosk never confirmed printing: nobody holds them."""
    with Work(ctx) as work:
        conn = work.conn
        limit = ctx.site.local_text(work.moment - timedelta(seconds=ctx.printing_timeout_s))
        stuck = storage.stuck_printing(conn, limit)
        for row in stuck:
            storage.update_ticket(conn, row["id"], status=CANCELLED, cancelled_at=work.now,
                                  cancel_reason="print_timeout")
            ticket = ticket_view(ctx.site, storage.ticket_by_id(conn, row["id"]))
            work.emit("ticket.cancelled", row["zone"], ticket=ticket, reason="print_timeout")
        return len(stuck)


def close_past_days(ctx: Context) -> int:
    """Tickets still open from an earlier service day: nobody will call them any more."""
    with Work(ctx) as work:
        conn = work.conn
        stale = storage.open_tickets_before(conn, work.service_day)
        for row in stale:
            action = END_OF_DAY_ACTION[row["status"]]
            status = next_status(row["status"], action)
            if status == CANCELLED:
                storage.update_ticket(conn, row["id"], status=status, cancelled_at=work.now, cancel_reason="day_ended")
            else:
                storage.update_ticket(conn, row["id"], status=status, finished_at=work.now)
            ticket = ticket_view(ctx.site, storage.ticket_by_id(conn, row["id"]))
            work.emit(EVENT_OF_ACTION[action], row["zone"], counter=row["counter"], ticket=ticket, reason="day_ended")
        if stale:
            storage.release_tickets_from_counters(conn, [row["id"] for row in stale])
        storage.forget_answers_before(conn, work.service_day)  # retries end with the day
        return len(stale)


def catalog(ctx: Context, conn) -> dict:
    site = ctx.site
    moment = ctx.now()
    day = site.service_day(moment)
    with storage.read(conn):
        issued = storage.issued_counts(conn, day)
        waiting = storage.waiting_counts(conn, day)
        # per queue, the wait of a normal and of a priority ticket joining now
        est = waits.joining(ctx, conn, day, dict.fromkeys(s.queue for s in site.services.values()), moment,
                            priority=True)
    agencies = []
    for agency in site.config.agencies:
        if agency.hidden:  # hidden by the admin: the kiosk no longer offers it
            continue
        services = []
        for service in agency.services:
            if service.hidden:
                continue
            available, quota_left = service_availability(ctx, conn, service.code, moment, issued.get(service.code, 0))
            ahead = waiting.get(service.queue, 0)
            services.append({
                "code": service.code,
                "name": service.name,
                "name_en": service.name_en,
                "queue": service.queue,
                "available": available.open,
                "reason": available.reason,
                "reason_detail": available.detail,
                "message": None if available.open else unavailable_message(available),
                "quota": service.quota,
                "quota_left": quota_left,
                "waiting": ahead,
                "est_wait_min": est[service.queue].normal,
                "est_wait_min_priority": est[service.queue].priority,
                "requirements": list(service.requirements),
                "asks_nik": service.asks_nik,
                "asks_phone": service.asks_phone,
            })
        if services:  # an agency whose services are all hidden (or not added yet) has nothing to offer
            agencies.append({"code": agency.code, "name": agency.name, "short_name": agency.short_name,
                             "zone": agency.zone, "services": services,
                             "logo_url": logo_url(agency.code, site.logos.get(agency.code))})
    info = site.info
    return {
        "site_version": site.version,
        "site": {
            "name": info.name,
            "short_name": info.short_name,
            "address": info.address,
            "timezone": info.timezone,
            "running_text": info.running_text,
            "service_day": day,
            "now": site.local_text(moment),
            "clock_rate": ctx.clock_rate,
            "priority_categories": [
                {"code": p.code, "name": p.name, "name_en": p.name_en} for p in info.priority_categories
            ],
        },
        "agencies": agencies,
    }


PUBLIC_FIELDS = ("code", "status", "service", "service_name", "agency", "agency_name", "zone", "priority",
                 "priority_name", "service_day", "issued_at", "called_at", "finished_at", "counter", "counter_name",
                 "ahead", "est_wait_min", "recall_count")


def public_ticket(conn, public_id: str):
    """The ticket behind a QR code, or a clear 404."""
    row = storage.ticket_by_public_id(conn, public_id)
    if row is None:
        raise NotFound("Tiket tidak ditemukan. Periksa kembali kode QR Anda.", code="unknown_ticket")
    return row


def public_status(ctx: Context, conn, public_id: str, base_url: str) -> dict:
    """What the citizen's status page shows: no personal data; the site's name and the server's time."""
    with storage.read(conn):
        ticket = with_wait(ctx, conn, ticket_view(ctx.site, public_ticket(conn, public_id)), base_url)
    return {**{key: ticket[key] for key in PUBLIC_FIELDS}, "site_name": ctx.site.info.name,
            "now": ctx.site.local_text(ctx.now())}

