"""EventFollower against a real server: snapshot, then every event once and in order, across a restart."""

import queue
import shutil
import sqlite3
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import uuid

from devtools.launcher import ServerProcess, prepare_database
from mpp_client.api import ApiClient
from mpp_client.clock import is_stale
from mpp_client.events import EventFollower, reconnect_delay

WAIT_S = 20  # generous: a reconnect after a restart waits the server's retry (3 s) with jitter


class Recorder:
    """Collects a follower's callbacks (called from its thread) into queues the test waits on."""

    def __init__(self):
        self.snapshots, self.events, self.statuses = queue.Queue(), queue.Queue(), queue.Queue()
        self.all_statuses, self.all_events = [], []

    def on_event(self, type_, data, event_id):
        self.all_events.append((type_, data, event_id))
        self.events.put((type_, data, event_id))

    def on_status(self, status, message):
        self.all_statuses.append(status)
        self.statuses.put((status, message))

    def kwargs(self):
        return {"on_snapshot": self.snapshots.put, "on_status": self.on_status, "on_event": self.on_event}

    def status(self, wanted):
        while True:
            status, message = self.statuses.get(timeout=WAIT_S)
            if status == wanted:
                return message

    def event(self, type_, where=lambda data: True):
        while True:
            got = self.events.get(timeout=WAIT_S)
            if got[0] == type_ and where(got[1]):
                return got

    def numbered_until(self, last_id):
        """Every numbered event delivered, up to and including `last_id`."""
        seen = []
        while not seen or seen[-1][2] < last_id:
            got = self.events.get(timeout=WAIT_S)
            if got[2] is not None:
                seen.append(got)
        return seen


@pytest.fixture
def follow(floor):
    """Start followers on the floor; every one is stopped (and must end) after the test."""
    followers = []

    def start(token=None, **options):
        recorder = Recorder()
        follower = EventFollower(floor.url, token or floor.display_token, **options, **recorder.kwargs())
        followers.append(follower.start())
        return follower, recorder

    yield start
    for follower in followers:
        assert follower.stop(timeout=5), "the follower thread did not end"


@pytest.fixture
def budi(floor):
    with ApiClient(floor.url) as client:
        client.login("budi", "1234")
        client.counter_action("L01", "open")
        yield client


def test_follower_starts_from_a_snapshot_and_receives_a_call(floor, follow, budi):
    follower, seen = follow(zone="1")
    snapshot = seen.snapshots.get(timeout=WAIT_S)
    assert snapshot["zone"] == "1" and follower.last_event_id == snapshot["last_event_id"]
    ticket = floor.issue()
    budi.counter_action("L01", "call-next")
    _, data, event_id = seen.event("ticket.called")
    assert data["ticket"]["code"] == ticket["code"] and data["counter"] == "L01"
    assert event_id == data["id"] > snapshot["last_event_id"]
    assert follower.last_event_id >= event_id
    assert seen.all_statuses[0] == "connected"


def test_after_a_server_restart_every_missed_event_arrives_once_in_order(floor, follow, budi):
    follower, seen = follow(zone="1")
    seen.snapshots.get(timeout=WAIT_S)
    floor.issue()
    _, _, last_seen = seen.event("ticket.waiting")

    floor.server.stop()
    assert seen.status("disconnected")  # says why, for the screen
    floor.server.start()
    # These happen while the follower waits to reconnect (its backoff is at least 1.5 s).
    for _ in range(3):
        floor.issue()
    for _ in range(2):
        budi.counter_action("L01", "call-next")
    newest = budi.state(zone="1")["last_event_id"]

    events = seen.numbered_until(newest)
    ids = [event_id for _, _, event_id in events]
    assert ids == list(range(last_seen + 1, newest + 1))
    assert [t for t, _, _ in events].count("ticket.called") == 2
    assert seen.all_statuses == ["connected", "disconnected", "connected"]
    assert seen.snapshots.empty(), "a reconnect resumes from the last id, no second snapshot"
    assert follower.last_event_id == newest


def test_summary_mode_gets_queue_counts_instead_of_each_issuance(floor, follow):
    follower, seen = follow(zone="1", summary=True)
    seen.snapshots.get(timeout=WAIT_S)
    ticket = floor.issue()
    _, _, event_id = seen.event("queue.counts", lambda d: d["queues"].get(ticket["queue"]) == 1)
    assert event_id is None
    assert all(t not in ("ticket.issued", "ticket.waiting") for t, _, _ in seen.all_events)
    assert follower.last_event_id is not None


