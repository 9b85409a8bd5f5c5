"""The kiosk app end to end: real widgets touched with the mouse, a real server process,
a virtual network printer receiving the ESC/POS bytes."""

import json
import statistics
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QLabel, QPushButton, QScroller

from devtools.escpos_preview import preview
from devtools.virtual_printer import VirtualPrinter
from mpp_client.indonesian import clock_time, long_date

from .conftest import (LANDSCAPE, LEFT, PORTRAIT, SCREENSHOTS, ServerDiesMidPrint, kiosk_health, on_screen,
                       profile_at, public_status, qr_stored, save_screenshot, start_the_app, take_ticket,
                       tickets_on_server, touch, unused_port, walk_to_service)


# ---------------------------------------------------------------- the citizen's path

def test_citizen_touches_through_and_gets_a_printed_ticket(qtbot, floor, printer, make_kiosk):
    kiosk = make_kiosk(profile_at(printer.port))
    walk_to_service(qtbot, kiosk, priority="lansia")
    take_ticket(qtbot, kiosk)
    qtbot.waitUntil(on_screen(kiosk, "done"), timeout=5000)
    job = printer.wait_for_job(timeout=1)
    ticket = kiosk.presenter.screen.ticket

    assert job.startswith(b"\x1b@")  # ESC @: initialise
    assert b"\x1dv0" in job  # the big number, as a raster image (an open zero)
    assert qr_stored(job) == [ticket["status_url"]]
    printed = preview(job, 576)
    decoded = [code.text for code in zxingcpp.read_barcodes(printed.image)]
    assert decoded == [ticket["status_url"]]
    assert printed.cuts and b"\x1dV" in job  # GS V: cut
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    printed.image.save(SCREENSHOTS / "kiosk-ticket-preview.png")  # what the citizen holds

    qtbot.waitUntil(lambda: public_status(floor, ticket["public_id"])["status"] == "waiting", timeout=5000)
    status = public_status(floor, ticket["public_id"])
    assert status["code"] == ticket["code"]
    assert status["priority"] == "lansia"
    assert kiosk.window.pages["done"].code.text() == ticket["code"]
    assert [t["status"] for t in tickets_on_server(floor)] == ["waiting"]  # one number, not two


def test_idle_kiosk_goes_home_from_the_done_screen(qtbot, floor, printer, make_kiosk):
    kiosk = make_kiosk(profile_at(printer.port), done=0.5)
    walk_to_service(qtbot, kiosk)
    take_ticket(qtbot, kiosk)
    qtbot.waitUntil(on_screen(kiosk, "done"), timeout=5000)
    qtbot.waitUntil(on_screen(kiosk, "home"), timeout=3000)


# ---------------------------------------------------------------- the printer in trouble

def test_paper_out_keeps_the_kiosk_out_of_service_and_spends_no_number(qtbot, floor, make_kiosk):
    with VirtualPrinter(port=0, paper="out") as printer:
        kiosk = make_kiosk(profile_at(printer.port))
        qtbot.waitUntil(lambda: kiosk.presenter.server_ok, timeout=10_000)  # the catalog arrived
        qtbot.waitUntil(on_screen(kiosk, "out_of_service"))
        assert "kertas habis" in kiosk.presenter.screen.detail
        qtbot.waitUntil(lambda: json.loads(kiosk_health(floor) or "{}").get("printer", {}).get("paper") == "out"
                        or '"out"' in (kiosk_health(floor) or ""), timeout=5000)
        assert tickets_on_server(floor) == [] and printer.jobs == []

        printer.paper = "ok"  # a new roll: the kiosk comes back by itself
        qtbot.waitUntil(on_screen(kiosk, "home"), timeout=8000)


def test_paper_out_at_the_touch_spends_no_number(qtbot, floor, printer, make_kiosk):
    """The roll runs out between two status polls: the touch asks the printer before reserving."""
    kiosk = make_kiosk(profile_at(printer.port))
    walk_to_service(qtbot, kiosk)
    printer.paper = "out"  # the kiosk's 10 s poll has not seen it yet
    take_ticket(qtbot, kiosk)
    qtbot.waitUntil(on_screen(kiosk, "out_of_service"), timeout=5000)
    assert "kertas habis" in kiosk.presenter.screen.detail
    assert tickets_on_server(floor) == [] and printer.jobs == []  # not even a cancelled row

    printer.paper = "ok"
    qtbot.waitUntil(on_screen(kiosk, "home"), timeout=8000)


