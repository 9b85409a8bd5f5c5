"""The administration of officers, devices, the calendar and priority categories (`/api/admin/…`):
admin only, versions, audit, and no PIN or token ever shown again or written to the log."""

import logging

import pytest


def refused_fields(answer, status: int = 422) -> dict:
    assert answer.status_code == status, answer.text
    return answer.json()["error"]["fields"]


def officer(client, username: str) -> dict:
    return next(o for o in client.get("/api/admin/officers").json() if o["username"] == username)


def test_a_new_officer_signs_in_with_the_pin_shown_once_and_it_is_never_logged(app_floor, caplog):
    caplog.set_level(logging.DEBUG)
    with app_floor.login("admin") as admin:
        added = admin.post("/api/admin/officers", json={"username": "wulan", "role": "officer", "agency": "SAMSAT"})
        assert added.status_code == 201, added.text
        pin = added.json()["pin"]
        assert len(pin) == 6 and pin.isdigit()
        listed = officer(admin, "wulan")
        assert "pin" not in listed and listed["active"] and listed["agency"] == "SAMSAT"
        entries = admin.get("/api/audit", params={"action": "officer.added"}).json()
        assert entries[0]["target"] == "wulan" and pin not in str(entries)
    with app_floor.login("wulan", pin) as wulan:
        assert wulan.get("/api/admin/officers").status_code == 403  # an officer is not an admin
    assert pin not in caplog.text


def test_reset_pin_ends_the_officers_sessions_and_the_old_pin(app_floor, caplog):
    caplog.set_level(logging.DEBUG)
    budi = app_floor.login("budi")
    assert budi.get("/api/state").status_code == 200
    with app_floor.login("admin") as admin:
        reset = admin.post("/api/admin/officers/budi/reset-pin")
        assert reset.status_code == 200, reset.text
        pin = reset.json()["pin"]
        entry = admin.get("/api/audit", params={"action": "officer.pin_reset"}).json()[0]
        assert entry["target"] == "budi" and entry["details"]["sessions_ended"] == 1 and pin not in str(entry)
    assert budi.get("/api/state").status_code == 401
    with app_floor.client() as anonymous:
        assert anonymous.post("/api/auth/login", json={"username": "budi", "pin": "1234"}).status_code == 401
    with app_floor.login("budi", pin) as again:
        assert again.get("/api/state").status_code == 200
    budi.close()
    assert pin not in caplog.text


def test_a_deactivated_officer_loses_their_session_and_cannot_sign_in_until_reactivated(app_floor):
    sari = app_floor.login("sari")
    with app_floor.login("admin") as admin:
        current = officer(admin, "sari")
        off = admin.patch("/api/admin/officers/sari", json={"version": current["version"], "active": False})
        assert off.status_code == 200 and off.json()["active"] is False
        assert sari.get("/api/state").status_code == 401
        with app_floor.client() as anonymous:
            assert anonymous.post("/api/auth/login", json={"username": "sari", "pin": "1234"}).status_code == 401
        # A stale version is refused with the officer as it is now.
        stale = admin.patch("/api/admin/officers/sari", json={"version": current["version"], "active": True})
        assert stale.status_code == 409 and stale.json()["error"]["code"] == "version_conflict"
        assert stale.json()["error"]["current"]["active"] is False
        on = admin.patch("/api/admin/officers/sari", json={"version": off.json()["version"], "active": True,
                                                           "role": "supervisor"})
        assert on.status_code == 200 and on.json()["role"] == "supervisor"
        entry = admin.get("/api/audit", params={"action": "officer.updated"}).json()[0]
        assert entry["details"]["changes"] == {"active": True, "role": "supervisor"}
    with app_floor.login("sari") as again:
        assert again.get("/api/state").status_code == 200
    sari.close()


@pytest.mark.parametrize("body, field", [
    ({"username": "x y"}, "username"),
    ({"username": "budi"}, "username"),
    ({"username": "baru", "agency": "NOPE"}, "agency"),
])
def test_a_wrong_officer_is_refused_naming_the_field(shared_app_floor, body, field):
    with shared_app_floor.login("admin") as admin:
        assert field in refused_fields(admin.post("/api/admin/officers", json=body))


