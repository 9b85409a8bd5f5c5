"""The report page (/manage/reports) through Flask's test client: who may see what, the range picker's
days around month ends, the table from the server's figures, escaped names, the downloads (the
browser test is test_report_pages_browser.py)."""

import json
import re

import pytest

from server.domain.reports import Waits, preset_range, wait_bins
from server.web import reports as web_reports
from tests.conftest import make_app_floor
from tests.server.test_manage_shell import signed_in, text


def report_data(answer) -> dict:
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', answer.get_data(as_text=True),
                      re.DOTALL)
    return json.loads(found.group(1))


def row_cells(answer, row_id_or_key: str) -> dict:
    """{field: raw value} of one table row (`data-key`, or the totals' `id`)."""
    html = answer.get_data(as_text=True)
    selector = 'id="totals"' if row_id_or_key == "totals" else f'data-key="{row_id_or_key}"'
    row = html[html.index(selector):]
    row = row[:row.index("</tr>")]
    fields = ["issued", "served", "no_show", "cancelled", "transferred_out", "called", "wait_mean_min",
              "wait_median_min", "wait_p90_min", "service_mean_min", "service_p90_min", "service_level_pct",
              "priority_pct", "busiest_hour"]
    return dict(zip(fields, re.findall(r'data-field-value="([^"]*)"', row)))


@pytest.mark.parametrize("today, name, expected", [
    ("2026-03-01", "week", ("2026-02-23", "2026-03-01")),        # a Sunday: the week began in February
    ("2026-03-01", "last_month", ("2026-02-01", "2026-02-28")),
    ("2026-01-31", "last_month", ("2025-12-01", "2025-12-31")),  # across the year
    ("2028-03-31", "last_month", ("2028-02-01", "2028-02-29")),  # a leap February
    ("2026-03-31", "month", ("2026-03-01", "2026-03-31")),
    ("2026-11-23", "week", ("2026-11-23", "2026-11-23")),        # a Monday: the week is today
    ("2026-11-23", "today", ("2026-11-23", "2026-11-23")),
])
def test_the_range_picker_names_the_right_days_around_month_ends(today, name, expected):
    assert preset_range(name, today) == expected


def test_the_page_picks_last_month_from_the_servers_day_and_custom_dates_from_the_form(app_floor):
    client = signed_in(app_floor, "rina")
    last_month = client.get("/manage/reports?range=last_month")
    assert last_month.status_code == 200
    assert "Periode 1 Oktober 2026 s.d. 31 Oktober 2026" in text(last_month)
    custom = client.get("/manage/reports?range=custom&from=2026-11-01&to=2026-11-15")
    assert "Periode 1 November 2026 s.d. 15 November 2026" in text(custom)
    bad = client.get("/manage/reports?range=custom&from=2026-11-15&to=2026-11-01")
    assert bad.status_code == 422 and "tidak boleh sebelum" in text(bad)


def test_the_wait_bins_and_the_heat_map_have_the_hand_computed_figures_on_short_and_long_ranges(app_floor):
    """Called after 4.5, 5 and 16 min; one never called. Issued at 09:00 (3)
    and 10:00 (1) on Monday the 23rd: the heat map's Monday is that one day. A 4-month range reads other
    indexes and must say the same."""
    for _ in range(3):
        app_floor.issue("DK-KTP")
    with app_floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        for wait in (4 * 60 + 30, 30, 11 * 60):
            app_floor.clock.advance(seconds=wait)
            assert budi.post("/api/counters/L01/call-next").status_code == 200
            budi.post("/api/counters/L01/done")
    app_floor.clock.advance(minutes=60)
    app_floor.issue("SM-PKB")
    client = signed_in(app_floor, "rina")
    for query in ("range=today", "range=custom&from=2026-08-01&to=2026-11-23"):
        data = report_data(client.get(f"/manage/reports?{query}"))
        assert data["waits"]["count"] == [1, 1, 0, 1, 0, 0, 0, 0], query
        html = client.get(f"/manage/reports?{query}").get_data(as_text=True)
        heat = html[html.index('id="heatmap"'):html.index("</table>", html.index('id="heatmap"'))]
        assert re.findall(r"<th scope=\"col\">(\d\d\.00)</th>", heat) == ["09.00", "10.00"], query
        assert re.findall(r'<td class="heat-(\d)">([\d,]+)</td>', heat) == [("5", "3,0"), ("2", "1,0")], query
        assert "Senin" in heat and "(1 hari)" in heat


