"""What an officer does at a counter: open, call, recall, serve, transfer, close."""

import json

from .. import storage
from ..context import Context, Work, ticket_view
from . import tickets, waits
from ..domain import personal
from ..domain.calling import Candidate, choose_next
from ..domain.errors import Conflict, Forbidden, NotFound
from ..domain.numbering import split_code
from ..domain.tickets import ACTIVE_AT_COUNTER, CALLED, HELD, SERVING, WAITING, next_status

SUPERVISING = ("supervisor", "admin")


def _counter(ctx: Context, conn, code: str, officer):
    row = storage.counter_row(conn, code)
    if row is None:
        raise NotFound(f"Loket {code!r} tidak dikenal.", code="unknown_counter")
    if officer.role not in SUPERVISING and row["agency"] != officer.agency:
        raise Forbidden("Loket ini milik instansi lain.", code="not_your_agency")
    return row


def _must_be_open(row, officer):
    if row["status"] != "open":
        words = {"closed": "tutup", "paused": "sedang istirahat"}
        raise Conflict(f"Loket {row['name']} {words.get(row['status'], row['status'])}; buka loket dulu.",
                       code="counter_not_open", status=row["status"])
    _must_be_theirs(row, officer)


def _must_be_theirs(row, officer):
    if row["officer_id"] not in (None, officer.id) and officer.role not in SUPERVISING:
        raise Conflict(f"Loket {row['name']} sedang dipakai petugas lain.", code="counter_in_use")


def counter_view(ctx: Context, conn, row) -> dict:
    day = ctx.site.service_day(ctx.now())
    queues = json.loads(row["queues"])
    waiting = storage.waiting_counts(conn, day)
    ticket = None
    if row["ticket_id"] is not None:
        ticket = with_personal(conn, ticket_view(ctx.site, storage.ticket_by_id(conn, row["ticket_id"])))
    officer = storage.officer_by_id(conn, row["officer_id"]) if row["officer_id"] else None
    open_codes = storage.open_counter_codes(conn)
    view = {
        "code": row["code"],
        "name": row["name"],
        "spoken_name": row["spoken_name"] or row["name"],
        "agency": row["agency"],
        "zone": row["zone"],
        "status": row["status"],
        "status_since": row["status_since"],
        "officer": {"id": officer["id"], "username": officer["username"]} if officer else None,
        "ticket": ticket,
        "queues": [queue_view(ctx, conn, day, q, waiting.get(q, 0), open_codes) for q in queues],
    }
    if officer:
        view["officer_today"] = storage.officer_figures(conn, day, officer["id"])
    return view


def with_personal(conn, ticket: dict) -> dict:
    """The officer's view adds the citizen's NIK/phone, masked; events and public pages never do."""
    data = storage.personal_data(conn, ticket["id"])
    if data is not None:
        masked = {"nik": personal.mask(data["nik"]), "phone": personal.mask(data["phone"], 4, 3)}
        ticket = {**ticket, "personal": masked}
    return ticket


def queue_view(ctx: Context, conn, day: str, queue: str, waiting: int, open_codes: set[str]) -> dict:
    """A queue as the officer sees it. `est_wait_min`: the wait of a ticket joining it now, by the
    server's one rule (flows/waits.py); `minutes_each` and `open_counters` are that rule's
    learned minutes per ticket and the counters open on the queue."""
    info = ctx.site.queues[queue]
    moment = ctx.now()
    inputs = waits.gather(ctx, conn, day, queue, moment)
    return {"code": queue, "prefix": info.prefix, "name": info.name, "waiting": waiting,
            "minutes_each": round(dict(inputs.pace.minutes)[queue], 1),
            "open_counters": tickets.open_counters_for(ctx, open_codes, queue),
            "est_wait_min": waits.new_ticket_waits(ctx, conn, day, queue, moment, inputs)[False]}


def get_counter(ctx: Context, conn, code: str, officer) -> dict:
    with storage.read(conn):
        return counter_view(ctx, conn, _counter(ctx, conn, code, officer))


def _finish_current(work: Work, row, action: str = "done") -> None:
    """Complete (or re-queue) the ticket the counter holds, if any."""
    if row["ticket_id"] is None:
        return
    current = storage.ticket_by_id(work.conn, row["ticket_id"])
    if current["status"] in ACTIVE_AT_COUNTER:
        status = next_status(current["status"], action)
        changes = {"status": status}
        if status == WAITING:
            changes.update(counter=None, officer_id=None, called_at=None)
        else:
            changes["finished_at"] = work.now
        storage.update_ticket(work.conn, current["id"], **changes)
        ticket = ticket_view(work.ctx.site, storage.ticket_by_id(work.conn, current["id"]))
        event = "ticket.done" if status != WAITING else "ticket.waiting"
        work.emit(event, row["zone"], counter=row["code"], ticket=ticket)
    storage.update_counter(work.conn, row["code"], ticket_id=None)


def _call(work: Work, row, officer, ticket_id: int) -> dict:
    storage.update_ticket(work.conn, ticket_id, status=CALLED, called_at=work.now, counter=row["code"],
                          officer_id=officer.id, started_at=None, finished_at=None)
    storage.update_counter(work.conn, row["code"], ticket_id=ticket_id)
    ticket = ticket_view(work.ctx.site, storage.ticket_by_id(work.conn, ticket_id))
    work.emit("ticket.called", row["zone"], counter=row["code"], ticket=ticket)
    return with_personal(work.conn, ticket)


