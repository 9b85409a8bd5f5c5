"""Running text for the boards (in process): send, list, end, expire; the snapshot carries it."""

import json

import pytest

from server import storage
from server.flows import broadcasts


@pytest.fixture
def floor(app_floor):
    return app_floor


def board_events(floor):
    with storage.connect(floor.db_path) as conn:
        return [(row["zone"], json.loads(row["data"]))
                for row in conn.execute("SELECT zone, data FROM events WHERE type = 'board.message' ORDER BY id")]


def test_a_message_reaches_the_snapshot_of_its_zone_and_leaves_when_ended(floor):
    with floor.login("rina") as rina:
        answer = rina.post("/api/broadcasts", json={"text": "  Loket 3 tutup sementara.  ", "zone": "1"})
        assert answer.status_code == 201, answer.text
        message = answer.json()
        assert message["text"] == "Loket 3 tutup sementara." and message["zone"] == "1"
        assert message["created_by"] == "rina" and message["until"].startswith("2026-11-24T00:00:00")
        building = rina.post("/api/broadcasts", json={"text": "Selamat datang"}).json()
        assert [m["id"] for m in rina.get("/api/broadcasts").json()] == [message["id"], building["id"]]
        assert [m["id"] for m in rina.get("/api/broadcasts", params={"zone": "2"}).json()] == [building["id"]]
    with floor.display() as display:
        assert [m["text"] for m in display.get("/api/state", params={"zone": "1"}).json()["messages"]] == [
            "Loket 3 tutup sementara.", "Selamat datang"]
        assert [m["text"] for m in display.get("/api/state", params={"zone": "2"}).json()["messages"]] == [
            "Selamat datang"]
    with floor.login("admin") as admin:
        ended = admin.delete(f"/api/broadcasts/{message['id']}")
        assert ended.status_code == 200 and ended.json()["id"] == message["id"]
        again = admin.delete(f"/api/broadcasts/{message['id']}")
        unknown = admin.delete("/api/broadcasts/9999")
    assert again.status_code == 409 and again.json()["error"]["code"] == "broadcast_ended"
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_broadcast"
    with floor.display() as display:
        assert [m["text"] for m in display.get("/api/state", params={"zone": "1"}).json()["messages"]] == [
            "Selamat datang"]
    (zone, sent), (_, to_all), (_, gone) = board_events(floor)
    assert zone == "1" and sent["message"] == message and sent["ended"] is False
    assert to_all["zone"] is None
    assert gone["ended"] is True and gone["reason"] == "ended" and gone["message"]["id"] == message["id"]
    with storage.connect(floor.db_path) as conn:
        actions = [e["action"] for e in storage.audit_entries(conn) if e["action"].startswith("broadcast.")]
    assert actions == ["broadcast.end", "broadcast.send", "broadcast.send"]


def test_a_message_leaves_the_boards_at_its_time(floor):
    with floor.login("rina") as rina:
        message = rina.post("/api/broadcasts", json={"text": "Istirahat salat", "until": "2026-11-23T09:10:00+07:00"}
                            ).json()
    assert broadcasts.expire(floor.server.context) == 0
    floor.clock.advance(minutes=11)
    assert broadcasts.expire(floor.server.context) == 1
    assert broadcasts.expire(floor.server.context) == 0  # said once
    (_, sent), (_, gone) = board_events(floor)
    assert gone["ended"] is True and gone["reason"] == "expired" and gone["message"]["id"] == message["id"]
    with floor.display() as display:
        assert display.get("/api/state").json()["messages"] == []


@pytest.mark.parametrize("body, code", [
    ({"text": "   "}, "empty_text"),
    ({"text": "x" * 201}, "text_too_long"),
    ({"text": "Halo", "until": "besok"}, "invalid_until"),
    ({"text": "Halo", "until": "2026-11-23T15:00:00"}, "invalid_until"),
    ({"text": "Halo", "until": "2026-11-23T08:00:00+07:00"}, "until_in_past"),
    ({"text": "Halo", "zone": "9"}, "unknown_zone"),
])
def test_a_bad_message_is_refused_naming_why(floor, body, code):
    with floor.login("rina") as rina:
        answer = rina.post("/api/broadcasts", json=body)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == code
    assert board_events(floor) == []


def test_markup_is_kept_as_plain_text_on_one_line(floor):
    with floor.login("rina") as rina:
        message = rina.post("/api/broadcasts", json={"text": "<b>Loket</b>\n3 &amp; 4"}).json()
    assert message["text"] == "<b>Loket</b> 3 &amp; 4"


def test_an_agency_supervisor_sends_to_their_agencys_zone_only(floor):
    with floor.login("dewi") as dewi:
        assert dewi.post("/api/broadcasts", json={"text": "Dukcapil", "zone": "1"}).status_code == 201
        building = dewi.post("/api/broadcasts", json={"text": "Semua"})
        other = dewi.post("/api/broadcasts", json={"text": "Zona 2", "zone": "2"})
    assert building.status_code == 403 and building.json()["error"]["code"] == "not_your_zone"
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_your_zone"
    with floor.login("rina") as rina:
        theirs = rina.post("/api/broadcasts", json={"text": "Semua"}).json()
    with floor.login("dewi") as dewi:
        assert dewi.delete(f"/api/broadcasts/{theirs['id']}").status_code == 403
