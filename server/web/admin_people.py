"""The administration pages for officers, devices, the calendar and priority categories
(`/manage/admin/officers|devices|calendar`), admin only. Each form calls the same flows as the JSON
(flows/staff.py, flows/calendar.py). A new PIN or token is drawn on the one answer to the form that
made it (no redirect, not cached), never again; refusals come back with each error by its field."""

from flask import make_response, redirect, render_template, request

from ..api import ctx
from ..domain.errors import DomainError
from ..flows import calendar, staff
from ..flows.admin import InvalidFields, VersionConflict
from .manage import bp
from .session import ADMINS, page, page_principal

ROLES = [("officer", "Petugas"), ("supervisor", "Penyelia"), ("admin", "Admin")]
KINDS = [("kiosk", "Anjungan"), ("display", "Layar"), ("counter", "PC loket")]


def _choices() -> dict:
    config = ctx().site.config
    return {"roles": ROLES, "kinds": KINDS, "agencies": [(a.code, a.name) for a in config.agencies],
            "zones": [(z.code, z.name) for z in config.zones]}


def _render(template: str, status: int = 200, **values):
    response = make_response(render_template(template, choices=_choices(), saved=request.args.get("saved"),
                                             **values), status)
    response.headers["Cache-Control"] = "no-store"  # a PIN or token on this page must not stay in a cache
    return response


def _attempt(do, on_error):
    """Run a change; its refusal as the page again with the errors by their fields."""
    try:
        return do(), None
    except InvalidFields as exc:
        return None, on_error(exc.extra["fields"], 422)
    except VersionConflict as exc:
        return None, on_error({"": exc.message}, 409)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        return None, on_error({"": exc.message}, exc.status)


def _form(form, *names) -> dict:
    return {name: form.get(name, "").strip() for name in names}


# ------------------------------------------------------------------------------------------ officers


@bp.route("/admin/officers", methods=["GET", "POST"])
@page(roles=ADMINS)
def admin_officers():
    def show(errors=None, status=200, values=None, secret=None):
        return _render("admin_officers.html", status, officers=staff.officers(ctx()), errors=errors or {},
                       values=values or {}, secret=secret)

    if request.method == "GET":
        return show()
    values = _form(request.form, "username", "role", "agency")
    added, refused = _attempt(lambda: staff.add_officer(ctx(), page_principal(), request.remote_addr, values),
                              lambda errors, status: show(errors, status, values))
    return refused or show(secret={"kind": "pin", "username": added["username"], "pin": added["pin"]})


@bp.route("/admin/officers/<username>", methods=["GET", "POST"])
@page(roles=ADMINS)
def admin_officer(username):
    current = staff.officer(ctx(), username)

    def show(errors=None, status=200, values=None, other=None):
        return _render("admin_officer.html", status, officer=current, values=values or current,
                       errors=errors or {}, other=other)

    if request.method == "GET":
        return show()
    values = {**_form(request.form, "role", "agency", "version"), "active": request.form.get("active") == "on"}

    def refused(errors, status):
        return show(errors, status, {**current, **values}, other=staff.officer(ctx(), username) if status == 409
                    else None)

    saved, answer = _attempt(lambda: staff.change_officer(ctx(), page_principal(), request.remote_addr, username,
                                                          values), refused)
    return answer or redirect(f"/manage/admin/officers/{saved['username']}?saved=1", code=303)


@bp.post("/admin/officers/<username>/reset-pin")
@page(roles=ADMINS)
def admin_reset_pin(username):
    answer = staff.reset_pin(ctx(), page_principal(), request.remote_addr, username)
    return _render("admin_officers.html", officers=staff.officers(ctx()), errors={}, values={},
                   secret={"kind": "reset", "username": answer["username"], "pin": answer["pin"]})


# ------------------------------------------------------------------------------------------- devices


@bp.route("/admin/devices", methods=["GET", "POST"])
@page(roles=ADMINS)
def admin_devices():
    def show(errors=None, status=200, values=None, secret=None):
        return _render("admin_devices.html", status, devices=staff.devices(ctx()), errors=errors or {},
                       values=values or {}, secret=secret)

    if request.method == "GET":
        return show()
    values = _form(request.form, "kind", "name", "zone")
    made, refused = _attempt(lambda: staff.register_device(ctx(), page_principal(), request.remote_addr, values),
                             lambda errors, status: show(errors, status, values))
    return refused or show(secret=made)


@bp.route("/admin/devices/<int:device_id>", methods=["GET", "POST"])
@page(roles=ADMINS)
def admin_device(device_id):
    current = staff.device(ctx(), device_id)

    def show(errors=None, status=200, values=None):
        return _render("admin_device.html", status, device=current, values=values or current, errors=errors or {})

    if request.method == "GET":
        return show()
    values = _form(request.form, "name", "zone", "version")
    saved, refused = _attempt(lambda: staff.change_device(ctx(), page_principal(), request.remote_addr, device_id,
                                                          values), lambda errors, status: show(errors, status, values))
    return refused or redirect(f"/manage/admin/devices/{device_id}?saved=1", code=303)


@bp.post("/admin/devices/<int:device_id>/revoke")
@page(roles=ADMINS)
def admin_revoke_device(device_id):
    staff.revoke_device(ctx(), page_principal(), request.remote_addr, device_id)
    return redirect(f"/manage/admin/devices/{device_id}?saved=1", code=303)


# ------------------------------------------------------------------------- calendar and priorities


