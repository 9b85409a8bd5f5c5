"""The site changes under a running server (`mpp-server init` again, from another process): the
server takes the new site from the database and tells every screen. (The administration's changes,
flows/admin.py, swap the site and announce it in their own transaction: nothing is left to follow.)"""

from .. import storage
from ..context import Context, Work, load_site


def follow_site(ctx: Context) -> int | None:
    """Swap in the stored site when its version moved; returns the new version, or None."""
    with ctx.pool.connection() as conn:
        stored = storage.site_version(conn)
        # Only a newer version: an admin's change sets ctx.site before its COMMIT is on disk, and a
        # read in that moment still sees the older version (swapping it back lost the change for a while).
        if stored is None or stored <= ctx.site.version:
            return None  # the cheap check, several times a second
        site = load_site(conn)
    old, ctx.site = ctx.site, site
    try:
        with Work(ctx) as work:
            work.emit("site.changed", None, version=site.version)
    except Exception:
        ctx.site = old  # not announced: the next round tries again
        raise
    return site.version
