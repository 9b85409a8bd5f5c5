"""The satisfaction survey (SKM, PermenPANRB 14/2017): an answer tied to the ticket that was served,
the figures of a period for who may see them, and the follow-up plan. Rules in server/domain/skm.py.

Privacy: an officer sees only their own figures, and only from MIN_FOR_OFFICER answers on (fewer
could be traced to a citizen); the comments carry no ticket or officer; the profile is counts."""

from datetime import date, timedelta

from .. import storage
from ..context import Context, Work
from ..domain import reports as report_rules
from ..domain import skm
from ..domain.errors import Forbidden, Invalid, NotFound
from .reports import scope

PHONE, COUNTER = "phone", "counter"
PLAN_MAX = 2000


def ticket_state(ctx: Context, conn, public_id: str) -> dict:
    """What the status page needs: {"open", "answered", "until"} (until: local ISO, or None)."""
    row = storage.ticket_by_public_id(conn, public_id)
    if row is None or row["status"] != "done" or not row["finished_at"]:
        return {"open": False, "answered": False, "until": None}
    answered = storage.skm_answered(conn, row["id"])
    until = skm.closes_at(row["finished_at"])
    return {"open": not answered and ctx.now() <= until, "answered": answered,
            "until": ctx.site.local_text(until)}


def submit(ctx: Context, public_id: str, answers, comment=None, respondent=None, channel: str = PHONE,
           counter: str | None = None) -> dict:
    """The answer of the ticket behind `public_id`: 404 unknown_ticket; 409 not_served, already_answered,
    expired; 422 wrong_answers. From a counter's tablet: only a ticket that counter served."""
    with Work(ctx) as work:
        ticket = storage.ticket_by_public_id(work.conn, public_id)
        if ticket is None or (counter is not None and ticket["counter"] != counter):
            raise NotFound("Tiket tidak ditemukan. Periksa kembali kode QR Anda.", code="unknown_ticket")
        skm.check_open(ticket["status"], ticket["finished_at"], storage.skm_answered(work.conn, ticket["id"]),
                       work.moment)
        answers, comment, profile = skm.check_answers(answers, comment, respondent)
        response_id = storage.insert_skm_response(work.conn, ticket, channel, work.now, answers, comment)
        storage.count_skm_profile(work.conn, ticket["service_day"], ticket["agency"], ticket["service"], profile)
    return {"id": response_id}


def latest_at_counter(ctx: Context, conn, counter: str, within_s: int) -> dict | None:
    """The ticket a counter finished in the last `within_s` seconds, not yet answered for, while the
    counter has called nobody else: {"public_id", "code", "service_name", "finished_at"}; else None."""
    moment = ctx.now()
    since = ctx.site.local_text(moment - timedelta(seconds=within_s))
    row = storage.skm_latest_done_at_counter(conn, counter, ctx.site.service_day(moment), since)
    if row is None or storage.skm_answered(conn, row["id"]):
        return None
    service = ctx.site.services.get(row["service"])
    return {"public_id": row["public_id"], "code": row["code"],
            "service_name": service.name if service else row["service"], "finished_at": row["finished_at"]}


# ---------------------------------------------------------------- the figures


def period(ctx: Context, start: str | None, end: str | None) -> tuple[str, str]:
    return report_rules.date_range(start, end, ctx.site.service_day(ctx.now()))


def _scope(ctx: Context, principal, agency, service, officer) -> tuple[str | None, int | None]:
    """(agency, officer) the caller may see. An officer: their own figures only (403 another's)."""
    if principal.role == "officer":
        if officer not in (None, principal.id):
            raise Forbidden("Petugas hanya dapat melihat hasil survei dirinya sendiri.", code="other_officer")
        if service is not None and service not in ctx.site.services:
            raise NotFound(f"Layanan {service!r} tidak dikenal.", code="unknown_service")
        return None, principal.id
    return scope(ctx, principal, agency, service), officer


def summary(ctx: Context, conn, principal, start=None, end=None, agency=None, service=None, officer=None) -> dict:
    """The contract's figures of a period: respondents, population (tickets served), the minimum sample,
    NRR per element, IKM, category and grade."""
    agency, officer = _scope(ctx, principal, agency, service, officer)
    first, last = period(ctx, start, end)
    with storage.read(conn):
        respondents, sums = storage.skm_sums(conn, first, last, agency, service, officer)
        population = storage.served_population(conn, first, last, agency, service, officer)
    if principal.role == "officer" and respondents < skm.MIN_FOR_OFFICER:
        raise Forbidden(f"Hasil survei Anda tampil setelah ada sedikitnya {skm.MIN_FOR_OFFICER} jawaban "
                        f"(sekarang {respondents}).", code="too_few_answers", respondents=respondents)
    minimum = skm.min_sample(population)
    return {"from": first, "to": last, "agency": agency, "service": service, "officer": officer,
            "respondents": respondents, "population": population, "min_respondents": minimum,
            "sample_reached": respondents >= minimum, **skm.index_figures(sums, respondents)}


