"""The floor figures (`GET /api/floor`, the live monitor page): one read snapshot of the day's
tickets, the counters and who is signed in, through the rule in server/domain/floor.py."""

import json
import time
import weakref
from dataclasses import dataclass
from datetime import datetime

import gevent

from .. import storage
from ..context import Context, Site, ticket_view
from ..domain import counter_actions, floor
from ..domain.errors import NotFound

_parse = datetime.fromisoformat
_VIEWS: "weakref.WeakKeyDictionary[Site, tuple]" = weakref.WeakKeyDictionary()


def _site_view(site: Site) -> tuple:
    """The site as the rule reads it (queues, agencies, services), made once per site."""
    view = _VIEWS.get(site)
    if view is None:
        queues = [floor.Queue(q.code, q.name, q.prefix, site.queue_agency.get(q.code), site.queue_zone.get(q.code))
                  for q in site.config.queues]
        agencies = [floor.Agency(a.code, a.name, a.short_name, a.zone) for a in site.config.agencies]
        services = {s.code: floor.Service(s.code, a.code, a.zone, s.target_wait_min)
                    for a in site.config.agencies for s in a.services}
        view = _VIEWS[site] = (queues, agencies, services)
    return view


def check_scope(ctx: Context, zone: str | None, agency: str | None) -> None:
    if zone is not None and zone not in {z.code for z in ctx.site.config.zones}:
        raise NotFound(f"Zona {zone!r} tidak dikenal.", code="unknown_zone")
    if agency is not None and agency not in ctx.site.agencies:
        raise NotFound(f"Instansi {agency!r} tidak dikenal.", code="unknown_agency")


def _waiting(row: tuple) -> floor.Waiting:
    code, queue, service, agency, zone, priority, since, transferred, booked = row
    return floor.Waiting(code, queue, service, agency, zone, priority, _parse(since), bool(transferred), bool(booked))


def _counter(site: Site, row, current: dict) -> floor.Counter:
    ticket = current.get(row["ticket_id"])
    return floor.Counter(
        row["code"], row["name"], row["agency"], row["zone"], row["status"], tuple(json.loads(row["queues"])),
        row["officer_id"],
        {"id": row["officer_id"], "username": row["officer_username"]} if row["officer_id"] else None,
        ticket_view(site, ticket) if ticket is not None else None,
        _parse(row["status_since"]) if row["status_since"] else None,
        _parse(row["ticket_since"]) if row["ticket_since"] else None,
    )


@dataclass(frozen=True)
class Reading:
    """The whole floor as read in one snapshot: the rule's inputs for every scope at once."""

    last_event_id: int
    service_day: str
    moment: datetime
    waiting: list
    first_calls: list
    ended: list
    counters: list
    signed_in: list


def read_floor(ctx: Context, conn) -> Reading:
    """Every input of the floor figures, for the building, from one read snapshot."""
    site = ctx.site
    moment = ctx.now()
    day = site.service_day(moment)
    with storage.read(conn):
        last_id = storage.last_event_id(conn)
        waiting = [_waiting(row) for row in storage.floor_waiting(conn, day)]
        first_calls = [floor.FirstCalls(service, json.loads(waits))
                       for service, waits in storage.floor_first_calls(conn, day)]
        ended = [floor.Ended(status, agency, zone, counter, count, _parse(last) if last else None)
                 for status, agency, zone, counter, count, last in storage.floor_ended(conn, day)]
        counter_rows = storage.floor_counters(conn, day)
        current = {row["id"]: row for row in storage.tickets_by_ids(
            conn, [r["ticket_id"] for r in counter_rows if r["ticket_id"] is not None])}
        signed_in = [floor.Officer(r["id"], r["role"], r["agency"])
                     for r in storage.signed_in_officers(conn, site.local_text(moment))]
    counters = [_counter(site, row, current) for row in counter_rows]
    return Reading(last_id, day, moment, waiting, first_calls, ended, counters, signed_in)


