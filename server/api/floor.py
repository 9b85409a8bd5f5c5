"""The floor, for the people who run the MPP: building KPIs, agencies, counters and queues now.
A supervisor of one agency sees that agency only; a building supervisor and an admin see all."""

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from ..flows import floor
from . import roles, conn, ctx, require
from .schemas import ErrorResponse, Floor, FloorQuery

SUPERVISORS = ("supervisor", "admin")

bp = APIBlueprint("floor", __name__, url_prefix="/api", abp_tags=[Tag(name="management")],
                  abp_security=[{"bearer": []}],
                  abp_responses={401: ErrorResponse, 403: ErrorResponse})


@bp.get("/floor", summary="The floor now: building KPIs, and per agency, counter and queue (supervisor, admin)",
        responses={200: Floor, 404: ErrorResponse, 422: ErrorResponse})
@roles(*SUPERVISORS)
def get_floor(query: FloorQuery):
    who = require(*SUPERVISORS)
    agency = who.agency if who.role == "supervisor" else None
    return jsonify(floor.figures(ctx(), conn(), query.zone, agency))
