"""Idempotency-Key on counter actions: a retry after a lost answer gets the first answer again
and never calls a second citizen."""

import threading

import httpx
import pytest

from server.serve import housekeeping


def waiting(floor, queue: str = "DUKCAPIL-KTP") -> int:
    with floor.display() as display:
        return next(q for q in display.get("/api/state").json()["queues"] if q["code"] == queue)["waiting"]


def test_a_retried_call_next_answers_the_first_answer_and_calls_nobody_else(app_floor):
    first, second = app_floor.issue(), app_floor.issue()
    with app_floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        key = {"Idempotency-Key": "call-0001-abcdef"}
        answer = budi.post("/api/counters/L01/call-next", headers=key)
        retry = budi.post("/api/counters/L01/call-next", headers=key)
        fresh = budi.post("/api/counters/L01/call-next", headers={"Idempotency-Key": "call-0002-abcdef"})
    assert answer.status_code == retry.status_code == 200
    assert retry.json() == answer.json() and answer.json()["ticket"]["code"] == first["code"]
    assert waiting(app_floor) == 0 and fresh.json()["ticket"]["code"] == second["code"]  # a new key acts again


def test_every_counter_action_keeps_its_answer(app_floor):
    app_floor.issue()
    with app_floor.login("budi") as budi:
        for number, (action, body) in enumerate([("open", None), ("call-next", None), ("recall", None),
                                                 ("start", None), ("transfer", {"service": "DK-KK"}),
                                                 ("pause", None), ("resume", None), ("close", None)]):
            key = {"Idempotency-Key": f"every-action-{number:04d}"}
            answer = budi.post(f"/api/counters/L01/{action}", json=body, headers=key)
            retry = budi.post(f"/api/counters/L01/{action}", json=body, headers=key)
            assert answer.status_code == 200, (action, answer.text)
            assert retry.status_code == 200 and retry.json() == answer.json(), action
        state = budi.get("/api/counters/L01").json()
    assert state["status"] == "closed"  # the retries did nothing: a second close would have been refused
    assert waiting(app_floor, "DUKCAPIL-SIPIL") == 1  # transferred once


def test_a_key_used_for_another_request_is_refused(app_floor):
    app_floor.issue()
    with app_floor.login("budi") as budi:
        key = {"Idempotency-Key": "reused-key-0001"}
        assert budi.post("/api/counters/L01/open", headers=key).status_code == 200
        other = budi.post("/api/counters/L01/call-next", headers=key)
        elsewhere = budi.post("/api/counters/L02/open", headers=key)
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert elsewhere.status_code == 422
    assert waiting(app_floor) == 1


def test_keys_are_per_officer(app_floor):
    app_floor.issue()
    app_floor.issue()
    key = {"Idempotency-Key": "same-key-both-officers"}
    with app_floor.login("budi") as budi, app_floor.login("sari") as sari:
        budi.post("/api/counters/L01/open")
        sari.post("/api/counters/L02/open")
        by_budi = budi.post("/api/counters/L01/call-next", headers=key).json()["ticket"]
        by_sari = sari.post("/api/counters/L02/call-next", headers=key).json()["ticket"]
    assert by_budi["code"] != by_sari["code"] and waiting(app_floor) == 0


@pytest.mark.parametrize("key", ["short", "k" * 101, "kunci-rahasia-é".encode("latin-1"), "tab\tinside-key"])
def test_a_malformed_key_is_422_and_nothing_happens(app_floor, key):
    with app_floor.login("budi") as budi:
        answer = budi.post("/api/counters/L01/open", headers={"Idempotency-Key": key})
        state = budi.get("/api/counters/L01").json()
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_idempotency_key"
    assert state["status"] == "closed"


def test_a_refusal_is_not_kept_so_the_retry_may_act(app_floor):
    app_floor.issue()
    with app_floor.login("budi") as budi:
        key = {"Idempotency-Key": "refused-then-fine"}
        refused = budi.post("/api/counters/L01/call-next", headers=key)
        budi.post("/api/counters/L01/open")
        retry = budi.post("/api/counters/L01/call-next", headers=key)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "counter_not_open"
    assert retry.status_code == 200 and retry.json()["ticket"] is not None  # nothing had happened the first time


def test_kept_answers_end_with_the_service_day(app_floor):
    key = {"Idempotency-Key": "monday-open-0001"}
    with app_floor.login("budi") as budi:
        assert budi.post("/api/counters/L01/open", headers=key).status_code == 200
        assert budi.post("/api/counters/L01/close").status_code == 200
    app_floor.clock.advance(days=1)
    housekeeping(app_floor.server.context)
    with app_floor.login("budi") as budi:  # a new day, a new sign-in
        tuesday = budi.post("/api/counters/L01/open", headers=key)
    assert tuesday.status_code == 200 and tuesday.json()["counter"]["status"] == "open"
    assert tuesday.json()["counter"]["status_since"].startswith("2026-11-24")  # acted today, not Monday's answer


def test_the_same_key_sent_twice_at_once_acts_once(floor):
    for _ in range(3):
        floor.issue()
    with floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        token = budi.headers["Authorization"]
    answers = []

    def send():
        with httpx.Client(base_url=floor.url, headers={"Authorization": token}, timeout=10) as client:
            answers.append(client.post("/api/counters/L01/call-next", headers={"Idempotency-Key": "twice-at-once"}))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200] * 4
    assert len({a.text for a in answers}) == 1
    assert waiting(floor) == 2
