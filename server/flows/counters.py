"""What an officer does at a counter: open, call, recall, serve, transfer, close."""

import json

from .. import storage
from ..context import Context, Work, ticket_view
from . import tickets, waits
from ..domain import counter_actions, personal
from ..domain.calling import Candidate, choose_next
from ..domain.errors import Conflict, Forbidden, Invalid, NotFound
from ..domain.numbering import split_code
from ..domain.tickets import ACTIVE_AT_COUNTER, CALLED, EVENT_OF_ACTION, HELD, SERVING, WAITING, next_status

SUPERVISING = ("supervisor", "admin")


def _counter(ctx: Context, conn, code: str, officer):
    row = storage.counter_row(conn, code, ctx.site.service_day(ctx.now()))
    if row is None:
        raise NotFound(f"Loket {code!r} tidak dikenal.", code="unknown_counter")
    # An officer, and a supervisor with an agency, act on that agency's counters only. The officer holding
    # a counter keeps it when the admin moves it to another agency mid-service: they finish their ticket
    # and close; the next officer to open it is the new agency's.
    building_wide = officer.role == "admin" or (officer.role == "supervisor" and not officer.agency)
    if not building_wide and row["agency"] != officer.agency and row["officer_id"] != officer.id:
        raise Forbidden("Loket ini milik instansi lain.", code="not_your_agency")
    return row


def caller(row, officer) -> str:
    """Who asks, as the counter rule sees them."""
    if officer.role in SUPERVISING:
        return counter_actions.SUPERVISOR
    return counter_actions.OTHER if row["officer_id"] not in (None, officer.id) else counter_actions.HOLDER


def _allowed(conn, row, officer, action: str):
    """Refuse `action` (409) unless the counter rule allows it; returns the current ticket's row."""
    current = storage.ticket_by_id(conn, row["ticket_id"]) if row["ticket_id"] is not None else None
    counter_actions.check(action, row["status"], current["status"] if current else None, caller(row, officer),
                          row["name"])
    return current


def counter_view(ctx: Context, conn, row, officer, last_event_id: int | None = None) -> dict:
    """The counter as `officer` sees it, with what they may do now; `last_event_id`: the state
    includes every event up to it (a client skips the events it already holds)."""
    moment = ctx.now()
    day = ctx.site.service_day(moment)
    queues = json.loads(row["queues"])
    waiting = storage.waiting_counts(conn, day, queues)
    joining = waits.joining(ctx, conn, day, queues, moment)
    by_queue = waits.counters_by_queue(ctx, conn, day)
    ticket = current = None
    if row["ticket_id"] is not None:
        current = storage.ticket_by_id(conn, row["ticket_id"])
        ticket = with_personal(conn, ticket_view(ctx.site, current))
    holder = storage.officer_by_id(conn, row["officer_id"]) if row["officer_id"] else None
    open_codes = storage.open_counter_codes(conn)
    view = {
        "code": row["code"],
        "name": row["name"],
        "spoken_name": row["spoken_name"] or row["name"],
        "agency": row["agency"],
        "zone": row["zone"],
        "status": row["status"],
        "status_since": row["status_since"],
        "officer": {"id": holder["id"], "username": holder["username"]} if holder else None,
        "ticket": ticket,
        "queues": [queue_view(ctx, q, waiting.get(q, 0), open_codes, joining[q], by_queue) for q in queues],
        # The site's own list: `queues` differs from it on a day a supervisor changed it.
        "configured_queues": json.loads(row["configured_queues"]),
        "allowed_actions": list(counter_actions.allowed_actions(
            row["status"], current["status"] if current else None, caller(row, officer))),
        "last_event_id": storage.last_event_id(conn) if last_event_id is None else last_event_id,
    }
    if holder:
        view["officer_today"] = storage.officer_figures(conn, day, holder["id"])
    return view


def with_personal(conn, ticket: dict) -> dict:
    """The officer's view adds the citizen's NIK/phone, masked; events and public pages never do."""
    data = storage.personal_data(conn, ticket["id"])
    if data is not None:
        masked = {"nik": personal.mask(data["nik"]), "phone": personal.mask(data["phone"], 4, 3)}
        ticket = {**ticket, "personal": masked}
    return ticket


