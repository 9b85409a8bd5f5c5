"""The administration of officers, devices, the calendar and priority categories (`/api/admin/…`),
admin token only. A PIN or a device token is in the one answer that makes it, never again.
See flows/staff.py and flows/calendar.py."""

from typing import Annotated, Literal

from flask import jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

from ..flows import calendar, staff
from . import ctx, require, roles
from .admin import CodeIn, CodePath, Patch, Text, Thing, Things
from .schemas import ErrorResponse

ADMINS = ("admin",)
Name = Annotated[str, StringConstraints(max_length=100)]
Username = Annotated[str, StringConstraints(min_length=1, max_length=40)]

bp = APIBlueprint("admin_people", __name__, url_prefix="/api/admin", abp_tags=[Tag(name="admin")],
                  abp_security=[{"bearer": []}], abp_responses={401: ErrorResponse, 403: ErrorResponse})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class OfficerNew(Strict):
    username: Username = Field(description="2–40 letters, digits, '.', '_' or '-'")
    role: Literal["officer", "supervisor", "admin"] = "officer"
    agency: Name | None = Field(None, description="The agency they work for (a supervisor's scope); null: none")


class OfficerPatch(Patch):
    role: Literal["officer", "supervisor", "admin"] | None = None
    agency: Name | None = None
    active: bool | None = Field(None, description="false: their sessions end now and they cannot sign in")


class AdminOfficer(Thing):
    username: str
    role: str
    agency: str | None
    active: bool


class NewOfficer(AdminOfficer):
    pin: str = Field(description="The initial PIN (6 digits): shown this once, never again")


class NewPin(BaseModel):
    username: str
    pin: str = Field(description="The new PIN (6 digits): shown this once; the officer's sessions ended")


class UsernamePath(BaseModel):
    username: Username


class DeviceNew(Strict):
    kind: Literal["kiosk", "display", "counter"] = Field(description="kiosk, display (a board) or counter (a PC)")
    name: Name
    zone: Name | None = None


class DevicePatch(Patch):
    name: Name | None = None
    zone: Name | None = Field(None, description="null or empty: no zone")


class AdminDevice(Thing):
    id: int
    kind: str
    name: str
    zone: str | None
    active: bool


class NewDevice(AdminDevice):
    token: str = Field(description="The device token: shown this once, never again")
    pairing_qr: str = Field(description="The token as a QR code, an SVG data URL (data:image/svg+xml;base64,…)")


class DevicePath(BaseModel):
    id: int = Field(ge=1, le=2**53)


class HolidayNew(Strict):
    date: Annotated[str, StringConstraints(max_length=10)] = Field(description="YYYY-MM-DD")
    name: Text


class HolidayPatch(Patch):
    name: Text | None = None


class DatePath(BaseModel):
    date: Annotated[str, StringConstraints(min_length=1, max_length=10)]


class SpecialDayNew(Strict):
    date: Annotated[str, StringConstraints(max_length=10)] = Field(description="YYYY-MM-DD")
    name: Text
    hours: Annotated[str, StringConstraints(max_length=20)] = Field(description='e.g. "08:00-12:00"')


class ClosureNew(Strict):
    service: Name
    first_day: Annotated[str, StringConstraints(max_length=10)] = Field(description="YYYY-MM-DD")
    last_day: Annotated[str, StringConstraints(max_length=10)] | None = Field(
        None, description="YYYY-MM-DD, included (default: the first day)")
    reason: Text = Field(description="What the kiosk shows, e.g. 'Gangguan jaringan pusat'")


class SpecialDayPatch(Patch):
    name: Text | None = None
    hours: Annotated[str, StringConstraints(max_length=20)] | None = Field(None, description='e.g. "08:00-12:00"')


class ClosurePatch(Patch):
    last_day: Annotated[str, StringConstraints(max_length=10)] | None = Field(None, description="YYYY-MM-DD, included")
    reason: Text | None = None


