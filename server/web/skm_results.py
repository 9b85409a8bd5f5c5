"""The survey's results (`/manage/skm`, "SKM"): IKM and category of a month (or any `from`..`to`), the
NRR of each unsur as a bar, respondents against the minimum sample, the months, the comments, the
respondents' profile, and the follow-up plan (Rencana Tindak Lanjut) per unsur, written here and
audited by the flow. A supervisor of one agency sees and plans for their agency only; the admin
also gets each counter's tablet link and the poster (PDF) for the hall wall."""

from urllib.parse import urlencode

from flask import Response, redirect, render_template, request

from ..api import conn, ctx
from ..domain import skm as rule
from ..domain.errors import DomainError
from ..flows import skm
from . import session
from .manage import bp
from .session import MANAGERS, page, page_principal
from .skm import tablet_url

PATH = f"{session.PATH}/skm"
def _period() -> tuple[str, str]:
    """`?from&to`, else `?month=YYYY-MM`, else this month."""
    start, end = request.args.get("from", "")[:10], request.args.get("to", "")[:10]
    if start or end:
        return skm.period(ctx(), start or None, end or None)
    return skm.month_range(request.args.get("month", "")[:7] or None, ctx().site.service_day(ctx().now()))


def _filters() -> dict:
    found = {name: request.args.get(name, "").strip()[:32] or None for name in ("agency", "service")}
    officer = request.args.get("officer", "").strip()[:18]
    return {**found, "officer": int(officer) if officer.isdigit() and int(officer) > 0 else None}


def _results(message: str | None = None, status: int = 200):
    first, last = _period()
    filters = _filters()
    who = page_principal()
    figures = skm.results(ctx(), conn(), who, first, last, filters["agency"], filters["service"], filters["officer"])
    site = ctx().site
    agencies = [a for a in site.config.agencies if session.scope() in (None, a.code)]
    officers = skm.officers(ctx(), conn(), who)
    names = {o["id"]: o["username"] for o in officers}
    query = urlencode({"from": first, "to": last, **{k: v for k, v in filters.items() if v}})
    return render_template(
        "skm.html", r=figures, unsur=rule.UNSUR, message=message, agencies=agencies, filters=filters,
        services=[s for a in agencies for s in a.services], month_name=rule.month_name, query=query,
        converted=lambda v: round(v * 25, 2), letter=lambda v: rule.category(v * 25) if v is not None else None,
        fields=rule.RESPONDENT_FIELDS, may_plan=who.role in MANAGERS, officers=officers,
        officer_name=lambda officer: names.get(officer, str(officer)),
        board_text=skm.board_text(ctx(), conn()), shows_ikm=site.info.show_ikm_on_boards,
        tablets=[(c, tablet_url(c.code)) for c in site.config.counters] if who.role == "admin" else [],
        agency_label=lambda code: site.agencies[code].name if code in site.agencies else code,
        service_name=lambda code: site.services[code].name if code in site.services else code), status


@bp.get("/skm")
@page(roles=MANAGERS)
def skm_results():
    return _results()


@bp.post("/skm/plan")
@page(roles=MANAGERS)
def skm_plan():
    form = request.form
    element = form.get("element", "")
    try:
        skm.set_plan(ctx(), page_principal(), form.get("from", "")[:10], form.get("to", "")[:10],
                     int(element) if element.isdigit() else 0, form.get("text", "")[:skm.PLAN_MAX + 1],
                     form.get("agency", "").strip()[:32] or None, address=request.remote_addr)
    except DomainError as refusal:
        return _results(refusal.message, refusal.status)
    query = {"from": form.get("from", "")[:10], "to": form.get("to", "")[:10]}
    if form.get("agency"):
        query["agency"] = form.get("agency")[:32]
    return redirect(f"{PATH}?{urlencode(query)}#unsur-{element}", code=303)


@bp.get("/skm/poster.pdf")
@page(roles=MANAGERS)
def skm_poster():
    from .skm_poster import poster  # fpdf2 is loaded only for the poster

    first, last = _period()
    filters = _filters()
    figures = skm.summary(ctx(), conn(), page_principal(), first, last, filters["agency"], filters["service"],
                          filters["officer"])
    site = ctx().site
    unit = site.agencies[figures["agency"]].name if figures["agency"] else site.info.name
    body = poster(figures, unit, site.info.name)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="skm_{first}_{last}.pdf"'})
