"""Running text on the boards (`/manage/broadcasts`, "Teks berjalan"): send a message to the boards of
a zone or of the whole building until a time, see the ones running, end one. The flows
(flows/broadcasts.py) check who may send where and write the audit entry; the monitor shows the
running ones above the floor (`/manage/broadcasts/active`, fetched again on `board.message`).
"""

from datetime import datetime, time

from flask import redirect, render_template, request

from ..api import conn, ctx
from ..domain.errors import DomainError, Invalid
from ..flows import broadcasts
from . import session
from .manage import bp
from .session import MANAGERS, page, page_principal

PATH = f"{session.PATH}/broadcasts"
TEXT_MAX = 1000  # read at most this much of the field; the flow's rule says 1–200 characters


def own_zone() -> str | None:
    """An agency supervisor sends to their agency's zone only; None: anywhere."""
    agency = session.scope()
    found = ctx().site.agencies.get(agency) if agency else None
    return found.zone if found else None


def _running(zone: str | None) -> list[dict]:
    """The messages running now that this person looks after (an agency's zone: its own and the building's)."""
    mine = own_zone()
    return broadcasts.active(ctx(), conn(), zone or mine)


def _page(form: dict | None = None, message: str | None = None, status: int = 200):
    site = ctx().site
    mine = own_zone()
    zones = [z for z in site.config.zones if mine is None or z.code == mine]
    return render_template("broadcasts.html", running=_running(None), zones=zones, building=mine is None,
                           zone_names={z.code: z.name for z in site.config.zones}, clock=_clock,
                           may_end=lambda m: mine is None or m["zone"] == mine,
                           form=form or {}, message=message), status


def _clock(text: str | None) -> str:
    return datetime.fromisoformat(text).astimezone(ctx().site.tz).strftime("%H:%M") if text else "–"


@bp.get("/broadcasts")
@page(roles=MANAGERS)
def running_text():
    return _page()


@bp.post("/broadcasts")
@page(roles=MANAGERS)
def send_running_text():
    form = {"text": request.form.get("text", "")[:TEXT_MAX], "zone": request.form.get("zone", "").strip()[:32],
            "until": request.form.get("until", "").strip()[:16]}
    try:
        broadcasts.send(ctx(), page_principal(), form["text"], form["zone"] or None, _until(form["until"]),
                        address=request.remote_addr)
    except DomainError as exc:
        return _page(form, exc.message, exc.status)
    return redirect(PATH, code=303)


@bp.post("/broadcasts/<int:broadcast_id>/end")
@page(roles=MANAGERS)
def end_running_text(broadcast_id: int):
    try:
        broadcasts.end(ctx(), page_principal(), broadcast_id, address=request.remote_addr)
    except DomainError as exc:
        return _page(None, exc.message, exc.status)
    return redirect(PATH, code=303)


@bp.get("/broadcasts/active")
@page(roles=MANAGERS)
def running_text_on_monitor():
    """The running texts as the monitor shows them (the content of its #running-text), for its zone."""
    zone = request.args.get("zone", "").strip()[:32] or None
    return render_template("monitor_running_text_list.html", running=_running(zone), clock=_clock)


def _until(text: str) -> str | None:
    """The form's `HH:MM` (today, the site's time) as the flow takes it: ISO 8601 with the offset."""
    if not text:
        return None
    try:
        moment = time.fromisoformat(text)
    except ValueError:
        raise Invalid("Isi jam berakhir seperti 15:30.", code="invalid_until") from None
    site = ctx().site
    today = ctx().now().astimezone(site.tz).date()
    return datetime.combine(today, moment.replace(second=0, microsecond=0), tzinfo=site.tz).isoformat()
