"""The event stream: every change is an event; replay after reconnect; zone filter; keep-alive."""

import json

from httpx_sse import connect_sse

from tests.conftest import make_floor


def read_events(client, count, headers=None, params=None, timeout=15):
    """The first `count` numbered events of a stream (comments and unnumbered frames are skipped)."""
    events = []
    with connect_sse(client, "GET", "/api/events", headers=headers or {}, params=params or {},
                     timeout=timeout) as source:
        assert source.response.headers["content-type"].startswith("text/event-stream")
        for event in source.iter_sse():
            if event.id:
                events.append(event)
                if len(events) == count:
                    break
    return events


def test_every_change_is_an_event_with_the_contract_fields(floor):
    ticket = floor.issue()
    with floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        budi.post("/api/counters/L01/call-next")
    with floor.display() as display:
        events = read_events(display, 4, headers={"Last-Event-ID": "0"})
    assert [e.event for e in events] == ["ticket.issued", "ticket.waiting", "counter.opened", "ticket.called"]
    ids = [int(e.id) for e in events]
    assert ids == sorted(ids) and len(set(ids)) == 4
    called = json.loads(events[-1].data)
    for field in ("id", "ts", "type", "zone", "counter", "ticket"):
        assert field in called
    assert called["id"] == ids[-1] and called["type"] == "ticket.called"
    assert called["counter"] == "L01" and called["zone"] == "1"
    assert called["ticket"]["code"] == ticket["code"] and called["counter_spoken_name"] == "loket satu"


def test_reconnect_with_last_event_id_replays_every_missed_event_once_in_order(floor):
    with floor.display() as display, floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        seen = read_events(display, 1, headers={"Last-Event-ID": "0"})
        last = seen[-1].id
        # While the display is away: six tickets issued and printed, three called.
        for _ in range(6):
            floor.issue()
        for _ in range(3):
            budi.post("/api/counters/L01/call-next")
        missed = read_events(display, 6 * 2 + 3 + 2, headers={"Last-Event-ID": last})
        snapshot = display.get("/api/state").json()
    ids = [int(e.id) for e in missed]
    assert ids == list(range(int(last) + 1, int(last) + 1 + len(ids)))
    assert ids[-1] == snapshot["last_event_id"]
    types = [e.event for e in missed]
    assert types.count("ticket.issued") == 6 and types.count("ticket.waiting") == 6
    assert types.count("ticket.called") == 3 and types.count("ticket.done") == 2


def test_replay_reaches_back_past_the_memory_of_a_restarted_server(tmp_path):
    floor = make_floor(tmp_path)
    for _ in range(3):
        floor.issue()
    floor.server.stop()
    floor.server.start()
    try:
        with floor.display() as display:
            events = read_events(display, 6, headers={"Last-Event-ID": "0"})
    finally:
        floor.server.stop()
    assert [int(e.id) for e in events] == [1, 2, 3, 4, 5, 6]


def test_zone_filter_keeps_other_zones_out(floor):
    floor.issue("BN-CEK")  # ATR/BPN, zone 2
    floor.issue("DK-KTP")  # Dukcapil, zone 1
    with floor.display() as display:
        events = read_events(display, 2, headers={"Last-Event-ID": "0"}, params={"zone": "1"})
    assert {json.loads(e.data)["zone"] for e in events} == {"1"}
    assert {json.loads(e.data)["ticket"]["service"] for e in events} == {"DK-KTP"}


def test_stream_sends_retry_and_keep_alive_comments(tmp_path):
    floor = make_floor(tmp_path, env={"MPP_KEEPALIVE_S": "0.2"})
    try:
        with floor.display() as display:
            with display.stream("GET", "/api/events", timeout=10) as response:
                received = b""
                for chunk in response.iter_raw():
                    received += chunk
                    if received.count(b": keep-alive") >= 2:
                        break
    finally:
        floor.server.stop()
    assert b"retry: 3000" in received
    assert received.count(b": keep-alive 2026-11-23T09:00") >= 2  # with the server's time


