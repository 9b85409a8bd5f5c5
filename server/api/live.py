"""Live state: the snapshot, and the event stream (Server-Sent Events) that follows it."""

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from ..events import Filter
from ..flows import state
from . import roles, STREAM_READERS, WATCHERS, conn, ctx, event_stream, require
from .schemas import ErrorResponse, EventsQuery, StateQuery

bp = APIBlueprint("live", __name__, url_prefix="/api", abp_tags=[Tag(name="live")], abp_security=[{"bearer": []}],
                  abp_responses={401: ErrorResponse, 403: ErrorResponse})


@bp.get("/state", summary="Snapshot of counters, queues and recent calls, with the last event id",
        description="`site` carries `running_text` and, for a board (no `counter`), `ikm_text`: the server's line "
                    "of the latest finished month's IKM (SKM) when the admin set `show_ikm_on_boards`, else null.",
        responses={404: ErrorResponse, 422: ErrorResponse})
@roles(*WATCHERS)
def snapshot(query: StateQuery):
    require(*WATCHERS)
    return jsonify(state.snapshot(ctx(), conn(), query.zone, query.counter))


@bp.get("/events", summary="Server-Sent Events; honours Last-Event-ID (or ?last_event_id=) and replays what was missed",
        responses={422: ErrorResponse})
@roles(*STREAM_READERS)
def events(query: EventsQuery):
    require(*STREAM_READERS)
    return event_stream(Filter.parse(query.zone, query.counter, query.summary, query.types))
