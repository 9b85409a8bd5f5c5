"""What a supervisor does on the floor through the JSON API (in process): a counter's queues for
today, cancelling and moving a waiting ticket; roles, agency scope, errors and the audit log."""

import pytest

from server import storage


@pytest.fixture
def floor(app_floor):
    return app_floor


def audit(floor, action):
    with storage.connect(floor.db_path) as conn:
        return storage.audit_entries(conn, action=action)


def events(floor, type_):
    with storage.connect(floor.db_path) as conn:
        return [row for row in conn.execute("SELECT type, zone, counter, data FROM events WHERE type = ?", (type_,))]


# ---------------------------------------------------------------- a counter's queues today


def test_a_counters_queues_for_today_change_what_it_calls_and_are_audited(floor):
    floor.issue("DK-KTP")
    sipil = floor.issue("DK-KK")
    with floor.login("rina") as rina:
        answer = rina.put("/api/counters/L01/queues", json={"queues": ["DUKCAPIL-SIPIL"]})
        assert answer.status_code == 200, answer.text
        state = answer.json()
        assert [q["code"] for q in state["queues"]] == ["DUKCAPIL-SIPIL"]
        assert state["configured_queues"] == ["DUKCAPIL-KTP"] and state["code"] == "L01"
        assert state["last_event_id"] > 0 and "allowed_actions" in state
    with floor.login("budi") as budi:
        assert [q["code"] for q in budi.get("/api/counters/L01").json()["queues"]] == ["DUKCAPIL-SIPIL"]
        budi.post("/api/counters/L01/open")
        called = budi.post("/api/counters/L01/call-next").json()["ticket"]
    assert called["code"] == sipil["code"]  # the older KTP ticket is not L01's today
    (entry,) = audit(floor, "counter.queues")
    assert entry["actor"] == "rina" and entry["target"] == "L01" and entry["address"] == "127.0.0.1"
    assert entry["details"]["queues"] == ["DUKCAPIL-SIPIL"] and entry["details"]["before"] == ["DUKCAPIL-KTP"]
    (event,) = events(floor, "counter.updated")
    assert event["counter"] == "L01" and event["zone"] == "1" and '"queues":["DUKCAPIL-SIPIL"]' in event["data"]


def test_a_counters_queues_for_today_are_the_sites_again_tomorrow(floor):
    with floor.login("rina") as rina:
        rina.put("/api/counters/L01/queues", json={"queues": ["DUKCAPIL-SIPIL", "DUKCAPIL-KTP"]})
        assert [q["code"] for q in rina.get("/api/counters/L01").json()["queues"]] == ["DUKCAPIL-SIPIL",
                                                                                       "DUKCAPIL-KTP"]
        floor.clock.advance(hours=15, minutes=1)  # past midnight: the next service day (the session lasts 16 h)
        assert [q["code"] for q in rina.get("/api/counters/L01").json()["queues"]] == ["DUKCAPIL-KTP"]
    with floor.display() as display:
        (counter,) = [c for c in display.get("/api/state").json()["counters"] if c["code"] == "L01"]
    assert counter["queues"] == ["DUKCAPIL-KTP"]


def test_the_wait_estimate_follows_a_counters_queues_for_today(floor):
    """Six wait for SAMSAT-BBN at L11; giving the idle L08 that queue too shortens the wait."""
    for _ in range(6):
        floor.issue("SM-BBN")

    def bbn_wait() -> int:
        with floor.kiosk() as kiosk:
            (service,) = [s for a in kiosk.get("/api/kiosk/catalog").json()["agencies"] for s in a["services"]
                          if s["code"] == "SM-BBN"]
        return service["est_wait_min"]

    with floor.login("rina") as rina:
        rina.post("/api/counters/L11/open")
        rina.post("/api/counters/L08/open")
        alone = bbn_wait()
        state = rina.put("/api/counters/L08/queues", json={"queues": ["SAMSAT-BBN", "SAMSAT"]}).json()
        shared = bbn_wait()
        snapshot = rina.get("/api/state", params={"counter": "L08"}).json()
    assert [q["code"] for q in state["queues"]] == ["SAMSAT-BBN", "SAMSAT"]
    assert state["queues"][0]["open_counters"] == 2
    assert [q["code"] for q in snapshot["queues"]] == ["SAMSAT-BBN", "SAMSAT"]
    assert shared < alone, (alone, shared)


