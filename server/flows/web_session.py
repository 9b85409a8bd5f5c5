"""The management pages' sessions: rows of the same `sessions` table as the counter app's tokens.

A page session is known by the digest of its token only: the raw token never leaves the server, so a
page's cookie cannot be replayed as a bearer token on the API. It ends after `idle` without a request
(sliding), at the latest `session_hours` after sign-in, and at once when revoked or when its officer
is deactivated.
"""

from datetime import datetime, timedelta

from .. import storage
from ..context import Context, Work
from . import auth
from .auth import LoginGuard, Principal

SLIDE_STEP = timedelta(minutes=1)  # the expiry moves on at most once a minute: one write, not one per request


def sign_in(ctx: Context, conn, guard: LoginGuard, username: str, pin: str, address: str | None,
            idle: timedelta) -> Principal:
    """A new page session (401/409 as the counter app's login; the attempt is audited)."""
    answer = auth.login(ctx, conn, guard, username, pin, address)
    digest = auth.token_digest(answer["token"])
    with Work(ctx) as work:
        storage.extend_session(work.conn, digest, ctx.site.local_text(work.moment + idle))
    officer = answer["officer"]
    return Principal("officer", officer["id"], officer["role"], officer["username"], agency=officer["agency"],
                     token_hash=digest)


def resume(ctx: Context, conn, digest: str, idle: timedelta) -> Principal | None:
    """The session's officer if it is still alive; each request keeps it alive for `idle` more."""
    moment = ctx.now()
    row = storage.web_session(conn, digest, ctx.site.local_text(moment))
    if row is None:
        return None
    latest = datetime.fromisoformat(row["session_created_at"]) + timedelta(hours=ctx.settings.session_hours)
    wanted = min(moment + idle, latest)
    if wanted - datetime.fromisoformat(row["session_expires_at"]) >= SLIDE_STEP:
        with Work(ctx) as work:
            storage.extend_session(work.conn, digest, ctx.site.local_text(wanted))
    return Principal("officer", row["id"], row["role"], row["username"], agency=row["agency"], token_hash=digest)


def sign_out(ctx: Context, principal: Principal, address: str | None) -> None:
    auth.logout(ctx, principal, address)
