"""The simulated morning through the real apps, offscreen, at a fast clock: what it leaves agrees
with the server's records and with the printers."""

import json
import os
import sqlite3
from collections import Counter

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from tests.qt_apps import live_threads  # noqa: E402

from devtools.simulation.morning import Morning  # noqa: E402
from display_board.speech import wav_stats  # noqa: E402


@pytest.fixture(scope="module")
def morning(tmp_path_factory, qapp):
    before = live_threads()
    out = tmp_path_factory.mktemp("morning")
    run = Morning(out, visitors=45, rate=200, arrivals_until="08:50", closes="09:00", paper_out=("08:15", "08:30"),
                  screenshot_times=("08:20",))
    report = run.run()
    conn = sqlite3.connect(f"file:{out / 'antrian.db'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    tickets = [dict(row) for row in conn.execute("SELECT * FROM tickets")]
    conn.close()
    leaked = {t for t in live_threads() - before if t.name != "QDBusConnection"}
    return out, report, run, tickets, leaked


def test_every_citizen_with_a_ticket_holds_paper_and_the_server_agrees(morning):
    out, report, run, tickets, _ = morning
    printed = [t for t in tickets if t["printed_at"]]
    jobs = sum(len(k.printer.jobs) for k in run.kiosks)
    assert report["tickets_taken"] == len(printed) == jobs > 30
    assert sum(report["printed_jobs"].values()) == jobs
    assert len({t["code"] for t in tickets}) == len(tickets)  # never a number twice
    taken = Counter(o.visit.agency for k in run.kiosks for o in k.outcomes if o.code)
    assert {code: figures["tickets"] for code, figures in report["summary"]["agencies"].items()
            if figures["tickets"]} == dict(taken)
    assert len(list((out / "tickets").rglob("job-*.png"))) == jobs


def test_the_morning_ends_with_every_ticket_settled_in_order(morning):
    _, report, _, tickets, _ = morning
    assert report["summary"]["total"]["open"] == 0
    for ticket in tickets:
        if ticket["status"] == "done":
            assert ticket["printed_at"] <= ticket["called_at"] <= ticket["started_at"] <= ticket["finished_at"]
        else:
            assert ticket["status"] in ("no_show", "cancelled"), ticket
    total = report["summary"]["total"]
    assert total["done"] > 25 and total["wait_min"]["mean"] is not None and total["service_min"]["p90"] > 5


def test_officers_recalled_marked_no_shows_and_sent_one_citizen_on(morning):
    _, report, _, tickets, _ = morning
    actions = report["officer_actions"]
    assert actions["done"] == report["summary"]["total"]["done"]
    assert actions["start"] == actions["done"] + actions["transfer"]  # the one sent on is served twice
    no_shows = [t for t in tickets if t["status"] == "no_show"]
    assert no_shows and all(t["recall_count"] >= 1 for t in no_shows)
    [moved] = [t for t in tickets if t["transfer_count"]]
    assert moved["issued_service"] == "DK-KTP" and moved["service"] == "DK-KK" and moved["status"] == "done"


def test_a_printer_out_of_paper_costs_no_citizen_a_ticket(morning):
    _, report, run, tickets, _ = morning
    # The kiosk asks its printer before it asks for a number: no number is spent on an empty roll.
    assert [t for t in tickets if t["status"] == "cancelled"] == []
    failed = [o.visit for k in run.kiosks for o in k.outcomes if o.machine]
    served = {o.visit.citizen for k in run.kiosks for o in k.outcomes if o.code}
    assert all(v.citizen in served for v in failed)  # they went to the other kiosk
    assert len(failed) == sum(report["kiosk_failures"].values())


def test_it_leaves_screenshots_wavs_and_a_summary(morning):
    out, report, _, _, _ = morning
    screens = {p.name for p in (out / "screens").glob("*.png")}
    assert {"layar-zona-1-0820.png", "layar-zona-2-0820.png", "layar-zona-1-akhir.png",
            "layar-zona-1-potret.png", "kios-1.png", "loket-L01.png"} <= screens
    sentences = (out / "announcements" / "kalimat.txt").read_text(encoding="utf-8").splitlines()
    assert len(sentences) == report["announcements"] > 10
    # Regression: zone 2's board ran silent; every hall hears its own calls.
    assert set(report["announcements_per_zone"]) == {"1", "2"}, report["announcements_per_zone"]
    assert all("silakan menuju loket" in line for line in sentences)
    wavs = sorted((out / "announcements").glob("*.wav"))
    assert wavs
    for wav in wavs[:3]:
        seconds, loudness = wav_stats(wav)
        assert 1.5 < seconds < 10 and loudness > 0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["tickets_taken"] == report["tickets_taken"]
    text = (out / "summary.txt").read_text(encoding="utf-8")
    assert "Disdukcapil" in text and "SEMUA" in text
    assert "Senin, 23 November 2026" in text and "{" not in text  # a report, not a Python dict


def test_every_app_thread_ended(morning):
    assert not morning[4]