@pytest.mark.parametrize("queues, status, code", [
    ([], 422, "no_queues"),
    (["DUKCAPIL-KTP", "NOPE"], 422, "unknown_queue"),
    (["DUKCAPIL-KTP", "DUKCAPIL-KTP"], 422, "duplicate_queue"),
])
def test_a_bad_list_of_queues_is_refused_naming_why(floor, queues, status, code):
    with floor.login("rina") as rina:
        answer = rina.put("/api/counters/L01/queues", json={"queues": queues})
    assert answer.status_code == status and answer.json()["error"]["code"] == code
    if code == "unknown_queue":
        assert "NOPE" in answer.json()["error"]["message"]
    assert audit(floor, "counter.queues") == []


def test_an_unknown_counter_answers_404(floor):
    with floor.login("admin") as admin:
        answer = admin.put("/api/counters/L99/queues", json={"queues": ["SAMSAT"]})
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "unknown_counter"


def test_an_agency_supervisor_sets_only_their_agencys_counters_and_queues(floor):
    with floor.login("dewi") as dewi:
        assert dewi.put("/api/counters/L01/queues", json={"queues": ["DUKCAPIL-SIPIL"]}).status_code == 200
        other = dewi.put("/api/counters/L08/queues", json={"queues": ["SAMSAT"]})
        foreign_queue = dewi.put("/api/counters/L01/queues", json={"queues": ["SAMSAT"]})
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_your_agency"
    assert foreign_queue.status_code == 403 and foreign_queue.json()["error"]["code"] == "not_your_agency"


@pytest.mark.parametrize("request_", [
    ("PUT", "/api/counters/L01/queues", {"queues": ["DUKCAPIL-KTP"]}),
    ("POST", "/api/tickets/{id}/cancel", None),
    ("POST", "/api/tickets/{id}/transfer", {"service": "DK-KK"}),
    ("POST", "/api/broadcasts", {"text": "Halo"}),
    ("GET", "/api/broadcasts", None),
    ("GET", "/api/devices", None),
])
def test_an_officer_may_not_supervise(floor, request_):
    method, path, body = request_
    ticket = floor.issue()
    with floor.login("budi") as budi:
        answer = budi.request(method, path.format(id=ticket["id"]), json=body)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "wrong_token_kind"
    with floor.kiosk() as kiosk:
        assert kiosk.request(method, path.format(id=ticket["id"]), json=body).status_code == 403


# ---------------------------------------------------------------- waiting tickets


def test_a_supervisor_cancels_a_waiting_ticket(floor):
    ticket = floor.issue()
    with floor.login("rina") as rina:
        answer = rina.post(f"/api/tickets/{ticket['id']}/cancel")
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "cancelled" and answer.json()["code"] == ticket["code"]
        again = rina.post(f"/api/tickets/{ticket['id']}/cancel")
    assert again.status_code == 409 and again.json()["error"]["code"] == "ticket_not_waiting"
    assert "dibatalkan" in again.json()["error"]["message"]
    (event,) = [e for e in events(floor, "ticket.cancelled")]
    assert '"reason":"supervisor"' in event["data"] and '"by":"rina"' in event["data"]
    (entry,) = audit(floor, "ticket.cancel")
    assert entry["target"] == ticket["code"] and entry["details"]["ticket_id"] == ticket["id"]
    with floor.client() as anonymous:
        assert anonymous.get(f"/api/tickets/public/{ticket['public_id']}").json()["status"] == "cancelled"


def test_a_called_ticket_cannot_be_cancelled_and_an_unknown_one_is_404(floor):
    ticket = floor.issue()
    with floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        budi.post("/api/counters/L01/call-next")
    with floor.login("rina") as rina:
        called = rina.post(f"/api/tickets/{ticket['id']}/cancel")
        unknown = rina.post("/api/tickets/999999/cancel")
        moved = rina.post(f"/api/tickets/{ticket['id']}/transfer", json={"service": "DK-KK"})
    assert called.status_code == 409 and called.json()["error"]["code"] == "ticket_not_waiting"
    assert moved.status_code == 409 and moved.json()["error"]["code"] == "ticket_not_waiting"
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_ticket"
    assert audit(floor, "ticket.cancel") == []


