"""Personal data (UU 27/2022): only where a service asks, never streamed or public, masked, purged."""

import sqlite3
import time
import uuid

import pytest

from server.domain.errors import Invalid
from server.domain.personal import clean_nik, clean_phone, mask
from devtools.launcher import ServerProcess

NIK = "3201234567890001"


def test_nik_is_kept_apart_masked_for_the_officer_and_never_streamed_or_public(floor):
    with floor.kiosk() as kiosk:
        answer = kiosk.post("/api/tickets", json={"service": "BK-UBAH", "request_id": uuid.uuid4().hex, "nik": NIK})
        assert answer.status_code == 201, answer.text
        ticket = answer.json()
        kiosk.post(f"/api/tickets/{ticket['id']}/printed")
        public = kiosk.get(f"/api/tickets/public/{ticket['public_id']}").text
    with floor.login("rina") as supervisor:
        supervisor.post("/api/counters/L12/open")
        called = supervisor.post("/api/counters/L12/call", json={"ticket": ticket["code"]}).json()["ticket"]
        counter = supervisor.get("/api/counters/L12").json()
    with floor.display() as display:
        with display.stream("GET", "/api/events", headers={"Last-Event-ID": "0"}, timeout=10) as stream:
            received = b""
            for chunk in stream.iter_raw():
                received += chunk
                if b"ticket.called" in received:
                    break
    assert NIK not in answer.text and NIK not in public and NIK.encode() not in received
    assert called["personal"]["nik"] == "3201********0001"
    assert counter["ticket"]["personal"]["nik"] == "3201********0001"


def test_personal_data_is_refused_where_the_service_does_not_ask(app_floor):
    with app_floor.kiosk() as kiosk:
        answer = kiosk.post("/api/tickets", json={"service": "DK-KTP", "request_id": uuid.uuid4().hex, "nik": NIK})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "personal_data_not_needed"


@pytest.mark.parametrize("text, expected", [("3201 2345 6789 0001", NIK), ("3201-2345-6789-0001", NIK)])
def test_nik_is_cleaned(text, expected):
    assert clean_nik(text) == expected


@pytest.mark.parametrize("text", ["123", "32012345678900011", "320123456789000A", ""])
def test_bad_nik_is_refused(text):
    with pytest.raises(Invalid):
        clean_nik(text)


@pytest.mark.parametrize("text", ["081234567890", "+6281234567890", "6281234567890", "0812-3456-7890"])
def test_phone_numbers_are_normalised(text):
    assert clean_phone(text) == "081234567890"


def test_masking_keeps_only_the_ends():
    assert mask("081234567890", 4, 3) == "0812*****890"
    assert mask("123") == "***" and mask(None) is None


def test_personal_data_is_purged_after_the_retention_period(floor):
    with floor.kiosk() as kiosk:
        kiosk.post("/api/tickets", json={"service": "PLN-ADUAN", "request_id": uuid.uuid4().hex,
                                         "phone": "081234567890"})
    floor.server.stop()
    conn = sqlite3.connect(floor.db_path)
    assert conn.execute("SELECT COUNT(*) FROM personal_data").fetchone()[0] == 1
    with ServerProcess(floor.db_path, now="2027-01-04T09:00:00+07:00"):  # 42 days later; retention is 30
        deadline = time.monotonic() + 20
        while conn.execute("SELECT COUNT(*) FROM personal_data").fetchone()[0] and time.monotonic() < deadline:
            time.sleep(0.05)  # polling the server's purge, not timing it
        left = conn.execute("SELECT COUNT(*) FROM personal_data").fetchone()[0]
        tickets = conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
    conn.close()
    assert left == 0 and tickets == 1  # the anonymous ticket stays for statistics
