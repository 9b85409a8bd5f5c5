"""What an officer does at a counter, through the API of the server (in process)."""

import pytest


@pytest.fixture
def floor(app_floor):
    """The counters' rules need no real process."""
    return app_floor


@pytest.fixture
def budi(floor):
    """Budi (Dukcapil) at counter L01, open."""
    with floor.login("budi") as client:
        assert client.post("/api/counters/L01/open").status_code == 200
        yield client


def test_counter_state_shows_status_officer_ticket_and_queues(floor, budi):
    floor.issue("DK-KTP")
    state = budi.get("/api/counters/L01").json()
    assert state["code"] == "L01" and state["status"] == "open" and state["zone"] == "1"
    assert state["agency"] == "DUKCAPIL" and state["officer"]["username"] == "budi"
    assert state["ticket"] is None
    assert state["queues"][0]["waiting"] == 1 and state["queues"][0]["code"]
    # The demo's DK-KTP takes 10 minutes by default; L01 is the only open counter of queue A.
    assert state["queues"][0]["minutes_each"] == 10 and state["queues"][0]["open_counters"] == 1
    assert state["queues"][0]["est_wait_min"] == 10


def test_call_next_calls_oldest_and_completes_the_previous_ticket(floor, budi):
    first, second = floor.issue(), floor.issue()
    called = budi.post("/api/counters/L01/call-next").json()["ticket"]
    assert called["code"] == first["code"] and called["status"] == "called"
    assert called["counter"] == "L01" and called["called_at"]
    again = budi.post("/api/counters/L01/call-next").json()["ticket"]
    assert again["code"] == second["code"]
    with floor.client() as anonymous:
        assert anonymous.get(f"/api/tickets/public/{first['public_id']}").json()["status"] == "done"
    assert budi.post("/api/counters/L01/call-next").json()["ticket"] is None


def test_call_next_on_a_closed_counter_is_refused(floor):
    with floor.login("sari") as sari:
        answer = sari.post("/api/counters/L02/call-next")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "counter_not_open"


def test_recall_start_done_move_the_ticket_on(floor, budi):
    ticket = floor.issue()
    budi.post("/api/counters/L01/call-next")
    recalled = budi.post("/api/counters/L01/recall").json()["ticket"]
    assert recalled["status"] == "called" and recalled["recall_count"] == 1
    assert budi.post("/api/counters/L01/start").json()["ticket"]["status"] == "serving"
    assert budi.post("/api/counters/L01/recall").json()["error"]["code"] == "invalid_transition"
    done = budi.post("/api/counters/L01/done").json()["ticket"]
    assert done["code"] == ticket["code"] and done["status"] == "done" and done["finished_at"]
    assert budi.get("/api/counters/L01").json()["ticket"] is None
    assert budi.post("/api/counters/L01/done").json()["error"]["code"] == "no_current_ticket"


def test_no_show_frees_the_counter(floor, budi):
    floor.issue()
    budi.post("/api/counters/L01/call-next")
    gone = budi.post("/api/counters/L01/no-show").json()["ticket"]
    assert gone["status"] == "no_show"
    assert budi.get("/api/counters/L01").json()["ticket"] is None


