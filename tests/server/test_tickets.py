"""Issuing tickets at a kiosk: numbering, idempotency, availability, two-phase printing (server in process)."""

import re
import uuid

import pytest

from server.events import Filter
from server.serve import housekeeping
from tests.conftest import make_app_floor


@pytest.fixture
def floor(app_floor):
    """Issuing's rules need no real process."""
    return app_floor


def issue(kiosk, service="DK-KTP", **extra):
    return kiosk.post("/api/tickets", json={"service": service, "request_id": uuid.uuid4().hex, **extra})


def test_issued_ticket_has_the_contract_fields_and_is_printing(floor):
    with floor.kiosk() as kiosk:
        answer = issue(kiosk)
    assert answer.status_code == 201
    ticket = answer.json()
    for field in ("id", "public_id", "code", "number", "queue", "service", "agency", "priority", "status",
                  "service_day", "issued_at", "ahead", "est_wait_min", "status_url"):
        assert field in ticket, field
    assert ticket["status"] == "printing"
    assert ticket["code"] == "A-001" and ticket["number"] == 1
    assert ticket["service_day"] == "2026-11-23"
    assert ticket["issued_at"].startswith("2026-11-23T09:00") and ticket["issued_at"].endswith("+07:00")
    assert ticket["status_url"].endswith(f"/t/{ticket['public_id']}")
    assert len(ticket["public_id"]) >= 16


def test_numbers_count_up_per_queue_and_services_share_their_queue(floor):
    codes = [floor.issue("DK-KTP")["code"], floor.issue("DK-KTP")["code"], floor.issue("IM-PASPOR")["code"]]
    shared = floor.issue("DK-REKAM")  # feeds the same queue as DK-KTP
    assert codes[:2] == ["A-001", "A-002"]
    assert codes[2].endswith("-001") and not codes[2].startswith("A-")
    assert shared["code"] == "A-003"


def test_same_request_id_returns_the_same_ticket_never_a_second_number(floor):
    body = {"service": "DK-KTP", "request_id": "kiosk1-retry-0001"}
    with floor.kiosk() as kiosk:
        first = kiosk.post("/api/tickets", json=body)
        again = kiosk.post("/api/tickets", json=body)
        other = issue(kiosk)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["code"] == first.json()["code"]
    assert other.json()["number"] == first.json()["number"] + 1


def test_printed_ticket_joins_the_queue_and_people_ahead_count(floor):
    first = floor.issue()
    with floor.kiosk() as kiosk:
        second = issue(kiosk).json()
        assert second["ahead"] == 1
        confirmed = kiosk.post(f"/api/tickets/{second['id']}/printed")
        assert kiosk.post(f"/api/tickets/{second['id']}/printed").status_code == 200  # a retried confirmation
    assert first["status"] == "waiting"
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "waiting"
    assert confirmed.json()["ahead"] == 1
    assert confirmed.json()["est_wait_min"] > 0


def test_print_failure_cancels_the_ticket_and_its_number_is_not_reused(floor):
    with floor.kiosk() as kiosk:
        failed = issue(kiosk).json()
        answer = kiosk.post(f"/api/tickets/{failed['id']}/print-failed", json={"reason": "paper out"})
        next_one = issue(kiosk).json()
        late_confirm = kiosk.post(f"/api/tickets/{failed['id']}/printed")
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    assert next_one["number"] == failed["number"] + 1
    assert late_confirm.status_code == 409
    with floor.display() as display:
        queue = next(q for q in display.get("/api/state").json()["queues"] if q["code"] == failed["queue"])
    assert queue["waiting"] == 0


def test_ticket_nobody_confirmed_is_cancelled_and_a_late_confirmation_brings_it_back(floor_template, tmp_path):
    floor = make_app_floor(floor_template, tmp_path, config={"PRINTING_TIMEOUT_S": 5})
    try:
        with floor.kiosk() as kiosk:
            ticket = issue(kiosk).json()
            floor.clock.advance(seconds=4)
            housekeeping(floor.server.context)  # the server's background job, run once
            before = kiosk.get(f"/api/tickets/public/{ticket['public_id']}").json()
            floor.clock.advance(seconds=2)
            housekeeping(floor.server.context)
            # What the event stream sends, read from the pipeline in process (streams: test_events.py).
            frames = b"".join(floor.server.context.events.stream(Filter(), 0, max_events=3, timeout=0.5))
            types = [t.decode() for t in re.findall(rb"^event: (\S+)$", frames, flags=re.M)]
            public = kiosk.get(f"/api/tickets/public/{ticket['public_id']}").json()
            assert public["status"] == "cancelled"
            revived = kiosk.post(f"/api/tickets/{ticket['id']}/printed")
        assert before["status"] == "printing"  # 4 s of 5: the kiosk may still confirm
        assert types == ["ticket.issued", "ticket.cancelled"]
        assert revived.status_code == 200 and revived.json()["status"] == "waiting"
    finally:
        floor.server.stop()