def test_a_wait_exactly_on_a_bins_edge_is_in_the_lower_bin_as_the_service_level_counts_the_target():
    bins = wait_bins([Waits(None, "DK-KTP", 300, 2), Waits(None, "DK-KTP", 306, 1), Waits(None, "DK-KTP", 3606, 4)])
    assert [(b["label"], b["count"]) for b in bins if b["count"]] == [("0–5 menit", 2), ("5–10 menit", 1),
                                                                       ("> 60 menit", 4)]


def test_this_week_on_the_first_of_a_month_starts_in_the_month_before(floor_template, tmp_path):
    sunday = make_app_floor(floor_template, tmp_path, now="2026-03-01T10:00:00+07:00")
    try:
        client = signed_in(sunday, "rina")
        assert "Periode 23 Februari 2026 s.d. 1 Maret 2026" in text(client.get("/manage/reports?range=week"))
        assert "Periode 1 Februari 2026 s.d. 28 Februari 2026" in text(client.get("/manage/reports?range=last_month"))
    finally:
        sunday.server.stop()


def test_an_officer_gets_403_and_a_signed_out_person_the_sign_in_form(app_floor):
    assert signed_in(app_floor, "budi").get("/manage/reports").status_code == 403
    anonymous = app_floor.server.app.test_client().get("/manage/reports")
    assert anonymous.status_code == 303 and "/manage/login" in anonymous.headers["Location"]