def set_status(ctx: Context, code: str, officer, action: str) -> dict:
    """open, close, pause, resume."""
    with Work(ctx) as work:
        conn = work.conn
        row = _counter(ctx, conn, code, officer)
        status = row["status"]
        if action == "open":
            _must_be_theirs(row, officer)
            if status != "open":
                storage.update_counter(conn, code, status="open", officer_id=officer.id, status_since=work.now)
                work.emit("counter.opened", row["zone"], counter=code, officer=officer.username)
        elif action == "close":
            _must_be_theirs(row, officer)
            if status != "closed":
                current = storage.ticket_by_id(conn, row["ticket_id"]) if row["ticket_id"] else None
                # A called citizen who never arrived goes back to the queue; one being served is done.
                _finish_current(work, row, "requeue" if current and current["status"] == CALLED else "done")
                storage.update_counter(conn, code, status="closed", officer_id=None, status_since=work.now)
                work.emit("counter.closed", row["zone"], counter=code)
        elif action == "pause":
            _must_be_open(row, officer)
            storage.update_counter(conn, code, status="paused", status_since=work.now)
            work.emit("counter.paused", row["zone"], counter=code)
        elif action == "resume":
            _must_be_theirs(row, officer)
            if status == "closed":
                raise Conflict(f"Loket {row['name']} tutup; buka loket dulu.", code="counter_not_open")
            if status == "paused":
                storage.update_counter(conn, code, status="open", status_since=work.now)
                work.emit("counter.resumed", row["zone"], counter=code)
        return counter_view(ctx, conn, storage.counter_row(conn, code))


def call_next(ctx: Context, code: str, officer) -> dict | None:
    with Work(ctx) as work:
        conn = work.conn
        row = _counter(ctx, conn, code, officer)
        _must_be_open(row, officer)
        _finish_current(work, row)
        queues = json.loads(row["queues"])
        candidates = [
            Candidate(r["id"], r["queue"], bool(r["is_priority"]), r["queued_at"])
            for r in storage.waiting_candidates(conn, work.service_day, queues)
        ]
        choice = choose_next(candidates, queues, ctx.site.ratio, row["interleave_pos"],
                             bool(row["strict_queue_order"]))
        if choice is None:
            return None
        storage.update_counter(conn, code, interleave_pos=choice.position)
        return _call(work, row, officer, choice.ticket_id)


def call_ticket(ctx: Context, code: str, officer, ticket_code: str) -> dict:
    """Call one waiting (or held) ticket out of turn."""
    with Work(ctx) as work:
        conn = work.conn
        row = _counter(ctx, conn, code, officer)
        _must_be_open(row, officer)
        wanted = split_code(ticket_code)
        target = storage.ticket_by_code(conn, work.service_day, ticket_code.strip().upper()) if wanted else None
        if target is None:
            raise NotFound(f"Tiket {ticket_code!r} tidak ada hari ini.", code="unknown_ticket")
        if target["status"] not in (WAITING, HELD):
            next_status(target["status"], "call")
        if target["agency"] != row["agency"] and target["queue"] not in json.loads(row["queues"]):
            raise Conflict(f"Tiket {target['code']} bukan untuk instansi loket ini.", code="ticket_not_for_counter")
        if target["id"] != row["ticket_id"]:
            _finish_current(work, row)
        return _call(work, row, officer, target["id"])


def _current(conn, row):
    if row["ticket_id"] is None:
        raise Conflict(f"Loket {row['name']} tidak sedang melayani tiket.", code="no_current_ticket")
    return storage.ticket_by_id(conn, row["ticket_id"])


def act_on_current(ctx: Context, code: str, officer, action: str) -> dict:
    """recall, start, done, no_show, hold: the counter's current ticket moves on."""
    with Work(ctx) as work:
        conn = work.conn
        row = _counter(ctx, conn, code, officer)
        _must_be_open(row, officer) if action in ("recall", "start") else _must_be_theirs(row, officer)
        current = _current(conn, row)
        status = next_status(current["status"], action)
        changes = {"status": status}
        if action == "recall":
            changes["recall_count"] = current["recall_count"] + 1
        elif status == SERVING:
            changes["started_at"] = work.now
        elif action in ("done", "no_show"):
            changes["finished_at"] = work.now
        storage.update_ticket(conn, current["id"], **changes)
        if action != "recall" and action != "start":
            storage.update_counter(conn, code, ticket_id=None)
        ticket = ticket_view(ctx.site, storage.ticket_by_id(conn, current["id"]))
        event = {"recall": "ticket.recalled", "start": "ticket.started", "done": "ticket.done",
                 "no_show": "ticket.no_show", "hold": "ticket.held"}[action]
        work.emit(event, row["zone"], counter=code, ticket=ticket)
        return ticket


def transfer(ctx: Context, code: str, officer, service_code: str) -> dict:
    """The current ticket joins another service's queue and keeps its code and its place in time."""
    with Work(ctx) as work:
        conn = work.conn
        row = _counter(ctx, conn, code, officer)
        _must_be_theirs(row, officer)
        current = _current(conn, row)
        service = ctx.site.services.get(service_code)
        if service is None:
            raise NotFound(f"Layanan {service_code!r} tidak dikenal.", code="unknown_service")
        if service_code == current["service"]:
            raise Conflict("Tiket sudah berada di layanan itu.", code="same_service")
        next_status(current["status"], "transfer")
        agency = ctx.site.agency_of_service[service_code]
        storage.update_ticket(
            conn, current["id"], status=WAITING, service=service_code, queue=service.queue, agency=agency.code,
            zone=agency.zone, counter=None, officer_id=None, called_at=None, started_at=None,
            queued_at=current["issued_at"], transfer_count=current["transfer_count"] + 1,
        )
        storage.update_counter(conn, code, ticket_id=None)
        ticket = ticket_view(ctx.site, storage.ticket_by_id(conn, current["id"]))
        work.emit("ticket.transferred", row["zone"], counter=code, ticket=ticket, to_zone=agency.zone,
                  from_service=current["service"], from_queue=current["queue"])
        return ticket
