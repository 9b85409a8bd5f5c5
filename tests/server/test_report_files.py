"""GET /api/reports/summary.xlsx and /api/reports/monthly.pdf: the hand-computed morning of
tests/server/test_reports.py (and an October day before it) read back from the files, the XLSX with
openpyxl and the PDF's text with pypdf, against the JSON summary."""

import io
from datetime import datetime

import openpyxl
from pypdf import PdfReader

from tests.server.test_reports import ok, play_morning

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def play_october_day(app_floor) -> None:
    """Monday 26 October: two Dukcapil tickets, both served after 5 minutes' wait."""
    app_floor.clock.set("2026-10-26T09:00:00+07:00")
    app_floor.issue("DK-KTP")
    app_floor.issue("DK-KTP")
    with app_floor.login("budi") as budi:
        app_floor.clock.advance(minutes=5)
        assert budi.post("/api/counters/L01/open").status_code == 200
        for _ in range(2):
            assert budi.post("/api/counters/L01/call-next").json()["ticket"] is not None
            app_floor.clock.advance(minutes=3)
        budi.post("/api/counters/L01/done")
        budi.post("/api/counters/L01/close")
    app_floor.clock.set("2026-11-23T09:00:00+07:00")


def sheet_rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_has_a_sheet_per_grouping_with_the_summarys_numbers_and_dates(app_floor):
    play_morning(app_floor)
    with app_floor.login("rina") as rina:
        answer = rina.get("/api/reports/summary.xlsx", params=NOVEMBER)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert 'filename="ringkasan_2026-11-01_2026-11-30.xlsx"' in answer.headers["content-disposition"]
        book = openpyxl.load_workbook(io.BytesIO(answer.content))
        assert book.sheetnames == ["Ringkasan", "Per instansi", "Per layanan", "Per loket", "Per petugas", "Per jam",
                                   "Per tanggal", "Per hari"]
        summary = {}
        for row in sheet_rows(book["Ringkasan"]):  # the figures come before the definitions, named alike
            if row[0]:
                summary.setdefault(row[0], row[1])
        assert summary["Lokasi"] == "Mal Pelayanan Publik Kota Harapan Jaya"
        assert summary["Periode dari"] == datetime(2026, 11, 1) and summary["Periode sampai"] == datetime(2026, 11, 30)
        assert book["Ringkasan"]["B5"].number_format == "dd/mm/yyyy"
        totals = ok(rina, "/api/reports/summary", **NOVEMBER)["totals"]
        assert (summary["Diambil"], summary["Dilayani"], summary["Tidak hadir"]) == (4, 3, 1)
        assert summary["Tunggu rata-rata (menit)"] == totals["wait_mean_min"] == 15.3
        assert summary["Tingkat layanan (%)"] == totals["service_level_pct"] and summary["Jam tersibuk"] == 9
        assert summary["Tingkat tidak hadir (%)"] == 25.0  # 1 of the 4 called

        for sheet_name, group in (("Per instansi", "agency"), ("Per loket", "counter"), ("Per jam", "hour"),
                                  ("Per tanggal", "day"), ("Per hari", "weekday")):
            sheet = book[sheet_name]
            assert sheet.freeze_panes == "C2"
            header, *rows, last = sheet_rows(sheet)
            assert header[2:5] == ("Diambil", "Dilayani", "Tidak hadir")
            expected = ok(rina, "/api/reports/summary", **NOVEMBER, group=group)
            assert len(rows) == len(expected["rows"])
            for cells, row in zip(rows, expected["rows"]):
                assert cells[2:8] == (row["issued"], row["served"], row["no_show"], row["cancelled"],
                                      row["transferred_out"], row["called"])
                assert cells[8] == row["wait_mean_min"] and cells[13] == row["service_level_pct"]
                assert all(isinstance(c, (int, float)) for c in cells[2:8])
            assert last[0] == "Jumlah" and last[2] == expected["totals"]["issued"] == 4
        days = sheet_rows(book["Per tanggal"])
        assert days[1][0] == datetime(2026, 11, 23) and days[1][1] == "Senin"  # a date cell, not text
        assert book["Per tanggal"]["A2"].is_date
        assert sheet_rows(book["Per jam"])[1][:2] == (9, "09.00–10.00")
        assert sheet_rows(book["Per instansi"])[1][0] == "DUKCAPIL"
        assert book["Per instansi"].column_dimensions["B"].width > 30

        one = openpyxl.load_workbook(io.BytesIO(
            rina.get("/api/reports/summary.xlsx", params={**NOVEMBER, "group": "service"}).content))
        assert one.sheetnames == ["Ringkasan", "Per layanan"]


def test_the_monthly_pdf_names_the_site_the_period_the_agencies_and_the_month_before(app_floor):
    play_october_day(app_floor)
    play_morning(app_floor)
    with app_floor.login("rina") as rina:
        answer = rina.get("/api/reports/monthly.pdf", params={"month": "2026-11"})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf"
        assert 'filename="laporan_2026-11.pdf"' in answer.headers["content-disposition"]
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
        assert "Mal Pelayanan Publik Kota Harapan Jaya" in text and "Jl. Merdeka No. 45" in text
        assert "Periode: November 2026" in text and "Oktober 2026" in text
        # issued 4 now, 2 in October: +2, +100%; no-show rate 25% against 0%: +25 points
        assert "Tiket diambil 4 2 +2 +100,0%" in text
        assert "Tingkat tidak hadir (%) 25,0 0,0 +25,0 poin" in text
        assert "Tingkat layanan (%) 25,0" in text
        assert "Dinas Kependudukan" in text
        agency = ok(rina, "/api/reports/summary", **NOVEMBER, group="agency")["rows"]
        samsat = next(r for r in agency if r["key"] == "SAMSAT")
        assert f"{samsat['issued']} {samsat['served']} {samsat['no_show']} 21,0 0,0" in text
        assert "Kedatangan per jam" in text and "09.00" in text


def test_the_files_keep_the_reports_scope_and_refuse_a_bad_month_in_indonesian(app_floor):
    with app_floor.login("dewi") as dewi, app_floor.login("budi") as budi, app_floor.login("rina") as rina:
        assert budi.get("/api/reports/summary.xlsx").status_code == 403
        assert budi.get("/api/reports/monthly.pdf", params={"month": "2026-11"}).status_code == 403
        other = dewi.get("/api/reports/monthly.pdf", params={"month": "2026-11", "agency": "SAMSAT"})
        assert other.status_code == 403 and other.json()["error"]["code"] == "other_agency"
        assert dewi.get("/api/reports/summary.xlsx", params={"agency": "SAMSAT"}).status_code == 403
        own = dewi.get("/api/reports/monthly.pdf", params={"month": "2026-11"})
        assert own.status_code == 200
        assert 'filename="laporan_2026-11_DUKCAPIL.pdf"' in own.headers["content-disposition"]
        text = PdfReader(io.BytesIO(own.content)).pages[0].extract_text()
        assert "Instansi: Dinas Kependudukan" in text and "Samsat" not in text
        for month in ("2026-13", "11-2026", "2026-1"):
            bad = rina.get("/api/reports/monthly.pdf", params={"month": month})
            assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_month", month
            assert "TTTT-BB" in bad.json()["error"]["message"]
        assert rina.get("/api/reports/monthly.pdf", params={"month": "2026-11-01"}).status_code == 422
        assert rina.get("/api/reports/summary.xlsx", params={"from": "23-11-2026"}).status_code == 422
        default = rina.get("/api/reports/monthly.pdf")  # the month before today's
        assert 'filename="laporan_2026-10.pdf"' in default.headers["content-disposition"]
