"""The public booking page `/booking`: agency → service → date → slot → name, phone (and NIK when the
service asks) → the booking's own page with its code, check-in window, QR, a cancel button and a link to move it to
another date and slot.

Plain HTML forms (GET for the choices, POST to book and cancel): usable without JavaScript. A POST carries
a form token signed with the database's key and stamped with its time (no cookie: the page is for anyone's
phone), so another site cannot post a booking form in the citizen's name; the booking's own `public_id`
is the proof for cancelling and rescheduling. Booking POSTs share the API's limit per address."""

import hashlib
import hmac
import io
import secrets
import time

import qrcode
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from ..api import base_url, conn, ctx
from ..api.appointments import limit_booking_posts
from ..domain import appointments as rule
from ..domain.errors import DomainError, NotFound
from ..flows import appointments
from .skm import HEADERS

bp = Blueprint("booking_pages", __name__, template_folder="templates")

TOKEN_S = 2 * 3600  # a form left open this long must be loaded again
BAD_TOKEN = "Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman, lalu kirim lagi."


def form_token(now: float | None = None) -> str:
    stamp = str(int(now if now is not None else time.time()))
    return f"{stamp}.{_sign(stamp)}"


def _sign(stamp: str) -> str:
    return hmac.new(current_app.secret_key.encode(), f"booking.form:{stamp}".encode(), hashlib.sha256).hexdigest()[:32]


def token_ok(token: str) -> bool:
    stamp, _, signature = (token or "").partition(".")
    if not stamp.isdigit() or not hmac.compare_digest(signature.encode(), _sign(stamp).encode()):
        return False
    return 0 <= time.time() - int(stamp) <= TOKEN_S


def _page(template: str, status: int = 200, **values) -> Response:
    html = render_template(template, site_name=ctx().site.info.name, **values)
    return Response(html, status=status, mimetype="text/html", headers=HEADERS)


def _choices(service_code: str | None, day: str | None) -> dict:
    """What the form offers for the choices made so far (unknown ones are dropped, not errors)."""
    context = ctx()
    agencies = appointments.booking_services(context)
    offered = {s["code"]: s for a in agencies for s in a["services"]}
    service = offered.get(service_code or "")
    values = {"agencies": agencies, "service": service, "days": [], "day": None, "slots": []}
    if service is not None:
        values["days"] = appointments.bookable_days(context, service["code"])
        if day in values["days"]:
            values["day"] = day
            values["slots"] = appointments.slots(context, conn(), service["code"], day)
    return values


@bp.get("/booking")
def start():
    return _form(request.args.get("service"), request.args.get("date"))


def _form(service_code, day, status: int = 200, error: str | None = None, fields: dict | None = None,
          sent: dict | None = None) -> Response:
    return _page("booking.html", status, **_choices(service_code, day), error=error, fields=fields or {},
                 sent=sent or {}, token=form_token(), request_id=(sent or {}).get("request_id") or secrets.token_hex(16))


@bp.post("/booking")
def book():
    form = request.form
    sent = {key: form.get(key, "").strip() for key in ("service", "date", "slot", "name", "phone", "nik", "request_id")}
    if not token_ok(form.get("token", "")):
        return _form(sent["service"], sent["date"], 403, BAD_TOKEN, sent=sent)
    if sent["nik"] and form.get("consent") != "yes":
        return _form(sent["service"], sent["date"], 422, "Centang persetujuan penggunaan NIK untuk melanjutkan.",
                     {"consent": "Wajib dicentang."}, sent)
    try:
        limit_booking_posts()
        made, _ = appointments.book(ctx(), {**sent, "nik": sent["nik"] or None}, base_url())
    except DomainError as refusal:
        fields = getattr(refusal, "extra", {}).get("fields", {})
        return _form(sent["service"], sent["date"], refusal.status, refusal.message, fields, sent)
    return redirect(url_for("booking_pages.booking", code=made["code"], k=made["public_id"]), 303)


@bp.get("/booking/<code>")
def booking(code: str):
    try:
        made = appointments.booking(ctx(), conn(), code, request.args.get("k", ""), base_url())
    except NotFound as refusal:
        return _page("booking_done.html", 404, message=refusal.message)
    return _page("booking_done.html", booking=made, token=form_token(),
                 window=_window(made["check_in_from"], made["check_in_until"]))


@bp.post("/booking/<code>/cancel")
def cancel(code: str):
    if not token_ok(request.form.get("token", "")):
        return _page("booking_done.html", 403, message=BAD_TOKEN)
    try:
        made = appointments.cancel(ctx(), code, request.form.get("k", ""), base_url())
    except DomainError as refusal:
        return _page("booking_done.html", refusal.status, message=refusal.message)
    return redirect(url_for("booking_pages.booking", code=made["code"], k=made["public_id"]), 303)


@bp.get("/booking/<code>/reschedule")
def reschedule_form(code: str):
    return _move_form(code, request.args.get("k", ""), request.args.get("date"))


def _move_form(code: str, public_id: str, day: str | None, status: int = 200, error: str | None = None) -> Response:
    """The booking's new date, then its new slot, offered as the booking page offers them."""
    try:
        made = appointments.booking(ctx(), conn(), code, public_id, base_url())
    except NotFound as refusal:
        return _page("booking_done.html", 404, message=refusal.message)
    if made["status"] != rule.BOOKED:
        return _page("booking_done.html", 409, message=rule.MESSAGES[made["status"]])
    return _page("booking_reschedule.html", status, booking=made, **_choices(made["service"], day), error=error,
                 token=form_token())


@bp.post("/booking/<code>/reschedule")
def reschedule(code: str):
    form = request.form
    public_id, day = form.get("k", ""), form.get("date", "").strip()
    if not token_ok(form.get("token", "")):
        return _move_form(code, public_id, day, 403, BAD_TOKEN)
    try:
        limit_booking_posts()
        made = appointments.reschedule(ctx(), code, public_id, {"date": day, "slot": form.get("slot", "").strip()},
                                       base_url())
    except NotFound as refusal:
        return _page("booking_done.html", 404, message=refusal.message)
    except DomainError as refusal:
        return _move_form(code, public_id, day, refusal.status, refusal.message)
    return redirect(url_for("booking_pages.booking", code=made["code"], k=made["public_id"]), 303)


@bp.get("/booking/<code>/qr.png")
def qr(code: str):
    """The booking code as a QR (the kiosk's scanner types it); the code alone, no personal data."""
    clean = rule.clean_code(code)
    if clean is None:
        return Response("", 404)
    image = qrcode.make(clean, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return Response(out.getvalue(), mimetype="image/png", headers={"Cache-Control": "public, max-age=86400"})


def _window(opens: str, closes: str) -> str:
    return f"{opens[11:16]}–{closes[11:16]}"
