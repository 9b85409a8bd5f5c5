"""The floor monitor (`/manage/`): the building's or an agency's floor, live.

The page holds one `#floor` section. A call, start or end changes its counter's row from the event
itself (static/monitor.js); the whole fragment (`/manage/floor`, same query) is fetched again on the
changes TRIGGERS names, on the waiting counts at most every COUNTS_EVERY_S and every REFRESH_S. The
figures are `flows.floor.shared_figures` (one reading of the floor a second for every open page and
scope); the fragment's HTML is shared the same way, so it must hold nothing of the person looking at
it but their scope (the CSRF token comes from <body hx-headers>, never a form field). A long queue
lists its LISTED first tickets; its own page (`/manage/queues/<code>`) lists them all.
"""

import re
from collections import OrderedDict
from datetime import datetime
from urllib.parse import urlencode

from flask import current_app, redirect, render_template, request
from jinja2 import TemplateNotFound
from jinja2.ext import Extension

from ..api import ctx, release_connection
from ..domain.errors import NotFound
from ..flows import floor
from . import session
from .manage import bp
from .session import EVERYONE, MANAGERS, check_scope, page, page_principal, scope

# Other work joins the page here, in templates of its own included when they exist: device alerts.
HOOKS = {"alerts": "monitor_alerts.html"}
RENDERED = 64  # scopes whose latest fragment is kept: the building, zones and agencies
# Waiting tickets a queue lists on the monitor, longest waiting first; its own page lists them all.
# The building's fragment listed every one (a busy floor's ~1,000, each with its buttons: 880 KiB
# and 45 ms of rendering for every change); ten is what fits on a screen beside the others.
LISTED = 10
PARAM_MAX = 32
INDENT = re.compile(r"\s*\n\s*")
COMPACT = frozenset({"monitor_floor.html", "monitor_tv_floor.html", "monitor_actions.html"})


