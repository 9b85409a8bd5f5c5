"""The site administration (`/api/admin/…`): site, agencies, services, counters, import and export.

Admin token; a supervisor's token for services and counters (one with an agency: only that agency's).
Every change answers the object with its new `version`; 422 names each field (`error.fields`),
409 `version_conflict` carries the object as it is now (`error.current`). See flows/admin.py.
"""

from typing import Annotated, Any

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

from ..flows import admin, logos, removal
from . import body_limit, ctx, require, roles
from .schemas import ErrorResponse

ADMINS = ("admin",)
EDITORS = ("admin", "supervisor")
Text = Annotated[str, StringConstraints(max_length=2000)]
CodeIn = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]
Hours = dict[Annotated[str, StringConstraints(max_length=3)], Annotated[str, StringConstraints(max_length=20)] | None]

bp = APIBlueprint("admin", __name__, url_prefix="/api/admin", abp_tags=[Tag(name="admin")],
                  abp_security=[{"bearer": []}], abp_responses={401: ErrorResponse, 403: ErrorResponse})


class Patch(BaseModel):
    """Only the fields sent change; `version` is the one the object had when it was read."""

    model_config = ConfigDict(extra="forbid", strict=True)
    version: Annotated[str, StringConstraints(max_length=64)] = Field(description="The object's `version` as read")


class SitePatch(Patch):
    name: Text | None = None
    short_name: Text | None = None
    address: Text | None = None
    public_url: Text | None = None
    timezone: Text | None = None
    hours: Hours | None = Field(None, description='Per weekday: {"mon": "08:00-15:00", "sun": null}')
    breaks: list[dict[str, Any]] | None = Field(None, description='e.g. [{"name", "days": ["fri"], "time"}]')
    ticket_cutoff_minutes: int | None = None
    running_text: Text | None = None
    personal_data_retention_days: int | None = None
    priority_ratio: Text | None = None
    printing_timeout_seconds: int | None = None
    booking_days_ahead: int | None = Field(None, description="Bookings up to this many days ahead (14)")
    check_in_before_min: int | None = Field(None, description="Check-in opens this long before the slot (30)")
    check_in_after_min: int | None = Field(None, description="Check-in closes this long after the slot (15)")
    booking_limit_per_day: int | None = Field(None, description="Bookings of one phone or NIK a day (1)")
    zones: list[dict[str, Any]] | None = Field(None, description='[{"code", "name", "hall"?}]')