def test_call_specific_ticket_out_of_turn(floor, budi):
    first, second = floor.issue(), floor.issue()
    called = budi.post("/api/counters/L01/call", json={"ticket": second["code"].lower()}).json()["ticket"]
    assert called["code"] == second["code"]
    assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == first["code"]
    missing = budi.post("/api/counters/L01/call", json={"ticket": "A-999"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_ticket"
    done_already = budi.post("/api/counters/L01/call", json={"ticket": second["code"]})
    assert done_already.status_code == 409


def test_transfer_keeps_the_code_and_joins_the_other_queue(floor, budi):
    ticket = floor.issue("DK-KTP")
    budi.post("/api/counters/L01/call-next")
    moved = budi.post("/api/counters/L01/transfer", json={"service": "DK-KK"}).json()["ticket"]
    assert moved["code"] == ticket["code"] and moved["status"] == "waiting"
    assert moved["service"] == "DK-KK" and moved["queue"] != ticket["queue"]
    with floor.login("sari") as sari:
        sari.post("/api/counters/L03/open")
        # L03 serves the KK/akta queue: the transferred ticket is first there.
        assert sari.get("/api/counters/L03").json()["queues"][0]["code"] == moved["queue"]
        assert sari.post("/api/counters/L03/call-next").json()["ticket"]["code"] == ticket["code"]
    unknown = budi.post("/api/counters/L01/transfer", json={"service": "NOPE"})
    assert unknown.status_code == 409 or unknown.status_code == 404


def test_transfer_into_a_queue_where_the_same_number_waits_keeps_both(floor, budi):
    """A-001 joins the family-card queue, where B-001 waits: two tickets numbered 1 in one queue
    (the server once answered 500 here: its numbers were unique per current queue)."""
    ktp, kk = floor.issue("DK-KTP"), floor.issue("DK-KK")
    assert ktp["number"] == kk["number"] == 1 and ktp["queue"] != kk["queue"]
    budi.post("/api/counters/L01/call-next")
    answer = budi.post("/api/counters/L01/transfer", json={"service": "DK-KK"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["ticket"]["queue"] == kk["queue"]
    with floor.login("sari") as sari:
        sari.post("/api/counters/L03/open")
        first = sari.post("/api/counters/L03/call-next").json()["ticket"]["code"]
        sari.post("/api/counters/L03/done")
        second = sari.post("/api/counters/L03/call-next").json()["ticket"]["code"]
    assert [first, second] == [ktp["code"], kk["code"]]  # the transferred one keeps its place in time


def test_priority_tickets_are_interleaved_one_to_two(floor, budi):
    normal = [floor.issue()["code"] for _ in range(4)]
    priority = [floor.issue(priority="lansia")["code"] for _ in range(2)]
    order = [budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] for _ in range(6)]
    assert order == [priority[0], normal[0], normal[1], priority[1], normal[2], normal[3]]


def test_pause_and_resume(floor, budi):
    floor.issue()
    assert budi.post("/api/counters/L01/pause").json()["counter"]["status"] == "paused"
    assert budi.post("/api/counters/L01/call-next").json()["error"]["code"] == "counter_not_open"
    assert budi.post("/api/counters/L01/resume").json()["counter"]["status"] == "open"
    assert budi.post("/api/counters/L01/call-next").json()["ticket"] is not None


def test_close_returns_a_called_ticket_to_the_queue(floor, budi):
    ticket = floor.issue()
    budi.post("/api/counters/L01/call-next")
    assert budi.post("/api/counters/L01/close").json()["counter"]["status"] == "closed"
    with floor.client() as anonymous:
        assert anonymous.get(f"/api/tickets/public/{ticket['public_id']}").json()["status"] == "waiting"


def test_officer_acts_only_on_counters_of_their_agency(floor):
    with floor.login("joko") as joko, floor.login("rina") as supervisor:
        refused = joko.post("/api/counters/L01/open")
        allowed = supervisor.post("/api/counters/L01/open")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_agency"
    assert allowed.status_code == 200


def test_counter_open_by_another_officer_is_refused(floor, budi):
    with floor.login("sari") as sari:
        answer = sari.post("/api/counters/L01/open")
        call = sari.post("/api/counters/L01/call-next")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "counter_in_use"
    assert call.status_code == 409


def test_hold_parks_a_ticket_and_call_by_code_brings_it_back(floor, budi):
    ticket = floor.issue()
    budi.post("/api/counters/L01/call-next")
    assert budi.post("/api/counters/L01/hold").json()["ticket"]["status"] == "held"
    back = budi.post("/api/counters/L01/call", json={"ticket": ticket["code"]}).json()["ticket"]
    assert back["status"] == "called" and back["code"] == ticket["code"]


def test_logout_invalidates_the_token(floor):
    client = floor.login("budi")
    assert client.post("/api/auth/logout").status_code == 200
    answer = client.get("/api/counters/L01")
    client.close()
    assert answer.status_code == 401


def test_wrong_pin_is_refused(floor):
    with floor.client() as anonymous:
        answer = anonymous.post("/api/auth/login", json={"username": "budi", "pin": "9999"})
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_credentials"
