"""The snapshot a display or counter app starts from, before following the stream."""

import json

from .. import storage
from ..context import Context, ticket_view


def snapshot(ctx: Context, conn, zone: str | None) -> dict:
    site = ctx.site
    moment = ctx.now()
    day = site.service_day(moment)
    with storage.read(conn):
        last_id = storage.last_event_id(conn)
        waiting = storage.waiting_counts(conn, day)
        counters = []
        for row in storage.counter_rows(conn, zone):
            ticket = ticket_view(site, storage.ticket_by_id(conn, row["ticket_id"])) if row["ticket_id"] else None
            counters.append({
                "code": row["code"], "name": row["name"], "spoken_name": row["spoken_name"] or row["name"],
                "agency": row["agency"], "zone": row["zone"], "status": row["status"],
                "queues": json.loads(row["queues"]), "ticket": ticket,
            })
        calls = [{"id": r["id"], **json.loads(r["data"])}
                 for r in storage.recent_calls(conn, site.day_start_text(moment), zone)]
    queues = [
        {"code": q.code, "prefix": q.prefix, "name": q.name, "agency": site.queue_agency.get(q.code),
         "zone": site.queue_zone.get(q.code), "waiting": waiting.get(q.code, 0)}
        for q in site.config.queues
        if zone is None or site.queue_zone.get(q.code) == zone
    ]
    return {
        "last_event_id": last_id,
        "service_day": day,
        "now": site.local_text(moment),
        "clock_rate": ctx.clock_rate,
        "zone": zone,
        "site": {"name": site.info.name, "short_name": site.info.short_name, "running_text": site.info.running_text,
                 "timezone": site.info.timezone},
        "counters": counters,
        "queues": queues,
        "recent_calls": calls,
        # Every service of the site, whatever the zone: a counter may transfer a ticket anywhere.
        "services": [
            {"code": s.code, "name": s.name, "agency": a.code, "agency_name": a.short_name or a.name,
             "queue": s.queue, "zone": a.zone}
            for a in site.config.agencies
            for s in a.services
        ],
    }


def queue_counts(ctx: Context, conn, zone: str | None) -> dict[str, int]:
    day = ctx.site.service_day(ctx.now())
    waiting = storage.waiting_counts(conn, day)
    return {
        q: waiting.get(q, 0) for q in ctx.site.queues if zone is None or ctx.site.queue_zone.get(q) == zone
    }