def queue_view(ctx: Context, queue: str, waiting: int, open_codes: set[str], now: "waits.Joining",
               by_queue: dict[str, list[str]] | None = None) -> dict:
    """A queue as the officer sees it. `est_wait_min`: the wait of a ticket joining it now, by the
    server's one rule (flows/waits.py); `minutes_each` and `open_counters` are that rule's
    learned minutes per ticket and the counters open on the queue."""
    info = ctx.site.queues[queue]
    return {"code": queue, "prefix": info.prefix, "name": info.name, "waiting": waiting,
            "minutes_each": now.minutes_each,
            "open_counters": tickets.open_counters_for(ctx, open_codes, queue, by_queue),
            "est_wait_min": now.normal}


def get_counter(ctx: Context, conn, code: str, officer) -> dict:
    with storage.read(conn):
        return counter_view(ctx, conn, _counter(ctx, conn, code, officer), officer)


def _answer(work: Work, code: str, officer, ticket: dict | None) -> dict:
    """Every action's answer: the ticket it moved and the counter after it, from the same transaction."""
    last_id = work.events[-1].id if work.events else None
    return {"ticket": ticket,
            "counter": counter_view(work.ctx, work.conn, storage.counter_row(work.conn, code, work.service_day),
                                    officer, last_id)}


def _finish_current(work: Work, row, current, action: str = "done") -> dict | None:
    """Complete (or re-queue) the ticket the counter holds, if any; returns it as moved."""
    if row["ticket_id"] is None:
        return None
    ticket = None
    if current is not None and current["status"] in ACTIVE_AT_COUNTER:
        status = next_status(current["status"], action)
        changes = {"status": status}
        if status == WAITING:
            changes.update(counter=None, officer_id=None, called_at=None, rejoined_at=work.now)
        else:
            changes["finished_at"] = work.now
        storage.update_ticket(work.conn, current["id"], **changes)
        ticket = ticket_view(work.ctx.site, storage.ticket_by_id(work.conn, current["id"]))
        event = "ticket.done" if status != WAITING else "ticket.waiting"
        work.emit(event, row["zone"], counter=row["code"], ticket=ticket)
    storage.update_counter(work.conn, row["code"], ticket_id=None)
    return ticket


def _call(work: Work, row, officer, ticket_id: int) -> dict:
    storage.update_ticket(work.conn, ticket_id, status=CALLED, called_at=work.now, counter=row["code"],
                          officer_id=officer.id, started_at=None, finished_at=None)
    storage.mark_first_call(work.conn, ticket_id, work.now)  # its wait ends here, whatever follows
    storage.update_counter(work.conn, row["code"], ticket_id=ticket_id)
    ticket = ticket_view(work.ctx.site, storage.ticket_by_id(work.conn, ticket_id))
    work.emit("ticket.called", row["zone"], counter=row["code"], ticket=ticket)
    return with_personal(work.conn, ticket)


def _set_status(work: Work, code: str, officer, action: str) -> dict:
    """open, close, pause, resume."""
    conn = work.conn
    row = _counter(work.ctx, conn, code, officer)
    current = _allowed(conn, row, officer, action)
    moved = None
    if action == "open":
        storage.update_counter(conn, code, status="open", officer_id=officer.id, status_since=work.now)
        work.emit("counter.opened", row["zone"], counter=code, officer=officer.username)
    elif action == "close":
        # A called citizen who never arrived goes back to the queue; one being served is done.
        moved = _finish_current(work, row, current, "requeue" if current and current["status"] == CALLED
                                else "done")
        storage.update_counter(conn, code, status="closed", officer_id=None, status_since=work.now)
        work.emit("counter.closed", row["zone"], counter=code)
    elif action == "pause":
        storage.update_counter(conn, code, status="paused", status_since=work.now)
        work.emit("counter.paused", row["zone"], counter=code)
    elif action == "resume":
        storage.update_counter(conn, code, status="open", status_since=work.now)
        work.emit("counter.resumed", row["zone"], counter=code)
    return _answer(work, code, officer, moved)


def _call_next(work: Work, code: str, officer, action: str) -> dict:
    ctx, conn = work.ctx, work.conn
    row = _counter(ctx, conn, code, officer)
    _finish_current(work, row, _allowed(conn, row, officer, "call-next"))
    queues = json.loads(row["queues"])
    candidates = [
        Candidate(r["id"], r["queue"], bool(r["is_priority"]), r["queued_at"])
        for r in storage.waiting_candidates(conn, work.service_day, queues)
    ]
    choice = choose_next(candidates, queues, ctx.site.ratio, row["interleave_pos"],
                         bool(row["strict_queue_order"]))
    ticket = None
    if choice is not None:
        storage.update_counter(conn, code, interleave_pos=choice.position)
        ticket = _call(work, row, officer, choice.ticket_id)
    return _answer(work, code, officer, ticket)


