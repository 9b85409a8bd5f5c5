"""Races for the last place, against the real server process with concurrent clients: the capacity of a
slot and the day's online quota are checked and spent in one write, so exactly one racer wins."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from devtools.launcher import DEMO_SITE, ServerProcess, prepare_database
from server.site_config import SiteConfig, dump_site, load_site

RACERS = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The demo site with DK-KTP at 3 bookings a slot and 5 a day; no rate limit for the racers."""
    folder = tmp_path_factory.mktemp("race")
    data = load_site(DEMO_SITE).model_dump()
    for agency in data["agencies"]:
        for service in agency["services"]:
            if service["code"] == "DK-KTP":
                service.update(online_quota=5, slot_capacity=3)
    site = folder / "site.toml"
    site.write_text(dump_site(SiteConfig.model_validate(data)), encoding="utf-8")
    prepare_database(folder / "antrian.db", site)
    process = ServerProcess(folder / "antrian.db", env={"MPP_BOOKING_POSTS": "1000"}).start()
    yield process
    process.stop()


def race(url: str, slot: str, first_phone: int) -> list[int]:
    """RACERS clients post at once (each its own connection and phone); the statuses they get."""
    start = threading.Barrier(RACERS)

    def one(n: int) -> int:
        with httpx.Client(base_url=url, timeout=10) as client:
            body = {"service": "DK-KTP", "date": "2026-11-24", "slot": slot, "name": "Warga Antre",
                    "phone": f"0812{first_phone + n:08d}", "request_id": uuid.uuid4().hex}
            start.wait()
            answer = client.post("/api/appointments", json=body)
            assert answer.status_code in (201, 409), answer.text
            return answer.status_code if answer.status_code == 201 else answer.json()["error"]["code"]

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


def test_a_race_for_the_last_slot_and_for_the_last_of_the_quota_gives_one_booking_each(server):
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for n in range(2):  # 09:00 has one place left
            body = {"service": "DK-KTP", "date": "2026-11-24", "slot": "09:00", "name": "Warga",
                    "phone": f"08130000000{n}", "request_id": uuid.uuid4().hex}
            assert client.post("/api/appointments", json=body).status_code == 201
    slot_race = race(server.url, "09:00", 100)
    assert slot_race.count(201) == 1 and set(slot_race) - {201} == {"slot_full"}
    # 4 of the day's 5 booked: a race of 8 for a fresh slot (3 places) is a race for the quota's last one
    with httpx.Client(base_url=server.url, timeout=10) as client:
        body = {"service": "DK-KTP", "date": "2026-11-24", "slot": "10:00", "name": "Warga", "phone": "081300000009",
                "request_id": uuid.uuid4().hex}
        assert client.post("/api/appointments", json=body).status_code == 201
    quota_race = race(server.url, "11:00", 200)
    assert quota_race.count(201) == 1 and set(quota_race) - {201} == {"quota_full"}
    with httpx.Client(base_url=server.url, timeout=10) as client:
        slots = client.get("/api/appointments/slots", params={"service": "DK-KTP", "date": "2026-11-24"}).json()
    assert slots == []  # the online quota is spent: nothing more is offered, no slot below zero
