"""The summary as an XLSX workbook (`GET /api/reports/summary.xlsx`): a "Ringkasan" sheet (site,
period, totals, definitions) and a sheet per grouping, with real numbers and dates. XlsxWriter in
constant-memory mode writes each row as it comes (its temporary files go when the book closes)."""

import io
from datetime import date, datetime

import xlsxwriter

from .domain.reports import WEEKDAYS
from .domain.report_words import DEFINITIONS, FIGURES, GROUPS, no_show_pct

DATE_FORMAT = "dd/mm/yyyy"  # as Indonesia writes a date
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
KEY_WIDTH = {"agency": 44, "service": 44, "counter": 14, "officer": 18, "hour": 8, "day": 12, "weekday": 8}


def workbook(site_name: str, address: str | None, made_at: datetime, totals_answer: dict,
             grouped: list[dict]) -> bytes:
    """The file's bytes. `totals_answer`: a summary (its "from", "to", "agency", "totals");
    `grouped`: one summary per grouping, in sheet order."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    styles = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top",
                                   "border": 1}),
        "bold": book.add_format({"bold": True}),
        "date": book.add_format({"num_format": DATE_FORMAT, "align": "left"}),
        "datetime": book.add_format({"num_format": DATETIME_FORMAT, "align": "left"}),
        "count": book.add_format({"num_format": "#,##0"}),
        "minutes": book.add_format({"num_format": "0.0"}),
        "pct": book.add_format({"num_format": "0.0"}),
        "hour": book.add_format({"num_format": "0"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    _summary_sheet(book, styles, site_name, address, made_at, totals_answer)
    for answer in grouped:
        _group_sheet(book, styles, answer)
    book.close()
    return out.getvalue()


def _summary_sheet(book, styles, site_name, address, made_at, answer) -> None:
    sheet = book.add_worksheet("Ringkasan")
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 90)
    sheet.freeze_panes(1, 0)
    sheet.write_string(0, 0, "Laporan ringkasan antrean", styles["title"])
    rows = [("Lokasi", site_name, None), ("Alamat", address or "-", None),
            ("Periode dari", date.fromisoformat(answer["from"]), "date"),
            ("Periode sampai", date.fromisoformat(answer["to"]), "date"),
            ("Instansi", answer.get("agency") or "Semua instansi", None),
            ("Dibuat", made_at.replace(tzinfo=None), "datetime")]
    row = 2
    for name, value, kind in rows:
        sheet.write_string(row, 0, name, styles["bold"])
        if kind == "date":
            sheet.write_datetime(row, 1, value, styles["date"])
        elif kind == "datetime":
            sheet.write_datetime(row, 1, value, styles["datetime"])
        else:
            sheet.write_string(row, 1, value)
        row += 1
    row += 1
    sheet.write_string(row, 0, "Angka", styles["header"])
    sheet.write_string(row, 1, "Nilai", styles["header"])
    row += 1
    totals = answer["totals"]
    for field, header, kind in FIGURES:
        sheet.write_string(row, 0, header)
        _number(sheet, row, 1, totals.get(field), styles[kind])
        row += 1
    sheet.write_string(row, 0, "Tingkat tidak hadir (%)")
    _number(sheet, row, 1, no_show_pct(totals), styles["pct"])
    row += 2
    sheet.write_string(row, 0, "Definisi", styles["header"])
    sheet.write_string(row, 1, "", styles["header"])
    sheet.write_string(row, 2, "", styles["header"])
    row += 1
    for name, text in DEFINITIONS:
        sheet.write_string(row, 0, name, styles["bold"])
        sheet.write_string(row, 2, text, styles["wrap"])
        row += 1


def _group_sheet(book, styles, answer: dict) -> None:
    group = answer["group"]
    title, key_header = GROUPS[group]
    sheet = book.add_worksheet(title)
    headers = _key_headers(group, key_header) + [header for _, header, _ in FIGURES]
    sheet.set_row(0, 45)
    sheet.freeze_panes(1, 2)
    sheet.set_column(0, 0, KEY_WIDTH[group] if group in ("day", "hour", "weekday") else 14)
    sheet.set_column(1, 1, KEY_WIDTH[group] if group not in ("day", "hour", "weekday") else 16)
    sheet.set_column(2, 1 + len(FIGURES), 12)
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, styles["header"])
    for row, item in enumerate(answer["rows"], start=1):
        _key_cells(sheet, styles, row, group, item)
        for column, (field, _, kind) in enumerate(FIGURES, start=2):
            _number(sheet, row, column, item.get(field), styles[kind])
    total_row = len(answer["rows"]) + 1
    sheet.write_string(total_row, 0, "Jumlah", styles["bold"])
    sheet.write_string(total_row, 1, "", styles["bold"])
    for column, (field, _, kind) in enumerate(FIGURES, start=2):
        _number(sheet, total_row, column, answer["totals"].get(field), styles[kind])
    if answer["rows"]:
        sheet.autofilter(0, 0, total_row - 1, len(headers) - 1)


def _key_headers(group: str, key_header: str) -> list[str]:
    if group == "day":
        return ["Tanggal", "Hari"]
    if group == "hour":
        return ["Jam", "Rentang"]
    if group == "weekday":
        return ["Hari ke", "Hari"]
    if group == "officer":
        return ["ID petugas", "Petugas"]
    return ["Kode", key_header]


def _key_cells(sheet, styles, row: int, group: str, item: dict) -> None:
    """The key as what it is: a day a date cell, an hour and a weekday numbers, codes text."""
    key = item["key"]
    if group == "day" and key is not None:
        day = date.fromisoformat(key)
        sheet.write_datetime(row, 0, day, styles["date"])
        sheet.write_string(row, 1, WEEKDAYS[day.weekday()])
        return
    elif group in ("hour", "weekday") and key is not None:
        sheet.write_number(row, 0, int(key), styles["hour"])
    elif group == "officer" and key is not None:
        sheet.write_number(row, 0, int(key), styles["hour"])
    else:
        sheet.write_string(row, 0, key or "-")
    sheet.write_string(row, 1, item["label"])


def _number(sheet, row: int, column: int, value, style) -> None:
    if value is None:
        sheet.write_blank(row, column, None, style)
    else:
        sheet.write_number(row, column, value, style)
