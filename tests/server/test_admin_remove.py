"""Removing agencies, services and counters (`DELETE /api/admin/…/{code}` and the pages' confirmed button):
what has tickets today is refused with the reason in Indonesian (409 `in_use`), the rest is removed,
audited and announced; and the calendar's PATCHes for special days and closures."""

from tests.server.test_admin_pages import page_text
from tests.server.test_manage_shell import csrf_of, signed_in


def audited(client, action: str) -> dict:
    return client.get("/api/audit", params={"action": action}).json()[0]


def offered(app_floor) -> set[str]:
    with app_floor.kiosk() as kiosk:
        return {s["code"] for a in kiosk.get("/api/kiosk/catalog").json()["agencies"] for s in a["services"]}


def test_a_service_with_tickets_today_is_refused_and_one_without_is_removed(app_floor):
    app_floor.issue("DK-KTP")
    with app_floor.login("admin") as admin:
        refused = admin.delete("/api/admin/services/DK-KTP")
        assert refused.status_code == 409
        error = refused.json()["error"]
        assert error["code"] == "in_use"
        assert "Layanan 'DK-KTP' sudah punya 1 tiket hari ini" in error["message"] and "Sembunyikan" in error["message"]
        assert "DK-KTP" in offered(app_floor)
        version = app_floor.server.context.site.version
        assert admin.delete("/api/admin/services/DK-KK").status_code == 204
        assert "DK-KK" not in offered(app_floor)
        assert app_floor.server.context.site.version == version + 1
        entry = audited(admin, "site.service.removed")
        assert (entry["actor"], entry["target"]) == ("admin", "DK-KK")
        assert admin.delete("/api/admin/services/DK-KK").status_code == 404
        last = app_floor.server.context.events.last_id
    with app_floor.server.context.pool.connection() as conn:
        assert conn.execute("SELECT type FROM events WHERE id = ?", (last,)).fetchone()[0] == "site.changed"


def test_a_counter_that_served_today_or_is_open_is_refused(app_floor):
    ticket = app_floor.issue("DK-KTP")
    with app_floor.login("budi") as budi:
        assert budi.post("/api/counters/L01/open").status_code == 200
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == ticket["code"]
    counters = app_floor.server.context.site.config.counters
    idle = next(c.code for c in counters if c.code not in ("L01",))
    with app_floor.login("admin") as admin:
        refused = admin.delete("/api/admin/counters/L01")
        assert refused.status_code == 409 and "Loket 'L01' sudah melayani 1 tiket hari ini" in refused.text
        assert admin.delete(f"/api/admin/counters/{idle}").status_code == 204
        assert idle not in app_floor.server.context.site.counters
        assert audited(admin, "site.counter.removed")["target"] == idle


def test_an_agency_goes_only_once_empty(app_floor):
    with app_floor.login("admin") as admin:
        refused = admin.delete("/api/admin/agencies/SAMSAT")
        assert refused.status_code == 409
        message = refused.json()["error"]["message"]
        assert "Instansi 'SAMSAT' masih punya 4 layanan" in message and "loket" in message
        assert admin.post("/api/admin/agencies", json={"code": "KUA", "name": "KUA", "zone": "1"}).status_code == 201
        assert admin.delete("/api/admin/agencies/KUA").status_code == 204
        assert "KUA" not in app_floor.server.context.site.agencies
        assert audited(admin, "site.agency.removed")["details"] == {"name": "KUA"}
    with app_floor.login("dewi") as supervisor:  # Dukcapil's supervisor: not agencies, not another's services
        assert supervisor.delete("/api/admin/agencies/SAMSAT").status_code == 403
        assert supervisor.delete("/api/admin/services/SM-PKB").status_code == 403


def test_the_page_asks_first_and_says_why_it_refuses(app_floor):
    app_floor.issue("DK-KTP")
    admin = signed_in(app_floor, "admin")
    assert 'href="/manage/admin/services/DK-KTP/remove"' in admin.get("/manage/admin/services/DK-KTP").get_data(
        as_text=True)
    ask = admin.get("/manage/admin/services/DK-KTP/remove")
    assert ask.status_code == 200 and "Hapus layanan" in page_text(ask)
    refused = admin.post("/manage/admin/services/DK-KTP/remove", data={"csrf_token": csrf_of(ask)})
    assert refused.status_code == 409 and "sudah punya 1 tiket hari ini" in page_text(refused)
    assert admin.post("/manage/admin/services/DK-KK/remove", data={}).status_code in (400, 403)  # no CSRF token
    removed = admin.post("/manage/admin/services/DK-KK/remove", data={"csrf_token": csrf_of(ask)})
    assert removed.status_code == 303 and removed.headers["Location"] == "/manage/admin/?removed=1"
    assert "DK-KK" not in app_floor.server.context.site.services
    assert "Dihapus" in page_text(admin.get(removed.headers["Location"]))


def test_special_days_and_closures_are_changed_with_their_version(app_floor):
    with app_floor.login("admin") as admin:
        day = admin.post("/api/admin/special-days", json={"date": "2026-12-19", "name": "Pelayanan Sabtu",
                                                          "hours": "08:00-12:00"}).json()
        changed = admin.patch("/api/admin/special-days/2026-12-19", json={"version": day["version"],
                                                                          "hours": "08:00-13:00"})
        assert changed.status_code == 200 and changed.json()["hours"] == "08:00-13:00"
        stale = admin.patch("/api/admin/special-days/2026-12-19", json={"version": day["version"], "name": "X"})
        assert stale.status_code == 409 and stale.json()["error"]["current"]["hours"] == "08:00-13:00"
        wrong = admin.patch("/api/admin/special-days/2026-12-19", json={"version": changed.json()["version"],
                                                                        "hours": "13:00-08:00"})
        assert wrong.status_code == 422 and "hours" in wrong.json()["error"]["fields"]
        closure = admin.post("/api/admin/closures", json={"service": "SM-PKB", "first_day": "2026-12-21",
                                                          "reason": "Gangguan jaringan"}).json()
        longer = admin.patch("/api/admin/closures/SM-PKB/2026-12-21", json={
            "version": closure["version"], "last_day": "2026-12-23", "reason": "Perbaikan jaringan"})
        assert longer.status_code == 200, longer.text
        assert (longer.json()["last_day"], longer.json()["reason"]) == ("2026-12-23", "Perbaikan jaringan")
        before = admin.patch("/api/admin/closures/SM-PKB/2026-12-21", json={"version": longer.json()["version"],
                                                                             "last_day": "2026-12-20"})
        assert before.status_code == 422 and "last_day" in before.json()["error"]["fields"]
        assert audited(admin, "site.closure.updated")["details"]["changes"]["last_day"] == "2026-12-23"
        assert admin.patch("/api/admin/closures/SM-PKB/2026-01-01", json={"version": "x"}).status_code == 404
