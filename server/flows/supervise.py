"""What a supervisor (or admin) does on the floor: which queues a counter serves today, cancel a
waiting ticket, move one to another service. Each is one transaction with its event and its
audit entry. A page calls these as the JSON API does: `(ctx, principal, …, address)`.

Scope: a supervisor with an agency acts only on that agency's counters and tickets; a supervisor
without one, and an admin, on the whole building. Officers never (403).
"""

import json

from .. import storage
from ..context import Context, Work, ticket_view
from ..domain import supervise as rule
from ..domain.errors import Conflict, Forbidden, NotFound
from ..domain.tickets import CANCELLED, STATUS_WORDS, WAITING, next_status
from . import counters, tickets

SUPERVISING = ("supervisor", "admin")


def check_supervising(principal) -> None:
    if principal.role not in SUPERVISING:
        raise Forbidden("Hanya supervisor atau admin yang boleh melakukan ini.", code="not_a_supervisor")


def check_agency(principal, agency: str | None) -> None:
    """A supervisor with an agency acts on that agency only."""
    check_supervising(principal)
    if principal.role == "supervisor" and principal.agency and principal.agency != agency:
        raise Forbidden("Ini milik instansi lain.", code="not_your_agency")


# ---------------------------------------------------------------- a counter's queues today


def set_counter_queues(ctx: Context, principal, code: str, queues: list[str], address: str | None = None) -> dict:
    """`code` serves `queues` today, in this calling order (the site's list again tomorrow).
    Answers the counter state, as `GET /api/counters/{code}`; event `counter.updated`."""
    with Work(ctx) as work:
        conn = work.conn
        row = storage.counter_row(conn, code, work.service_day)
        if row is None:
            raise NotFound(f"Loket {code!r} tidak dikenal.", code="unknown_counter")
        check_agency(principal, row["agency"])
        plan = rule.queue_plan(queues, ctx.site.queues)
        if principal.role == "supervisor" and principal.agency:
            foreign = [q for q in plan if ctx.site.queue_agency.get(q) != principal.agency]
            if foreign:
                raise Forbidden(f"Antrean milik instansi lain: {', '.join(foreign)}.", code="not_your_agency")
        configured = json.loads(row["configured_queues"])
        before = json.loads(row["queues"])
        # The site's own list again: nothing to remember for today.
        storage.set_queues_today(conn, work.service_day, code, [] if plan == configured else plan)
        work.emit("counter.updated", row["zone"], counter=code, queues=plan, configured_queues=configured)
        work.audit(principal, "counter.queues", target=code, address=address, queues=plan, before=before,
                   service_day=work.service_day)
        row = storage.counter_row(conn, code, work.service_day)
        return counters.counter_view(ctx, conn, row, principal, work.events[-1].id)


# ---------------------------------------------------------------- waiting tickets


def _waiting_ticket(work: Work, principal, ticket_id: int):
    row = storage.ticket_by_id(work.conn, ticket_id)
    if row is None:
        raise NotFound(f"Tiket {ticket_id} tidak ditemukan.", code="unknown_ticket")
    check_agency(principal, row["agency"])
    if row["status"] != WAITING:
        raise Conflict(f"Tiket {row['code']} tidak sedang menunggu (status: "
                       f"{STATUS_WORDS.get(row['status'], row['status'])}).", code="ticket_not_waiting",
                       status=row["status"])
    return row


def cancel_ticket(ctx: Context, principal, ticket_id: int, address: str | None = None) -> dict:
    """A waiting ticket → cancelled (the citizen left, a duplicate); its number is never issued again.
    Event `ticket.cancelled` with `reason: "supervisor"`."""
    with Work(ctx) as work:
        row = _waiting_ticket(work, principal, ticket_id)
        next_status(row["status"], "cancel")
        storage.update_ticket(work.conn, row["id"], status=CANCELLED, cancelled_at=work.now,
                              cancel_reason=f"supervisor: {principal.name}"[:200])
        ticket = ticket_view(ctx.site, storage.ticket_by_id(work.conn, row["id"]))
        work.emit("ticket.cancelled", row["zone"], ticket=ticket, reason="supervisor", by=principal.name)
        work.audit(principal, "ticket.cancel", target=row["code"], address=address, ticket_id=row["id"],
                   service_day=row["service_day"], service=row["service"])
        return ticket


def transfer_ticket(ctx: Context, principal, ticket_id: int, service: str, address: str | None = None) -> dict:
    """A waiting ticket joins `service`'s queue keeping its code and its place in time (the rule of
    a counter's transfer). Event `ticket.transferred` with `to_zone`, `from_service`, `from_queue`."""
    with Work(ctx) as work:
        row = _waiting_ticket(work, principal, ticket_id)
        agency = tickets.join_service(work, row, service)
        ticket = ticket_view(ctx.site, storage.ticket_by_id(work.conn, row["id"]))
        work.emit("ticket.transferred", row["zone"], ticket=ticket, to_zone=agency.zone,
                  from_service=row["service"], from_queue=row["queue"], by=principal.name)
        work.audit(principal, "ticket.transfer", target=row["code"], address=address, ticket_id=row["id"],
                   service_day=row["service_day"], from_service=row["service"], to_service=service)
        return ticket
