"""Device health, its alerts and the morning check through Flask's test client: who sees which devices,
the table and alert fragments as the devices report, a revoked device gone, and `GET /api/selftest`.
The same live in a browser: test_manage_devices_live.py."""

import json
import re
import sqlite3
from urllib.parse import unquote

from server.events import Event, Filter
from tests.server.test_manage_shell import signed_in, text

ROW = re.compile(r'<tr id="device-(\d+)" data-device="\d+" data-kind="(\w+)" data-online="(\w+)"\s+data-paper="(\w*)"')
ALERT = re.compile(r'<li data-alert="(\w+)" data-device="(\d+)">')


def rows(html: str) -> dict:
    return {int(id): (kind, online == "true", paper) for id, kind, online, paper in ROW.findall(html)}


def alerts(html: str) -> list:
    return [(kind, int(device)) for kind, device in ALERT.findall(html)]


def get(client, path: str) -> str:
    answer = client.get(path, headers={"HX-Request": "true"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data(as_text=True)


def heartbeat(floor, paper: str, online: bool = True):
    with floor.kiosk() as kiosk:
        answer = kiosk.post("/api/devices/heartbeat", json={"printer": {"online": online, "paper": paper},
                                                            "version": "1.4.0", "last_error": None})
        assert answer.status_code == 200, answer.text


def add_device(floor, kind: str, name: str, zone) -> None:
    with sqlite3.connect(floor.db_path) as conn:
        conn.execute("INSERT INTO devices (kind, name, zone, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                     (kind, name, zone, f"hash-{name}", "2026-11-23T08:00:00+07:00"))


def test_the_devices_page_lists_every_device_with_its_state_and_follows_device_events(app_floor):
    rina = signed_in(app_floor, "rina")
    page = rina.get("/manage/devices")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert rows(html) == {1: ("kiosk", False, ""), 2: ("display", False, ""), 3: ("counter", False, "")}
    assert "LURING" in text(page) and "belum pernah" in text(page) and alerts(html) == []
    stream = unquote(re.search(r'sse-connect="([^"]+)"', html).group(1).replace("&amp;", "&"))
    assert "summary=1" in stream and "types=device.online,device.offline,device.printer,site.changed" in stream
    assert 'hx-get="/manage/devices/table"' in html and "sse:device.offline" in html and "every 60s" in html
    assert 'hx-get="/manage/devices/alerts"' in html

    heartbeat(app_floor, "low")
    table = get(rina, "/manage/devices/table")
    assert rows(table)[1] == ("kiosk", True, "low") and "KERTAS HAMPIR HABIS" in table and "1.4.0" in table
    assert "baru saja" in table and "1 daring" in table
    assert alerts(get(rina, "/manage/devices/alerts")) == [("paper_low", 1)]
    app_floor.clock.advance(minutes=5)
    table = get(rina, "/manage/devices/table")
    assert rows(table)[1] == ("kiosk", False, "low") and "5 menit lalu" in table
    listed = get(rina, "/manage/devices/alerts")
    assert alerts(listed) == [("offline", 1)] and "Luring:" in listed and "Kios 1 (Anjungan" in listed
    assert "sejak\n    <time datetime=\"2026-11-23T09:00:00" in listed
    heartbeat(app_floor, "ok")
    assert alerts(get(rina, "/manage/devices/alerts")) == []


def test_an_agency_supervisor_sees_their_zone_and_the_buildings_devices(app_floor):
    add_device(app_floor, "kiosk", "Kios Lantai 2", "2")
    add_device(app_floor, "display", "Layar Lobi", None)
    dewi, admin = signed_in(app_floor, "dewi"), signed_in(app_floor, "admin")  # Dukcapil sits in zone 1
    page = dewi.get("/manage/devices")
    assert page.status_code == 200 and "Lantai 1 - Hall Utama dan perangkat seluruh gedung" in text(page)
    assert set(rows(page.get_data(as_text=True))) == {1, 2, 3, 5}
    assert "zone=1" in re.search(r'sse-connect="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert set(rows(get(admin, "/manage/devices"))) == {1, 2, 3, 4, 5}
    assert set(rows(get(admin, "/manage/devices/table?zone=2"))) == {4, 5}
    for path in ("/manage/devices?zone=2", "/manage/devices/table?zone=2", "/manage/devices/alerts?zone=2"):
        refused = dewi.get(path)
        assert refused.status_code == 403 and "Data ini milik instansi lain." in text(refused)
    assert admin.get("/manage/devices?zone=9").status_code == 404
    budi = signed_in(app_floor, "budi")
    for path in ("/manage/devices", "/manage/devices/table", "/manage/devices/alerts", "/manage/selftest"):
        assert budi.get(path).status_code == 403


def test_a_revoked_device_disappears_from_the_list_and_its_alert_with_it(app_floor):
    rina = signed_in(app_floor, "rina")
    heartbeat(app_floor, "out")
    assert alerts(get(rina, "/manage/devices/alerts")) == [("paper_out", 1)]
    with sqlite3.connect(app_floor.db_path) as conn:
        conn.execute("UPDATE devices SET active = 0 WHERE id = 1")
    assert 1 not in rows(get(rina, "/manage/devices/table"))
    assert alerts(get(rina, "/manage/devices/alerts")) == []


def test_the_monitor_shows_the_device_alerts_above_the_floor_and_its_summary_stream_carries_them(app_floor):
    heartbeat(app_floor, "low")
    rina = signed_in(app_floor, "rina")
    html = rina.get("/manage/").get_data(as_text=True)
    alerts_at, floor_at = html.index('id="device-alerts"'), html.index('id="floor"')
    assert alerts_at < floor_at and alerts(html) == [("paper_low", 1)]
    region = html[alerts_at:floor_at]
    assert "sse:device.online, sse:device.offline, sse:device.printer" in region
    assert 'hx-get="/manage/devices/alerts"' in region
    zone2 = rina.get("/manage/?zone=2").get_data(as_text=True)  # the monitor's zone: Kios 1 is in zone 1
    assert 'hx-get="/manage/devices/alerts?zone=2"' in zone2 and alerts(zone2) == []
    summary = Filter.parse(zone="2", summary=True)
    for kind, zone in (("device.offline", "1"), ("device.printer", None), ("device.online", "2")):
        body = {"type": kind, "ts": "2026-11-23T09:00:00+07:00", "zone": zone, "device": {"id": 1}}
        event = Event.make(1, body, json.dumps(body), "g")
        assert summary.matches(event) is (zone != "1")


def test_the_morning_check_page_and_its_json(app_floor):
    heartbeat(app_floor, "low")
    rina = signed_in(app_floor, "rina")
    page = rina.get("/manage/selftest")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Cek kesiapan pagi" in text(page) and "hal perlu tindakan" in text(page)
    assert '<tr data-check="printers" data-ok="false">' in html and "Perlu tindakan" in html
    assert '<tr data-check="holiday" data-ok="true">' in html
    assert "Perlu dicek: Kios 1 (kertas hampir habis)." in text(page)
    with app_floor.login("rina") as supervisor:
        answer = supervisor.get("/api/selftest")
    assert answer.status_code == 200
    body = answer.json()
    checks = {check["key"]: check for check in body["checks"]}
    assert body["ready"] is False and body["agency"] is None and body["service_day"] == "2026-11-23"
    assert checks["devices:kiosk"]["ok"] is True and checks["devices:display"]["reason"] == "1 luring: Layar Hall 1."
    assert {"zone:1", "zone:2", "public_url", "backup", "disk", "officers", "services"} <= set(checks)
    with app_floor.login("dewi") as dewi:
        mine = dewi.get("/api/selftest").json()
    assert mine["agency"] == "DUKCAPIL" and {c["key"] for c in mine["checks"] if c["key"].startswith("zone:")} == {"zone:1"}
    assert {c["key"]: c["ok"] for c in mine["checks"]}["officers"] is True  # budi and sari serve Dukcapil
    with app_floor.login("budi") as budi:
        assert budi.get("/api/selftest").status_code == 403
    with app_floor.kiosk() as kiosk:
        assert kiosk.get("/api/selftest").status_code == 403


def test_the_morning_check_reads_the_newest_backup(floor_template, tmp_path):
    from tests.conftest import make_app_floor
    backups = tmp_path / "cadangan"
    backups.mkdir()
    (backups / "antrian-20261122-233000.db").write_bytes(b"")
    (backups / "antrian-20261120-233000.db").write_bytes(b"")
    floor = make_app_floor(floor_template, tmp_path, config={"BACKUP_DIR": str(backups),
                                                            "PUBLIC_URL": "http://192.168.1.10:8000"})
    try:
        with floor.login("admin") as admin:
            checks = {c["key"]: c for c in admin.get("/api/selftest").json()["checks"]}
        assert checks["backup"] == {"key": "backup", "title": "Cadangan basis data", "ok": True,
                                    "reason": "Cadangan terakhir 22-11-2026 pukul 23.30."}
        assert checks["public_url"]["ok"] is True
    finally:
        floor.server.stop()
