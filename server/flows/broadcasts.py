"""Running text a supervisor sends to the boards of a zone or of the whole building, until a
time (or the end of the service day).

Event `board.message` with `message` {id, text, zone, until, created_at, created_by} and
`ended: false` when it starts; the same type with `ended: true` (and `reason`: `ended` or
`expired`) when a supervisor ends it or its time is up (the server's watcher, every few
seconds). `GET /api/state` carries the active ones as `messages`, so a board that (re)connects
shows them. The text is plain text everywhere: the boards never read it as markup.
"""

from .. import storage
from ..context import Context, Work
from ..domain import supervise as rule
from ..domain.errors import Conflict, Forbidden, Invalid, NotFound
from .supervise import check_supervising


def _check_zone(ctx: Context, principal, zone: str | None) -> None:
    if zone is not None and zone not in ctx.site.hall:
        raise Invalid(f"Zona {zone!r} tidak dikenal.", code="unknown_zone")
    if principal.role == "supervisor" and principal.agency:
        own = ctx.site.agencies.get(principal.agency)
        if own is None or zone != own.zone:
            raise Forbidden("Supervisor instansi hanya boleh mengirim pesan ke zona instansinya.",
                            code="not_your_zone")


def send(ctx: Context, principal, text: str, zone: str | None = None, until: str | None = None,
         address: str | None = None) -> dict:
    """A new running text on the boards of `zone` (None: every board); answers the message."""
    check_supervising(principal)
    words = rule.message_text(text)
    _check_zone(ctx, principal, zone)
    with Work(ctx) as work:
        ends = rule.message_until(until, work.moment, ctx.site.tz)
        message = storage.insert_broadcast(work.conn, words, zone, ctx.site.local_text(ends), work.now,
                                           principal.name)
        work.emit("board.message", zone, message=message, ended=False)
        work.audit(principal, "broadcast.send", target=str(message["id"]), address=address, text=words, zone=zone,
                   until=message["until"])
        return message


def end(ctx: Context, principal, broadcast_id: int, address: str | None = None) -> dict:
    """Take a message off the boards now; answers it."""
    check_supervising(principal)
    with Work(ctx) as work:
        found = storage.broadcast_by_id(work.conn, broadcast_id)
        if found is None:
            raise NotFound(f"Pesan {broadcast_id} tidak ditemukan.", code="unknown_broadcast")
        message, ended = found
        _check_zone(ctx, principal, message["zone"])
        if ended or message["until"] <= work.now:
            raise Conflict("Pesan ini sudah berakhir.", code="broadcast_ended")
        storage.end_broadcast(work.conn, broadcast_id, work.now, principal.name)
        work.emit("board.message", message["zone"], message=message, ended=True, reason="ended")
        work.audit(principal, "broadcast.end", target=str(broadcast_id), address=address, text=message["text"],
                   zone=message["zone"])
        return message


def active(ctx: Context, conn, zone: str | None = None) -> list[dict]:
    """The messages on the boards now: all, or those a board of `zone` shows."""
    with storage.read(conn):
        return storage.active_broadcasts(conn, ctx.site.local_text(ctx.now()), zone, every_zone=zone is None)


def expire(ctx: Context) -> int:
    """Messages whose time is up leave the boards (the watcher's round); returns how many."""
    now = ctx.site.local_text(ctx.now())
    with ctx.pool.connection() as conn:
        if not storage.due_broadcasts(conn, now):
            return 0  # the cheap check, every round
    with Work(ctx) as work:
        due = storage.due_broadcasts(work.conn, work.now)
        for message in due:
            storage.end_broadcast(work.conn, message["id"], message["until"], None)
            work.emit("board.message", message["zone"], message=message, ended=True, reason="expired")
        return len(due)