def test_summary_stream_sends_queue_counts_instead_of_each_issuance(floor):
    with floor.display() as display:
        with connect_sse(display, "GET", "/api/events", params={"zone": "1", "summary": "1"},
                         timeout=15) as source:
            floor.issue("DK-KTP")
            floor.issue("DK-KTP")
            with floor.login("budi") as budi:
                budi.post("/api/counters/L01/open")
                budi.post("/api/counters/L01/call-next")
            seen = []
            for event in source.iter_sse():
                if event.event in ("message", ""):
                    continue
                seen.append((event.event, event.data))
                if event.event == "ticket.called":
                    break
    types = [t for t, _ in seen]
    assert "ticket.issued" not in types and "ticket.waiting" not in types
    assert "counter.opened" in types
    counts = [json.loads(data)["queues"] for kind, data in seen if kind == "queue.counts"]
    assert counts and all(set(c) <= {"DUKCAPIL-KTP", "DUKCAPIL-KK"} or "DUKCAPIL-KTP" in c for c in counts)


def test_counter_filter_gets_only_that_counters_events(floor):
    floor.issue()
    floor.issue()
    with floor.login("budi") as budi, floor.login("sari") as sari:
        budi.post("/api/counters/L01/open")
        sari.post("/api/counters/L02/open")
        sari.post("/api/counters/L02/call-next")
        budi.post("/api/counters/L01/call-next")
        events = read_events(budi, 2, headers={"Last-Event-ID": "0"}, params={"counter": "L01"})
    assert [(e.event, json.loads(e.data)["counter"]) for e in events] == [
        ("counter.opened", "L01"), ("ticket.called", "L01")]


def test_snapshot_has_counters_queues_recent_calls_and_last_event_id(app_floor):
    ticket = app_floor.issue()
    with app_floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        budi.post("/api/counters/L01/call-next")
    with app_floor.display() as display:
        state = display.get("/api/state", params={"zone": "1"}).json()
    assert state["last_event_id"] == 4 and state["service_day"] == "2026-11-23"
    l01 = next(c for c in state["counters"] if c["code"] == "L01")
    assert l01["status"] == "open" and l01["ticket"]["code"] == ticket["code"]
    assert all(c["zone"] == "1" for c in state["counters"])
    assert all(q["zone"] == "1" for q in state["queues"]) and {"code", "prefix", "waiting"} <= set(state["queues"][0])
    assert state["recent_calls"][0]["ticket"]["code"] == ticket["code"]
    services = {s["code"]: s for s in state["services"]}  # the whole site, for transfers across zones
    assert services["BN-CEK"]["zone"] == "2" and services["DK-KK"]["name"]


def test_summary_stream_sees_waiting_counts_change_while_only_kiosks_are_busy(floor):
    with floor.display() as display:
        with connect_sse(display, "GET", "/api/events", params={"zone": "1", "summary": "1"},
                         timeout=15) as source:
            floor.issue("DK-KTP")
            floor.issue("DK-KTP")
            counts = None
            for event in source.iter_sse():
                if event.event == "queue.counts":
                    counts = json.loads(event.data)["queues"]
                    if counts.get("DUKCAPIL-KTP") == 2:
                        break
    assert counts["DUKCAPIL-KTP"] == 2 and "BPN" not in counts


def test_a_kiosk_follows_only_the_event_types_it_names(floor):
    floor.issue()
    with floor.kiosk() as kiosk:
        with kiosk.stream("GET", "/api/events", params={"types": "site.changed"}, headers={"Last-Event-ID": "0"},
                          timeout=10) as response:
            assert response.status_code == 200
            first = next(response.iter_raw())
    assert b"retry:" in first and b"ticket.issued" not in first


def test_an_unknown_event_type_answers_422_before_any_stream(floor):
    with floor.display() as display:
        answer = display.get("/api/events", params={"types": "ticket.exploded"})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "unknown_event_type"