def test_counter_filter_keeps_other_counters_out(floor, follow, budi):
    _, seen = follow(token=budi.token, counter="L02")
    seen.snapshots.get(timeout=WAIT_S)
    seen.status("connected")
    floor.issue()
    budi.counter_action("L01", "call-next")
    with ApiClient(floor.url) as sari:
        sari.login("sari", "1234")
        sari.counter_action("L02", "open")
    _, data, _ = seen.event("counter.opened")
    assert data["counter"] == "L02"
    assert seen.all_events and all(d["counter"] == "L02" for _, d, _ in seen.all_events)


def test_follower_given_a_last_id_replays_without_a_snapshot(floor, follow):
    floor.issue()
    _, seen = follow(last_event_id=0)
    events = seen.numbered_until(2)
    assert [(t, i) for t, _, i in events] == [("ticket.issued", 1), ("ticket.waiting", 2)]
    assert seen.snapshots.empty()


def test_a_bad_token_stops_the_follower_with_unauthorized(floor, follow):
    follower, seen = follow(token="not-a-real-token")
    assert "Token" in seen.status("unauthorized")
    assert follower.join(WAIT_S), "it ended by itself"


def test_stop_ends_a_connected_follower_promptly(floor, follow):
    follower, seen = follow()
    seen.status("connected")
    started = time.monotonic()
    assert follower.stop(timeout=5)
    assert time.monotonic() - started < 1
    assert seen.all_statuses == ["connected"], "stopping is not a disconnection to report"


def test_a_follower_waiting_to_reconnect_stops_promptly(floor, follow):
    follower, seen = follow()
    seen.status("connected")
    floor.server.stop()
    seen.status("disconnected")
    started = time.monotonic()
    assert follower.stop(timeout=5)
    assert time.monotonic() - started < 1


def test_a_failing_callback_does_not_end_the_stream(floor, follow):
    delivered = queue.Queue()

    def clumsy(type_, data, event_id):
        delivered.put(type_)
        raise RuntimeError("a bug in the app")

    follower = EventFollower(floor.url, floor.display_token, last_event_id=0, on_event=clumsy)
    follower.start()
    try:
        floor.issue()
        assert [delivered.get(timeout=WAIT_S) for _ in range(2)] == ["ticket.issued", "ticket.waiting"]
    finally:
        assert follower.stop()
    assert follower.last_event_id == 2


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=7)))


@pytest.mark.parametrize("ts, stale", [
    ("2026-11-23T08:59:30+07:00", False),
    ("2026-11-23T08:58:59+07:00", True),
    ("2026-11-23T01:59:30+00:00", False),  # same instant in UTC
    ("2026-11-23T09:00:05+07:00", False),  # a little ahead of our clock
    ("2026-11-22T09:00:00+07:00", True),
])
def test_is_stale(ts, stale):
    assert is_stale(ts, NOW, max_age_s=60) is stale


def test_is_stale_refuses_times_without_an_offset():
    with pytest.raises(ValueError):
        is_stale("2026-11-23T08:59:30", NOW)


@pytest.mark.parametrize("failures, rand, expected", [
    (0, 1.0, 3.0), (0, 0.0, 1.5), (1, 1.0, 6.0), (2, 1.0, 12.0), (5, 1.0, 30.0), (50, 0.0, 15.0),
])
def test_reconnect_delay_grows_from_the_servers_retry_to_a_cap(failures, rand, expected):
    assert reconnect_delay(failures, 3000, cap_s=30, rand=lambda: rand) == pytest.approx(expected)


def test_stale_check_uses_the_servers_clock(floor, follow):
    follower, seen = follow()
    snapshot = seen.snapshots.get(timeout=WAIT_S)
    server_now = datetime.fromisoformat(snapshot["now"])
    assert abs((follower.server_now() - server_now).total_seconds()) < 5
    assert not is_stale(snapshot["now"], follower.server_now())