class ClosurePath(BaseModel):
    service: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    first_day: Annotated[str, StringConstraints(min_length=1, max_length=10)]


class CategoryFields(Strict):
    name: Text | None = None
    name_en: Text | None = None
    position: int | None = Field(None, ge=0, le=10_000, description="Its place at the kiosk, from 0")


class CategoryNew(CategoryFields):
    code: CodeIn


class CategoryPatch(Patch, CategoryFields):
    pass


class AdminDevices(RootModel[list[AdminDevice]]):
    pass


class AdminOfficers(RootModel[list[AdminOfficer]]):
    pass


EDIT = {200: Thing, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse}


def _who():
    return require(*ADMINS)


def _sent(body: BaseModel) -> dict:
    return body.model_dump(exclude_unset=True)


# ------------------------------------------------------------------------------------------ officers


@bp.get("/officers", summary="Every officer, active or not (never a PIN)", responses={200: AdminOfficers})
@roles(*ADMINS)
def officers():
    _who()
    return jsonify(staff.officers(ctx()))


@bp.post("/officers", summary="Add an officer: 201 with the initial PIN, shown this once",
         responses={201: NewOfficer, 422: ErrorResponse})
@roles(*ADMINS)
def add_officer(body: OfficerNew):
    return jsonify(staff.add_officer(ctx(), _who(), request.remote_addr, _sent(body))), 201


@bp.patch("/officers/<username>", summary="Role, agency; `active: false` deactivates (their sessions end now)",
          responses={200: AdminOfficer, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse})
@roles(*ADMINS)
def patch_officer(path: UsernamePath, body: OfficerPatch):
    return jsonify(staff.change_officer(ctx(), _who(), request.remote_addr, path.username, _sent(body)))


@bp.post("/officers/<username>/reset-pin", summary="A new PIN, shown this once; the officer's sessions end",
         responses={200: NewPin, 404: ErrorResponse})
@roles(*ADMINS)
def reset_pin(path: UsernamePath):
    return jsonify(staff.reset_pin(ctx(), _who(), request.remote_addr, path.username))


# ------------------------------------------------------------------------------------------- devices


@bp.get("/devices", summary="Every registered device, revoked ones too (never a token)", responses={200: AdminDevices})
@roles(*ADMINS)
def devices():
    _who()
    return jsonify(staff.devices(ctx()))


@bp.post("/devices", summary="Register a kiosk, board or counter PC: 201 with its token and a pairing QR, "
         "shown this once", responses={201: NewDevice, 422: ErrorResponse})
@roles(*ADMINS)
def add_device(body: DeviceNew):
    return jsonify(staff.register_device(ctx(), _who(), request.remote_addr, _sent(body))), 201


@bp.patch("/devices/<int:id>", summary="Rename, set its zone", responses={**EDIT, 200: AdminDevice})
@roles(*ADMINS)
def patch_device(path: DevicePath, body: DevicePatch):
    return jsonify(staff.change_device(ctx(), _who(), request.remote_addr, path.id, _sent(body)))


@bp.delete("/devices/<int:id>", summary="Revoke: its next request gets 401, its event stream ends",
           responses={200: AdminDevice, 404: ErrorResponse})
@roles(*ADMINS)
def revoke_device(path: DevicePath):
    return jsonify(staff.revoke_device(ctx(), _who(), request.remote_addr, path.id))


# ------------------------------------------------------------------------------------------ calendar


@bp.get("/holidays", summary="Holidays and cuti bersama: the site is closed those dates", responses={200: Things})
@roles(*ADMINS)
def holidays():
    _who()
    return jsonify(calendar.holidays(ctx()))


@bp.post("/holidays", summary="Add a holiday or cuti bersama (date and name)",
         responses={201: Thing, 422: ErrorResponse})
@roles(*ADMINS)
def add_holiday(body: HolidayNew):
    return jsonify(calendar.add_holiday(ctx(), _who(), request.remote_addr, _sent(body))), 201