def results(ctx: Context, conn, principal, start=None, end=None, agency=None, service=None, officer=None) -> dict:
    """The results page: the summary, the months, the comments, the profile counts and the plans.
    With `officer`: the comments and profile stay out (None), so no comment is tied to an officer."""
    figures = summary(ctx, conn, principal, start, end, agency, service, officer)
    first, last, agency = figures["from"], figures["to"], figures["agency"]
    with storage.read(conn):
        months = [{"month": month, "respondents": n, **skm.index_figures(sums, n)}
                  for month, n, sums in storage.skm_sums_by_month(conn, first, last, agency, service, officer)]
        comments = storage.skm_comments(conn, first, last, agency, service) if officer is None else None
        profile = storage.skm_profile_counts(conn, first, last, agency, service) if officer is None else None
        plans = storage.skm_plans(conn, agency or "", first, last)
    return {**figures, "months": months, "comments": comments, "profile": profile, "plans": plans,
            "weak": skm.weak(figures["nrr"])}


def officers(ctx: Context, conn, principal) -> list[dict]:
    """The officers a results page may filter by: [{"id", "username"}], those of the caller's agency
    for an agency supervisor (inactive ones too: their answers stay in the figures)."""
    own = principal.agency if principal.role == "supervisor" else None
    with storage.read(conn):
        rows = storage.officer_rows(conn)
    return [{"id": row["id"], "username": row["username"]} for row in rows
            if row["role"] == "officer" and own in (None, row["agency"])]


def own_figures(ctx: Context, conn, principal) -> dict:
    """An officer's own figures of this month for their counter page: {"figures"} once there are
    MIN_FOR_OFFICER answers, else {"respondents", "needed"} (the count only)."""
    first, last = month_range(None, ctx.site.service_day(ctx.now()))
    try:
        return {"figures": summary(ctx, conn, principal, first, last, officer=principal.id)}
    except Forbidden as refusal:
        if refusal.code != "too_few_answers":
            raise
        return {"figures": None, "respondents": refusal.details["respondents"], "needed": skm.MIN_FOR_OFFICER,
                "from": first, "to": last}


def set_plan(ctx: Context, principal, start: str, end: str, element: int, text: str, agency: str | None = None,
             address: str | None = None) -> None:
    """The follow-up plan (Rencana Tindak Lanjut) of one element for a period, within the caller's
    scope (an agency supervisor: their agency's); empty text removes it. Audited."""
    if principal.role not in ("supervisor", "admin"):
        raise Forbidden("Hanya penyelia atau admin yang menulis rencana tindak lanjut.", code="not_a_supervisor")
    agency = scope(ctx, principal, agency, None)
    first, last = period(ctx, start, end)
    if not isinstance(element, int) or not 1 <= element <= skm.COUNT:
        raise Invalid("Unsur harus 1–9.", code="bad_element")
    text = (text or "").strip()
    if len(text) > PLAN_MAX:
        raise Invalid(f"Rencana tindak lanjut paling panjang {PLAN_MAX} huruf.", code="plan_too_long")
    with Work(ctx) as work:
        storage.set_skm_plan(work.conn, agency or "", first, last, element, text, work.now, principal.name)
        work.audit(principal, "skm.plan", target=f"{agency or 'gedung'} {first}..{last} unsur {element}",
                   address=address, element=element, text=text, agency=agency, first_day=first, last_day=last)


def board_text(ctx: Context, conn) -> str | None:
    """The boards' IKM line when the admin turned it on: the building's latest finished month with
    answers within a year (this month is still being counted), else None."""
    if not ctx.site.info.show_ikm_on_boards:
        return None
    this_month = date.fromisoformat(ctx.site.service_day(ctx.now())[:7] + "-01")
    first = this_month.replace(year=this_month.year - 1)
    last = this_month - timedelta(days=1)
    with storage.read(conn):
        months = storage.skm_sums_by_month(conn, first.isoformat(), last.isoformat())
    if not months:
        return None
    month, respondents, sums = months[-1]
    return skm.board_text(month, skm.index_figures(sums, respondents))


def month_range(month: str | None, today: str) -> tuple[str, str]:
    """A page's `?month=YYYY-MM` (default: this month) as first and last day."""
    try:
        first = date.fromisoformat((month or today[:7]) + "-01")
    except ValueError:
        raise Invalid("Bulan harus berbentuk TTTT-BB (mis. 2026-11).", code="bad_month") from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first.isoformat(), (following - timedelta(days=1)).isoformat()
