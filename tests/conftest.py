"""Fixtures: a fresh database file, a real server process on loopback, API clients."""

import uuid
from dataclasses import dataclass

import httpx
import pytest

from devtools.launcher import ServerProcess, add_officer, add_token, prepare_database

MONDAY_MORNING = "2026-11-23T09:00:00+07:00"


@dataclass
class Floor:
    """A running server on the demo site with a kiosk, displays and officers ready."""

    server: ServerProcess
    kiosk_token: str
    display_token: str  # zone 1
    counter_pc_token: str
    db_path: object

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)

    def kiosk(self) -> httpx.Client:
        return self.client(self.kiosk_token)

    def display(self) -> httpx.Client:
        return self.client(self.display_token)

    def login(self, username: str, pin: str = "1234") -> httpx.Client:
        answer = httpx.post(f"{self.url}/api/auth/login", json={"username": username, "pin": pin}, timeout=10)
        assert answer.status_code == 200, answer.text
        return self.client(answer.json()["token"])

    def issue(self, service: str = "DK-KTP", priority: str | None = None, printed: bool = True) -> dict:
        with self.kiosk() as kiosk:
            answer = kiosk.post("/api/tickets", json={"service": service, "priority": priority,
                                                      "request_id": uuid.uuid4().hex})
            assert answer.status_code == 201, answer.text
            ticket = answer.json()
            if printed:
                confirmed = kiosk.post(f"/api/tickets/{ticket['id']}/printed")
                assert confirmed.status_code == 200, confirmed.text
                ticket = confirmed.json()
            return ticket


OFFICERS = [
    ("budi", "officer", "DUKCAPIL"),
    ("sari", "officer", "DUKCAPIL"),
    ("joko", "officer", "SAMSAT"),
    ("rina", "supervisor", None),
    ("admin", "admin", None),
]


def make_floor(tmp_path, now: str | None = MONDAY_MORNING, env: dict | None = None) -> Floor:
    db = tmp_path / "antrian.db"
    prepare_database(db)
    kiosk = add_token(db, "kiosk", "Kios 1", "1")
    display = add_token(db, "display", "Layar Hall 1", "1")
    counter_pc = add_token(db, "counter", "PC Loket 1", "1")
    for username, role, agency in OFFICERS:
        add_officer(db, username, "1234", role, agency)
    server = ServerProcess(db, now=now, env=env or {}).start()
    return Floor(server, kiosk, display, counter_pc, db)


@pytest.fixture
def floor(tmp_path):
    """A fresh server for one test (about a second to start)."""
    floor = make_floor(tmp_path)
    yield floor
    floor.server.stop()


@pytest.fixture(scope="module")
def shared_floor(tmp_path_factory):
    """One server for a module whose tests do not depend on each other's tickets."""
    floor = make_floor(tmp_path_factory.mktemp("floor"))
    yield floor
    floor.server.stop()