def _call_ticket(work: Work, code: str, officer, action: str, ticket: str) -> dict:
    """Call one waiting (or held) ticket out of turn."""
    conn = work.conn
    row = _counter(work.ctx, conn, code, officer)
    current = _allowed(conn, row, officer, "call")
    wanted = split_code(ticket)
    target = storage.ticket_by_code(conn, work.service_day, ticket.strip().upper()) if wanted else None
    if target is None:
        raise NotFound(f"Tiket {ticket!r} tidak ada hari ini.", code="unknown_ticket")
    if target["status"] not in (WAITING, HELD):
        next_status(target["status"], "call")
    if target["agency"] != row["agency"] and target["queue"] not in json.loads(row["queues"]):
        raise Conflict(f"Tiket {target['code']} bukan untuk instansi loket ini.", code="ticket_not_for_counter")
    if target["id"] != row["ticket_id"]:
        _finish_current(work, row, current)
    return _answer(work, code, officer, _call(work, row, officer, target["id"]))


def _act_on_current(work: Work, code: str, officer, action: str) -> dict:
    """recall, start, done, no-show, hold: the counter's current ticket moves on."""
    ctx, conn = work.ctx, work.conn
    row = _counter(ctx, conn, code, officer)
    current = _allowed(conn, row, officer, action)
    transition = action.replace("-", "_")
    status = next_status(current["status"], transition)
    changes = {"status": status}
    if action == "recall":
        changes["recall_count"] = current["recall_count"] + 1
    elif status == SERVING:
        changes["started_at"] = work.now
    elif action in ("done", "no-show"):
        changes["finished_at"] = work.now
    storage.update_ticket(conn, current["id"], **changes)
    if action != "recall" and action != "start":
        storage.update_counter(conn, code, ticket_id=None)
    ticket = ticket_view(ctx.site, storage.ticket_by_id(conn, current["id"]))
    work.emit(EVENT_OF_ACTION[transition], row["zone"], counter=code, ticket=ticket)
    return _answer(work, code, officer, ticket)


def _transfer(work: Work, code: str, officer, action: str, service: str) -> dict:
    """The current ticket joins another service's queue and keeps its code and its place in time."""
    ctx, conn = work.ctx, work.conn
    row = _counter(ctx, conn, code, officer)
    current = _allowed(conn, row, officer, "transfer")
    agency = tickets.join_service(work, current, service)
    storage.update_counter(conn, code, ticket_id=None)
    ticket = ticket_view(ctx.site, storage.ticket_by_id(conn, current["id"]))
    work.emit("ticket.transferred", row["zone"], counter=code, ticket=ticket, to_zone=agency.zone,
              from_service=current["service"], from_queue=current["queue"])
    return _answer(work, code, officer, ticket)


HANDLERS = {
    "open": _set_status, "close": _set_status, "pause": _set_status, "resume": _set_status,
    "call-next": _call_next, "call": _call_ticket, "transfer": _transfer,
    "recall": _act_on_current, "start": _act_on_current, "done": _act_on_current, "no-show": _act_on_current,
    "hold": _act_on_current,
}


def act(ctx: Context, code: str, officer, action: str, idempotency_key: str | None = None, *,
        address: str | None = None, **args) -> dict:
    """One officer action at a counter; its answer is the ticket it moved and the counter after it.
    A supervisor's or admin's action (e.g. closing a counter its officer left open) is in the audit
    log, from `address`.

    With an idempotency key, the caller's retry of the same request (its answer was lost) gets the
    first answer again and nothing happens twice; the answer is kept in the action's own transaction."""
    with Work(ctx) as work:
        request = json.dumps({"counter": code, "action": action, **args}, sort_keys=True)
        if idempotency_key is not None:
            kept = storage.kept_answer(work.conn, officer.id, idempotency_key)
            if kept is not None:
                if kept["request"] != request:
                    raise Invalid("Idempotency-Key ini sudah dipakai untuk permintaan lain; buat kunci baru.",
                                  code="idempotency_key_reused")
                return json.loads(kept["answer"])
        answer = HANDLERS[action](work, code, officer, action, **args)
        if officer.role in SUPERVISING:
            moved = answer["ticket"]["code"] if answer.get("ticket") else None
            work.audit(officer, f"counter.{action}", target=code, address=address, **{"ticket": moved, **args})
        if idempotency_key is not None:
            storage.keep_answer(work.conn, officer.id, idempotency_key, work.service_day, request,
                                json.dumps(answer, ensure_ascii=False), work.now)
        return answer