def test_dukcapils_supervisor_sees_dukcapil_only(app_floor):
    app_floor.issue("DK-KTP")
    app_floor.issue("SM-PKB")
    dewi = signed_in(app_floor, "dewi")
    own = dewi.get("/manage/reports")
    assert own.status_code == 200
    page = text(own)
    assert "Samsat" not in page and "SAMSAT" not in own.get_data(as_text=True)
    assert row_cells(own, "totals")["issued"] == "1"
    assert len(report_data(own)["volume"]["labels"]) == 1  # per service of hers: the one that issued
    assert dewi.get("/manage/reports?agency=SAMSAT").status_code == 403
    assert dewi.get("/manage/reports?service=SM-PKB").status_code == 403
    assert dewi.get("/manage/reports/tickets.csv?agency=SAMSAT").status_code == 403
    csv = dewi.get("/manage/reports/tickets.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "DK-KTP" in csv.get_data(as_text=True) and "SM-PKB" not in csv.get_data(as_text=True)


def test_the_table_shows_the_servers_figures_in_indonesian_with_a_totals_row(app_floor):
    for _ in range(3):
        app_floor.issue("DK-KTP")
    app_floor.issue("SM-PKB")
    with app_floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        app_floor.clock.advance(minutes=12, seconds=30)
        budi.post("/api/counters/L01/call-next")
    client = signed_in(app_floor, "rina")
    with app_floor.login("rina") as rina:
        api = rina.get("/api/reports/summary", params={"group": "agency"}).json()
    answer = client.get("/manage/reports?group=agency&sort=-issued")
    for key, row in {"totals": api["totals"], **{r["key"]: r for r in api["rows"]}}.items():
        cells = row_cells(answer, key)
        assert {f: (float(v) if v else None) for f, v in cells.items()} == {
            f: (float(row[f]) if row[f] is not None else None) for f in cells}, key
    page = text(answer)
    assert "12,5" in page  # the wait, with a decimal comma
    html = answer.get_data(as_text=True)
    assert html.index('data-key="DUKCAPIL"') < html.index('data-key="SAMSAT"')  # 3 issued before 1
    assert 'aria-sort="descending"' in html
    upward = client.get("/manage/reports?group=agency&sort=issued").get_data(as_text=True)
    assert upward.index('data-key="SAMSAT"') < upward.index('data-key="DUKCAPIL"')
    data = report_data(answer)
    assert sum(data["hours"]["issued"]) == 4 and sum(data["waits"]["count"]) == 1
    assert "Waktu tunggu" in page and "Tingkat layanan" in page  # the definitions
    assert 'href="/manage/reports/tickets.csv?from=2026-11-23&amp;to=2026-11-23"' in html


def test_an_agency_name_with_markup_shows_as_text(app_floor):
    with app_floor.login("admin") as admin:
        agency = admin.get("/api/admin/agencies").json()[0]
        changed = admin.patch(f"/api/admin/agencies/{agency['code']}",
                              json={"version": agency["version"], "name": "<b>Dukcapil</b><script>x()</script>",
                                    "short_name": "<i>DK</i></script>"})
        assert changed.status_code == 200, changed.text
    app_floor.issue(agency["services"][0])
    answer = signed_in(app_floor, "rina").get("/manage/reports?group=agency")
    html = answer.get_data(as_text=True)
    assert "<b>Dukcapil" not in html and "<script>x()" not in html
    assert "&lt;b&gt;Dukcapil&lt;/b&gt;" in html
    assert "<i>DK" not in html and "&lt;i&gt;DK&lt;/i&gt;" in html  # the service list's group
    assert "<i>DK</i></script>" in report_data(answer)["volume"]["labels"]  # the chart's JSON keeps the text


def test_a_report_file_the_api_gains_is_linked_and_downloaded_with_the_pages_session(app_floor, monkeypatch):
    """The XLSX and PDF come with another change: whatever `/api/reports/NAME` of FILES the server has, the
    page links (with the range) and `/manage/reports/NAME` answers for the signed-in person, whose role the
    API checks. (A name of its own, so that the real files, once merged, do not change this test.)"""
    from flask import request

    from server.api import require

    def fake_xlsx():
        who = require("supervisor", "admin")
        return f"{who.name} {request.args.get('from')} {request.args.get('group')}"

    monkeypatch.setitem(web_reports.FILES, "test.xlsx", "Uji (XLSX)")
    monkeypatch.setitem(web_reports.FILES, "absent.pdf", "Tidak ada (PDF)")
    app_floor.server.app.add_url_rule("/api/reports/test.xlsx", "reports.fake_xlsx", fake_xlsx)
    client = signed_in(app_floor, "dewi")
    html = client.get("/manage/reports?group=hour").get_data(as_text=True)
    link = re.search(r'href="(/manage/reports/test\.xlsx\?[^"]+)" id="file-test-xlsx"', html).group(1)
    assert link == "/manage/reports/test.xlsx?from=2026-11-23&amp;to=2026-11-23&amp;agency=DUKCAPIL"
    assert client.get(link.replace("&amp;", "&") + "&group=hour").get_data(as_text=True) == "dewi 2026-11-23 hour"
    assert 'id="file-absent-pdf"' not in html  # not served: not linked
    assert client.get("/manage/reports/absent.pdf").status_code == 404
    assert client.get("/manage/reports/other.txt").status_code == 404  # only the report files
    assert signed_in(app_floor, "budi").get("/manage/reports/test.xlsx").status_code == 403


def test_the_page_is_in_the_managers_menu(app_floor):
    html = signed_in(app_floor, "dewi").get("/manage/").get_data(as_text=True)
    assert 'href="/manage/reports"' in html and ">Laporan<" in html