def test_an_admin_cannot_deactivate_themself(shared_app_floor):
    with shared_app_floor.login("admin") as admin:
        current = officer(admin, "admin")
        fields = refused_fields(admin.patch("/api/admin/officers/admin",
                                            json={"version": current["version"], "active": False}))
        assert "sendiri" in fields["active"]


def test_only_the_admin_administers_people_and_devices(shared_app_floor):
    with shared_app_floor.login("rina") as supervisor:
        for path in ("/api/admin/officers", "/api/admin/devices", "/api/admin/holidays",
                     "/api/admin/priority-categories"):
            assert supervisor.get(path).status_code == 403, path
        assert supervisor.post("/api/admin/officers/budi/reset-pin").status_code == 403


def test_a_registered_device_works_with_its_token_shown_once_and_revoked_gets_401(app_floor, caplog):
    caplog.set_level(logging.DEBUG)
    with app_floor.login("admin") as admin:
        made = admin.post("/api/admin/devices", json={"kind": "kiosk", "name": "Kios 2", "zone": "1"})
        assert made.status_code == 201, made.text
        device = made.json()
        assert device["pairing_qr"].startswith("data:image/svg+xml;base64,")
        listed = next(d for d in admin.get("/api/admin/devices").json() if d["id"] == device["id"])
        assert "token" not in listed and listed["active"]
        with app_floor.client(device["token"]) as kiosk:
            assert kiosk.get("/api/kiosk/catalog").status_code == 200
            renamed = admin.patch(f"/api/admin/devices/{device['id']}",
                                  json={"version": listed["version"], "name": "Kios Lobi", "zone": "2"})
            assert renamed.status_code == 200 and renamed.json()["zone"] == "2"
            assert refused_fields(admin.patch(f"/api/admin/devices/{device['id']}", json={
                "version": renamed.json()["version"], "zone": "99"})) == {"zone": "Zona '99' tidak dikenal."}
            assert admin.delete(f"/api/admin/devices/{device['id']}").json()["active"] is False
            assert kiosk.get("/api/kiosk/catalog").status_code == 401
        actions = [e["action"] for e in admin.get("/api/audit").json()]
        assert {"device.added", "device.updated", "device.revoked"} <= set(actions)
        assert device["token"] not in str(admin.get("/api/audit").json())
    assert device["token"] not in caplog.text


def test_a_wrong_device_is_refused_naming_the_field(shared_app_floor):
    with shared_app_floor.login("admin") as admin:
        assert "name" in refused_fields(admin.post("/api/admin/devices", json={"kind": "display", "name": " "}))
        assert "kind" in refused_fields(admin.post("/api/admin/devices", json={"kind": "toaster", "name": "x"}))
        assert admin.delete("/api/admin/devices/9999").status_code == 404


def test_a_holiday_closes_the_kiosk_that_day_live(app_floor):
    today = app_floor.server.context.site.service_day(app_floor.server.context.now())
    with app_floor.login("admin") as admin, app_floor.kiosk() as kiosk:
        added = admin.post("/api/admin/holidays", json={"date": today, "name": "Cuti bersama Idulfitri"})
        assert added.status_code == 201, added.text
        assert refused_fields(admin.post("/api/admin/holidays", json={"date": today, "name": "x"}))["date"]
        assert refused_fields(admin.post("/api/admin/holidays", json={"date": "17-08", "name": "x"}))["date"]
        refused = kiosk.post("/api/tickets", json={"service": "DK-KTP", "request_id": "holiday-test-1"})
        assert refused.status_code == 409, refused.text
        renamed = admin.patch(f"/api/admin/holidays/{today}", json={"version": added.json()["version"],
                                                                    "name": "Libur nasional"})
        assert renamed.status_code == 200 and renamed.json()["name"] == "Libur nasional"
        assert admin.delete(f"/api/admin/holidays/{today}").status_code == 204
        assert kiosk.post("/api/tickets", json={"service": "DK-KTP", "request_id": "holiday-test-2"}).status_code == 201
        actions = [e["action"] for e in admin.get("/api/audit").json()]
        assert {"site.holiday.added", "site.holiday.updated", "site.holiday.removed"} <= set(actions)


