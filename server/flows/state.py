"""The snapshot a display or counter app starts from, before following the stream."""

import json

from .. import storage
from ..context import Context, ticket_view
from ..domain.errors import NotFound
from . import skm, waits


def snapshot(ctx: Context, conn, zone: str | None, counter: str | None = None) -> dict:
    """What a board of `zone` (None: the whole site) starts from; with `counter`, only that
    counter and its queues, as its officer's app needs."""
    site = ctx.site
    moment = ctx.now()
    day = site.service_day(moment)
    with storage.read(conn):
        last_id = storage.last_event_id(conn)
        waiting = storage.waiting_counts(conn, day)
        if counter is None:
            rows = storage.counter_rows(conn, zone, day)
        else:
            row = storage.counter_row(conn, counter, day)
            if row is None or zone not in (None, row["zone"]):
                raise NotFound(f"Loket {counter!r} tidak dikenal.", code="unknown_counter")
            rows = [row]
        counters = []
        for row in rows:
            ticket = ticket_view(site, storage.ticket_by_id(conn, row["ticket_id"])) if row["ticket_id"] else None
            counters.append({
                "code": row["code"], "name": row["name"], "spoken_name": row["spoken_name"] or row["name"],
                "agency": row["agency"], "zone": row["zone"], "status": row["status"],
                "queues": json.loads(row["queues"]), "ticket": ticket,
            })
        # The running text a board of `zone` shows now (its zone's and the building's; no zone: all).
        messages = storage.active_broadcasts(conn, site.local_text(moment), zone, every_zone=zone is None)
        calls = [{"id": r["id"], **json.loads(r["data"])}
                 for r in storage.recent_calls(conn, site.day_start_text(moment), zone, counter)]
    # The latest IKM, when the admin shows it on the boards (a counter's app has no use for it).
    ikm_text = skm.board_text(ctx, conn) if counter is None else None
    if counter is None:
        shown = [q for q in site.config.queues if zone is None or site.queue_zone.get(q.code) == zone]
    else:
        shown = [site.queues[code] for code in counters[0]["queues"] if code in site.queues]
    queues = [
        {"code": q.code, "prefix": q.prefix, "name": q.name, "agency": site.queue_agency.get(q.code),
         "zone": site.queue_zone.get(q.code), "waiting": waiting.get(q.code, 0)}
        for q in shown
    ]
    return {
        "generation": ctx.events.generation,
        "last_event_id": last_id,
        "site_version": site.version,
        "service_day": day,
        "now": site.local_text(moment),
        "clock_rate": ctx.clock_rate,
        "zone": zone,
        # The hall whose voice calls this zone, and every zone it calls for (a board follows them all).
        "hall": {"name": site.hall[zone], "zones": site.hall_zones[zone]} if zone in site.hall else None,
        "counter": counter,
        "site": {"name": site.info.name, "short_name": site.info.short_name, "running_text": site.info.running_text,
                 "ikm_text": ikm_text, "timezone": site.info.timezone},
        "counters": counters,
        "queues": queues,
        "recent_calls": calls,
        "messages": messages,
        # Every service of the site, whatever the zone: a counter may transfer a ticket anywhere.
        "services": [
            {"code": s.code, "name": s.name, "agency": a.code, "agency_name": a.short_name or a.name,
             "queue": s.queue, "zone": a.zone}
            for a in site.config.agencies
            for s in a.services
        ],
    }


ESTIMATES_EVERY_MIN = 0.1  # queue.counts' estimates are computed again at most every 6 s of the server's clock


def queue_counts(ctx: Context, conn, zones) -> dict:
    """The `queue.counts` of some zones (None: every zone): waiting per queue, and the wait of a
    ticket joining each now by the server's one rule (waits.joining), so a counter app shows both
    without asking. The counts are fresh; the estimates are kept for ESTIMATES_EVERY_MIN (they
    move slowly, and a busy floor changes its counts many times a second)."""
    moment = ctx.now()
    day = ctx.site.service_day(moment)
    shown = [q for q in ctx.site.queues if zones is None or ctx.site.queue_zone.get(q) in zones]
    with storage.read(conn):
        waiting = storage.waiting_counts(conn, day)
        joining = waits.joining(ctx, conn, day, shown, moment, every_min=ESTIMATES_EVERY_MIN)
    return {"queues": {q: waiting.get(q, 0) for q in shown},
            "est_wait_min": {q: joining[q].normal for q in shown}}
