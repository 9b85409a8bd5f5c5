"""The reports, for the people who answer for the MPP: figures of a range of days as JSON, and the
tickets one per line as CSV. A supervisor of one agency sees that agency only; a building supervisor
and an admin see all. (The report's models live here: they concern these endpoints only.)"""

from typing import Literal

from flask import Response, jsonify, stream_with_context
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from ..domain.reports import DEFINITIONS_ID
from ..flows import reports
from ..flows import report_files
from . import conn, ctx, release_connection, require, roles
from .schemas import CodeText, ErrorResponse

SUPERVISORS = ("supervisor", "admin")
DEFINITIONS = (
    "Waiting time: ready (printed; queued without a print time) → FIRST call. Service time: start (or the "
    "call, when never started) → done. Service level: % of called tickets whose wait ≤ the target_wait_min "
    "(default 15) of the service they were issued for. Issued, transferred out, waits, service level, priority "
    "share and busiest hour count under the ISSUED service; served, no-show, cancelled and service time where "
    "the ticket ended (as GET /api/floor counts). Median and p90: linear between the nearest ranks, over the "
    "times rounded up to 6 seconds (within 0.1 minute); means and service level exact. Minutes with one decimal.\n\n"
    "The same, as the report page /manage/reports states it: "
    + " ".join(f"**{term}**: {text}" for term, text in DEFINITIONS_ID))

bp = APIBlueprint("reports", __name__, url_prefix="/api/reports", abp_tags=[Tag(name="management")],
                  abp_security=[{"bearer": []}],
                  abp_responses={401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse})

Day = Field(None, max_length=10, description="A service day, YYYY-MM-DD (422 `bad_date` otherwise)")


class SummaryQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str | None = Field(None, alias="from", max_length=10,
                              description="First service day, YYYY-MM-DD; default: `to`, else today")
    to: str | None = Field(None, max_length=10, description="Last service day (included); default: `from`. "
                           "At most 400 days (422 `range_too_long`); before `from`: 422 `bad_range`")
    agency: CodeText | None = Field(None, description="Only this agency (a supervisor of one agency: theirs only)")
    service: CodeText | None = Field(None, description="Only this service")
    group: Literal["agency", "service", "counter", "officer", "hour", "day", "weekday"] | None = Field(
        None, description="One row per agency, service, counter, officer, hour of day (of issue), service day or "
                          "weekday (1 = Monday); none: totals only")


class CsvQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str | None = Field(None, alias="from", max_length=10, description="First service day, YYYY-MM-DD")
    to: str | None = Field(None, max_length=10, description="Last service day (included)")
    agency: CodeText | None = Field(None, description="Only the tickets issued for or ended at this agency")


class XlsxQuery(CsvQuery):
    agency: CodeText | None = Field(None, description="Only this agency (a supervisor of one agency: theirs only)")
    group: Literal["agency", "service", "counter", "officer", "hour", "day", "weekday"] | None = Field(
        None, description="Only this grouping's sheet (besides Ringkasan); none: a sheet for each of the seven")


class MonthQuery(BaseModel):
    month: str | None = Field(None, max_length=7, description="YYYY-MM (422 `bad_month` otherwise); default: the "
                                                                "month before today's")
    agency: CodeText | None = Field(None, description="Only this agency (a supervisor of one agency: theirs only)")


class Figures(BaseModel):
    issued: int
    served: int = Field(description="Ended done (where they ended)")
    no_show: int
    cancelled: int
    transferred_out: int = Field(description="Issued here, now in another row (another agency, else another service)")
    called: int = Field(description="Called at least once: the base of the waits and the service level")
    wait_mean_min: float | None
    wait_median_min: float | None
    wait_p90_min: float | None
    service_mean_min: float | None
    service_p90_min: float | None
    service_level_pct: float | None
    priority_pct: float | None = Field(description="% of issued tickets under a priority category")
    busiest_hour: int | None = Field(description="Hour of day (of issue) with the most tickets; a tie: the earlier")