def test_a_supervisor_moves_a_waiting_ticket_to_another_service_keeping_its_code_and_place(floor):
    moved = floor.issue("DK-KTP")
    later = floor.issue("DK-KK")
    with floor.login("rina") as rina:
        answer = rina.post(f"/api/tickets/{moved['id']}/transfer", json={"service": "DK-KK"})
        assert answer.status_code == 200, answer.text
        ticket = answer.json()
        assert ticket["code"] == moved["code"] and ticket["service"] == "DK-KK"
        assert ticket["queue"] == "DUKCAPIL-SIPIL" and ticket["status"] == "waiting"
        same = rina.post(f"/api/tickets/{moved['id']}/transfer", json={"service": "DK-KK"})
        unknown = rina.post(f"/api/tickets/{moved['id']}/transfer", json={"service": "NOPE"})
        rina.post("/api/counters/L03/open")
        first = rina.post("/api/counters/L03/call-next").json()["ticket"]
    assert first["code"] == moved["code"] != later["code"]  # it keeps its place in time
    assert same.status_code == 409 and same.json()["error"]["code"] == "same_service"
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_service"
    (event,) = events(floor, "ticket.transferred")
    assert event["counter"] is None and '"from_service":"DK-KTP"' in event["data"]
    (entry,) = audit(floor, "ticket.transfer")
    assert entry["details"]["from_service"] == "DK-KTP" and entry["details"]["to_service"] == "DK-KK"


def test_an_agency_supervisor_acts_only_on_their_agencys_tickets(floor):
    dukcapil, samsat = floor.issue("DK-KTP"), floor.issue("SM-PKB")
    with floor.login("dewi") as dewi:
        assert dewi.post(f"/api/tickets/{dukcapil['id']}/transfer", json={"service": "DK-KK"}).status_code == 200
        cancel = dewi.post(f"/api/tickets/{samsat['id']}/cancel")
        move = dewi.post(f"/api/tickets/{samsat['id']}/transfer", json={"service": "SM-BBN"})
    assert cancel.status_code == 403 and cancel.json()["error"]["code"] == "not_your_agency"
    assert move.status_code == 403 and move.json()["error"]["code"] == "not_your_agency"


def test_the_counter_transfer_still_follows_its_rule(floor):
    """The rule moved to domain/tickets.py: a counter's transfer of its current ticket is unchanged."""
    ticket = floor.issue("DK-KTP")
    with floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        budi.post("/api/counters/L01/call-next")
        answer = budi.post("/api/counters/L01/transfer", json={"service": "DK-KK"}).json()
    assert answer["ticket"]["code"] == ticket["code"] and answer["ticket"]["queue"] == "DUKCAPIL-SIPIL"
    assert answer["ticket"]["status"] == "waiting" and answer["counter"]["ticket"] is None


# ---------------------------------------------------------------- supervisors at counters


def test_a_supervisor_closes_a_counter_its_officer_left_open_and_it_is_audited(floor):
    ticket = floor.issue()
    with floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        budi.post("/api/counters/L01/call-next")
    with floor.login("rina") as rina:
        answer = rina.post("/api/counters/L01/close")
        assert answer.status_code == 200, answer.text
        assert answer.json()["counter"]["status"] == "closed"
    (entry,) = audit(floor, "counter.close")
    assert entry["actor"] == "rina" and entry["target"] == "L01" and entry["details"]["ticket"] == ticket["code"]
    assert entry["address"] == "127.0.0.1"
    assert audit(floor, "counter.open") == []  # an officer's own actions are not the audit log's


def test_an_agency_supervisor_acts_only_at_their_agencys_counters(floor):
    with floor.login("dewi") as dewi:
        assert dewi.post("/api/counters/L01/open").status_code == 200
        other = dewi.post("/api/counters/L08/open")
        seen = dewi.get("/api/counters/L08")
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_your_agency"
    assert seen.status_code == 403
    with floor.login("admin") as admin:
        assert admin.post("/api/counters/L08/open").status_code == 200
        ticket = floor.issue("SM-PKB")
        called = admin.post("/api/counters/L08/call", json={"ticket": ticket["code"]})
    assert called.status_code == 200, called.text
    assert [e["details"]["ticket"] for e in audit(floor, "counter.call")] == [ticket["code"]]
