"""The audit log for the building's admin: read-only, filtered by day, person and action."""

from typing import Annotated

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

from ..flows import audit
from . import roles, conn, require
from .schemas import ErrorResponse

ADMINS = ("admin",)
Day = Annotated[str, StringConstraints(max_length=32)]

bp = APIBlueprint("audit", __name__, url_prefix="/api", abp_tags=[Tag(name="audit")], abp_security=[{"bearer": []}],
                  abp_responses={401: ErrorResponse, 403: ErrorResponse})


class AuditQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: Day | None = Field(None, alias="from", description="First day, YYYY-MM-DD in the site's time")
    to: Day | None = Field(None, description="Last day (included), YYYY-MM-DD")
    actor: Annotated[str, StringConstraints(max_length=100)] | None = Field(None, description="Who (username)")
    action: Annotated[str, StringConstraints(max_length=64)] | None = Field(None, description="e.g. auth.login")


class AuditEntry(BaseModel):
    ts: str = Field(description="When, ISO 8601 with the site's offset")
    actor: str | None = Field(description="Who: a username, `console`, or the name tried at a failed sign-in")
    actor_role: str | None = Field(description="Their role then (an extension), null when unknown")
    action: str = Field(description="e.g. auth.login, auth.login_failed, auth.logout, device.added")
    target: str | None
    details: dict
    address: str | None = Field(description="The client's IP address, when the action came over the network")


class AuditEntries(RootModel[list[AuditEntry]]):
    """Newest first, at most 1000."""


@bp.get("/audit", summary="The audit log, newest first (admin): filter by day (from, to), actor and action",
        responses={200: AuditEntries, 422: ErrorResponse})
@roles(*ADMINS)
def audit_log(query: AuditQuery):
    require(*ADMINS)
    return jsonify(audit.entries(conn(), query.from_, query.to, query.actor, query.action))