class Totals(Figures):
    booked: int = Field(description="Appointments of the range (cancelled ones left out), checked in or not")
    booking_no_show: int = Field(description="Of them, not checked in by the end of their check-in window")


class SummaryRow(Figures):
    key: str | None = Field(description="The agency, service or counter code, officer id, hour (8), day "
                                        "(YYYY-MM-DD) or weekday (1 = Monday); null: tickets without a counter/officer")
    label: str


class Summary(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str = Field(alias="from")
    to: str
    agency: str | None
    service: str | None
    group: str | None
    totals: Totals
    rows: list[SummaryRow]


@bp.get("/summary", summary="Report figures of a range of service days, per grouping (supervisor, admin)",
        description=DEFINITIONS, responses={200: Summary})
@roles(*SUPERVISORS)
def get_summary(query: SummaryQuery):
    who = require(*SUPERVISORS)
    return jsonify(reports.summary(ctx(), conn(), who, query.from_, query.to, query.agency, query.service,
                                   query.group))


@bp.get("/tickets.csv", summary="The tickets of a range of days, one per line, no personal data (supervisor, admin)",
        description="UTF-8 with a byte order mark, separator `;`, decimal comma, times local `YYYY-MM-DD HH:MM:SS` "
                    "(what Excel with Indonesian settings opens as columns, numbers and dates). Columns: "
                    + ",".join(reports.CSV_COLUMNS) + "; `called_at` is the first call, `officer` the username, "
                    "`wait_min`/`service_min` as in the summary. Streamed: any size.",
        responses={200: None})
@roles(*SUPERVISORS)
def get_tickets_csv(query: CsvQuery):
    who = require(*SUPERVISORS)
    first, last, pieces = reports.tickets_csv(ctx(), who, query.from_, query.to, query.agency)
    release_connection()  # the stream reads on its own connection, for as long as it takes
    name = f"tiket_{first}_{last}" + (f"_{query.agency}" if query.agency else "") + ".csv"
    return Response(stream_with_context(piece.encode("utf-8") for piece in pieces),
                    mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/summary.xlsx", summary="The summary as an XLSX workbook, a sheet per grouping (supervisor, admin)",
        description="Sheets: `Ringkasan` (site, period as date cells, totals, no-show rate, the definitions in "
                    "Indonesian), then `Per instansi`, `Per layanan`, `Per loket`, `Per petugas`, `Per jam`, "
                    "`Per tanggal`, `Per hari` (or only `group`'s): one row per key with the figures of "
                    "GET /api/reports/summary as numbers (minutes and % with one decimal), a day as a date "
                    "cell, a last row `Jumlah` with the totals; Indonesian headers, the header row frozen. "
                    "`Content-Disposition: attachment; filename=\"ringkasan_FROM_TO[_AGENCY].xlsx\"`.",
        responses={200: None})
@roles(*SUPERVISORS)
def get_summary_xlsx(query: XlsxQuery):
    who = require(*SUPERVISORS)
    first, last, agency, data = report_files.summary_xlsx(ctx(), conn(), who, query.from_, query.to, query.agency,
                                                          query.group)
    name = f"ringkasan_{first}_{last}" + (f"_{agency}" if agency else "") + ".xlsx"
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/monthly.pdf", summary="The monthly report for the Pemda, as PDF in Indonesian (supervisor, admin)",
        description="Site name and address, the period (\"November 2026\"), the totals against the month before "
                    "(difference and %; a rate's difference in points), service level, no-show rate (% of called "
                    "tickets), a table per agency, bars of the tickets per agency and of the arrivals per hour, "
                    "and the definitions. A supervisor of one agency: that agency's report. "
                    "`Content-Disposition: attachment; filename=\"laporan_YYYY-MM[_AGENCY].pdf\"`.",
        responses={200: None})
@roles(*SUPERVISORS)
def get_monthly_pdf(query: MonthQuery):
    who = require(*SUPERVISORS)
    month, agency, data = report_files.monthly_pdf(ctx(), conn(), who, query.month, query.agency)
    name = f"laporan_{month}" + (f"_{agency}" if agency else "") + ".pdf"
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})
