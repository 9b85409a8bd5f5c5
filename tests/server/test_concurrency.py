"""Many kiosks and counters at once: unique, gap-free numbers; no ticket called twice."""

import multiprocessing
import uuid
from collections import Counter

import httpx


def issue_many(url: str, token: str, service: str, count: int) -> list[str]:
    codes = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as kiosk:
        for _ in range(count):
            answer = kiosk.post("/api/tickets", json={"service": service, "request_id": uuid.uuid4().hex})
            assert answer.status_code == 201, answer.text
            ticket = answer.json()
            assert kiosk.post(f"/api/tickets/{ticket['id']}/printed").status_code == 200
            codes.append(ticket["code"])
    return codes


def call_until_empty(url: str, username: str, counter: str) -> list[str]:
    with httpx.Client(base_url=url, timeout=30) as client:
        token = client.post("/api/auth/login", json={"username": username, "pin": "1234"}).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        assert client.post(f"/api/counters/{counter}/open").status_code == 200
        called = []
        while True:
            answer = client.post(f"/api/counters/{counter}/call-next")
            assert answer.status_code == 200, answer.text
            ticket = answer.json()["ticket"]
            if ticket is None:
                return called
            called.append(ticket["code"])


def test_kiosk_processes_issuing_at_once_get_unique_gap_free_numbers(floor):
    processes, each = 4, 40
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        batches = pool.starmap(issue_many, [(floor.url, floor.kiosk_token, "DK-IKD", each)] * processes)
    codes = [code for batch in batches for code in batch]
    assert len(codes) == len(set(codes)) == processes * each
    numbers = sorted(int(code.split("-")[1]) for code in codes)
    assert numbers == list(range(1, processes * each + 1))
    for batch in batches:  # each kiosk saw its own numbers rise
        assert batch == sorted(batch)


def test_counters_calling_at_once_never_get_the_same_ticket(floor):
    issued = issue_many(floor.url, floor.kiosk_token, "DK-IKD", 30) + issue_many(
        floor.url, floor.kiosk_token, "DK-KK", 30)
    officers = [("budi", "L01"), ("sari", "L02"), ("rina", "L03"), ("admin", "L04")]
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(officers)) as pool:
        results = pool.starmap(call_until_empty, [(floor.url, u, c) for u, c in officers])
    called = [code for batch in results for code in batch]
    duplicates = [code for code, n in Counter(called).items() if n > 1]
    assert duplicates == []
    assert sorted(called) == sorted(issued)
