"""A real server process: the watcher sends device.offline / device.online by itself, and a board's
stream gets a running text and its end."""

import json
import time

import pytest

from server import storage
from tests.conftest import make_floor
from tests.server.test_events import read_events


@pytest.fixture
def quick_floor(tmp_path):
    """A device counts as offline after 2 s, and the watcher looks every 0.3 s."""
    floor = make_floor(tmp_path, env={"MPP_DEVICE_OFFLINE_S": "2", "MPP_WATCH_EVERY_S": "0.3"})
    yield floor
    floor.server.stop()


def test_the_server_tells_a_supervisor_when_a_device_goes_quiet_and_comes_back(quick_floor):
    with quick_floor.kiosk() as kiosk:
        kiosk.post("/api/devices/heartbeat", json={"version": "0.1.0"})
        time.sleep(0.8)  # the watcher's rounds see it online
        with quick_floor.login("rina") as rina:
            start = rina.get("/api/state").json()["last_event_id"]
            started = time.monotonic()
            (offline,) = read_events(rina, 1, headers={"Last-Event-ID": str(start)}, params={"types": "device.offline"})
            quiet_for = time.monotonic() - started
            kiosk.get("/api/kiosk/catalog")  # any request: back online
            (online,) = read_events(rina, 1, headers={"Last-Event-ID": offline.id},
                                    params={"types": "device.online"})
            listed = {d["name"]: d for d in rina.get("/api/devices").json()}
    went = json.loads(offline.data)
    assert went["device"]["name"] == "Kios 1" and went["device"]["online"] is False and went["zone"] == "1"
    assert quiet_for < 6  # 2 s of silence, then the next round of the watcher (0.3 s), on a busy machine
    came = json.loads(online.data)
    assert came["device"]["name"] == "Kios 1" and came["device"]["online"] is True
    assert listed["Kios 1"]["online"] is True and listed["Kios 1"]["version"] == "0.1.0"


def test_a_running_text_and_its_end_reach_a_boards_stream(quick_floor):
    with quick_floor.display() as display, quick_floor.login("rina") as rina:
        start = display.get("/api/state", params={"zone": "1"}).json()["last_event_id"]
        message = rina.post("/api/broadcasts", json={"text": "Loket 3 tutup sementara", "zone": "1"}).json()
        rina.delete(f"/api/broadcasts/{message['id']}")
        shown, ended = read_events(display, 2, headers={"Last-Event-ID": str(start)},
                                   params={"zone": "1", "summary": "1", "types": "board.message"})
        snapshot = display.get("/api/state", params={"zone": "1"}).json()
    assert shown.event == ended.event == "board.message"
    assert json.loads(shown.data)["message"]["text"] == "Loket 3 tutup sementara"
    assert json.loads(shown.data)["ended"] is False and json.loads(ended.data)["ended"] is True
    assert snapshot["messages"] == []


def test_a_revoked_devices_open_stream_ends_and_its_next_request_is_refused(quick_floor):
    with quick_floor.display() as display:
        with display.stream("GET", "/api/events", params={"zone": "1"}, timeout=10) as stream:
            lines = stream.iter_lines()
            assert next(lines).startswith(":")  # connected
            with storage.connect(quick_floor.db_path) as conn:
                conn.execute("UPDATE devices SET active = 0 WHERE name = 'Layar Hall 1'")
            started = time.monotonic()
            rest = list(lines)  # the server ends the stream
        ended_after = time.monotonic() - started
        refused = display.get("/api/state")
    assert ": revoked" in rest and ended_after < 5, (rest, ended_after)  # a round of the watcher is 0.3 s
    assert refused.status_code == 401
