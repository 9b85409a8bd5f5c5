"""The public booking page: the choices as links, a signed form token on the POSTs, the booking's own page
with its code, window and QR, cancelling; one lean run in Chromium on a phone's screen."""

import re

import pytest

from devtools.launcher import ServerProcess, add_token, prepare_database
from tests import browser
from tests.conftest import Floor


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def form(html: str, **values) -> dict:
    fields = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', html))
    return {**fields, **values}


def test_the_page_books_shows_the_masked_booking_and_cancels(app_floor):
    with app_floor.client() as client:
        start = client.get("/booking")
        assert start.status_code == 200 and "DK-KTP" in start.text and "BK-UBAH" in start.text
        dates = client.get("/booking", params={"service": "DK-KTP"}).text
        assert "2026-11-24" in dates and "2026-11-29" not in dates  # no Sunday
        page = client.get("/booking", params={"service": "DK-KTP", "date": "2026-11-24"}).text
        assert 'value="09:00"' in page and "NIK" not in page.split("<form")[1].split("</form>")[0]
        sent = form(page, slot="09:00", name="Budi Santoso", phone="0812 3456 7890")
        answer = client.post("/booking", data=sent)
        assert answer.status_code == 303, answer.text
        done = client.get(answer.headers["location"])
        again = client.post("/booking", data=sent)  # a double submit: the same booking
    assert again.status_code == 303 and again.headers["location"] == answer.headers["location"]
    assert "0812*****890" in done.text and "Bu*** Sa***" in done.text and "3456" not in done.text
    assert "08:30–09:15" in done.text
    code = re.search(r'id="code">(\w+)<', done.text).group(1)
    with app_floor.client() as client:
        png = client.get(f"/booking/{code}/qr.png")
        cancel = client.post(f"/booking/{code}/cancel", data=form(done.text))
        cancelled = client.get(cancel.headers["location"])
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert cancel.status_code == 303 and "dibatalkan" in cancelled.text


def test_the_bookings_page_reschedules_to_another_date_and_slot_keeping_code_and_qr(app_floor):
    with app_floor.client() as client:
        page = client.get("/booking", params={"service": "DK-KTP", "date": "2026-11-24"}).text
        made = client.post("/booking", data=form(page, slot="09:00", name="Budi Santoso", phone="081234567890"))
        done = client.get(made.headers["location"]).text
        code = re.search(r'id="code">(\w+)<', done).group(1)
        link = re.search(r'id="reschedule" href="([^"]+)"', done).group(1).replace("&amp;", "&")
        dates = client.get(link).text
        assert "2026-11-25" in dates and "2026-11-29" not in dates
        chosen = client.get(re.search(r'href="([^"]+date=2026-11-25)"', dates).group(1).replace("&amp;", "&")).text
        assert 'value="13:00"' in chosen
        forged = client.post(f"/booking/{code}/reschedule", data=form(chosen, slot="13:00", token="1.x"))
        refused = client.post(f"/booking/{code}/reschedule", data=form(chosen, slot="13:10"))
        moved = client.post(f"/booking/{code}/reschedule", data=form(chosen, slot="13:00"))
        again = client.get(moved.headers["location"]).text
    assert forged.status_code == 403 and "kedaluwarsa" in forged.text
    assert refused.status_code == 409 and 'role="alert"' in refused.text and 'value="13:00"' in refused.text
    assert moved.status_code == 303 and moved.headers["location"] == made.headers["location"]
    assert "2026-11-25" in again and "13:00" in again and f"/booking/{code}/qr.png" in again


def test_a_post_without_a_valid_form_token_is_refused(app_floor):
    with app_floor.client() as client:
        page = client.get("/booking", params={"service": "DK-KTP", "date": "2026-11-24"}).text
        forged = client.post("/booking", data=form(page, slot="09:00", name="Budi", phone="081234567890",
                                                   token="1700000000.0123456789abcdef0123456789abcdef"))
        unknown = client.get("/booking/AAAAAAAA", params={"k": "nothing-here"})
    assert forged.status_code == 403 and "kedaluwarsa" in forged.text
    assert unknown.status_code == 404


def test_nik_only_where_the_service_asks_and_with_consent(app_floor):
    with app_floor.client() as client:
        page = client.get("/booking", params={"service": "BK-UBAH", "date": "2026-11-24"}).text
        assert 'name="nik"' in page and 'name="consent"' in page
        values = form(page, slot="09:00", name="Siti Aminah", phone="081234567890", nik="3201234506900001")
        no_consent = client.post("/booking", data=values)
        bad_nik = client.post("/booking", data={**values, "nik": "1234", "consent": "yes"})
        booked = client.post("/booking", data={**values, "consent": "yes"})
        done = client.get(booked.headers["location"])
    assert no_consent.status_code == 422 and "persetujuan" in no_consent.text
    assert bad_nik.status_code == 422 and 'aria-invalid="true" aria-describedby="nik-error"' in bad_nik.text
    assert "3201********0001" in done.text and "3201234506900001" not in done.text


@pytest.fixture(scope="module")
def phone_floor(tmp_path_factory):
    """A real server with a kiosk only (no officers: their PINs' hashing is most of a floor's start)."""
    db = tmp_path_factory.mktemp("booking") / "antrian.db"
    prepare_database(db)
    server = ServerProcess(db).start()
    yield Floor(server, add_token(db, "kiosk", "Kios 1", "1"), "", "", db)
    server.stop()


def test_a_citizen_books_on_a_phone_in_chromium_without_javascript(phone_floor, chromium):
    context = chromium.new_context(viewport=browser.PHONE, locale="id-ID", java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(phone_floor.url + "/booking")
        page.get_by_role("link", name=re.compile("Cetak ulang KTP-el")).click()
        page.get_by_role("link", name="2026-11-24").click()
        page.get_by_role("radio", name=re.compile("09:30")).check()
        page.get_by_label(re.compile("Nama lengkap")).fill("Rina Wati")
        page.get_by_label(re.compile("Nomor ponsel")).fill("081298765432")
        page.get_by_role("button", name=re.compile("Buat janji temu")).click()
        page.wait_for_url(re.compile(r"/booking/\w{8}\?k="))
        code = page.locator("#code").inner_text()
        assert page.locator("#window").inner_text() == "09:00–09:45"
        assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 100
        assert "0812*****432" in page.content()
    finally:
        context.close()
    with phone_floor.kiosk() as kiosk:  # the code the page shows is the one the kiosk checks in
        assert kiosk.post(f"/api/appointments/{code}/check-in").json()["error"]["code"] == "wrong_day"