class Unindent(Extension):
    """The fragment's templates without their indentation, once when loaded: a fifth less to send
    and parse on every change, at no cost per rendering (their text holds no <pre>)."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return INDENT.sub("\n", source) if name in COMPACT else source


bp.record_once(lambda state: state.app.jinja_env.add_extension(Unindent))

# The whole fragment is fetched again when a counter opens, pauses or closes and when the site
# changes; on the waiting counts (`queue.counts`: every ticket's change) at most every COUNTS_EVERY_S,
# the last change of a burst included (monitor.js throttles them into COUNTS_CHANGED); and every
# REFRESH_S at the latest, for the waits that grow with no event. Calls, starts and ends change their
# counter's row at once, in the page (monitor.js), from the event itself (LIVE). Fifty pages
# fetching the whole floor after every change of a busy one (a hundred calls a second) took the
# server from the kiosks and counters (the benchmark's monitor phase).
TRIGGERS = ("counter.opened", "counter.paused", "counter.resumed", "counter.closed", "counter.updated",
            "site.changed")
COUNTS, COUNTS_CHANGED, COUNTS_EVERY_S = "queue.counts", "counts-changed", 3
REFRESH_S = 15
LIVE = ("ticket.called", "ticket.recalled", "ticket.started", "ticket.held", "ticket.done", "ticket.no_show",
        "ticket.transferred", "ticket.waiting")

STATUSES = {"open": "Buka", "paused": "Jeda", "closed": "Tutup"}
TICKET_STATUSES = {"called": "Dipanggil", "serving": "Dilayani", "held": "Ditunda"}


@bp.get("/")
@page(roles=EVERYONE)
def monitor():
    if page_principal().role not in MANAGERS:  # an officer's home is their counter
        return redirect(session.home(page_principal()), code=303)
    return _page(tv=request.args.get("tv") == "1")


@bp.get("/tv")
@page(roles=MANAGERS)
def monitor_tv():
    """The wall-TV view: big type, no menu and no forms, the whole floor on one screen."""
    return _page(tv=True)


@bp.get("/floor")
@page(roles=MANAGERS)
def floor_fragment():
    """The live part of the monitor (`#floor`'s content), for the page's htmx to swap in."""
    view = _view(tv=request.args.get("tv") == "1")
    release_connection()  # signed in: the wait for the floor's next reading holds no connection
    return _fragment(view)


@bp.get("/queues/<code>")
@page(roles=MANAGERS)
def queue_page(code: str):
    """Every ticket waiting in one queue, with its wait so far and the supervisor's actions: where
    the monitor's "lihat semua" leads. Its list follows the floor like the monitor's own."""
    view = _queue_view(code)
    return render_template("monitor_queue.html", **view, tickets_html=_queue_tickets(view), refresh_s=REFRESH_S,
                           counts_every_ms=COUNTS_EVERY_S * 1000)


@bp.get("/queues/<code>/tickets")
@page(roles=MANAGERS)
def queue_tickets(code: str):
    """The queue page's live part, for its htmx to swap in."""
    view = _queue_view(code)
    release_connection()  # as the monitor's fragment: the wait for the next reading holds no connection
    return _queue_tickets(view)


def _queue_view(code: str) -> dict:
    site = ctx().site
    code = code.strip()[:PARAM_MAX]
    if code not in site.queues:
        raise NotFound(f"Antrean {code!r} tidak dikenal.", code="unknown_queue")
    check_scope(site.queue_agency.get(code))
    back = {name: request.args.get(name, "").strip()[:PARAM_MAX] for name in ("zone", "agency")}
    back = {name: value for name, value in back.items() if value}
    return {"code": code, "info": site.queues[code], "zone": site.queue_zone.get(code),
            "monitor_url": f"{session.PATH}/" + (f"?{urlencode(back)}" if back else ""),
            "kept": urlencode({**back, "queue": code})}


def _queue_tickets(view: dict) -> str:
    figures = floor.queue_figures(ctx(), view["code"])
    return render_template("monitor_queue_tickets.html", figures=figures, q=figures["queue"], **_helpers(), **view)


def floor_for_request() -> str:
    """#floor's content for this request's zone and agency (the desk view): an action's answer."""
    return _fragment(_view(tv=False))


def _page(tv: bool):
    view = _view(tv)
    site = ctx().site
    agency = site.agencies.get(view["agency"]) if view["agency"] else None
    stream_zone = view["zone"] or (agency.zone if agency else None)  # an agency sits in one zone
    return render_template("monitor.html", **view, floor_html=_fragment(view),
                           zones=site.config.zones, stream_zone=stream_zone,
                           zone_name=next((z.name for z in site.config.zones if z.code == view["zone"]), None),
                           scope_agency=agency, hooks=_hooks(),
                           triggers=", ".join([*(f"sse:{t}" for t in TRIGGERS), COUNTS_CHANGED,
                                               f"every {REFRESH_S}s"]),
                           live=" ".join(LIVE), ticket_statuses=TICKET_STATUSES, counts_every_ms=COUNTS_EVERY_S * 1000)


def _view(tv: bool) -> dict:
    """The query as the page reads it: `zone`, `agency` (within the person's scope: else 403)."""
    zone = request.args.get("zone", "").strip()[:PARAM_MAX] or None
    agency = request.args.get("agency", "").strip()[:PARAM_MAX] or None
    mine = scope()
    if agency is not None:
        check_scope(agency)
    agency = agency or mine
    asked = (("zone", zone), ("agency", agency if mine is None else None), ("tv", "1" if tv else None))
    query = {name: value for name, value in asked if value is not None}  # an agency's own scope goes without saying
    return {"zone": zone, "agency": agency, "tv": tv, "fragment_url": f"{session.PATH}/floor?{urlencode(query)}",
            "query": query}


def _fragment(view: dict) -> str:
    """The fragment's HTML for these figures: rendered once however many pages ask for it."""
    app = current_app._get_current_object()
    figures = floor.shared_figures(ctx(), view["zone"], view["agency"])
    scope_key = (view["zone"], view["agency"], view["tv"])
    version = (figures["generation"], figures["last_event_id"], figures["now"], ctx().site.version)
    shelf = app.extensions.setdefault("mpp.web.monitor", OrderedDict())
    kept = shelf.get(scope_key)
    if kept is not None and kept[0] == version:
        shelf.move_to_end(scope_key)
        return kept[1]
    scope_query = [(name, value) for name, value in (("agency", view["agency"]), ("zone", view["zone"])) if value]
    html = render_template("monitor_tv_floor.html" if view["tv"] else "monitor_floor.html", floor=figures,
                           back=f"?{urlencode(scope_query)}" if scope_query else "", **_helpers(), **view)
    shelf[scope_key] = (version, html)  # only the latest of each scope: a building's is half a megabyte
    shelf.move_to_end(scope_key)
    if len(shelf) > RENDERED:
        shelf.popitem(last=False)
    return html


def _helpers() -> dict:
    site = ctx().site

    def clock(text: str | None) -> str:
        """An ISO time of the server as the floor reads it: 09:14."""
        return datetime.fromisoformat(text).astimezone(site.tz).strftime("%H:%M") if text else "–"

    def percent(value: float | None) -> str:
        if value is None:
            return "–"
        return (f"{value:.0f}" if value == int(value) else f"{value:.1f}").replace(".", ",")

    return {"clock": clock, "percent": percent, "statuses": STATUSES, "ticket_statuses": TICKET_STATUSES,
            "queue_info": site.queues, "agency_info": site.agencies, "hooks": _hooks(), "listed": LISTED}


def _hooks() -> dict:
    """The action templates there are, looked up once (a missing template is looked up anew each time)."""
    app = current_app._get_current_object()
    found = app.extensions.get("mpp.web.monitor_hooks")
    if found is None:
        found = {}
        for name, template in HOOKS.items():
            try:
                app.jinja_env.get_template(template)
                found[name] = template
            except TemplateNotFound:
                found[name] = None
        app.extensions["mpp.web.monitor_hooks"] = found
    return found