def figures_of(ctx: Context, reading: Reading, zone: str | None = None, agency: str | None = None,
               shown: int = floor.TICKETS_SHOWN) -> dict:
    """The figures of one scope (None, None: the building) from a reading of the whole floor;
    `shown`: waiting tickets listed per queue."""
    site = ctx.site
    queues, agencies, services = _site_view(site)
    answer = floor.floor_figures(reading.waiting, reading.first_calls, reading.ended, reading.counters, queues,
                                 agencies, services, reading.signed_in, reading.moment, floor.Scope(zone, agency),
                                 shown)
    for row in answer["counters"]:  # what the supervisor may do at each counter now (the page's buttons)
        row["allowed_actions"] = list(counter_actions.allowed_actions(
            row["status"], row["ticket"]["status"] if row["ticket"] else None, counter_actions.SUPERVISOR))
    return {"generation": ctx.events.generation, "last_event_id": reading.last_event_id,
            "service_day": reading.service_day, "now": site.local_text(reading.moment), "zone": zone,
            "agency": agency, **answer}


def figures(ctx: Context, conn, zone: str | None = None, agency: str | None = None) -> dict:
    """The floor as a manager sees it now: `zone` and `agency` narrow it (None: the building).

    Answers {generation, last_event_id, service_day, now, zone, agency, kpi, agencies, counters, queues}
    (server/domain/floor.py says what each figure means); every figure from one read snapshot,
    as of `last_event_id`. Unknown zone or agency: NotFound."""
    check_scope(ctx, zone, agency)
    return figures_of(ctx, read_floor(ctx, conn), zone, agency)


FRESH_S = 5.0  # of the server's clock: what changes with no event (waits so far, sign-ins) is this late at most
EVERY_S = 1.0  # real seconds: the floor is read at most this often, however busy it is and however many scopes


def shared_reading(ctx: Context) -> Reading:
    """`read_floor` for many open pages at once: read again after an event, but at most every
    EVERY_S. A page asking while the reading is newer than that but older than the floor waits for
    the next reading (one for every page waiting), so whatever it gets was read after it asked: the
    last fetch after a burst always shows the floor as it is. Every scope (the building, a zone, each
    agency) comes from the same reading: fifty pages of fifteen agencies each reading the day's
    tickets once a second took the server from the kiosks and counters."""
    asked = time.monotonic()
    bucket = int(ctx.now().timestamp() // FRESH_S)
    key = (ctx.events.generation, ctx.site.version, bucket)
    while True:
        kept = ctx.estimates.peek("floor", key)
        if kept is None:
            break
        read_at, reading = kept
        if reading.last_event_id >= ctx.events.last_id or read_at >= asked:
            return reading
        wait = EVERY_S - (time.monotonic() - read_at)
        if wait <= 0:
            break
        gevent.sleep(wait)  # the other pages asking now wait for the same reading
    read_at = time.monotonic()
    with ctx.pool.connection() as conn:
        reading = read_floor(ctx, conn)
    ctx.estimates.put("floor", key, (read_at, reading))
    return reading


def shared_figures(ctx: Context, zone: str | None = None, agency: str | None = None) -> dict:
    """`figures` of one scope from the shared reading, computed once per reading and scope. The
    answer is shared: do not change it."""
    check_scope(ctx, zone, agency)
    reading = shared_reading(ctx)
    key = (ctx.events.generation, ctx.site.version, zone, agency)
    kept = ctx.estimates.peek("floor_scope", key)
    if kept is not None and kept[0] is reading:
        return kept[1]
    answer = figures_of(ctx, reading, zone, agency)
    ctx.estimates.put("floor_scope", key, (reading, answer))
    return answer


def queue_figures(ctx: Context, queue: str) -> dict:
    """One queue as the monitor shows it, with every ticket waiting in it (its own page), from the
    shared reading. Unknown queue: NotFound."""
    if queue not in ctx.site.queues:
        raise NotFound(f"Antrean {queue!r} tidak dikenal.", code="unknown_queue")
    reading = shared_reading(ctx)
    answer = figures_of(ctx, reading, agency=ctx.site.queue_agency.get(queue), shown=len(reading.waiting))
    row = next(q for q in answer["queues"] if q["code"] == queue)
    return {"now": answer["now"], "last_event_id": answer["last_event_id"], "queue": row}
