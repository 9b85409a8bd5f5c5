"""The reports as files (`GET /api/reports/summary.xlsx`, `GET /api/reports/monthly.pdf`): the same
figures as `GET /api/reports/summary` (server/flows/reports.py, with its scope checks), laid out by
server/report_xlsx.py and server/report_pdf.py."""

from gevent import get_hub

from ..context import Context
from ..domain import reports as rules
from ..domain.reports import GROUPINGS
from . import reports


def summary_xlsx(ctx: Context, conn, principal, start: str | None, end: str | None, agency: str | None = None,
                 group: str | None = None) -> tuple[str, str, str | None, bytes]:
    """(first day, last day, agency, the workbook): one sheet per grouping (only `group`'s when given)."""
    return _off_the_loop(_summary_xlsx, ctx, conn, principal, start, end, agency, group)


def monthly_pdf(ctx: Context, conn, principal, month: str | None, agency: str | None = None) -> tuple[str, str | None,
                                                                                                        bytes]:
    """(the month `YYYY-MM`, agency, the PDF): the month by agency and by hour, and the month before."""
    return _off_the_loop(_monthly_pdf, ctx, conn, principal, month, agency)


def _off_the_loop(work, *args):
    """A file takes seconds of SQLite and Python (a month's workbook: seven grouped reads): in gevent's
    thread pool the event loop meanwhile serves the kiosks, counters and boards. (The connection is
    the request's alone; errors come back as raised.)"""
    return get_hub().threadpool.apply(work, args)


def _summary_xlsx(ctx: Context, conn, principal, start, end, agency, group) -> tuple[str, str, str | None, bytes]:
    from ..report_xlsx import workbook

    agency = reports.scope(ctx, principal, agency, None)
    first, last = rules.date_range(start, end, ctx.site.service_day(ctx.now()))
    # One summary per grouping, as GET /api/reports/summary reads it, from one snapshot (the reads the
    # groupings share made once). (Folding the range's tickets into every grouping in one pass in Python
    # was no faster than SQLite's grouped reads.)
    grouped = reports.summaries(ctx, conn, principal, first, last, agency, None, [group] if group else GROUPINGS)
    info = ctx.site.info
    # Every grouping's totals are the same tickets': the first one's are the book's.
    made = workbook(info.name, info.address, ctx.now().astimezone(ctx.site.tz), grouped[0], grouped)
    return first, last, agency, made


def _monthly_pdf(ctx: Context, conn, principal, month, agency) -> tuple[str, str | None, bytes]:
    from ..report_pdf import monthly_report

    agency = reports.scope(ctx, principal, agency, None)
    first, last, previous_first, previous_last = rules.month_range(month, ctx.site.service_day(ctx.now()))
    by_agency, by_hour = reports.summaries(ctx, conn, principal, first, last, agency, None, ["agency", "hour"])
    before = reports.summary(ctx, conn, principal, previous_first, previous_last, agency, None, "agency")
    info = ctx.site.info
    agency_name = ctx.site.agencies[agency].name if agency else None
    short = {a.code: a.short_name or a.name for a in ctx.site.config.agencies}
    made = monthly_report(info.name, info.address, agency_name, ctx.now().astimezone(ctx.site.tz),
                          by_agency, by_hour, before, short)
    return first[:7], agency, made
