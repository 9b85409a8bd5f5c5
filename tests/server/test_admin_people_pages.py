"""The pages for officers, devices, the calendar and priority categories (`/manage/admin/…`) through the
test client: the PIN and token shown once, errors by their fields in Indonesian, admin only."""

import re

from tests.server.test_admin_pages import form_of, page_text
from tests.server.test_manage_shell import signed_in


def csrf(admin, path: str) -> str:
    return form_of(admin.get(path))["csrf_token"]


def test_an_officer_added_from_the_page_gets_a_pin_shown_once(app_floor, caplog):
    admin = signed_in(app_floor, "admin")
    token = csrf(admin, "/manage/admin/officers")
    added = admin.post("/manage/admin/officers", data={"csrf_token": token, "username": "wulan", "role": "officer",
                                                       "agency": "SAMSAT"})
    assert added.status_code == 200 and added.headers["Cache-Control"] == "no-store"
    pin = re.search(r'<strong id="pin">(\d{6})</strong>', added.get_data(as_text=True)).group(1)
    listing = admin.get("/manage/admin/officers").get_data(as_text=True)
    assert "wulan" in listing and pin not in listing
    assert pin not in caplog.text
    taken = admin.post("/manage/admin/officers", data={"csrf_token": token, "username": "wulan", "role": "officer"})
    assert taken.status_code == 422
    assert 'id="username-error">Nama pengguna &#39;wulan&#39; sudah dipakai.' in taken.get_data(as_text=True)


def test_the_officer_page_deactivates_and_resets_the_pin(app_floor):
    admin = signed_in(app_floor, "admin")
    budi = app_floor.login("budi")
    form = form_of(admin.get("/manage/admin/officers/budi"))
    off = admin.post("/manage/admin/officers/budi", data={k: v for k, v in form.items() if k != "active"})
    assert off.status_code == 303, off.get_data(as_text=True)
    assert budi.get("/api/state").status_code == 401
    budi.close()
    assert 'name="active" checked' not in admin.get("/manage/admin/officers/budi").get_data(as_text=True)
    reset = admin.post("/manage/admin/officers/budi/reset-pin", data={"csrf_token": form["csrf_token"]})
    assert reset.status_code == 200 and "PIN tidak akan ditampilkan lagi" in page_text(reset)
    assert re.search(r'<strong id="pin">\d{6}</strong>', reset.get_data(as_text=True))


