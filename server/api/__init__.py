"""The HTTP edge: one blueprint per concern, all JSON."""

from functools import lru_cache

from flask import Response, current_app, g, request
from werkzeug.sansio.utils import get_host

from ..context import Context
from ..events import Filter, resume_point
from ..domain.errors import Forbidden
from ..flows.auth import Principal, authenticate


def ctx() -> Context:
    return current_app.extensions["mpp"]


def conn():
    """This request's connection (one per request/greenlet), released at teardown."""
    if "conn" not in g:
        g.conn = ctx().pool.acquire()
    return g.conn


def release_connection(_exc=None) -> None:
    connection = g.pop("conn", None)
    if connection is not None:
        ctx().pool.release(connection)


def event_stream(key: Filter) -> Response:
    """The event stream `key` shows, from the client's Last-Event-ID (header or query) on."""
    pipeline = ctx().events
    after = resume_point(request.headers.get("Last-Event-ID") or request.args.get("last_event_id"), pipeline.last_id)
    release_connection()  # an open stream must not hold a database connection
    who = g.get("principal")
    owner = f"device:{who.id}" if who is not None and who.kind == "device" else None
    return Response(pipeline.stream(key, after, owner=owner), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def base_url() -> str:
    """The address this request came to (werkzeug builds it anew each time: kept per Host header)."""
    return _host_url(request.scheme, request.headers.get("Host"), request.environ.get("SERVER_NAME"),
                     request.environ.get("SERVER_PORT"))


@lru_cache(maxsize=64)
def _host_url(scheme: str, host: str | None, server_name: str | None, server_port: str | None) -> str:
    return f"{scheme}://{get_host(scheme, host, (server_name, int(server_port)) if server_name else None)}/"


def roles(*allowed: str):
    """Mark a view with the token kinds it accepts; checked before the body is validated."""

    def mark(view):
        view.roles = allowed
        return view

    return mark


def body_limit(max_bytes: int):
    """Mark a view that takes a bigger body than the server's 64 KiB (an uploaded logo)."""

    def mark(view):
        view.max_body = max_bytes
        return view

    return mark


def check_roles() -> None:
    """before_request: 401/403 come before any 422 about the body."""
    view = current_app.view_functions.get(request.endpoint or "")
    allowed = getattr(view, "roles", None)
    if allowed:
        require(*allowed)


def require(*roles: str) -> Principal:
    """The caller, if their token is valid (401) and of one of `roles` (403)."""
    who = g.get("principal")
    if who is None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        who = authenticate(ctx(), conn(), token.strip() if scheme.lower() == "bearer" else None)
    if who.role not in roles:
        raise Forbidden(f"Token {who.role} tidak berhak memakai {request.path}.", code="wrong_token_kind")
    g.principal = who
    return who


KIOSK = ("kiosk",)
DEVICES = ("kiosk", "display", "counter")
OFFICERS = ("officer", "supervisor", "admin")
WATCHERS = ("display", "counter", "officer", "supervisor", "admin")
STREAM_READERS = ("kiosk", *WATCHERS)  # a kiosk follows site.changed to reload its catalog
