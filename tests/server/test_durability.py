"""A power cut (kill -9) while kiosks issue: every answered ticket survives, no number is reused."""

import sqlite3
import threading
import uuid

import httpx


def test_kill_9_while_issuing_loses_no_answered_ticket_and_reuses_no_number(floor):
    answered: dict[str, dict] = {}  # request_id -> ticket the kiosk was told about
    in_flight: dict[int, str] = {}
    enough = threading.Event()
    stop = threading.Event()

    def kiosk(worker: int):
        with httpx.Client(base_url=floor.url, headers={"Authorization": f"Bearer {floor.kiosk_token}"},
                          timeout=5) as client:
            while not stop.is_set():
                request_id = uuid.uuid4().hex
                in_flight[worker] = request_id
                try:
                    answer = client.post("/api/tickets", json={"service": "DK-IKD", "request_id": request_id})
                except httpx.HTTPError:
                    return
                if answer.status_code == 201:
                    answered[request_id] = answer.json()
                    if len(answered) >= 150:
                        enough.set()

    workers = [threading.Thread(target=kiosk, args=(n,)) for n in range(4)]
    for worker in workers:
        worker.start()
    assert enough.wait(60)
    floor.server.kill()
    stop.set()
    for worker in workers:
        worker.join(10)

    floor.server.start()
    with floor.kiosk() as client:
        # The kiosks retry what was in flight: the same request_id never makes a second number.
        for request_id in in_flight.values():
            retry = client.post("/api/tickets", json={"service": "DK-IKD", "request_id": request_id})
            assert retry.status_code in (200, 201)
            answered.setdefault(request_id, retry.json())
        after = client.post("/api/tickets", json={"service": "DK-IKD", "request_id": uuid.uuid4().hex}).json()

    conn = sqlite3.connect(floor.db_path)
    stored = dict(conn.execute("SELECT request_id, code FROM tickets").fetchall())
    numbers = [n for (n,) in conn.execute("SELECT number FROM tickets WHERE queue = 'DUKCAPIL-KTP' ORDER BY number")]
    conn.close()
    for request_id, ticket in answered.items():
        assert stored.get(request_id) == ticket["code"]
    assert numbers == list(range(1, len(numbers) + 1))  # no gap, no reuse
    assert after["number"] == numbers[-1]