def test_a_server_whose_event_log_went_back_gets_a_fresh_snapshot(floor, follow):
    """A database restored from an earlier backup: the old last id would wait for events that never come."""
    backup = floor.db_path.with_name("before.db")
    with closing(sqlite3.connect(floor.db_path)) as source, closing(sqlite3.connect(backup)) as target:
        source.backup(target)
    follower, seen = follow()
    assert seen.snapshots.get(timeout=WAIT_S)["last_event_id"] == 0
    floor.issue()
    seen.numbered_until(2)

    floor.server.stop()
    for leftover in (floor.db_path.with_name(floor.db_path.name + s) for s in ("-wal", "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(backup, floor.db_path)
    floor.server.start()

    assert seen.snapshots.get(timeout=WAIT_S)["last_event_id"] == 0
    floor.issue()
    assert [i for _, _, i in seen.numbered_until(2)] == [1, 2]
    assert follower.last_event_id == 2


def recreated_database(floor, path):
    """A database made afresh (a new generation) with the floor's device tokens and a day of its own
    whose event log is longer than the floor's: old ids are valid numbers there, of other events."""
    prepare_database(path)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("ATTACH DATABASE ? AS old", (str(floor.db_path),))
        db.execute("DELETE FROM devices")
        db.execute("INSERT INTO devices SELECT * FROM old.devices")
    with ServerProcess(path) as other:
        with httpx.Client(base_url=other.url, headers={"Authorization": f"Bearer {floor.kiosk_token}"}) as kiosk:
            for _ in range(4):
                answer = kiosk.post("/api/tickets", json={"service": "DK-KTP", "request_id": uuid.uuid4().hex})
                assert kiosk.post(f"/api/tickets/{answer.json()['id']}/printed").status_code == 200


def test_a_recreated_database_gets_a_resync_not_a_replay_by_the_old_id(floor, follow, tmp_path):
    follower, seen = follow()
    first = seen.snapshots.get(timeout=WAIT_S)
    floor.issue()
    seen.numbered_until(2)

    fresh_db = tmp_path / "recreated.db"
    recreated_database(floor, fresh_db)
    floor.server.stop()
    for leftover in (floor.db_path.with_name(floor.db_path.name + s) for s in ("", "-wal", "-shm")):
        leftover.unlink(missing_ok=True)
    with closing(sqlite3.connect(fresh_db)) as source, closing(sqlite3.connect(floor.db_path)) as target:
        source.backup(target)  # the whole database, its WAL included
    floor.server.start()

    resync = seen.snapshots.get(timeout=WAIT_S)
    assert resync["generation"] != first["generation"] and resync["last_event_id"] > 2
    assert seen.events.empty(), "events replayed by an id of the old database"
    assert follower.generation == resync["generation"]
    ticket = floor.issue()
    type_, data, event_id = seen.event("ticket.issued")
    assert data["ticket"]["code"] == ticket["code"] and event_id > resync["last_event_id"]
    assert data["generation"] == resync["generation"]


def test_a_follower_without_snapshots_drops_the_old_id_of_a_recreated_database(floor, follow, tmp_path):
    """A kiosk's follower has no snapshot: the first event of another generation tells it; it then
    follows from now, delivering none of the new database's events that the old id would replay."""
    follower, seen = follow(floor.kiosk_token, snapshot=False)
    seen.status("connected")
    floor.issue()
    _, first, _ = seen.event("ticket.issued")
    seen.numbered_until(2)
    recreated_database(floor, tmp_path / "recreated.db")
    floor.server.stop()
    for leftover in (floor.db_path.with_name(floor.db_path.name + s) for s in ("", "-wal", "-shm")):
        leftover.unlink(missing_ok=True)
    with closing(sqlite3.connect(tmp_path / "recreated.db")) as source, closing(sqlite3.connect(floor.db_path)) as target:
        source.backup(target)
    floor.server.start()
    seen.status("connected")
    time.sleep(1)  # a replay by the old id would arrive now
    ticket = floor.issue()
    _, data, _ = seen.event("ticket.issued")
    assert data["ticket"]["code"] == ticket["code"], "an event replayed by an id of the old database"
    assert data["generation"] != first["generation"]
    assert follower.generation == data["generation"]


def test_an_event_named_in_snapshot_on_is_followed_by_a_fresh_snapshot(floor, follow, budi):
    # site.changed in the apps; a real counter event stands in until the server emits one.
    follower, seen = follow(zone="1", snapshot_on=("counter.paused",))
    first = seen.snapshots.get(timeout=WAIT_S)
    budi.counter_action("L01", "pause")
    _, _, event_id = seen.event("counter.paused")
    fresh = seen.snapshots.get(timeout=5)
    assert fresh["last_event_id"] >= event_id > first["last_event_id"]
    assert next(c for c in fresh["counters"] if c["code"] == "L01")["status"] == "paused"
    assert follower.last_event_id >= fresh["last_event_id"]
    budi.counter_action("L01", "resume")
    seen.event("counter.resumed")  # a later event still arrives, once
    assert seen.snapshots.empty()


def test_a_kiosk_follows_only_the_types_it_names_without_a_snapshot(floor, follow):
    follower, seen = follow(token=floor.kiosk_token, types=("site.changed",), snapshot=False)
    seen.status("connected")
    floor.issue()
    time.sleep(0.5)
    assert seen.snapshots.empty() and seen.all_events == []  # neither /api/state nor ticket events
