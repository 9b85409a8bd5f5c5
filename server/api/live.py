"""Live state: the snapshot, and the event stream (Server-Sent Events) that follows it."""

import json
import time

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag

from ..context import Context
from ..domain.errors import Invalid
from ..flows import state
from ..hub import COUNTS_EVERY_S, SUMMARISED, Filter, Published
from ..sse import ServerSentEvent
from .. import storage
from . import roles, WATCHERS, conn, ctx, release_connection, require
from .schemas import ErrorResponse, EventsQuery, ZoneQuery

bp = APIBlueprint("live", __name__, url_prefix="/api", abp_tags=[Tag(name="live")], abp_security=[{"bearer": []}],
                  abp_responses={401: ErrorResponse, 403: ErrorResponse})


@bp.get("/state", summary="Snapshot of counters, queues and recent calls, with the last event id")
@roles(*WATCHERS)
def snapshot(query: ZoneQuery):
    require(*WATCHERS)
    return jsonify(state.snapshot(ctx(), conn(), query.zone))


@bp.get("/events", summary="Server-Sent Events; honours Last-Event-ID (or ?last_event_id=) and replays what was missed")
@roles(*WATCHERS)
def events(query: EventsQuery):
    require(*WATCHERS)
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    context = ctx()
    if raw is None or raw == "":
        after = context.hub.last_id
    else:
        try:
            after = int(raw)
        except ValueError:
            raise Invalid("Last-Event-ID harus berupa angka.", code="invalid_last_event_id") from None
        if after < 0:
            raise Invalid("Last-Event-ID harus berupa angka.", code="invalid_last_event_id")
    release_connection()  # an open stream must not hold a database connection
    key = Filter(query.zone, query.counter, query.summary)
    return Response(
        event_stream(context, key, after),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _from_database(context: Context, after_id: int, summary: bool) -> list[Published]:
    with context.pool.connection() as connection:
        rows = storage.events_after(connection, after_id, skip_types=SUMMARISED if summary else ())
    published = []
    for row in rows:
        to_zone = json.loads(row["data"]).get("to_zone") if row["type"] == "ticket.transferred" else None
        data = f'{{"id":{row["id"]},{row["data"][1:]}'
        counter = json.loads(row["data"]).get("counter")
        published.append(Published.make(row["id"], row["type"], row["zone"], counter, data, to_zone))
    return published


class CountsCache:
    """Waiting counts per zone, computed at most once per version of the hub."""

    def __init__(self):
        self._cache: dict = {}

    def get(self, context: Context, zone):
        version = context.hub.counts_version
        hit = self._cache.get(zone)
        if hit and hit[0] == version:
            return hit[1]
        with context.pool.connection() as connection:
            counts = state.queue_counts(context, connection, zone)
        self._cache[zone] = (version, counts)
        return counts


counts_cache = CountsCache()


def event_stream(context: Context, key: Filter, after_id: int, max_events: int | None = None,
                 timeout: float | None = None):
    """The stream of one subscriber; it ends at shutdown, after `max_events` or `timeout` (for tests)."""
    hub = context.hub
    keepalive = context.settings.keepalive_s
    hub.subscribe(key)
    try:
        yield ServerSentEvent(retry_ms=context.settings.retry_ms, comment="antrian-mpp").encode()
        cursor, sent, counts_sent = after_id, 0, -1
        next_counts = last_write = time.monotonic()
        deadline = None if timeout is None else time.monotonic() + timeout
        while not hub.closing:
            batch = hub.since(cursor, key.summary)
            if batch is None:
                batch = _from_database(context, cursor, key.summary)
            if not batch and key.summary:
                cursor = max(cursor, hub.last_id)  # nothing a summary shows: skip the issuance
            if batch:
                cursor = batch[-1].id
                wanted = [e.payload for e in batch if key.matches(e)]
                if wanted:
                    if max_events is not None:
                        wanted = wanted[: max_events - sent]
                    sent += len(wanted)
                    last_write = time.monotonic()
                    yield b"".join(wanted)
                    if max_events is not None and sent >= max_events:
                        return
                continue
            now = time.monotonic()
            if key.summary and hub.counts_version != counts_sent and now >= next_counts:
                counts_sent = hub.counts_version
                counts = counts_cache.get(context, key.zone)
                next_counts, last_write = now + COUNTS_EVERY_S, now
                body = {"type": "queue.counts", "ts": context.site.local_text(context.now()), "zone": key.zone,
                        "queues": counts}
                yield ServerSentEvent(data=json.dumps(body), event="queue.counts").encode()
                continue
            wait_for = max(0.0, keepalive - (now - last_write))
            if key.summary and hub.counts_version != counts_sent:
                wait_for = min(wait_for, max(0.0, next_counts - now))
            if deadline is not None:
                if now >= deadline:
                    return
                wait_for = min(wait_for, deadline - now)
            if not hub.wait(key, wait_for) and time.monotonic() - last_write >= keepalive:
                last_write = time.monotonic()
                # The server's time rides along: clients judge staleness by it, not their own clock.
                yield ServerSentEvent(comment=f"keep-alive {context.site.local_text(context.now())}").encode()
        if hub.closing:
            yield ServerSentEvent(comment="shutting-down").encode()
    finally:
        hub.unsubscribe(key)
