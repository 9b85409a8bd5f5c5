"""The supervisor's actions in a real Chromium against a real server process: each one done through the
page (keyboard and mouse, the confirmation dialog, the form pages), the monitor following each without
a reload, a refusal in words, and every text of the new pages readable (WCAG AA). The routes one by one:
test_manage_actions.py (test client)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import browser
from tests.server.test_manage_pages import CONTRAST, sign_in

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}

pytestmark = pytest.mark.browser


@pytest.fixture
def context(chromium):
    context = chromium.new_context(viewport=LAPTOP, locale="id-ID")
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_each_supervisor_action_through_the_page(floor, context):
    with floor.login("budi") as budi:
        assert budi.post("/api/counters/L01/open").status_code == 200
    first, second = floor.issue(), floor.issue()
    page = context.new_page()
    sign_in(page, floor, "rina")
    page.evaluate("window.notReloaded = true")
    row = page.locator("tr[data-counter='L01']")
    status = page.locator("#action-status")
    low = {}

    # Pause from the keyboard (the counter holds no ticket: no question), then resume with the mouse.
    page.focus("[data-key=act-L01-pause]")
    page.keyboard.press("Space")  # a link that looks and is announced as a button presses as one
    expect(row).to_have_attribute("data-status", "paused")
    expect(status).to_have_text("Loket 1 dijeda.")
    low["monitor-done"] = page.evaluate(CONTRAST)
    page.click("[data-key=act-L01-resume]")
    expect(row).to_have_attribute("data-status", "open")
    expect(status).to_have_text("Loket 1 dilanjutkan.")

    # A refusal (the counter is not paused) keeps its status and says why, next to the floor.
    page.evaluate("""() => {
        const form = document.createElement('form');
        form.setAttribute('data-action', 'counter'); form.setAttribute('hx-post', '/manage/counters/L01/resume');
        form.setAttribute('hx-target', '#floor'); form.innerHTML = '<button id="stale-resume">x</button>';
        document.querySelector('main').appendChild(form); htmx.process(form);
    }""")
    page.click("#stale-resume")
    expect(status).to_have_text("Loket 1 tidak sedang istirahat.")
    expect(row).to_have_attribute("data-status", "open")  # #floor kept its content
    low["monitor-refused"] = page.evaluate(CONTRAST)
    assert page.evaluate("window.notReloaded") is True

    # Today's queues: a form page, then back on the monitor.
    page.click("[data-key=act-L01-queues]")
    page.wait_for_url(floor.url + "/manage/counters/L01/queues")
    low["queues"] = page.evaluate(CONTRAST)
    browser.screenshot(page, SCREENSHOTS / "manage-counter-queues.png")
    page.uncheck("#queue-DUKCAPIL-KTP")
    page.check("#queue-DUKCAPIL-SIPIL")
    page.fill("#order-DUKCAPIL-SIPIL", "1")
    page.click("#save-queues")
    page.wait_for_url(floor.url + "/manage/")
    expect(row.locator(".queue-chip")).to_have_text(["B: 0"])

    # Cancel a waiting ticket: the browser asks first (hx-confirm).
    page.locator("details[data-queue='DUKCAPIL-KTP'] summary").click()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.evaluate("window.notReloaded = true")
    page.click(f"[data-key=cancel-{first['code']}]")
    expect(page.locator(f"li[data-ticket='{first['code']}']")).to_have_count(0)
    expect(status).to_have_text(f"Tiket {first['code']} dibatalkan.")
    assert asked == [f"Batalkan tiket {first['code']}? Nomornya tidak dipakai lagi hari ini."]
    assert page.evaluate("window.notReloaded") is True
    browser.screenshot(page, SCREENSHOTS / "manage-monitor-actions.png")

    # Move the other one to another service: it keeps its code, now in the queue L01 serves today.
    page.click(f"[data-key=transfer-{second['code']}]")
    page.wait_for_url(f"{floor.url}/manage/tickets/{second['code']}/transfer")
    low["transfer"] = page.evaluate(CONTRAST)
    page.select_option("#service", "DK-KK")
    page.click("#transfer")
    page.wait_for_url(floor.url + "/manage/")
    expect(page.locator(f"details[data-queue='DUKCAPIL-SIPIL'] li[data-ticket='{second['code']}']")).to_have_count(1)
    expect(row.locator(".queue-chip")).to_have_text(["B: 1"])
    expect(row).to_have_attribute("data-idle-with-queue", "true")

    # Running text: a second tab keeps the monitor open and follows it live.
    monitor = context.new_page()
    monitor.goto(floor.url + "/manage/")
    expect(monitor.locator("#running-text")).to_contain_text("Tidak ada teks berjalan.")
    page.click("nav >> text=Teks berjalan")
    page.wait_for_url(floor.url + "/manage/broadcasts")
    page.fill("#text", "<i>Loket Samsat</i> buka sampai 14.00")
    page.fill("#until", "15:30")
    page.click("#send")
    page.wait_for_url(floor.url + "/manage/broadcasts")
    expect(page.locator("#running-list td.words")).to_have_text("<i>Loket Samsat</i> buka sampai 14.00")
    words = monitor.locator("#running-text li .words")
    expect(words).to_have_text("<i>Loket Samsat</i> buka sampai 14.00")  # escaped: shown as typed
    expect(monitor.locator("#running-text li small")).to_have_text("sampai 15:30")
    low["broadcasts"] = page.evaluate(CONTRAST)
    low["monitor-running-text"] = monitor.evaluate(CONTRAST)
    browser.screenshot(page, SCREENSHOTS / "manage-broadcasts.png")
    page.locator("#running-list button", has_text="Akhiri").click()
    page.wait_for_url(floor.url + "/manage/broadcasts")
    expect(page.locator("#none")).to_have_text("Tidak ada teks berjalan saat ini.")
    expect(monitor.locator("#running-text")).to_contain_text("Tidak ada teks berjalan.")

    page.fill("#text", "Halo")
    page.fill("#until", "08:00")  # the floor's clock is at 09:00
    page.click("#send")
    expect(page.locator("#message")).to_contain_text("Waktu berakhir sudah lewat")
    low["broadcasts-refused"] = page.evaluate(CONTRAST)

    page.goto(floor.url + "/manage/counters/L01/close")  # the confirmation page, as without JavaScript
    low["confirm"] = page.evaluate(CONTRAST)
    assert all(result["checked"] >= 5 for result in low.values()), low
    assert {name: result["found"] for name, result in low.items() if result["found"]} == {}

    with floor.login("admin") as admin:
        actions = {entry["action"] for entry in admin.get("/api/audit").json()}
    assert {"counter.pause", "counter.resume", "counter.queues", "ticket.cancel", "ticket.transfer",
            "broadcast.send", "broadcast.end"} <= actions
