"""An agency's logo: uploaded (checked: domain/logos.py, and a PNG decoded whole), removed, served.

The logo lives in the database with the site; each upload moves its own version (the `?v=` of its
address, so a kiosk or a browser may keep it forever) and the site's version, and is audited and
announced (`site.changed`) in its transaction: the kiosks read the catalog again and show it.
"""

import hashlib
import io

from PIL import Image

from .. import storage
from ..context import Context, Site, Work
from ..domain.errors import NotFound
from ..domain.logos import LogoRefused, check_logo
from . import admin

CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
UPLOAD_BYTES = 1024 * 1024  # a request's body for an upload; the logo's own limit (256 KiB) answers a clear 422


def put_logo(ctx: Context, who, address, code: str, data: bytes, declared: str | None, version) -> dict:
    """Store `data` as the agency's logo (admin); answers the agency with its new `logo` and `version`."""
    admin.check_agency(who, None, agency_itself=True)
    kind, width, height = check_logo(data, declared)
    if kind == "png":
        _decode(data)

    def change(work, config, logos) -> dict:
        storage.put_logo(work.conn, code, kind, data, width, height, work.now, getattr(who, "name", str(who)))
        work.audit(who, "site.agency.logo_set", target=code, address=address, kind=kind, bytes=len(data),
                   width=width, height=height, sha256=hashlib.sha256(data).hexdigest()[:16])
        return True

    return _change(ctx, who, code, version, change)


def remove_logo(ctx: Context, who, address, code: str, version) -> dict:
    """The agency's tile shows its name again; answers the agency (`logo: null`)."""
    admin.check_agency(who, None, agency_itself=True)

    def change(work, config, logos) -> bool:
        if not storage.delete_logo(work.conn, code):
            return False  # none to remove: nothing changes, nothing is announced
        work.audit(who, "site.agency.logo_removed", target=code, address=address)
        return True

    return _change(ctx, who, code, version, change)


def logo_file(ctx: Context, code: str) -> tuple[bytes, str, int]:
    """(bytes, content type, version) of the agency's logo, or 404."""
    with ctx.pool.connection() as conn:
        row = storage.logo_row(conn, code)
    if row is None or code not in ctx.site.agencies:
        raise NotFound(f"Instansi '{code}' tidak punya logo.", code="unknown_logo")
    return bytes(row["data"]), CONTENT_TYPES[row["kind"]], row["version"]


def _change(ctx: Context, who, code: str, version, change) -> dict:
    """One logo change in the writer's transaction, with the agency's version check (409 as a PATCH)."""
    old = ctx.site
    try:
        with Work(ctx) as work:
            config, _ = storage.read_site(work.conn)
            if code not in {a.code for a in config.agencies}:
                raise NotFound(f"Instansi '{code}' tidak ada.", code="unknown_agency")
            logos = storage.logo_index(work.conn)
            current = admin.agency_view(config, code, logos)
            if version != current["version"]:
                raise admin.VersionConflict("Instansi", current)
            if not change(work, config, logos):
                return current
            site_version = storage.bump_site_version(work.conn, work.now, f"admin:{getattr(who, 'name', who)}")
            logos = storage.logo_index(work.conn)
            ctx.site = Site(config, site_version, logos)
            work.emit("site.changed", None, version=site_version)
    except BaseException:
        ctx.site = old
        raise
    return admin.agency_view(config, code, logos)


def _decode(data: bytes) -> None:
    """The PNG's pixels decode whole (a file whose chunks are sound may still hold broken image data)."""
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise LogoRefused("Berkas PNG rusak: gambarnya tidak dapat dibaca.", "logo_broken") from None
