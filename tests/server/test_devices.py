"""Device health (in process): last seen from any request, online within 60 s, version, printer and
last error from the heartbeat; the watcher's events when a device goes quiet or comes back."""

import json

import pytest

from server import storage
from server.flows.devices import DeviceWatch


@pytest.fixture
def floor(app_floor):
    return app_floor


def devices(floor, who="rina") -> dict:
    with floor.login(who) as supervisor:
        answer = supervisor.get("/api/devices")
    assert answer.status_code == 200, answer.text
    return {device["name"]: device for device in answer.json()}


def device_events(floor):
    with storage.connect(floor.db_path) as conn:
        return [(row["type"], row["zone"], json.loads(row["data"])["device"])
                for row in conn.execute("SELECT type, zone, data FROM events WHERE type LIKE 'device.%' ORDER BY id")]


def test_every_device_is_listed_and_any_request_makes_it_online(floor):
    listed = devices(floor)
    assert set(listed) == {"Kios 1", "Layar Hall 1", "PC Loket 1"}
    kiosk = listed["Kios 1"]
    assert kiosk["kind"] == "kiosk" and kiosk["zone"] == "1" and kiosk["online"] is False
    assert kiosk["last_seen"] is None and kiosk["printer"] is None and kiosk["version"] is None
    with floor.display() as display:
        display.get("/api/state")  # not a heartbeat: any request counts
    board = devices(floor)["Layar Hall 1"]
    assert board["online"] is True and board["last_seen"].startswith("2026-11-23T09:")
    floor.clock.advance(seconds=61)
    assert devices(floor, "admin")["Layar Hall 1"]["online"] is False


def test_the_heartbeat_records_version_printer_and_last_error(floor):
    with floor.kiosk() as kiosk:
        answer = kiosk.post("/api/devices/heartbeat", json={
            "printer": {"online": True, "paper": "low"}, "version": "0.1.0", "last_error": "kertas hampir habis"})
        assert answer.status_code == 200, answer.text
        kiosk.post("/api/devices/heartbeat", json={"printer": {"online": True, "paper": "low"}, "app_version": "0.1.1"})
    kiosk = devices(floor)["Kios 1"]
    assert kiosk["online"] is True and kiosk["version"] == "0.1.1" and kiosk["last_error"] is None
    assert kiosk["printer"]["paper"] == "low" and kiosk["printer"]["online"] is True
    # The printer's state moved once (unknown → online, low paper); the same again says nothing.
    ((kind, zone, device),) = device_events(floor)
    assert kind == "device.printer" and zone == "1" and device["printer"]["paper"] == "low"


def test_a_printer_running_out_is_an_event_at_once(floor):
    with floor.kiosk() as kiosk:
        kiosk.post("/api/devices/heartbeat", json={"printer": {"online": True, "paper": "ok"}})
        kiosk.post("/api/devices/heartbeat", json={"printer": {"online": True, "paper": "out"}})
    papers = [device["printer"]["paper"] for kind, _, device in device_events(floor) if kind == "device.printer"]
    assert papers == ["ok", "out"]


def test_the_watcher_tells_when_a_device_goes_quiet_and_comes_back(floor):
    watch = DeviceWatch()
    context = floor.server.context
    with floor.display() as display:
        display.get("/api/state")
    assert watch.round(context) == {}  # the first round learns, says nothing
    floor.clock.advance(seconds=30)
    assert watch.round(context) == {}
    floor.clock.advance(seconds=31)
    (board_id, online), = watch.round(context).items()
    assert online is False
    with floor.display() as display:
        display.get("/api/state")
    assert watch.round(context) == {board_id: True}
    assert [(kind, device["name"], device["online"]) for kind, _, device in device_events(floor)] == [
        ("device.offline", "Layar Hall 1", False), ("device.online", "Layar Hall 1", True)]
    # The watcher wrote the request it saw: a restarted server knows it.
    with storage.connect(floor.db_path) as conn:
        (last_seen,) = conn.execute("SELECT last_seen FROM devices WHERE id = ?", (board_id,)).fetchone()
    assert last_seen.startswith("2026-11-23T09:01:")


def test_a_revoked_device_is_refused_and_goes_offline(floor):
    watch = DeviceWatch()
    context = floor.server.context
    with floor.kiosk() as kiosk:
        kiosk.get("/api/kiosk/catalog")
    watch.round(context)
    with storage.connect(floor.db_path) as conn:
        conn.execute("UPDATE devices SET active = 0 WHERE name = 'Kios 1'")
    with floor.kiosk() as kiosk:
        assert kiosk.get("/api/kiosk/catalog").status_code == 401
    (moved,) = watch.round(context).values()
    assert moved is False
    ((kind, zone, device),) = device_events(floor)
    assert kind == "device.offline" and device["revoked"] is True
    assert "Kios 1" not in devices(floor)
