"""The counter state says what the caller may do now, and the server then does exactly that:
every action in `allowed_actions` succeeds, every other one answers 409 with its reason."""

import uuid

import httpx
import pytest

ACTIONS = ("open", "close", "pause", "resume", "call-next", "call", "recall", "start", "done", "no-show",
           "transfer", "hold")

# A state, as the steps that reach it from a closed counter.
STATES = {
    "closed": [],
    "open": ["open"],
    "open-called": ["open", "call-next"],
    "open-serving": ["open", "call-next", "start"],
    "paused": ["open", "pause"],
    "paused-called": ["open", "call-next", "pause"],
    "paused-serving": ["open", "call-next", "start", "pause"],
}


@pytest.fixture(scope="module")
def officers(shared_floor):
    clients = {name: shared_floor.login(name) for name in ("budi", "sari", "rina")}
    yield clients
    for client in clients.values():
        client.close()


def issue(floor, kiosk: httpx.Client, service: str = "DK-KTP") -> dict:
    ticket = kiosk.post("/api/tickets", json={"service": service, "request_id": uuid.uuid4().hex}).json()
    return kiosk.post(f"/api/tickets/{ticket['id']}/printed").json()


def post(client: httpx.Client, action: str, floor, kiosk, counter: str = "L01") -> httpx.Response:
    body = None
    if action == "call":
        body = {"ticket": issue(floor, kiosk)["code"]}
    elif action == "transfer":
        body = {"service": "DK-KK"}
    return client.post(f"/api/counters/{counter}/{action}", json=body)


def reach(client: httpx.Client, state: str, floor, kiosk, closer: httpx.Client, counter: str = "L01") -> dict:
    """Close the counter (`closer`: a supervisor, whoever holds it), then take the steps to `state`
    as `client`; returns the counter's state as `client` sees it."""
    if closer.get(f"/api/counters/{counter}").json()["status"] != "closed":
        assert closer.post(f"/api/counters/{counter}/close").status_code == 200
    for step in STATES[state]:
        if step == "call-next":
            issue(floor, kiosk)
        answer = client.post(f"/api/counters/{counter}/{step}")
        assert answer.status_code == 200, answer.text
        assert answer.json()["ticket"] is not None or step != "call-next"
    return client.get(f"/api/counters/{counter}").json()


@pytest.mark.parametrize("who", ["budi", "rina"], ids=["its-officer", "a-supervisor"])
@pytest.mark.parametrize("state", list(STATES))
def test_every_allowed_action_succeeds_and_every_other_is_refused(shared_floor, officers, state, who):
    """For each state: each action in the list answers 200, each other one 409 (a supervisor acts
    on budi's counter as budi would)."""
    budi, client = officers["budi"], officers[who]
    with shared_floor.kiosk() as kiosk:
        allowed = reach(budi, state, shared_floor, kiosk, officers["rina"])["allowed_actions"]
        if who != "budi":
            allowed = client.get("/api/counters/L01").json()["allowed_actions"]
        wrong = {}
        for action in ACTIONS:
            reach(budi, state, shared_floor, kiosk, officers["rina"])
            answer = post(client, action, shared_floor, kiosk)
            expected = 200 if action in allowed else 409
            if answer.status_code != expected:
                wrong[action] = (answer.status_code, answer.text[:200])
            elif expected == 409:
                assert answer.json()["error"]["code"] and answer.json()["error"]["message"]
    assert not wrong, f"{state}: allowed {allowed}, but {wrong}"


def test_allowed_actions_in_each_state(shared_floor, officers):
    budi = officers["budi"]
    with shared_floor.kiosk() as kiosk:
        lists = {state: reach(budi, state, shared_floor, kiosk, officers["rina"])["allowed_actions"] for state in STATES}
    assert lists["closed"] == ["open"]
    assert lists["open"] == ["close", "pause", "call-next", "call"]
    assert {"recall", "start", "no-show", "transfer"} <= set(lists["open-called"])
    assert not {"open", "resume"} & set(lists["open-called"])
    assert set(lists["open-serving"]) == {"close", "pause", "call-next", "call", "done", "transfer", "hold"}
    assert lists["paused"] == ["close", "resume"]
    assert set(lists["paused-called"]) == {"close", "resume", "done", "no-show", "transfer", "hold"}