class AgencyFields(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: Text | None = None
    short_name: Text | None = None
    zone: Text | None = None
    hours: Hours | None = None
    hidden: bool | None = Field(None, description="Not offered at the kiosk")
    position: int | None = Field(None, ge=0, le=10_000, description="Its place in the kiosk's order, from 0")


class AgencyNew(AgencyFields):
    code: CodeIn


class AgencyPatch(Patch, AgencyFields):
    pass


class ServiceFields(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: Text | None = None
    name_en: Text | None = None
    agency: Text | None = Field(None, description="Moves the service to this agency")
    queue: Text | None = None
    prefix: Text | None = Field(None, description="The queue's prefix; with a new `queue` code, makes that queue")
    quota: int | None = Field(None, description="Tickets a day; null: no quota")
    default_minutes: float | None = None
    target_wait_min: int | None = None
    hours: Hours | None = None
    cutoff_minutes: int | None = None
    requirements: list[Text] | None = None
    asks_nik: bool | None = None
    asks_phone: bool | None = None
    hidden: bool | None = None
    online_quota: int | None = Field(None, description="Bookings a day, apart from `quota`; null: no bookings")
    slot_min: int | None = Field(None, description="Length of a booking slot in minutes (30)")
    slot_capacity: int | None = Field(None, description="Bookings per slot (5)")
    position: int | None = Field(None, ge=0, le=10_000)


class ServiceNew(ServiceFields):
    code: CodeIn


class ServicePatch(Patch, ServiceFields):
    pass


class CounterFields(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: Text | None = None
    spoken_name: Text | None = None
    agency: Text | None = None
    zone: Text | None = None
    queues: list[Text] | None = Field(None, description="The queues it calls from, in order")
    strict_queue_order: bool | None = None
    position: int | None = Field(None, ge=0, le=10_000)


class CounterNew(CounterFields):
    code: CodeIn


class CounterPatch(Patch, CounterFields):
    pass


class CodePath(BaseModel):
    code: Annotated[str, StringConstraints(min_length=1, max_length=32)]


class VersionQuery(BaseModel):
    version: Annotated[str, StringConstraints(max_length=64)] = Field(
        description="The agency's `version` as read (409 `version_conflict` when it moved)")


class ImportQuery(BaseModel):
    dry_run: bool = Field(False, description="Only check the file and answer its differences")


class Thing(BaseModel):
    model_config = ConfigDict(extra="allow")
    version: str


class Things(RootModel[list[Thing]]):
    pass


class WholeSite(BaseModel):
    model_config = ConfigDict(extra="allow")
    site_version: int
    site: Thing
    agencies: list[Thing]
    services: list[Thing]
    counters: list[Thing]


class SiteChange(BaseModel):
    kind: str = Field(description="site, zone, queue, agency, service or counter")
    code: str
    change: str = Field(description="added, removed or changed")
    fields: list[str]


class ImportResult(BaseModel):
    dry_run: bool
    applied: bool
    changes: list[SiteChange]


REMOVE = {204: None, 404: ErrorResponse, 409: ErrorResponse}
LOGO = {200: Thing, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse}
LOGO_BODY_BYTES = logos.UPLOAD_BYTES
LOGO_BODY = {"requestBody": {"required": True, "content": {
    "image/png": {"schema": {"type": "string", "format": "binary"}},
    "image/svg+xml": {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "logo": {"type": "string", "format": "binary"}}, "required": ["logo"]}}}}}
EDIT = {200: Thing, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse}
ADD = {201: Thing, 404: ErrorResponse, 422: ErrorResponse}
TOML_BODY = {"requestBody": {"required": True, "content": {"application/toml": {"schema": {"type": "string"}},
                                                           "text/plain": {"schema": {"type": "string"}}}}}


def _who(*allowed):
    return require(*allowed)


def _sent(body: BaseModel) -> dict:
    return body.model_dump(exclude_unset=True)


@bp.get("/site", summary="The whole site, each object with its `version` (a supervisor with an agency: "
        "only that agency's services and counters)", responses={200: WholeSite})
@roles(*EDITORS)
def whole_site():
    who = _who(*EDITORS)
    return jsonify(admin.whole_view(ctx().site, who.agency if who.role != "admin" else None))


@bp.patch("/site", summary="Change the site's settings: name, address, public_url, timezone, hours per weekday, "
          "breaks, cut-off, running text, retention days, zones", responses=EDIT)
@roles(*ADMINS)
def patch_site(body: SitePatch):
    return jsonify(admin.change_site(ctx(), _who(*ADMINS), request.remote_addr, _sent(body)))


@bp.get("/site.toml", summary="The whole site as a site file (TOML), as `mpp-server export` writes it",
        responses={200: None})
@roles(*ADMINS)
def site_toml():
    _who(*ADMINS)
    return Response(admin.export_site(ctx().site), mimetype="application/toml",
                    headers={"Content-Disposition": 'attachment; filename="site.toml"'})


@bp.post("/site.toml", summary="Import a site file: `dry_run=1` answers its differences; without it, applies "
         "it in one step; 422 lists every problem (`error.fields`)",
         responses={200: ImportResult, 409: ErrorResponse, 422: ErrorResponse}, openapi_extensions=TOML_BODY)
@roles(*ADMINS)
def import_toml(query: ImportQuery):
    who = _who(*ADMINS)
    text = request.get_data(as_text=True)
    return jsonify(admin.import_site(ctx(), who, request.remote_addr, text, query.dry_run))


@bp.get("/agencies", summary="The agencies, in the kiosk's order", responses={200: Things})
@roles(*EDITORS)
def agencies():
    _who(*EDITORS)
    return jsonify(admin.whole_view(ctx().site)["agencies"])


@bp.post("/agencies", summary="Add an agency (its services come after)", responses=ADD)
@roles(*ADMINS)
def add_agency(body: AgencyNew):
    return jsonify(admin.add(ctx(), _who(*ADMINS), request.remote_addr, "agency", _sent(body))), 201


@bp.patch("/agencies/<code>", summary="Rename, reorder (`position`), hide from the kiosk, move to a zone",
          responses=EDIT)
@roles(*ADMINS)
def patch_agency(path: CodePath, body: AgencyPatch):
    return jsonify(admin.change(ctx(), _who(*ADMINS), request.remote_addr, "agency", path.code, _sent(body)))


@bp.get("/services", summary="The services (a supervisor with an agency: that agency's)", responses={200: Things})
@roles(*EDITORS)
def services():
    who = _who(*EDITORS)
    return jsonify(admin.whole_view(ctx().site, who.agency if who.role != "admin" else None)["services"])


@bp.post("/services", summary="Add a service to an agency (with `prefix`, a new queue for it)", responses=ADD)
@roles(*EDITORS)
def add_service(body: ServiceNew):
    return jsonify(admin.add(ctx(), _who(*EDITORS), request.remote_addr, "service", _sent(body))), 201


@bp.patch("/services/<code>", summary="Rename, move to another agency, queue and prefix, quota, target wait, "
          "hours, requirements, NIK/phone asked, hide or show", responses=EDIT)
@roles(*EDITORS)
def patch_service(path: CodePath, body: ServicePatch):
    return jsonify(admin.change(ctx(), _who(*EDITORS), request.remote_addr, "service", path.code, _sent(body)))


@bp.get("/counters", summary="The counters (a supervisor with an agency: that agency's)", responses={200: Things})
@roles(*EDITORS)
def counters():
    who = _who(*EDITORS)
    return jsonify(admin.whole_view(ctx().site, who.agency if who.role != "admin" else None)["counters"])


@bp.post("/counters", summary="Add a counter", responses=ADD)
@roles(*EDITORS)
def add_counter(body: CounterNew):
    return jsonify(admin.add(ctx(), _who(*EDITORS), request.remote_addr, "counter", _sent(body))), 201


@bp.patch("/counters/<code>", summary="Rename, agency, zone, the queues it serves in order", responses=EDIT)
@roles(*EDITORS)
def patch_counter(path: CodePath, body: CounterPatch):
    return jsonify(admin.change(ctx(), _who(*EDITORS), request.remote_addr, "counter", path.code, _sent(body)))


# ------------------------------------------------------------------------------ removals and logos


@bp.delete("/agencies/<code>", summary="Remove an agency: 409 `in_use` while it has tickets today, services, "
           "counters or active officers", responses=REMOVE)
@roles(*ADMINS)
def remove_agency(path: CodePath):
    removal.remove(ctx(), _who(*ADMINS), request.remote_addr, "agency", path.code)
    return "", 204


@bp.delete("/services/<code>", summary="Remove a service: 409 `in_use` when it has tickets today (hide it instead)",
           responses=REMOVE)
@roles(*EDITORS)
def remove_service(path: CodePath):
    removal.remove(ctx(), _who(*EDITORS), request.remote_addr, "service", path.code)
    return "", 204


@bp.delete("/counters/<code>", summary="Remove a counter: 409 `in_use` when it served tickets today or is open",
           responses=REMOVE)
@roles(*EDITORS)
def remove_counter(path: CodePath):
    removal.remove(ctx(), _who(*EDITORS), request.remote_addr, "counter", path.code)
    return "", 204


@bp.put("/agencies/<code>/logo", summary="Upload the agency's logo: a PNG (at most 1024×1024 px) or a safe SVG, "
        "at most 256 KiB, as the body (image/png, image/svg+xml) or multipart field `logo`; answers the agency",
        responses=LOGO, openapi_extensions=LOGO_BODY)
@body_limit(LOGO_BODY_BYTES)
@roles(*ADMINS)
def put_logo(path: CodePath, query: VersionQuery):
    who = _who(*ADMINS)
    upload = request.files.get("logo")
    if upload is not None:
        data, declared = upload.read(LOGO_BODY_BYTES), upload.mimetype or upload.filename
    else:
        data, declared = request.get_data(), request.mimetype
    return jsonify(logos.put_logo(ctx(), who, request.remote_addr, path.code, data, declared, query.version))


@bp.delete("/agencies/<code>/logo", summary="Remove the agency's logo: its kiosk tile shows its name again",
           responses=LOGO)
@roles(*ADMINS)
def remove_logo(path: CodePath, query: VersionQuery):
    return jsonify(logos.remove_logo(ctx(), _who(*ADMINS), request.remote_addr, path.code, query.version))
