"""The supervisor's actions on the floor monitor: open, pause, resume or close a counter, change the
queues it serves today, cancel a waiting ticket or move it to another service (keeping its code).

Each action is a POST under /manage/ (CSRF checked by session.check_csrf) that calls the same flow
as the JSON API with the page's person and address; the flow checks the scope and writes the audit
entry. From the monitor (htmx) the answer is #floor's new content plus the outcome in words for
#action-status (an out-of-band swap); a refusal keeps its status (409/422/403) and swaps only the
words (static/actions.js lets htmx swap it). Without JavaScript, the same URL read with GET is a
page that asks to confirm (or a form), and its POST answers 303 back to the monitor.
"""

import json
from datetime import datetime
from urllib.parse import urlencode

from flask import Response, redirect, render_template, request
from markupsafe import escape

from .. import storage
from ..api import conn, ctx
from ..domain.errors import DomainError, Invalid, NotFound
from ..domain.tickets import STATUS_WORDS
from ..flows import counters, supervise
from . import monitor, session
from .manage import bp
from .session import MANAGERS, check_scope, page, page_principal

PARAM_MAX = 32
COUNTER_ACTIONS = {  # action: (button, what the page says it does, done)
    "open": ("Buka", "Buka {name} atas nama Anda.", "{name} dibuka."),
    "pause": ("Jeda", "Jeda {name}: loket berhenti memanggil sampai dilanjutkan.", "{name} dijeda."),
    "resume": ("Lanjutkan", "Lanjutkan {name}: loket memanggil lagi.", "{name} dilanjutkan."),
    "close": ("Tutup", "Tutup {name}. Tiket yang sedang dipanggil kembali ke antrean; tiket yang sedang "
                       "dilayani dianggap selesai.", "{name} ditutup."),
}


# ------------------------------------------------------------------------------------ helpers


def _kept() -> dict:
    """What the action's query carries of where the person came from: the monitor's zone and
    agency, and `queue` when it was a queue's own page (/manage/queues/<code>)."""
    query = {name: request.args.get(name, "").strip()[:PARAM_MAX] for name in ("zone", "agency", "queue")}
    if query["queue"] not in ctx().site.queues:
        query["queue"] = ""
    return {name: value for name, value in query.items() if value}


def monitor_url() -> str:
    """The page the person came from: the monitor of their zone and agency, or a queue's page."""
    query = _kept()
    queue = query.pop("queue", None)
    path = f"{session.PATH}/queues/{queue}" if queue else f"{session.PATH}/"
    return path + (f"?{urlencode(query)}" if query else "")


def back_query() -> str:
    """The same zone, agency (and queue) for the next link or form (`?zone=…&agency=…`, or nothing)."""
    query = _kept()
    return f"?{urlencode(query)}" if query else ""


def htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def status_words(text: str, refused: bool = False) -> str:
    """The outcome in words, for the monitor's #action-status (swapped out of band)."""
    kind = "refused" if refused else "done"
    return (f'<p id="action-status" class="action-status" role="status" hx-swap-oob="innerHTML">'
            f'<span class="{kind}">{escape(text)}</span></p>')


def done(text: str):
    """The action is done: htmx gets #floor's new content (and the words), a form goes back."""
    if htmx():
        return Response(monitor.floor_for_request() + status_words(text), mimetype="text/html")
    return redirect(monitor_url(), code=303)


def refused_to_htmx(exc: DomainError) -> Response:
    return Response(status_words(exc.message, refused=True), status=exc.status, mimetype="text/html",
                    headers={"HX-Reswap": "none", "X-Action-Refused": "1"})


def _counter(code: str):
    row = storage.counter_row(conn(), code[:PARAM_MAX], ctx().site.service_day(ctx().now()))
    if row is None:
        raise NotFound(f"Loket {code!r} tidak dikenal.", code="unknown_counter")
    check_scope(row["agency"])
    return row


def _ticket(code: str):
    """A ticket of today by its code (the monitor shows codes, never the ticket's id)."""
    code = code.strip().upper()[:PARAM_MAX]
    with storage.read(conn()):
        row = storage.ticket_by_code(conn(), ctx().site.service_day(ctx().now()), code)
    if row is None:
        raise NotFound(f"Tiket {code} tidak ada hari ini.", code="unknown_ticket")
    check_scope(row["agency"])
    return row


# ---------------------------------------------------------------------------- counter status


@bp.route("/counters/<code>/<any(open, pause, resume, close):action>", methods=["GET", "POST"])
@page(roles=MANAGERS)
def counter_action(code: str, action: str):
    row = _counter(code)
    said = COUNTER_ACTIONS[action][2]
    if request.method == "GET":  # without JavaScript: the page that asks to confirm
        return _confirm_counter(row, action)
    try:
        counters.act(ctx(), row["code"], page_principal(), action, address=request.remote_addr)
    except DomainError as exc:
        if htmx():
            return refused_to_htmx(exc)
        return _confirm_counter(row, action, exc.message, exc.status)
    return done(said.format(name=row["name"]))