def _calendar(errors=None, status=200, values=None, editing=None):
    """`editing`: the row whose edit form comes back ({"key", "values", "other"}: what was sent, and the
    other admin's change after a 409, whose version the form then carries)."""
    services = [(s.code, f"{s.code} — {s.name}") for a in ctx().site.config.agencies for s in a.services]
    return _render("admin_calendar.html", status, holidays=calendar.holidays(ctx()),
                   special_days=calendar.special_days(ctx()), closures=calendar.closures(ctx()), services=services,
                   categories=calendar.categories(ctx()), ratio=ctx().site.config.site.priority_ratio,
                   errors=errors or {}, values=values or {}, editing=editing or {})


def _calendar_edit(do, key: str, values: dict):
    """An edit form of one row (special day, closure): back to the page (303); a refusal shows the row's
    form open again with what was sent, its errors by `key.FIELD`, and after a 409 the other's change."""
    try:
        do()
    except InvalidFields as exc:
        errors = {f"{key}.{k}": v for k, v in exc.extra["fields"].items()}
        return _calendar(errors, 422, editing={"key": key, "values": values, "other": None})
    except VersionConflict as exc:
        return _calendar({f"{key}.": exc.message}, 409,
                         editing={"key": key, "values": values, "other": exc.extra["current"]})
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _calendar({f"{key}.": exc.message}, exc.status, editing={"key": key, "values": values, "other": None})
    return redirect("/manage/admin/calendar?saved=1", code=303)


@bp.post("/admin/calendar/special-days/<date>")
@page(roles=ADMINS)
def admin_change_special_day(date):
    values = _form(request.form, "name", "hours", "version")
    return _calendar_edit(lambda: calendar.change_special_day(ctx(), page_principal(), request.remote_addr, date,
                                                              values), f"special-{date}", values)


@bp.post("/admin/calendar/closures/<service>/<first_day>")
@page(roles=ADMINS)
def admin_change_closure(service, first_day):
    values = _form(request.form, "last_day", "reason", "version")
    return _calendar_edit(lambda: calendar.change_closure(ctx(), page_principal(), request.remote_addr, service,
                                                          first_day, values), f"closure-{service}-{first_day}", values)


def _calendar_change(do, prefix: str, values: dict):
    """A calendar form: back to the page (303), or the page with the errors by `prefix.FIELD`."""
    _, refused = _attempt(do, lambda errors, status: _calendar({f"{prefix}.{k}": v for k, v in errors.items()},
                                                               status, {prefix: values}))
    return refused or redirect("/manage/admin/calendar?saved=1", code=303)


@bp.post("/admin/calendar/special-days")
@page(roles=ADMINS)
def admin_add_special_day():
    values = _form(request.form, "date", "name", "hours")
    return _calendar_change(lambda: calendar.add_special_day(ctx(), page_principal(), request.remote_addr, values),
                            "special", values)


@bp.post("/admin/calendar/special-days/<date>/remove")
@page(roles=ADMINS)
def admin_remove_special_day(date):
    calendar.remove_special_day(ctx(), page_principal(), request.remote_addr, date)
    return redirect("/manage/admin/calendar?saved=1", code=303)


@bp.post("/admin/calendar/closures")
@page(roles=ADMINS)
def admin_add_closure():
    values = _form(request.form, "service", "first_day", "last_day", "reason")
    return _calendar_change(lambda: calendar.add_closure(ctx(), page_principal(), request.remote_addr, values),
                            "closure", values)


@bp.post("/admin/calendar/closures/<service>/<first_day>/remove")
@page(roles=ADMINS)
def admin_remove_closure(service, first_day):
    calendar.remove_closure(ctx(), page_principal(), request.remote_addr, service, first_day)
    return redirect("/manage/admin/calendar?saved=1", code=303)


@bp.get("/admin/calendar")
@page(roles=ADMINS)
def admin_calendar():
    return _calendar()


@bp.post("/admin/calendar/holidays")
@page(roles=ADMINS)
def admin_add_holiday():
    values = _form(request.form, "date", "name")
    _, refused = _attempt(lambda: calendar.add_holiday(ctx(), page_principal(), request.remote_addr, values),
                          lambda errors, status: _calendar({f"holiday.{k}": v for k, v in errors.items()}, status,
                                                           values))
    return refused or redirect("/manage/admin/calendar?saved=1", code=303)


@bp.post("/admin/calendar/holidays/<date>/remove")
@page(roles=ADMINS)
def admin_remove_holiday(date):
    calendar.remove_holiday(ctx(), page_principal(), request.remote_addr, date)
    return redirect("/manage/admin/calendar?saved=1", code=303)


@bp.post("/admin/calendar/priority-categories")
@page(roles=ADMINS)
def admin_add_category():
    values = {k: v for k, v in _form(request.form, "code", "name", "name_en").items() if v}
    _, refused = _attempt(lambda: calendar.add_category(ctx(), page_principal(), request.remote_addr, values),
                          lambda errors, status: _calendar({f"category.{k}": v for k, v in errors.items()}, status,
                                                           values))
    return refused or redirect("/manage/admin/calendar?saved=1", code=303)


@bp.post("/admin/calendar/priority-categories/<code>")
@page(roles=ADMINS)
def admin_change_category(code):
    values = {k: v for k, v in _form(request.form, "name", "version").items() if v}
    position = request.form.get("position", "").strip()
    if position:
        if not position.isdigit():
            return _calendar({f"{code}.position": "Harus berupa angka."}, 422)
        values["position"] = int(position)
    _, refused = _attempt(lambda: calendar.change_category(ctx(), page_principal(), request.remote_addr, code,
                                                           values),
                          lambda errors, status: _calendar({f"{code}.{k}": v for k, v in errors.items()}, status))
    return refused or redirect("/manage/admin/calendar?saved=1", code=303)
