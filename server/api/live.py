"""Live state: the snapshot, and the event stream (Server-Sent Events) that follows it."""

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag

from ..events import Filter, resume_point
from ..flows import state
from . import roles, STREAM_READERS, WATCHERS, conn, ctx, release_connection, require
from .schemas import ErrorResponse, EventsQuery, ZoneQuery

bp = APIBlueprint("live", __name__, url_prefix="/api", abp_tags=[Tag(name="live")], abp_security=[{"bearer": []}],
                  abp_responses={401: ErrorResponse, 403: ErrorResponse})


@bp.get("/state", summary="Snapshot of counters, queues and recent calls, with the last event id")
@roles(*WATCHERS)
def snapshot(query: ZoneQuery):
    require(*WATCHERS)
    return jsonify(state.snapshot(ctx(), conn(), query.zone))


@bp.get("/events", summary="Server-Sent Events; honours Last-Event-ID (or ?last_event_id=) and replays what was missed",
        responses={422: ErrorResponse})
@roles(*STREAM_READERS)
def events(query: EventsQuery):
    require(*STREAM_READERS)
    pipeline = ctx().events
    key = Filter.parse(query.zone, query.counter, query.summary, query.types)
    after = resume_point(request.headers.get("Last-Event-ID") or request.args.get("last_event_id"), pipeline.last_id)
    release_connection()  # an open stream must not hold a database connection
    return Response(pipeline.stream(key, after), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
