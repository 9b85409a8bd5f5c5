"""Where citizens answer the satisfaction survey (SKM): the status page of a served ticket (its QR) turns
into the survey, and a tablet facing the citizen at a counter shows it for the ticket just finished.

Plain HTML forms that post and answer a page: they work without JavaScript. The tablet is paired to
its counter by a link signed with the database's key (`counter_key`), given to the admin on
/manage/skm: no account on the tablet, and a link for one counter cannot be edited into another's.
It reloads itself (meta refresh) while idle and after a timeout, so it needs no script either."""

import hashlib
import hmac
from importlib import resources

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from .. import storage
from ..api import conn, ctx
from ..domain import skm as rule
from ..domain.errors import Conflict, DomainError, Forbidden
from ..flows import skm

bp = Blueprint("skm_pages", __name__, template_folder="templates")

SHOW_S = 180  # the tablet offers the survey for this long after the counter finished a ticket
IDLE_REFRESH_S = 4
THANKS_S = 8
GRACE_S = 60  # a form sent just as its time ran out still counts
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'; "
                                      "form-action 'self'; frame-ancestors 'none'"}


def counter_key(counter: str) -> str:
    secret = current_app.secret_key.encode()  # the database's own key (manage.register), as the cookies'
    return hmac.new(secret, f"skm.counter:{counter}".encode(), hashlib.sha256).hexdigest()[:32]


def tablet_url(counter: str) -> str:
    return url_for("skm_pages.tablet", counter=counter, key=counter_key(counter))


def _page(template: str, status: int = 200, **values) -> Response:
    html = render_template(template, form=rule.form(), site_name=ctx().site.info.name, **values)
    return Response(html, status=status, mimetype="text/html", headers=HEADERS)


def _answers_of(form) -> tuple[list, str | None, dict]:
    """The posted form as the API's body: q1..q9 as numbers (a missing one as None)."""
    answers = []
    for n in range(1, rule.COUNT + 1):
        value = form.get(f"q{n}", "")
        answers.append(int(value) if value.isdigit() and len(value) == 1 else None)
    profile = {name: form.get(name, "") for name in rule.RESPONDENT_FIELDS}
    return answers, form.get("comment", ""), profile


# ---------------------------------------------------------------- the citizen's phone


def status_page(public_id: str) -> Response:
    """`/t/<public_id>`: the survey while a served ticket may answer it; else the live status page."""
    state = skm.ticket_state(ctx(), conn(), public_id) if 8 <= len(public_id) <= 40 else {"open": False}
    if state["open"]:
        row = storage.ticket_by_public_id(conn(), public_id)
        return _page("skm_form.html", ticket=_ticket(row), until=state["until"], chosen={},
                     action=url_for("skm_pages.phone_answer", public_id=public_id))
    page = resources.files("server.web").joinpath("status.html").read_bytes()
    return Response(page, mimetype="text/html", headers={"Cache-Control": "no-cache"})


def _ticket(row) -> dict:
    service = ctx().site.services.get(row["service"])
    counter = ctx().site.counters.get(row["counter"]) if row["counter"] else None
    return {"public_id": row["public_id"], "code": row["code"],
            "service_name": service.name if service else row["service"],
            "counter_name": counter.name if counter else None}


@bp.post("/t/<public_id>/skm")
def phone_answer(public_id: str):
    answers, comment, profile = _answers_of(request.form)
    try:
        skm.submit(ctx(), public_id, answers, comment, profile)
    except DomainError as refusal:
        row = storage.ticket_by_public_id(conn(), public_id)
        if refusal.status == 422 and row is not None:
            return _page("skm_form.html", 422, ticket=_ticket(row), error=refusal.message, chosen=request.form,
                         action=url_for("skm_pages.phone_answer", public_id=public_id))
        return _page("skm_done.html", refusal.status, message=refusal.message, code=refusal.code)
    return _page("skm_done.html", 201, thanks=True)


# ---------------------------------------------------------------- the tablet at a counter


def _paired(counter: str) -> str:
    key = request.args.get("key", "")
    if counter not in ctx().site.counters or not hmac.compare_digest(key.encode(), counter_key(counter).encode()):
        raise Forbidden("Tablet ini belum dipasangkan dengan loket. Buka tautan dari halaman SKM.", code="not_paired")
    return key


@bp.get("/skm/counter/<counter>")
def tablet(counter: str):
    try:
        key = _paired(counter)
    except Forbidden as refusal:
        return _page("skm_done.html", 403, message=refusal.message, code=refusal.code)
    here = url_for("skm_pages.tablet", counter=counter, key=key)
    ticket = skm.latest_at_counter(ctx(), conn(), counter, SHOW_S)
    name = ctx().site.counters[counter].name
    if ticket is None:
        return _page("skm_idle.html", refresh=IDLE_REFRESH_S, reset_url=here, counter_name=name)
    return _page("skm_form.html", ticket=ticket, action=here, chosen={}, tablet=True, refresh=SHOW_S, reset_url=here,
                 counter_name=name, poll_url=url_for("skm_pages.tablet_current", counter=counter, key=key))


@bp.get("/skm/counter/<counter>/current")
def tablet_current(counter: str):
    """The small answer the tablet's form polls: which ticket the survey is for now (null: none), so a
    form left unanswered goes away as soon as the officer calls the next citizen."""
    try:
        _paired(counter)
    except Forbidden as refusal:
        return jsonify({"error": {"code": refusal.code, "message": refusal.message}}), 403
    ticket = skm.latest_at_counter(ctx(), conn(), counter, SHOW_S)
    return jsonify({"ticket": ticket["public_id"] if ticket else None}), 200, {"Cache-Control": "no-store"}


@bp.post("/skm/counter/<counter>")
def tablet_answer(counter: str):
    try:
        key = _paired(counter)
    except Forbidden as refusal:
        return _page("skm_done.html", 403, message=refusal.message, code=refusal.code)
    here = url_for("skm_pages.tablet", counter=counter, key=key)
    public_id = request.form.get("ticket", "")[:40]
    answers, comment, profile = _answers_of(request.form)
    try:
        shown = skm.latest_at_counter(ctx(), conn(), counter, SHOW_S + GRACE_S)
        if shown is None or shown["public_id"] != public_id:  # the next citizen is at the counter already
            raise Conflict("Waktu pengisian survei ini sudah habis. Terima kasih.", code="survey_closed")
        skm.submit(ctx(), public_id, answers, comment, profile, channel=skm.COUNTER, counter=counter)
    except DomainError as refusal:
        ticket = skm.latest_at_counter(ctx(), conn(), counter, SHOW_S)
        if refusal.status == 422 and ticket is not None and ticket["public_id"] == public_id:
            return _page("skm_form.html", 422, ticket=ticket, action=here, chosen=request.form, error=refusal.message,
                         tablet=True, refresh=SHOW_S, reset_url=here,
                         poll_url=url_for("skm_pages.tablet_current", counter=counter, key=key))
        return _page("skm_done.html", refusal.status, message=refusal.message, code=refusal.code,
                     refresh=THANKS_S, reset_url=here)
    return _page("skm_done.html", 201, thanks=True, refresh=THANKS_S, reset_url=here)
