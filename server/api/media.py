"""`/media/agency/<code>.<png|svg>?v=N`: an agency's logo as stored, for the kiosk and the pages.

Public (a logo is on the kiosk for everyone). The address with the current `?v=` may be kept
forever; without it, or with an old one, the browser asks again. An SVG is served in a sandbox
(no script, no fetch) and nothing is sniffed into another type."""

from flask import Blueprint, Response, request

from ..flows import logos
from . import ctx
from .errors import error_response

bp = Blueprint("media", __name__)
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


@bp.get("/media/agency/<name>")
def agency_logo(name: str):
    code, _, extension = name.rpartition(".")
    body, content_type, version = logos.logo_file(ctx(), code)
    if extension != content_type.split("/")[1].split("+")[0]:
        return error_response(404, "unknown_logo", f"Logo instansi '{code}' bukan berkas .{extension}.")
    current = request.args.get("v") == str(version)
    headers = {"X-Content-Type-Options": "nosniff", "ETag": f'"{code}-{version}"',
               "Cache-Control": "public, max-age=31536000, immutable" if current else "no-cache",
               "Content-Disposition": f'inline; filename="{code}.{extension}"'}
    if content_type == "image/svg+xml":
        headers["Content-Security-Policy"] = SVG_POLICY
    if request.if_none_match.contains(f"{code}-{version}"):
        return Response(status=304, headers=headers)
    return Response(body, mimetype=content_type, headers=headers)