def test_catalog_lists_agencies_services_and_availability(floor):
    floor.issue("DK-KTP")
    with floor.kiosk() as kiosk:
        catalog = kiosk.get("/api/kiosk/catalog").json()
    site = catalog["site"]
    assert site["name"] and site["timezone"] == "Asia/Jakarta"
    assert {p["code"] for p in site["priority_categories"]} >= {"lansia", "disabilitas", "ibu_hamil"}
    services = {s["code"]: s for a in catalog["agencies"] for s in a["services"]}
    assert len(catalog["agencies"]) >= 12 and len(services) >= 40
    ktp = services["DK-KTP"]
    for field in ("code", "name", "queue", "available", "reason", "quota_left", "waiting", "est_wait_min",
                  "requirements"):
        assert field in ktp
    assert ktp["available"] is True and ktp["reason"] is None
    assert ktp["waiting"] == 1 and ktp["quota_left"] == 149
    assert ktp["requirements"]


@pytest.mark.parametrize(
    "now, service, reason",
    [
        ("2026-11-22T10:00:00+07:00", "DK-KTP", "closed"),  # Sunday
        ("2026-11-27T12:00:00+07:00", "DK-KTP", "closed"),  # Friday prayer break
        ("2026-11-23T14:45:00+07:00", "DK-KTP", "cut_off"),  # 15 minutes before closing
        ("2026-11-23T13:00:00+07:00", "IM-PASPOR", "closed"),  # Imigrasi keeps shorter hours
        ("2026-12-25T10:00:00+07:00", "DK-KTP", "closed"),  # Christmas
    ],
)
def test_unavailable_service_refuses_tickets_with_its_reason(floor_template, tmp_path, now, service, reason):
    floor = make_app_floor(floor_template, tmp_path, now=now)
    try:
        with floor.kiosk() as kiosk:
            answer = issue(kiosk, service)
            listed = {s["code"]: s for a in kiosk.get("/api/kiosk/catalog").json()["agencies"] for s in a["services"]}
    finally:
        floor.server.stop()
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == reason
    assert listed[service]["available"] is False and listed[service]["reason"] == reason


def test_quota_full_refuses_the_next_ticket_but_misprints_do_not_count(floor):
    with floor.kiosk() as kiosk:
        tickets = [issue(kiosk, "IM-GANTI").json() for _ in range(20)]  # quota 20
        assert issue(kiosk, "IM-GANTI").json()["error"]["code"] == "quota_full"
        kiosk.post(f"/api/tickets/{tickets[-1]['id']}/print-failed", json={"reason": "jam"})
        again = issue(kiosk, "IM-GANTI")
        listed = {s["code"]: s for a in kiosk.get("/api/kiosk/catalog").json()["agencies"] for s in a["services"]}
    assert again.status_code == 201 and again.json()["number"] == 21
    assert listed["IM-GANTI"]["reason"] == "quota_full" and listed["IM-GANTI"]["quota_left"] == 0


def test_priority_ticket_carries_its_category(floor):
    ticket = floor.issue(priority="lansia")
    assert ticket["priority"] == "lansia" and ticket["priority_name"]


def test_public_status_shows_no_personal_or_internal_data(floor):
    ticket = floor.issue()
    with floor.client() as anonymous:
        public = anonymous.get(f"/api/tickets/public/{ticket['public_id']}")
        unknown = anonymous.get("/api/tickets/public/abcdefghijklmnop")
    assert public.status_code == 200
    body = public.json()
    assert body["code"] == ticket["code"] and body["status"] == "waiting" and body["ahead"] == 0
    assert "id" not in body and "public_id" not in body and "request_id" not in body
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_ticket"


def test_heartbeat_records_printer_health(floor):
    with floor.kiosk() as kiosk:
        answer = kiosk.post("/api/devices/heartbeat", json={"printer": {"online": True, "paper": "low"}})
        bare = kiosk.post("/api/devices/heartbeat")
    assert answer.status_code == 200 and bare.status_code == 200
    import sqlite3

    conn = sqlite3.connect(floor.db_path)
    health, last_seen = conn.execute("SELECT health, last_seen FROM devices WHERE kind = 'kiosk'").fetchone()
    conn.close()
    assert '"paper": "low"' in health and last_seen.startswith("2026-11-23")