def test_unreachable_printer_keeps_the_kiosk_out_of_service(qtbot, floor, make_kiosk):
    kiosk = make_kiosk(profile_at(unused_port()))  # nobody listens there
    qtbot.waitUntil(lambda: kiosk.presenter.server_ok, timeout=10_000)
    qtbot.waitUntil(on_screen(kiosk, "out_of_service"))
    assert "tidak tersambung" in kiosk.presenter.screen.detail
    assert tickets_on_server(floor) == []


def test_silent_printer_spends_no_number_and_the_screen_stays_alive(qtbot, floor, printer, make_kiosk):
    kiosk = make_kiosk(profile_at(printer.port))
    walk_to_service(qtbot, kiosk)
    ticks = []
    heartbeat = QTimer()
    heartbeat.setInterval(50)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start()
    printer.silent = True  # takes the connection, never reads a byte nor answers
    started = time.perf_counter()
    take_ticket(qtbot, kiosk)
    qtbot.waitUntil(on_screen(kiosk, "printing"), timeout=1000)
    qtbot.waitUntil(on_screen(kiosk, "out_of_service"), timeout=5000)  # asked before reserving
    elapsed = time.perf_counter() - started
    heartbeat.stop()

    assert elapsed < 4.5, f"a silent printer held the kiosk {elapsed:.1f} s"
    during = [tick for tick in ticks if tick > started]
    assert len(during) >= elapsed / 0.05 * 0.5, "the UI thread stalled while the printer was silent"
    assert max(b - a for a, b in zip([started, *during], during, strict=False)) < 0.5
    assert "printer" in kiosk.presenter.screen.detail.lower()
    assert tickets_on_server(floor) == [] and printer.jobs == []


# ---------------------------------------------------------------- the server in trouble

def test_server_down_mid_flow_shows_why_and_comes_back_by_itself(qtbot, floor, printer, make_kiosk):
    kiosk = make_kiosk(profile_at(printer.port), failed=1)
    walk_to_service(qtbot, kiosk)
    floor.server.stop()
    take_ticket(qtbot, kiosk)
    qtbot.waitUntil(lambda: kiosk.window.current in ("failed", "out_of_service"), timeout=10_000)
    assert "Server" in (kiosk.presenter.screen.message or "") + (kiosk.presenter.screen.detail or "")
    qtbot.waitUntil(on_screen(kiosk, "out_of_service"), timeout=5000)  # after the failed screen's idle
    assert printer.jobs == []

    floor.server.start()
    qtbot.waitUntil(on_screen(kiosk, "home"), timeout=10_000)
    assert tickets_on_server(floor) == []  # the touch while the server was down spent no number
    walk_to_service(qtbot, kiosk)
    take_ticket(qtbot, kiosk)
    qtbot.waitUntil(on_screen(kiosk, "done"), timeout=5000)
    qtbot.waitUntil(lambda: [t["status"] for t in tickets_on_server(floor)] == ["waiting"], timeout=5000)


# ---------------------------------------------------------------- staff

def test_staff_menu_is_behind_a_pin_and_prints_a_test_ticket(qtbot, floor, printer, make_kiosk):
    kiosk = make_kiosk(profile_at(printer.port), staff_pin="2468")
    window, staff = kiosk.window, kiosk.window.pages["staff"]
    qtbot.waitUntil(on_screen(kiosk, "home"), timeout=10_000)
    qtbot.mouseClick(window.header.hold, LEFT)  # a citizen's tap on the name: nothing
    qtbot.mouseClick(window.corner, LEFT)
    assert window.current == "home"

    qtbot.mousePress(window.header.hold, LEFT)  # press and hold the MPP's name for 3 s
    qtbot.waitUntil(on_screen(kiosk, "staff"), timeout=4000)
    qtbot.mouseRelease(window.header.hold, LEFT)
    staff.leave_requested.emit()
    assert window.current == "home"

    for _ in range(5):  # or five quick taps on the top-right corner
        qtbot.mouseClick(window.corner, LEFT)
    assert window.current == "staff" and not staff.unlocked
    keys = {button.text(): button for button in staff.pad.findChildren(QPushButton)}
    for key in ["0", "0", "0", "0", "OK"]:
        qtbot.mouseClick(keys[key], LEFT)
    assert not staff.unlocked and staff.pin_message.text() == "PIN salah"
    for key in ["2", "4", "6", "8", "OK"]:
        qtbot.mouseClick(keys[key], LEFT)
    assert staff.unlocked
    assert floor.url in staff.server.text()
    qtbot.waitUntil(lambda: "Printer siap" in staff.printer.text(), timeout=5000)
    staff.test_print_requested.emit()
    qtbot.waitUntil(lambda: "terkirim" in staff.result.text(), timeout=5000)
    assert b"Cetak tes printer" in printer.wait_for_job(timeout=1)  # TES-000 itself is an image
    assert tickets_on_server(floor) == []  # a test print spends no number
    staff.leave_requested.emit()
    assert window.current == "home"