def test_an_officer_at_a_counter_another_officer_holds_may_do_nothing(shared_floor, officers):
    budi, sari = officers["budi"], officers["sari"]
    with shared_floor.kiosk() as kiosk:
        reach(budi, "open-called", shared_floor, kiosk, officers["rina"])
        assert sari.get("/api/counters/L01").json()["allowed_actions"] == []
        codes = {action: post(sari, action, shared_floor, kiosk).json()["error"]["code"] for action in ACTIONS}
    assert set(codes.values()) == {"counter_in_use"}, codes


@pytest.mark.parametrize("state, action, code", [
    ("closed", "call-next", "counter_not_open"),
    ("closed", "close", "counter_already_closed"),
    ("open", "open", "counter_already_open"),
    ("open", "done", "no_current_ticket"),
    ("open", "resume", "counter_not_paused"),
    ("paused", "call-next", "counter_not_open"),
    ("paused", "open", "counter_paused"),
    ("open-serving", "recall", "invalid_transition"),
    ("paused-called", "recall", "counter_not_open"),
])
def test_a_refused_action_answers_409_with_its_reason(shared_floor, officers, state, action, code):
    budi = officers["budi"]
    with shared_floor.kiosk() as kiosk:
        before = reach(budi, state, shared_floor, kiosk, officers["rina"])
        answer = post(budi, action, shared_floor, kiosk)
    assert action not in before["allowed_actions"]
    assert answer.status_code == 409 and answer.json()["error"]["code"] == code, answer.text


@pytest.mark.parametrize("state, action", [
    ("closed", "open"), ("open", "call-next"), ("open", "call"), ("open", "pause"), ("paused", "resume"),
    ("open-called", "recall"), ("open-called", "start"), ("open-called", "no-show"), ("open-called", "hold"),
    ("open-called", "transfer"), ("open-serving", "done"), ("open-serving", "close"),
])
def test_every_action_answers_the_ticket_and_the_counter_as_a_read_would_show_it(shared_floor, officers, state,
                                                                                 action):
    budi = officers["budi"]
    with shared_floor.kiosk() as kiosk:
        before = reach(budi, state, shared_floor, kiosk, officers["rina"])
        answer = post(budi, action, shared_floor, kiosk)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"ticket", "counter"}
    assert body["counter"] == budi.get("/api/counters/L01").json()  # no second read needed
    assert body["counter"]["last_event_id"] > before["last_event_id"]
    if action in ("open", "pause", "resume"):
        assert body["ticket"] is None
    else:
        assert body["ticket"]["code"]
    if action in ("call-next", "call", "recall", "start"):
        assert body["counter"]["ticket"]["code"] == body["ticket"]["code"]
    else:
        assert body["counter"]["ticket"] is None


def test_call_next_with_nobody_waiting_answers_no_ticket_and_the_counter(floor):
    with floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        body = budi.post("/api/counters/L01/call-next").json()
    assert body["ticket"] is None
    assert body["counter"]["status"] == "open" and body["counter"]["ticket"] is None
    assert "call-next" in body["counter"]["allowed_actions"]


def test_the_answer_carries_the_servers_counts_and_estimates(floor):
    for _ in range(3):
        floor.issue("DK-KTP")
    with floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        counter = budi.post("/api/counters/L01/call-next").json()["counter"]
    queue = counter["queues"][0]
    # Two wait behind the one called; the demo's KTP takes 10 minutes and L01 is its only open counter.
    assert queue["waiting"] == 2 and queue["est_wait_min"] == 20


def test_openapi_describes_the_answer_and_the_refusal(floor):
    document = httpx.get(f"{floor.url}/api/openapi.json", timeout=10).json()
    schemas = document["components"]["schemas"]
    for action in ACTIONS:
        responses = document["paths"][f"/api/counters/{{counter}}/{action}"]["post"]["responses"]
        assert "409" in responses, action
        assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/CounterAnswer"), action
    assert set(schemas["CounterAnswer"]["properties"]) == {"ticket", "counter"}
    state = schemas["CounterState"]["properties"]
    assert "allowed_actions" in state and "queues" in state
    assert "est_wait_min" in schemas["QueueState"]["properties"]
