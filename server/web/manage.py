"""The management pages under /manage/: sign-in, the layout, the audit log and the officer's page;
the floor monitor (monitor.py) and the devices (devices.py) join the same blueprint.

Pages are server-rendered Jinja (templates/), enhanced with the bundled htmx and its SSE extension.
`register(app)` adds them to the app; session.py says who is looking and what they may see.
"""

from urllib.parse import urlencode

from flask import Blueprint, current_app, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from .. import storage
from ..api import conn, ctx, event_stream
from ..domain.errors import Conflict, DomainError, Unauthorized
from ..events import Filter
from ..flows import audit, counters, skm, web_session
from . import session
from .session import ADMINS, EVERYONE, MANAGERS, page, page_principal


bp = Blueprint("manage", __name__, url_prefix=session.PATH, template_folder="templates")
bp.before_request(session.load_session)
bp.before_request(session.check_csrf)

# Everything a page needs comes from this server: no inline script, no other site.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
USERNAME_MAX, PIN_MAX = 64, 64


def register(app) -> None:
    with app.extensions["mpp"].pool.connection() as connection:
        secret = storage.web_secret(connection)
    app.secret_key = secret
    app.extensions["mpp.web"] = session.Keys(secret)
    app.register_blueprint(bp)


@bp.context_processor
def layout_values() -> dict:
    who = g.get("page_principal")
    nav = []
    if who is not None and who.role in MANAGERS:
        nav = [("manage.monitor", "Monitor", f"{session.PATH}/"), ("manage.devices", "Perangkat", f"{session.PATH}/devices"),
               ("manage.running_text", "Teks berjalan", f"{session.PATH}/broadcasts"),
               ("manage.selftest", "Cek pagi", f"{session.PATH}/selftest"),
               ("manage.reports_page", "Laporan", f"{session.PATH}/reports"),
               ("manage.skm_results", "SKM", f"{session.PATH}/skm"),
               ("manage.admin_home", "Administrasi", f"{session.PATH}/admin/")]
        if who.role in ADMINS:
            nav.append(("manage.audit_page", "Audit", f"{session.PATH}/audit"))
    elif who is not None:
        nav = [("manage.counter", "Loket saya", f"{session.PATH}/counter")]
    agency = ctx().site.agencies.get(who.agency) if who is not None and who.agency else None
    return {"events_url": events_url, "who": who, "role_name": session.ROLE_NAMES.get(who.role, who.role) if who else None,
            "agency_name": (agency.short_name or agency.name) if agency else None, "csrf_token": g.get("csrf_token"),
            "site_name": ctx().site.info.name, "nav": nav, "csrf_header": session.CSRF_HEADER}


def events_url(**filters) -> str:
    """The page's stream (`sse-connect`), from the last event before the page was read: whatever
    happens between the page and its stream's first event is replayed, also after a reconnect."""
    query = {"last_event_id": g.get("last_event_id", 0), **{k: v for k, v in filters.items() if v is not None}}
    return f"{session.PATH}/events?{urlencode(query)}"


@bp.after_request
def page_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"  # a page holds its CSRF token
    return response


@bp.errorhandler(DomainError)
def refused(exc: DomainError):
    return render_template("error.html", message=exc.message, status=exc.status), exc.status


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    messages = {404: "Halaman ini tidak ada.", 405: "Cara membuka halaman ini tidak didukung."}
    status = exc.code or 500
    return render_template("error.html", message=messages.get(status, exc.description), status=status), status


# ------------------------------------------------------------------------------------------ sign-in


@bp.get("/login")
def login_form():
    if g.page_principal is not None:
        return redirect(session.home(g.page_principal), code=303)
    return _login_page(200)


def _login_page(status: int, message: str | None = None, username: str = "", headers: dict | None = None):
    nonce = session.login_nonce()
    response = current_app.response_class(status=status, headers=headers or {})
    if nonce is None:
        nonce = session.new_login_nonce(response)
    response.set_data(render_template("login.html", login_csrf=session.login_csrf(nonce), message=message,
                                      username=username, next=session.local_next(request.args.get("next")) or ""))
    response.mimetype = "text/html"
    return response


@bp.post("/login")
def login():
    username = request.form.get("username", "").strip()
    pin = request.form.get("pin", "")
    if not username or not pin or len(username) > USERNAME_MAX or len(pin) > PIN_MAX:
        return _login_page(422, "Isi nama pengguna dan PIN Anda.", username[:USERNAME_MAX])
    guard = current_app.extensions["mpp.login_guard"]
    try:
        who = web_session.sign_in(ctx(), conn(), guard, username, pin, request.remote_addr, session.idle())
    except Unauthorized:
        return _login_page(401, "Nama pengguna atau PIN salah.", username)
    except Conflict as exc:  # too many failures: the same lock as the counter app's
        wait = exc.details.get("retry_after")
        return _login_page(429, exc.message, username, {"Retry-After": str(wait)} if wait else None)
    target = session.local_next(request.form.get("next") or request.args.get("next")) or session.home(who)
    response = redirect(target, code=303)
    session.set_session_cookie(response, who.token_hash)
    response.delete_cookie(session.LOGIN_COOKIE, path=session.PATH + "/login")
    return response


@bp.post("/logout")
def logout():
    if g.page_principal is not None:
        web_session.sign_out(ctx(), g.page_principal, request.remote_addr)
    response = redirect(f"{session.PATH}/login", code=303)
    session.clear_session_cookie(response)
    return response


# ------------------------------------------------------------------------------------------- pages


@bp.get("/counter")
@page(roles=EVERYONE)
def counter():
    """An officer's own counter (the one they opened); a supervisor or admin names one: ?counter=L01."""
    who = page_principal()
    if who.role == "officer":
        code = next((row["code"] for row in storage.counter_rows(conn()) if row["officer_id"] == who.id), None)
    else:
        code = request.args.get("counter", "").strip()[:32] or None
    state = counters.get_counter(ctx(), conn(), code, who) if code else None
    if state is not None:
        session.check_scope(state["agency"])
    survey = skm.own_figures(ctx(), conn(), who) if who.role == "officer" else None
    return render_template("counter.html", state=state, survey=survey)


@bp.get("/audit")
@page(roles=ADMINS)
def audit_page():
    filters = {name: request.args.get(name, "").strip()[:100] for name in ("from", "to", "actor", "action")}
    try:
        entries = audit.entries(conn(), filters["from"], filters["to"], filters["actor"], filters["action"], limit=500)
        message, status = None, 200
    except DomainError as exc:
        entries, message, status = [], exc.message, exc.status
    return render_template("audit.html", entries=entries, filters=filters, actions=audit.actions(conn()),
                           message=message, limit=500), status


@bp.get("/events")
@page(roles=EVERYONE)
def events():
    """The page's one event stream (htmx's SSE extension: `sse-connect`); `?zone=`, `?summary=1` as /api/events.

    An officer follows the zone of their agency. Events say *that* something changed (codes, counters,
    no personal data); a page then fetches its own scoped fragment."""
    who = page_principal()
    if who.role == "officer":
        agency = ctx().site.agencies.get(who.agency)
        return event_stream(Filter(zones=frozenset({agency.zone}) if agency else frozenset({""})))
    return event_stream(Filter.parse(request.args.get("zone"), request.args.get("counter"),
                                     summary=request.args.get("summary") in ("1", "true"), types=request.args.get("types")))


# Each larger page lives in a module of its own (its routes join `bp`) with its own template.
from . import actions, admin, devices, monitor, reports, running_text, skm_results  # noqa: E402,F401