def test_quota_filled_meanwhile_shows_the_servers_reason(qtbot, floor, printer, make_kiosk):
    kiosk = make_kiosk(profile_at(printer.port))
    walk_to_service(qtbot, kiosk, agency="IMIGRASI", service="IM-GANTI")  # quota 20, all left on screen
    for _ in range(20):  # other kiosks take the rest of the day's quota meanwhile
        floor.issue("IM-GANTI")
    with floor.kiosk() as other:
        refused = other.post("/api/tickets", json={"service": "IM-GANTI", "request_id": "x" * 32})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "quota_full"
    take_ticket(qtbot, kiosk)
    qtbot.waitUntil(on_screen(kiosk, "failed"), timeout=5000)
    assert kiosk.presenter.screen.message == refused.json()["error"]["message"]
    assert len(tickets_on_server(floor)) == 20 and printer.jobs == []


def test_printed_ticket_is_confirmed_late_when_the_server_comes_back(qtbot, floor, make_kiosk):
    with ServerDiesMidPrint(floor) as printer:
        kiosk = make_kiosk(profile_at(printer.port))
        walk_to_service(qtbot, kiosk)
        printer.armed = True
        take_ticket(qtbot, kiosk)
        qtbot.waitUntil(on_screen(kiosk, "done"), timeout=5000)  # the citizen has the paper
        code = kiosk.presenter.screen.ticket["code"]
        assert printer.jobs and kiosk.presenter.screen.ticket["status_url"].encode() in printer.jobs[0], code
        qtbot.waitUntil(lambda: bool(kiosk.worker.unconfirmed), timeout=10_000)
        assert [t["status"] for t in tickets_on_server(floor)] == ["printing"]

        floor.server.start()
        qtbot.waitUntil(lambda: [t["status"] for t in tickets_on_server(floor)] == ["waiting"], timeout=15_000)
        # The server commits before its answer reaches the worker thread: wait for that too.
        qtbot.waitUntil(lambda: not kiosk.worker.unconfirmed, timeout=5000)


# ---------------------------------------------------------------- screenshots

