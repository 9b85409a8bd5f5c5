"""summary.txt of the simulated morning reads as a report in Indonesian, not a Python dict (issue #12)."""

import json
import re

import pytest

from devtools.simulation.summary import COLUMNS, agency_table, long_date, morning_report, number, summary_text


def figures(tickets, done, no_show, cancelled, wait, service, name="Disdukcapil", **extra):
    return {"name": name, "tickets": tickets, "done": done, "no_show": no_show, "cancelled": cancelled,
            "open": 0, "priority": 2, "transferred": 1, "recalled": 3,
            "wait_min": {"n": done, "mean": wait[0], "p90": wait[1]},
            "service_min": {"n": done, "mean": service[0], "p90": service[1]}, **extra}


MORNING = {
    "site": "MPP Kota Contoh", "day": "2026-11-23", "period": {"from": "08:00", "to": "12:04", "zone": "WIB"},
    "visitors": 1250, "tickets_taken": 1234,
    "turned_away": {"Kuota harian layanan ini sudah habis": 12, "Layanan sedang tutup": 4},
    "kiosk_failures": {"Printer kehabisan kertas": 3}, "printed_jobs": {"Kios 1": 700, "Kios 2": 534},
    "paper_out": {"kiosk": "Kios 2", "from": "10:00", "to": "10:20"}, "announcements": 1400,
    "rate": 120.0, "wall_s": 183.4,
    "summary": {
        "agencies": {
            "DK": figures(1000, 950, 40, 10, (8.6, 21.25), (6.04, 11.0)),
            "BPJS": figures(234, 230, 4, 0, (12.0, 30.0), (None, None), name="BPJS Kesehatan"),
        },
        "total": figures(1234, 1180, 44, 10, (9.3, 24.0), (6.0, 11.0), name="SEMUA"),
    },
}


@pytest.mark.parametrize("value, decimals, text", [
    (8.6, 1, "8,6"), (12, 1, "12,0"), (21.25, 1, "21,2"), (1234, 0, "1.234"), (0, 0, "0"), (None, 1, "–"),
    (1234.56, 1, "1.234,6"),
])
def test_numbers_are_written_the_indonesian_way(value, decimals, text):
    assert number(value, decimals) == text


@pytest.mark.parametrize("day, text", [
    ("2026-11-23", "Senin, 23 November 2026"), ("2026-12-04", "Jumat, 4 Desember 2026"),
    ("2027-01-03", "Minggu, 3 Januari 2027"),
])
def test_the_day_is_an_indonesian_date(day, text):
    assert long_date(day) == text


def test_the_morning_report_has_title_day_period_totals_and_a_row_per_agency():
    text = morning_report(MORNING)
    lines = text.splitlines()
    assert lines[0] == "Laporan Simulasi Pagi – MPP Kota Contoh"
    assert "Hari    : Senin, 23 November 2026" in lines
    assert "Periode : 08:00–12:04 WIB" in lines
    assert re.search(r"Warga datang +1\.250$", text, re.M)
    assert re.search(r"Mendapat tiket +1\.234$", text, re.M)
    assert re.search(r"Pulang tanpa tiket +16$", text, re.M)
    assert "Kuota harian layanan ini sudah habis: 12" in text
    assert "Tiket tercetak per kios: Kios 1 700 · Kios 2 534" in text
    assert "Kertas habis di Kios 2 pukul 10:00–10:20." in text
    assert "183,4 detik" in text
    row = next(line for line in lines if line.startswith("Disdukcapil"))
    assert row.split() == ["Disdukcapil", "1.000", "950", "40", "10", "8,6", "21,2", "6,0", "11,0"]
    bpjs = next(line for line in lines if line.startswith("BPJS Kesehatan"))
    assert bpjs.split()[-4:] == ["12,0", "30,0", "–", "–"]


@pytest.mark.parametrize("defect", [r"\{", r"'", r"rata2", r"\d\.\d\b", r"None"])
def test_the_morning_report_shows_no_python_dict_nor_shorthand(defect):
    assert not re.search(defect, morning_report(MORNING))


def test_the_legend_defines_waiting_and_service_time():
    text = morning_report(MORNING)
    assert "Waktu tunggu: dari tiket siap (tercetak) sampai pertama kali dipanggil" in text
    assert "Waktu layanan: dari mulai dilayani (atau dipanggil, bila tidak pernah dimulai) sampai selesai" in text


def test_the_agency_table_columns_line_up():
    lines = agency_table(MORNING["summary"])
    header, rows = lines[0], [line for line in lines[2:] if not line.startswith("-")]
    assert header.split("  ")[0].strip() == COLUMNS[0]
    # every figure ends under the end of its column's title
    ends = [m.end() for m in re.finditer(r"\S+(?: \S+)*", header)][1:]
    for row in rows:
        assert [m.end() for m in re.finditer(r"\S+(?: \S+)*", row)][1:] == ends, row
    assert rows[-1].startswith("SEMUA")


def test_the_busy_day_table_keeps_its_title_and_speaks_indonesian():
    text = summary_text(MORNING["summary"], "Menurut basis data server")
    assert text.startswith("Menurut basis data server\n")
    assert "Rata-rata tunggu" in text and "dialihkan: 1" in text and "rata2" not in text


def test_the_report_is_a_function_of_what_summary_json_holds():
    assert morning_report(json.loads(json.dumps(MORNING))) == morning_report(MORNING)


def ticket(status, printed, called, started, finished):
    day = "2026-11-23T"
    return {"agency": "DK", "status": status, "printed_at": printed and day + printed,
            "called_at": called and day + called,
            "started_at": started and day + started, "finished_at": finished and day + finished,
            "priority": None, "transfer_count": 0, "recall_count": 0}


def test_service_time_runs_from_the_call_when_the_officer_never_pressed_start():
    from devtools.simulation.summary import summarise
    tickets = [ticket("done", "08:00:00", "08:10:00", "08:12:00", "08:20:00"),  # 8 min from the start
               ticket("done", "08:00:00", "08:30:00", None, "08:34:00")]  # 4 min from the call
    figures = summarise(tickets)["total"]
    assert figures["service_min"] == {"n": 2, "mean": 6.0, "p90": 8.0}
    assert figures["wait_min"]["mean"] == 20.0
