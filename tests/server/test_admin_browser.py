"""The site administration in a real Chromium against a real server: a service added from its form
reaches the running kiosk's catalog within a second; two people saving the same service; a broken
site file uploaded shows every problem; every text of the pages readable (WCAG AA)."""

import time

import pytest

from tests import browser
from tests.server.test_manage_pages import CONTRAST, LAPTOP, SCREENSHOTS, sign_in, words

pytestmark = pytest.mark.browser


def new_page(chromium):
    context = chromium.new_context(viewport=LAPTOP, locale="id-ID")
    context.set_default_timeout(10_000)
    return context, context.new_page()


def offered(floor) -> set[str]:
    with floor.kiosk() as kiosk:
        catalog = kiosk.get("/api/kiosk/catalog").json()
    return {s["code"] for a in catalog["agencies"] for s in a["services"]}


def test_a_service_added_from_the_keyboard_is_on_the_running_kiosk_within_a_second(floor, chromium):
    context, page = new_page(chromium)
    sign_in(page, floor, "admin", start="/manage/admin/")
    page.get_by_role("button", name="Tambah layanan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(floor.url + "/manage/admin/services/new")
    page.get_by_label("Kode layanan").fill("DK-SKTT")
    page.locator("#agency").select_option("DUKCAPIL")
    page.get_by_label("Nama layanan", exact=True).fill("Surat Keterangan Tempat Tinggal")
    page.locator("#queue").select_option("DUKCAPIL-SIPIL")
    page.get_by_label("Persyaratan (satu per baris)").fill("KTP-el asli\nKartu Keluarga")
    assert "DK-SKTT" not in offered(floor)
    page.get_by_label("Minta NIK").press("Space")
    page.get_by_label("Nama dalam bahasa Inggris").press("Enter")  # Enter in a field submits its form
    page.wait_for_url("**/manage/admin/services/DK-SKTT?saved=1")
    started = time.monotonic()
    while "DK-SKTT" not in offered(floor):
        assert time.monotonic() - started < 1.0
        time.sleep(0.05)
    assert words(page, "#saved").startswith("Tersimpan.")
    low = {"form": page.evaluate(CONTRAST)}
    for name, path in [("home", "/manage/admin/"), ("site", "/manage/admin/site"), ("import", "/manage/admin/import")]:
        page.goto(floor.url + path)
        low[name] = page.evaluate(CONTRAST)
    page.goto(floor.url + "/manage/admin/services/DK-SKTT")
    page.get_by_label("Kuota harian").fill("banyak")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_selector("#quota-error")
    low["errors"] = page.evaluate(CONTRAST)
    assert {name: result["found"] for name, result in low.items() if result["found"]} == {}
    browser.screenshot(page, SCREENSHOTS / "manage-admin-service-error.png")
    context.close()


def test_two_people_saving_the_same_service_the_second_sees_the_others_change(floor, chromium):
    (first_context, first), (second_context, second) = new_page(chromium), new_page(chromium)
    sign_in(first, floor, "admin", start="/manage/admin/services/DK-KK")
    sign_in(second, floor, "dewi", start="/manage/admin/services/DK-KK")
    first.get_by_label("Kuota harian").fill("40")
    first.get_by_role("button", name="Simpan").click()
    first.wait_for_selector("#saved")
    second.get_by_label("Kuota harian").fill("60")
    second.get_by_role("button", name="Simpan").click()
    second.wait_for_selector("#other")
    assert "baru saja diubah orang lain" in words(second, "#problems")
    assert "Kuota harian 40" in words(second, "#other")
    assert second.get_by_label("Kuota harian").input_value() == "60"  # one's own value kept
    with floor.login("admin") as admin:
        kept = next(s for s in admin.get("/api/admin/services").json() if s["code"] == "DK-KK")
    assert kept["quota"] == 40
    browser.screenshot(second, SCREENSHOTS / "manage-admin-version-conflict.png")
    first_context.close()
    second_context.close()


def test_a_broken_site_file_uploaded_shows_every_problem(floor, chromium, tmp_path):
    context, page = new_page(chromium)
    sign_in(page, floor, "admin", start="/manage/admin/import")
    with floor.login("admin") as admin:
        text = admin.get("/api/admin/site.toml").text
    broken = (text.replace('prefix = "B"', 'prefix = "A"', 1).replace('mon = "08:00-15:00"', 'mon = "15:00-08:00"', 1)
                  .replace('queue = "IMIGRASI"', 'queue = "NOPE"', 1))
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    page.get_by_label("Berkas situs (TOML, paling besar 64 KiB)").set_input_files(str(path))
    page.get_by_role("button", name="Periksa berkas").click()
    page.wait_for_selector("#problems")
    problems = words(page, "#problems")
    assert "3 masalah" in problems
    for part in ("queues[1].prefix", "site.hours.mon", "Antrean 'NOPE' tidak dikenal."):
        assert part in problems
    browser.screenshot(page, SCREENSHOTS / "manage-admin-import-errors.png")
    context.close()
