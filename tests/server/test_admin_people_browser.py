"""Officers and devices administered in a real Chromium against a real server, from the keyboard:
a device registered shows its token and pairing QR once (the token works, the QR is drawn); a PIN reset
shows the new PIN once and the officer signs in with it."""

import pytest

from tests.server.test_admin_browser import new_page
from tests.server.test_manage_pages import sign_in, words

pytestmark = pytest.mark.browser


def test_a_device_registered_in_the_browser_shows_its_token_and_qr_once(floor, chromium):
    context, page = new_page(chromium)
    sign_in(page, floor, "admin", start="/manage/admin/devices")
    page.get_by_label("Jenis perangkat").select_option("display")
    page.get_by_label("Nama perangkat").fill("Layar Lobi")
    page.get_by_label("Zona").select_option("1")
    page.get_by_label("Nama perangkat").press("Enter")
    page.wait_for_selector("#secret")
    token = words(page, "#token")
    drawn = page.locator("#pairing-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    assert drawn, "the pairing QR is not drawn"
    with floor.client(token) as board:
        assert board.get("/api/state", params={"zone": "1"}).status_code == 200
    page.goto(floor.url + "/manage/admin/devices")
    assert "Layar Lobi" in words(page, "#devices") and token not in page.content()
    context.close()


def test_a_pin_reset_in_the_browser_is_shown_once_and_works(floor, chromium):
    context, page = new_page(chromium)
    sign_in(page, floor, "admin", start="/manage/admin/officers/budi")
    page.get_by_role("button", name="Atur ulang PIN").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#pin")
    pin = words(page, "#pin")
    assert len(pin) == 6 and pin.isdigit()
    page.goto(floor.url + "/manage/admin/officers")
    assert pin not in page.content()
    with floor.client() as anonymous:
        assert anonymous.post("/api/auth/login", json={"username": "budi", "pin": "1234"}).status_code == 401
    with floor.login("budi", pin) as budi:
        assert budi.get("/api/state").status_code == 200
    context.close()
