"""A booking's check-in at the kiosk, end to end: real bookings on a real server process (its clock
at 09.00 on Monday 23 November 2026), the kiosk app offscreen, the virtual printer."""

import io
import uuid

import httpx
import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from .conftest import on_screen, profile_at, tickets_on_server, touch


def book(floor, slot: str, phone: str) -> dict:
    """A booking for today's `slot` of DK-KTP, as the public booking page makes it."""
    answer = httpx.post(f"{floor.url}/api/appointments", timeout=10, json={
        "service": "DK-KTP", "date": "2026-11-23", "slot": slot, "name": "Siti Aminah", "phone": phone,
        "request_id": uuid.uuid4().hex})
    assert answer.status_code == 201, answer.text
    return answer.json()


def qr_text(url: str) -> str:
    """What a scanner reads from the booking's QR image."""
    answer = httpx.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(answer.content)))[0].text


def scan(qtbot, expected, text: str) -> None:
    """A barcode scanner: keystrokes into whatever has the focus (`expected`), then Enter."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is expected, timeout=2000)
    qtbot.keyClicks(expected, text)
    qtbot.keyClick(expected, Qt.Key.Key_Return)


def refused_with(qtbot, kiosk, words: str) -> None:
    qtbot.waitUntil(on_screen(kiosk, "failed"), timeout=5000)
    page = kiosk.window.pages["failed"]
    assert words in page.message.text(), page.message.text()
    assert page.detail.text() and page.detail.isVisible()  # the English line under the server's words


def test_booking_checks_in_from_a_scan_and_refusals_say_why(qtbot, floor, printer, make_kiosk):
    on_time = book(floor, "09:30", "081234567801")  # its check-in opened at 09.00
    early = book(floor, "10:30", "081234567802")  # opens at 10.00
    cancelled = book(floor, "09:30", "081234567803")
    answer = httpx.post(f"{floor.url}/api/appointments/{cancelled['code']}/cancel",
                        json={"public_id": cancelled["public_id"]}, timeout=10)
    assert answer.status_code == 200, answer.text
    kiosk = make_kiosk(profile_at(printer.port), check_in=1.5)
    window, home = kiosk.window, kiosk.window.pages["home"]
    qtbot.waitUntil(on_screen(kiosk, "home"), timeout=10_000)

    # The booking's QR (the PNG its page shows) scanned on the start screen itself, no touch first.
    scan(qtbot, home, qr_text(on_time["qr_url"]))
    qtbot.waitUntil(on_screen(kiosk, "done"), timeout=5000)
    ticket = kiosk.presenter.screen.ticket
    job = printer.wait_for_job(timeout=1)
    assert b"JANJI TEMU 09.30" in job and ticket["appointment"]["code"] == on_time["code"]
    assert "Janji temu 09.30" in window.pages["done"].priority.text()
    qtbot.waitUntil(lambda: [(t["code"], t["status"], t["booked"]) for t in tickets_on_server(floor)]
                    == [(ticket["code"], "waiting", 1)], timeout=5000)
    touch(qtbot, window.pages["done"].finish)

    # Too early: typed on the screen's keys.
    touch(qtbot, home.appointment)
    qtbot.waitUntil(on_screen(kiosk, "check_in"), timeout=2000)
    page = window.pages["check_in"]
    for key in early["code"]:
        qtbot.mouseClick(page.keys[key], Qt.MouseButton.LeftButton)
    assert page.code.text() == early["code"]
    touch(qtbot, page.go)
    refused_with(qtbot, kiosk, "Belum waktunya")
    assert "Lapor diri dibuka pukul 10.00 WIB." in window.pages["failed"].message.text()
    assert window.pages["failed"].detail.text().startswith("Too early")

    # Cancelled, then a code nobody booked: scanned on the check-in screen.
    for code, words in ((cancelled["code"], "dibatalkan"), ("ACDEFGHJ", "")):
        touch(qtbot, window.pages["failed"].home)
        touch(qtbot, home.appointment)
        qtbot.waitUntil(on_screen(kiosk, "check_in"), timeout=2000)
        scan(qtbot, page.code, code)
        refused_with(qtbot, kiosk, words)
    assert window.pages["failed"].detail.text().startswith("No booking has this code")
    assert len(printer.jobs) == 1 and len(tickets_on_server(floor)) == 1  # refusals spend no number

    # Nobody finishes: the check-in screen goes home by itself.
    touch(qtbot, window.pages["failed"].home)
    touch(qtbot, home.appointment)
    qtbot.waitUntil(on_screen(kiosk, "check_in"), timeout=2000)
    qtbot.waitUntil(on_screen(kiosk, "home"), timeout=4000)