def test_screenshots_of_every_screen(qtbot, floor, printer, make_kiosk):
    kiosk = make_kiosk(profile_at(printer.port))
    window, saved = kiosk.window, []
    walk_to_service(qtbot, kiosk)
    qtbot.mouseClick(window.pages["service"].back, LEFT)
    qtbot.waitUntil(on_screen(kiosk, "agency"))
    saved.append(save_screenshot(window, "agency"))
    qtbot.mouseClick(window.pages["agency"].back, LEFT)
    qtbot.waitUntil(on_screen(kiosk, "home"))
    saved.append(save_screenshot(window, "home"))
    touch(qtbot, window.pages["home"].appointment)
    qtbot.waitUntil(on_screen(kiosk, "check_in"))
    saved.append(save_screenshot(window, "check-in"))
    touch(qtbot, window.pages["check_in"].back)
    qtbot.waitUntil(on_screen(kiosk, "home"))
    walk_to_service(qtbot, kiosk, priority="ibu_hamil")
    saved.append(save_screenshot(window, "service"))

    printer.silent = True
    take_ticket(qtbot, kiosk)
    qtbot.waitUntil(on_screen(kiosk, "printing"))
    saved.append(save_screenshot(window, "printing"))
    # The printer is asked before a number is reserved: silent, so out of service until it answers.
    qtbot.waitUntil(on_screen(kiosk, "out_of_service"), timeout=5000)
    saved.append(save_screenshot(window, "out_of_service"))
    printer.silent = False
    qtbot.waitUntil(on_screen(kiosk, "home"), timeout=8000)

    # What a ticket that fails mid-print shows (the roll ran out during it): as the worker reports it.
    kiosk.presenter.print_failed("Tiket A-001 tidak tercetak (kertas habis) dan sudah dibatalkan. "
                                 "Silakan hubungi petugas informasi.")
    qtbot.waitUntil(on_screen(kiosk, "failed"))
    saved.append(save_screenshot(window, "failed"))
    qtbot.mouseClick(window.pages["failed"].home, LEFT)
    qtbot.waitUntil(on_screen(kiosk, "home"))

    walk_to_service(qtbot, kiosk, agency="SAMSAT", service="SM-PKB")
    take_ticket(qtbot, kiosk)
    qtbot.waitUntil(on_screen(kiosk, "done"), timeout=5000)
    saved.append(save_screenshot(window, "done"))

    window.open_staff()
    saved.append(save_screenshot(window, "staff"))
    window.close_staff()
    qtbot.mouseClick(window.pages["done"].finish, LEFT)
    qtbot.waitUntil(on_screen(kiosk, "home"))
    qtbot.mouseClick(window.pages["home"].language, LEFT)
    saved.append(save_screenshot(window, "home-english"))
    qtbot.mouseClick(window.pages["home"].language, LEFT)

    window.resize(*LANDSCAPE)
    qtbot.waitUntil(lambda: window.pages["home"]._columns == 4)
    saved.append(save_screenshot(window, "home-landscape"))
    walk_to_service(qtbot, kiosk, agency="IMIGRASI", service="IM-PASPOR")
    saved.append(save_screenshot(window, "service-landscape"))

    for path in saved:
        assert path.stat().st_size > 20_000, path  # a real picture, not an empty frame
    assert window.grab().size().width() == LANDSCAPE[0]


# ---------------------------------------------------------------- how fast

def test_touch_to_bytes_and_start_time(qtbot, floor, printer, make_kiosk, tmp_path):
    kiosk = make_kiosk(profile_at(printer.port))
    delivered = []

    def watch():  # notified by the printer the moment a job is complete: no polling error
        for _ in range(20):
            printer.wait_for_job(timeout=10)
            delivered.append(time.perf_counter())

    watcher = threading.Thread(target=watch, name="job-watcher")
    watcher.start()
    touch_to_bytes = []
    for round_ in range(20):
        walk_to_service(qtbot, kiosk)
        touched = time.perf_counter()
        take_ticket(qtbot, kiosk)
        qtbot.waitUntil(lambda n=round_: len(delivered) > n, timeout=5000)
        touch_to_bytes.append((delivered[round_] - touched) * 1000)
        qtbot.waitUntil(on_screen(kiosk, "done"), timeout=5000)
        qtbot.mouseClick(kiosk.window.pages["done"].finish, LEFT)
    watcher.join(5)
    p50 = statistics.median(touch_to_bytes)
    p95 = statistics.quantiles(touch_to_bytes, n=20)[-1]
    print(f"\ntouch-to-bytes over {len(touch_to_bytes)} tickets: p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
          f"max {max(touch_to_bytes):.0f} ms")
    assert p95 < 2000
    assert len({t["code"] for t in tickets_on_server(floor)}) == 20

    started, ready, rss = start_the_app(floor, printer, tmp_path)
    print(f"mpp-kiosk: started in {started} ms, ready for citizens in {ready} ms, RSS {rss / 2**20:.0f} MiB")
    assert started < 10_000 and ready < 15_000


# ---------------------------------------------------------------- the window alone (no server)

def test_unavailable_service_says_why_and_cannot_be_taken(qtbot, window_alone):
    window, _, bridge = window_alone
    touch(qtbot, window.pages["home"].tiles["SAMSAT"])
    cards = window.pages["agency"].cards
    assert "Kuota hari ini habis" in [w.text() for w in cards["SM-BBN"].findChildren(QLabel)]
    assert "Istirahat salat Jumat" in [w.text() for w in cards["SM-5TH"].findChildren(QLabel)]
    touch(qtbot, cards["SM-BBN"])
    take = window.pages["service"].take
    assert window.current == "service" and not take.isEnabled()
    assert "Kuota hari ini habis" in take.text()
    qtbot.mouseClick(take, LEFT)
    assert not [asked for asked in bridge.asked if asked[0] == "ticket"]