def test_priority_categories_are_named_and_ordered_for_the_kiosk(app_floor):
    with app_floor.login("admin") as admin, app_floor.kiosk() as kiosk:
        added = admin.post("/api/admin/priority-categories", json={"code": "HAMIL", "name": "Ibu hamil",
                                                                    "position": 0})
        assert added.status_code == 201, added.text
        assert admin.get("/api/admin/priority-categories").json()[0]["code"] == "HAMIL"
        catalog = kiosk.get("/api/kiosk/catalog").json()
        assert "HAMIL" in str(catalog)
        stale = admin.patch("/api/admin/priority-categories/HAMIL", json={"version": "old", "name": "x"})
        assert stale.status_code == 409
        moved = admin.patch("/api/admin/priority-categories/HAMIL", json={"version": added.json()["version"],
                                                                           "position": 5, "name": "Ibu Hamil"})
        assert moved.status_code == 200 and moved.json()["name"] == "Ibu Hamil"
        assert admin.get("/api/admin/priority-categories").json()[-1]["code"] == "HAMIL"


def test_a_closed_service_tells_the_kiosk_its_reason_and_opens_again(app_floor):
    today = app_floor.server.context.site.service_day(app_floor.server.context.now())
    with app_floor.login("admin") as admin, app_floor.kiosk() as kiosk:
        wrong = admin.post("/api/admin/closures", json={"service": "DK-KTP", "first_day": today,
                                                        "last_day": "2020-01-01", "reason": "x"})
        assert refused_fields(wrong) == {"last_day": "Hari terakhir tidak boleh sebelum hari pertama."}
        assert "service" in refused_fields(admin.post("/api/admin/closures", json={
            "service": "NOPE", "first_day": today, "reason": "x"}))
        closed = admin.post("/api/admin/closures", json={"service": "DK-KTP", "first_day": today,
                                                         "reason": "Blangko KTP-el habis"})
        assert closed.status_code == 201, closed.text
        offered = {s["code"]: s for a in kiosk.get("/api/kiosk/catalog").json()["agencies"] for s in a["services"]}
        assert offered["DK-KTP"]["available"] is False and offered["DK-KTP"]["reason_detail"] == "service_closed"
        assert offered["DK-KTP"]["message"] == "Layanan ditutup sementara: Blangko KTP-el habis."
        assert offered["DK-KK"]["available"] is True  # the other services stay open
        refused = kiosk.post("/api/tickets", json={"service": "DK-KTP", "request_id": "closure-test-1"})
        assert refused.status_code == 409 and "Blangko KTP-el habis" in refused.json()["error"]["message"]
        assert admin.delete(f"/api/admin/closures/DK-KTP/{today}").status_code == 204
        assert kiosk.post("/api/tickets", json={"service": "DK-KTP", "request_id": "closure-test-2"}).status_code == 201


def test_a_special_opening_day_opens_a_day_the_site_is_closed(app_floor):
    context = app_floor.server.context
    app_floor.clock.advance(days=6)  # Sunday: the demo site is closed
    today = context.site.service_day(context.now())
    with app_floor.login("admin") as admin, app_floor.kiosk() as kiosk:
        assert kiosk.post("/api/tickets", json={"service": "DK-KTP", "request_id": "special-1"}).status_code == 409
        assert refused_fields(admin.post("/api/admin/special-days", json={
            "date": today, "name": "Pelayanan akhir pekan", "hours": "12:00-08:00"}))["hours"]
        opened = admin.post("/api/admin/special-days", json={"date": today, "name": "Pelayanan akhir pekan",
                                                              "hours": "08:00-12:00"})
        assert opened.status_code == 201, opened.text
        assert kiosk.post("/api/tickets", json={"service": "DK-KTP", "request_id": "special-2"}).status_code == 201
        assert admin.delete(f"/api/admin/special-days/{today}").status_code == 204
        assert [d["date"] for d in admin.get("/api/admin/special-days").json()] == []
        actions = {e["action"] for e in admin.get("/api/audit").json()}
        assert {"site.special_day.added", "site.special_day.removed"} <= actions