def test_a_device_registered_from_the_page_shows_its_token_and_qr_once(app_floor):
    admin = signed_in(app_floor, "admin")
    token = csrf(admin, "/manage/admin/devices")
    refused = admin.post("/manage/admin/devices", data={"csrf_token": token, "kind": "kiosk", "name": ""})
    assert refused.status_code == 422 and 'id="name-error">Nama perangkat wajib diisi' in refused.get_data(as_text=True)
    made = admin.post("/manage/admin/devices", data={"csrf_token": token, "kind": "kiosk", "name": "Kios <b>2</b>",
                                                     "zone": "1"})
    html = made.get_data(as_text=True)
    secret = re.search(r'<code id="token">([^<]+)</code>', html).group(1)
    assert 'src="data:image/svg+xml;base64,' in html and "Kios &lt;b&gt;2&lt;/b&gt;" in html
    with app_floor.client(secret) as kiosk:
        assert kiosk.get("/api/kiosk/catalog").status_code == 200
    listing = admin.get("/manage/admin/devices").get_data(as_text=True)
    assert secret not in listing
    device_id = re.search(r'href="/manage/admin/devices/(\d+)">Kios &lt;b&gt;2', listing).group(1)
    revoked = admin.post(f"/manage/admin/devices/{device_id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303
    assert 'id="revoked"' in admin.get(f"/manage/admin/devices/{device_id}").get_data(as_text=True)
    with app_floor.client(secret) as kiosk:
        assert kiosk.get("/api/kiosk/catalog").status_code == 401


def test_the_calendar_page_adds_a_holiday_and_a_priority_category(app_floor):
    admin = signed_in(app_floor, "admin")
    token = csrf(admin, "/manage/admin/calendar")
    wrong = admin.post("/manage/admin/calendar/holidays", data={"csrf_token": token, "date": "", "name": "x"})
    assert wrong.status_code == 422 and 'id="holiday.date-error">Tanggal harus seperti' in wrong.get_data(as_text=True)
    added = admin.post("/manage/admin/calendar/holidays", data={"csrf_token": token, "date": "2026-12-24",
                                                                "name": "Cuti bersama Natal"})
    assert added.status_code == 303
    assert "Cuti bersama Natal" in page_text(admin.get("/manage/admin/calendar"))
    made = admin.post("/manage/admin/calendar/priority-categories", data={"csrf_token": token, "code": "HAMIL",
                                                                          "name": "Ibu hamil"})
    assert made.status_code == 303
    assert [p.code for p in app_floor.server.context.site.config.site.priority_categories][-1] == "HAMIL"


def test_a_supervisor_cannot_open_the_people_pages(app_floor):
    supervisor = signed_in(app_floor, "rina")
    for path in ("/manage/admin/officers", "/manage/admin/devices", "/manage/admin/calendar"):
        assert supervisor.get(path).status_code == 403, path


def test_the_calendar_page_closes_a_service_with_a_reason_shown_as_text(app_floor):
    admin = signed_in(app_floor, "admin")
    token = csrf(admin, "/manage/admin/calendar")
    wrong = admin.post("/manage/admin/calendar/closures", data={
        "csrf_token": token, "service": "DK-KTP", "first_day": "2026-11-25", "last_day": "2026-11-24", "reason": "x"})
    assert wrong.status_code == 422
    assert 'id="closure.last_day-error">Hari terakhir tidak boleh sebelum hari pertama.' in wrong.get_data(as_text=True)
    closed = admin.post("/manage/admin/calendar/closures", data={
        "csrf_token": token, "service": "DK-KTP", "first_day": "2026-11-25", "last_day": "2026-11-26",
        "reason": "<script>alert(1)</script> Blangko habis"})
    assert closed.status_code == 303
    html = admin.get("/manage/admin/calendar").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Blangko habis" in html and "<script>alert" not in html
    special = admin.post("/manage/admin/calendar/special-days", data={
        "csrf_token": token, "date": "2026-11-29", "name": "Layanan Minggu", "hours": "08:00-12:00"})
    assert special.status_code == 303
    assert "Layanan Minggu" in page_text(admin.get("/manage/admin/calendar"))


def test_the_calendar_page_edits_a_special_day_and_a_closure_with_the_version_check(app_floor):
    import sqlite3
    admin = signed_in(app_floor, "admin")
    token = csrf(admin, "/manage/admin/calendar")
    assert admin.post("/manage/admin/calendar/special-days", data={
        "csrf_token": token, "date": "2026-11-29", "name": "Layanan Minggu", "hours": "08:00-12:00"}).status_code == 303
    assert admin.post("/manage/admin/calendar/closures", data={
        "csrf_token": token, "service": "DK-KTP", "first_day": "2026-11-25", "last_day": "2026-11-26",
        "reason": "Blangko habis"}).status_code == 303
    page = admin.get("/manage/admin/calendar").get_data(as_text=True)
    special_version = re.search(r'special-days/2026-11-29" novalidate>\s*<input[^>]*>\s*<input type="hidden" '
                                r'name="version" value="(\w+)"', page)[1]
    closure_version = re.search(r'closures/DK-KTP/2026-11-25" novalidate>\s*<input[^>]*>\s*<input type="hidden" '
                                r'name="version" value="(\w+)"', page)[1]
    assert 'for="special-2026-11-29.hours"' in page and 'for="closure-DK-KTP-2026-11-25.last_day"' in page
    no_token = admin.post("/manage/admin/calendar/special-days/2026-11-29",
                          data={"version": special_version, "name": "x", "hours": "08:00-12:00"})
    assert no_token.status_code == 403
    wrong = admin.post("/manage/admin/calendar/special-days/2026-11-29", data={
        "csrf_token": token, "version": special_version, "name": "Layanan Minggu", "hours": "12:00-08:00"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'id="special-2026-11-29.hours-error"' in html
    assert '<details id="special-2026-11-29" open>' in html and 'value="12:00-08:00"' in html  # what was sent stays
    saved = admin.post("/manage/admin/calendar/special-days/2026-11-29", data={
        "csrf_token": token, "version": special_version, "name": "Layanan Minggu Ceria", "hours": "08:00-13:00"})
    assert saved.status_code == 303
    assert "08:00-13:00" in page_text(admin.get("/manage/admin/calendar"))
    # A second admin's form read before that save: refused with the other's change shown.
    stale = admin.post("/manage/admin/calendar/special-days/2026-11-29", data={
        "csrf_token": token, "version": special_version, "name": "Acara lain", "hours": "09:00-10:00"})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and 'id="special-2026-11-29-other"' in html
    assert "Layanan Minggu Ceria, jam 08:00-13:00" in page_text(stale) and 'value="Acara lain"' in html
    moved = admin.post("/manage/admin/calendar/closures/DK-KTP/2026-11-25", data={
        "csrf_token": token, "version": closure_version, "last_day": "2026-11-28", "reason": "Blangko <b>habis</b>"})
    assert moved.status_code == 303
    html = admin.get("/manage/admin/calendar").get_data(as_text=True)
    assert "2026-11-28" in html and "Blangko &lt;b&gt;habis&lt;/b&gt;" in html
    before = admin.post("/manage/admin/calendar/closures/DK-KTP/2026-11-25", data={
        "csrf_token": token, "version": closure_version, "last_day": "2026-11-30", "reason": "x"})
    assert before.status_code == 409 and "sampai 2026-11-28" in page_text(before)
    with sqlite3.connect(app_floor.db_path) as db:
        actions = [row[0] for row in db.execute("SELECT action FROM audit_log WHERE actor = 'admin' ORDER BY id")]
    assert actions[-2:] == ["site.special_day.updated", "site.closure.updated"]