@bp.patch("/holidays/<date>", summary="Rename a holiday", responses=EDIT)
@roles(*ADMINS)
def patch_holiday(path: DatePath, body: HolidayPatch):
    return jsonify(calendar.change_holiday(ctx(), _who(), request.remote_addr, path.date, _sent(body)))


@bp.delete("/holidays/<date>", summary="Remove a holiday: the site opens that date as any other",
           responses={204: None, 404: ErrorResponse, 422: ErrorResponse})
@roles(*ADMINS)
def remove_holiday(path: DatePath):
    calendar.remove_holiday(ctx(), _who(), request.remote_addr, path.date)
    return "", 204


@bp.get("/special-days", summary="Special opening days: dates open with their own hours though normally closed",
        responses={200: Things})
@roles(*ADMINS)
def special_days():
    _who()
    return jsonify(calendar.special_days(ctx()))


@bp.post("/special-days", summary="Add a special opening day (date, name, hours)",
         responses={201: Thing, 422: ErrorResponse})
@roles(*ADMINS)
def add_special_day(body: SpecialDayNew):
    return jsonify(calendar.add_special_day(ctx(), _who(), request.remote_addr, _sent(body))), 201


@bp.patch("/special-days/<date>", summary="Rename a special opening day or change its hours", responses=EDIT)
@roles(*ADMINS)
def patch_special_day(path: DatePath, body: SpecialDayPatch):
    return jsonify(calendar.change_special_day(ctx(), _who(), request.remote_addr, path.date, _sent(body)))


@bp.delete("/special-days/<date>", summary="Remove a special opening day", responses={204: None, 404: ErrorResponse})
@roles(*ADMINS)
def remove_special_day(path: DatePath):
    calendar.remove_special_day(ctx(), _who(), request.remote_addr, path.date)
    return "", 204


@bp.get("/closures", summary="Services closed for a while, with the reason the kiosk shows", responses={200: Things})
@roles(*ADMINS)
def closures():
    _who()
    return jsonify(calendar.closures(ctx()))


@bp.post("/closures", summary="Close a service from its first to its last day with a reason",
         responses={201: Thing, 422: ErrorResponse})
@roles(*ADMINS)
def add_closure(body: ClosureNew):
    return jsonify(calendar.add_closure(ctx(), _who(), request.remote_addr, _sent(body))), 201


@bp.patch("/closures/<service>/<first_day>", summary="Move a closure's last day or change its reason",
          responses=EDIT)
@roles(*ADMINS)
def patch_closure(path: ClosurePath, body: ClosurePatch):
    return jsonify(calendar.change_closure(ctx(), _who(), request.remote_addr, path.service, path.first_day,
                                           _sent(body)))


@bp.delete("/closures/<service>/<first_day>", summary="End a closure: the service opens again",
           responses={204: None, 404: ErrorResponse})
@roles(*ADMINS)
def remove_closure(path: ClosurePath):
    calendar.remove_closure(ctx(), _who(), request.remote_addr, path.service, path.first_day)
    return "", 204


@bp.get("/priority-categories", summary="The priority categories, in the kiosk's order (the interleave ratio is "
        "the site's `priority_ratio`: PATCH /api/admin/site)", responses={200: Things})
@roles(*ADMINS)
def categories():
    _who()
    return jsonify(calendar.categories(ctx()))


@bp.post("/priority-categories", summary="Add a priority category", responses={201: Thing, 422: ErrorResponse})
@roles(*ADMINS)
def add_category(body: CategoryNew):
    return jsonify(calendar.add_category(ctx(), _who(), request.remote_addr, _sent(body))), 201


@bp.patch("/priority-categories/<code>", summary="Rename, reorder (`position`)", responses=EDIT)
@roles(*ADMINS)
def patch_category(path: CodePath, body: CategoryPatch):
    return jsonify(calendar.change_category(ctx(), _who(), request.remote_addr, path.code, _sent(body)))
