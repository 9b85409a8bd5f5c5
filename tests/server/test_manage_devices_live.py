"""Device alerts in a real Chromium against a real server process whose devices go offline after 2 s
(`MPP_DEVICE_OFFLINE_S`) and whose watcher looks twice a second: a kiosk reports low paper, goes
silent, comes back; the monitor and the devices page follow on their one stream each. Every text
readable, and the alerts reachable by keyboard."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import browser
from tests.conftest import make_floor
from tests.server.test_manage_pages import CONTRAST, sign_in

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LAPTOP = browser.LAPTOP

pytestmark = pytest.mark.browser


@pytest.fixture
def context(chromium):
    context = chromium.new_context(viewport=LAPTOP, locale="id-ID")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def quick_floor(tmp_path):
    floor = make_floor(tmp_path, env={"MPP_DEVICE_OFFLINE_S": "2", "MPP_WATCH_EVERY_S": "0.5"})
    yield floor
    floor.server.stop()


def heartbeat(floor, paper: str):
    with floor.kiosk() as kiosk:
        assert kiosk.post("/api/devices/heartbeat", json={"printer": {"online": True, "paper": paper},
                                                          "version": "1.4.0"}).status_code == 200


def test_a_kiosks_paper_and_silence_raise_alerts_that_clear_when_it_is_back(quick_floor, context):
    monitor = context.new_page()
    sign_in(monitor, quick_floor, "rina")
    devices = context.new_page()
    devices.goto(quick_floor.url + "/manage/devices")
    for page in (monitor, devices):
        page.evaluate("window.notReloaded = true")
    kiosk_row = devices.locator("#devices tr[data-device='1']")
    expect(kiosk_row).to_have_attribute("data-online", "false")

    heartbeat(quick_floor, "low")
    for page in (monitor, devices):
        alert = page.locator("#device-alerts li[data-alert='paper_low'][data-device='1']")
        expect(alert).to_contain_text("Kertas hampir habis: Kios 1 (Anjungan, Lantai 1 - Hall Utama), sejak")
    expect(kiosk_row).to_have_attribute("data-online", "true")
    expect(kiosk_row).to_contain_text("KERTAS HAMPIR HABIS")
    low = {"monitor": monitor.evaluate(CONTRAST), "devices": devices.evaluate(CONTRAST)}
    browser.screenshot(devices, SCREENSHOTS / "manage-devices-alert.png")

    # Silent: offline within the window (2 s) and a watcher round (0.5 s), on both pages.
    for page in (monitor, devices):
        expect(page.locator("#device-alerts li[data-alert='offline'][data-device='1']")).to_contain_text(
            "Luring: Kios 1", timeout=6_000)
        expect(page.locator("#device-alerts li[data-alert='paper_low']")).to_have_count(0)
    expect(kiosk_row).to_have_attribute("data-online", "false")
    expect(kiosk_row.locator(".state")).to_have_text("LURING")
    low["devices-offline"] = devices.evaluate(CONTRAST)
    browser.screenshot(monitor, SCREENSHOTS / "manage-monitor-device-alert.png")

    heartbeat(quick_floor, "ok")
    for page in (monitor, devices):
        expect(page.locator("#device-alerts li")).to_have_count(0, timeout=6_000)
    expect(kiosk_row).to_have_attribute("data-online", "true")
    expect(kiosk_row).to_have_attribute("data-paper", "ok")
    for page in (monitor, devices):
        assert page.evaluate("window.notReloaded") is True  # fragments swapped; the pages stayed

    devices.goto(quick_floor.url + "/manage/selftest")
    expect(devices.locator("tr[data-check='printers']")).to_have_attribute("data-ok", "true")
    low["selftest"] = devices.evaluate(CONTRAST)
    browser.screenshot(devices, SCREENSHOTS / "manage-selftest.png")
    assert all(result["checked"] >= 5 for result in low.values()), low
    assert {name: result["found"] for name, result in low.items() if result["found"]} == {}


def test_the_alerts_and_the_device_pages_are_reachable_by_keyboard(quick_floor, context):
    heartbeat(quick_floor, "out")
    page = context.new_page()
    sign_in(page, quick_floor, "rina")
    expect(page.locator("#device-alerts li[data-alert='paper_out']")).to_be_visible()
    reached = []
    for _ in range(20):  # the menu first, then the alert
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        if reached[-1] == "Lihat perangkat":
            break
    assert "Perangkat" in reached and "Cek pagi" in reached and reached[-1] == "Lihat perangkat", reached
    page.keyboard.press("Enter")
    page.wait_for_url(quick_floor.url + "/manage/devices#device-1")
    expect(page.locator("#device-1")).to_contain_text("KERTAS HABIS")