def test_service_list_scrolls_by_dragging_and_a_drag_chooses_nothing(qtbot, window_alone):
    window, presenter, _ = window_alone
    touch(qtbot, window.pages["home"].tiles["SAMSAT"])
    area = window.pages["agency"].scroll
    viewport, bar = area.viewport(), area.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    x = viewport.width() // 2
    qtbot.mousePress(viewport, LEFT, pos=QPoint(x, viewport.height() - 40))
    for y in range(viewport.height() - 60, 40, -40):  # a finger swiping up
        qtbot.mouseMove(viewport, QPoint(x, y))
        qtbot.wait(10)
    qtbot.mouseRelease(viewport, LEFT, pos=QPoint(x, 40))
    qtbot.waitUntil(lambda: bar.value() > 200, timeout=3000)
    assert window.current == "agency"
    scroller = QScroller.scroller(viewport)  # a tap during the glide only stops it, as on a phone
    qtbot.waitUntil(lambda: scroller.state() == QScroller.State.Inactive, timeout=5000)
    touch(qtbot, window.pages["agency"].cards["SM-11"])  # a tap still chooses, wherever the list is
    assert presenter.screen.service["code"] == "SM-11"


def test_header_shows_the_site_and_its_clock_in_indonesian(window_alone):
    window = window_alone[0]
    assert window.header.name.text() == "MPP Harapan Jaya"
    assert window.header.time.text().endswith(" WITA")  # the site's zone, and the server's clock
    assert window.header.date.text() == "Senin, 23 November 2026"
    moment = datetime(2026, 11, 23, 9, 15, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert (long_date(moment), clock_time(moment)) == ("Senin, 23 November 2026", "09.15 WIB")
    assert (long_date(moment, "en"), clock_time(moment, "en")) == ("Monday, 23 November 2026", "09:15 WIB")


def test_idle_timeout_and_language_switch(qtbot, window_alone):
    window, presenter, _ = window_alone
    window.idle_timeouts["agency"] = 0.3
    qtbot.mouseClick(window.pages["home"].language, LEFT)
    assert presenter.language == "en" and window.pages["home"].choose.text() == "Please choose an agency"
    touch(qtbot, window.pages["home"].tiles["SAMSAT"])
    assert window.pages["agency"].choose.text() == "Choose a service"
    qtbot.waitUntil(on_screen(window, "home"), timeout=2000)  # nobody touched: home, in Indonesian
    assert presenter.language == "id" and window.pages["home"].choose.text() == "Silakan pilih instansi"


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE])
def test_every_screen_fits_the_display(qtbot, size):
    """Nothing forces the window past a full-HD display in either orientation."""
    from kiosk.window import KioskWindow

    window = KioskWindow(staff_pin="0000")
    qtbot.addWidget(window)
    hint = window.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1], hint


# ---------------------------------------------------------------- the command line

def test_command_line_wins_over_the_settings_file(tmp_path):
    from kiosk.app import parse_args, resolve_config

    settings = tmp_path / "kiosk.json"
    settings.write_text(json.dumps({"server_url": "http://10.0.0.5:8080", "token": "file-token",
                                    "options": {"profile": "epson-tm-t82-network", "staff_pin": "8642"}}))
    config = resolve_config(parse_args(["--settings", str(settings)]))
    assert (config.server_url, config.token, config.profile, config.staff_pin, config.windowed) == (
        "http://10.0.0.5:8080", "file-token", "epson-tm-t82-network", "8642", False)
    config = resolve_config(parse_args(["--settings", str(settings), "--token", "-Zk9_pQ2wLmT7vX",
                                        "--profile", "virtual", "--windowed"]))
    assert (config.token, config.profile, config.staff_pin, config.windowed) == (
        "-Zk9_pQ2wLmT7vX", "virtual", "8642", True)


def test_demo_pin_only_for_a_server_on_this_pc(tmp_path):
    from kiosk.app import parse_args, resolve_config

    none = str(tmp_path / "none.json")
    assert resolve_config(parse_args(["--settings", none, "--server", "http://127.0.0.1:8080"])).staff_pin == "0000"
    assert resolve_config(parse_args(["--settings", none, "--server", "http://10.0.0.5:8080"])).staff_pin is None