def _confirm_counter(row, action: str, message: str | None = None, status: int = 200):
    button, explain, _ = COUNTER_ACTIONS[action]
    ticket = storage.ticket_by_id(conn(), row["ticket_id"]) if row["ticket_id"] is not None else None
    return render_template("confirm.html", title=f"{button} {row['name']}?",
                           explain=explain.format(name=row["name"]), button=button,
                           holding=ticket["code"] if ticket is not None else None,
                           action_url=request.path + back_query(), back_url=monitor_url(),
                           message=message), status


# ---------------------------------------------------------------------------- counter queues


@bp.route("/counters/<code>/queues", methods=["GET", "POST"])
@page(roles=MANAGERS)
def counter_queues(code: str):
    """Which queues the counter serves today and in what order: a form, no JavaScript needed."""
    row = _counter(code)
    current = json.loads(row["queues"])
    if request.method == "GET":
        return _queues_form(row, current)
    try:
        chosen = _configured(row) if request.form.get("reset") else _chosen_queues()
        supervise.set_counter_queues(ctx(), page_principal(), row["code"], chosen, address=request.remote_addr)
    except DomainError as exc:
        return _queues_form(row, request.form.getlist("queue"), exc.message, exc.status)
    return redirect(monitor_url(), code=303)


def _configured(row) -> list[str]:
    return json.loads(row["configured_queues"])


def _chosen_queues() -> list[str]:
    """The ticked queues by the order typed next to each (ties: in the form's order)."""
    ticked = [q[:PARAM_MAX] for q in request.form.getlist("queue")][:50]
    placed = []
    for index, queue in enumerate(ticked):
        raw = request.form.get(f"order-{queue}", "").strip()
        if raw and not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 99):
            raise Invalid("Urutan harus angka 1 sampai 99.", code="invalid_order")
        placed.append((int(raw) if raw else 99, index, queue))
    return [queue for _, _, queue in sorted(placed)]


def _queues_form(row, chosen: list[str], message: str | None = None, status: int = 200):
    site = ctx().site
    mine = session.scope()
    offered = [q for q in site.config.queues if mine is None or site.queue_agency.get(q.code) == mine]
    # The counter's queues today first, in their order; then the others in the site's order.
    offered.sort(key=lambda q: (chosen.index(q.code) if q.code in chosen else len(chosen)))
    return render_template("counter_queues.html", counter=row, offered=offered, chosen=chosen,
                           configured=_configured(row), queue_info=site.queues, message=message,
                           action_url=request.path + back_query(), back_url=monitor_url()), status


# ---------------------------------------------------------------------------- waiting tickets


@bp.route("/tickets/<code>/cancel", methods=["GET", "POST"])
@page(roles=MANAGERS)
def cancel_ticket(code: str):
    row = _ticket(code)
    if request.method == "GET":
        return _confirm_cancel(row)
    try:
        supervise.cancel_ticket(ctx(), page_principal(), row["id"], address=request.remote_addr)
    except DomainError as exc:
        if htmx():
            return refused_to_htmx(exc)
        return _confirm_cancel(row, exc.message, exc.status)
    return done(f"Tiket {row['code']} dibatalkan.")


def _confirm_cancel(row, message: str | None = None, status: int = 200):
    service = ctx().site.services.get(row["service"])
    return render_template("confirm.html", title=f"Batalkan tiket {row['code']}?",
                           explain=f"Tiket {row['code']} ({service.name if service else row['service']}, "
                                   f"{STATUS_WORDS.get(row['status'], row['status'])}) dibatalkan; nomornya "
                                   "tidak dipakai lagi hari ini.",
                           button="Batalkan tiket", holding=None, action_url=request.path + back_query(),
                           back_url=monitor_url(), message=message), status


@bp.route("/tickets/<code>/transfer", methods=["GET", "POST"])
@page(roles=MANAGERS)
def transfer_ticket(code: str):
    """Move a waiting ticket to another service: it keeps its code and its place in time."""
    row = _ticket(code)
    if request.method == "GET":
        return _transfer_form(row)
    service = request.form.get("service", "").strip()[:PARAM_MAX]
    try:
        if not service:
            raise Invalid("Pilih layanan tujuan.", code="no_service")
        supervise.transfer_ticket(ctx(), page_principal(), row["id"], service, address=request.remote_addr)
    except DomainError as exc:
        return _transfer_form(row, service, exc.message, exc.status)
    return redirect(monitor_url(), code=303)


def _transfer_form(row, service: str = "", message: str | None = None, status: int = 200):
    site = ctx().site
    waited = None
    if row["queued_at"]:
        waited = int((ctx().now() - datetime.fromisoformat(row["queued_at"])).total_seconds() // 60)
    return render_template("ticket_transfer.html", ticket=row, agencies=site.config.agencies,
                           current=site.services.get(row["service"]), chosen=service, waited=waited,
                           status_word=STATUS_WORDS.get(row["status"], row["status"]), message=message,
                           action_url=request.path + back_query(), back_url=monitor_url()), status
