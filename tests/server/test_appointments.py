"""Appointments through the API (in process): every refusal code, the quotas apart, check-in, no-shows."""

import uuid

import pytest

from server.flows.appointments import mark_no_shows
from tests.conftest import make_app_floor

# MONDAY_MORNING is 2026-11-23 09:00 (+07:00). DK-KTP: slots of 30 min, 4 a slot, 50 bookings a day;
# BK-UBAH asks for the NIK: slots of 60 min, 2 a slot.


@pytest.fixture
def app_floor(floor_template, tmp_path):
    """The in-process server without the booking POSTs' rate limit (one test makes 50 bookings)."""
    floor = make_app_floor(floor_template, tmp_path, config={"BOOKING_POSTS": 1000})
    yield floor
    floor.server.stop()


def booking(service="DK-KTP", date="2026-11-24", slot="09:00", phone="081234567890", **extra):
    return {"service": service, "date": date, "slot": slot, "name": "Siti Aminah", "phone": phone,
            "request_id": uuid.uuid4().hex, **extra}


def book(client, **values):
    return client.post("/api/appointments", json=booking(**values))


def test_slots_offer_the_days_slots_with_room_and_not_the_past(app_floor):
    with app_floor.client() as client:
        today = client.get("/api/appointments/slots", params={"service": "DK-KTP", "date": "2026-11-23"}).json()
        friday = client.get("/api/appointments/slots", params={"service": "DK-KTP", "date": "2026-11-27"}).json()
        sunday = client.get("/api/appointments/slots", params={"service": "DK-KTP", "date": "2026-11-29"}).json()
    assert today[0] == {"slot": "09:30", "capacity": 4, "left": 4}  # 09:00 has started
    assert "11:30" not in [s["slot"] for s in friday] and "13:00" in [s["slot"] for s in friday]  # Friday prayer
    assert sunday == []


def test_a_booking_answers_its_code_window_and_masks_the_person(app_floor):
    with app_floor.client() as client:
        answer = book(client)
        assert answer.status_code == 201, answer.text
        body = answer.json()
        slots = client.get("/api/appointments/slots", params={"service": "DK-KTP", "date": "2026-11-24"}).json()
    assert body["check_in_from"].startswith("2026-11-24T08:30") and body["check_in_until"].startswith("2026-11-24T09:15")
    assert body["phone"] == "0812*****890" and body["name"] == "Si*** Am***" and body["nik"] is None
    assert len(body["code"]) == 8 and body["qr_url"].endswith(f"/booking/{body['code']}/qr.png")
    assert {"slot": "09:00", "capacity": 4, "left": 3} in slots


def test_the_same_request_id_answers_the_same_booking(app_floor):
    values = booking()
    with app_floor.client() as client:
        first = client.post("/api/appointments", json=values)
        again = client.post("/api/appointments", json=values)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]


@pytest.mark.parametrize("values, code", [
    ({"date": "2026-11-23", "slot": "08:30"}, "past"),
    ({"date": "2026-12-08"}, "too_far"),
    ({"date": "2026-11-29"}, "closed"),  # Sunday
    ({"date": "2026-11-27", "slot": "11:30"}, "closed"),  # Friday prayer
    ({"slot": "09:10"}, "closed"),  # not a slot's start
    ({"service": "DK-IKD"}, "closed"),  # takes no bookings
])
def test_refusals_of_the_date_and_slot(app_floor, values, code):
    with app_floor.client() as client:
        answer = book(client, **values)
    assert answer.status_code == 409 and answer.json()["error"]["code"] == code, answer.text


def test_a_full_slot_a_full_quota_and_the_limit_per_phone(app_floor):
    with app_floor.client() as client:
        for n in range(4):
            assert book(client, phone=f"08123456700{n}").status_code == 201
        full = book(client, phone="0812345670099")
        again = book(client, slot="10:00", phone="081234567000")
        nik = book(client, service="BK-UBAH", slot="10:00", phone="081300000000", nik="3201234506900001")
        same_nik = book(client, service="BK-UBAH", slot="11:00", phone="081300000001", nik="3201234506900001")
    assert full.json()["error"]["code"] == "slot_full"
    assert again.json()["error"]["code"] == "limit_reached"
    assert nik.status_code == 201 and nik.json()["nik"] == "3201********0001"
    assert same_nik.json()["error"]["code"] == "limit_reached"


def test_the_online_quota_runs_out_apart_from_the_walk_in_quota(app_floor):
    kiosk_quota_left = lambda: next(s for a in app_floor.kiosk().get("/api/kiosk/catalog").json()["agencies"]  # noqa
                                    for s in a["services"] if s["code"] == "DK-KTP")["quota_left"]
    before = kiosk_quota_left()
    with app_floor.client() as client:
        n = 0
        for day in ("2026-11-24",):
            for hour in range(8, 15):
                for minute in ("00", "30"):
                    for _ in range(4):
                        answer = book(client, date=day, slot=f"{hour:02d}:{minute}", phone=f"0812{n:08d}")
                        n += 1
                        if answer.status_code != 201:
                            break
        last = answer.json()["error"]["code"]
    assert last in ("quota_full", "closed")
    with app_floor.client() as client:
        assert book(client, slot="14:00", phone="081299999999").json()["error"]["code"] == "quota_full"
    assert kiosk_quota_left() == before  # bookings never spend the walk-in quota


def test_invalid_fields_answer_422_naming_the_field(app_floor):
    with app_floor.client() as client:
        phone = book(client, phone="12345")
        nik = book(client, service="BK-UBAH", nik="9901234506900001")  # no province 99
        date = book(client, date="24-11-2026")
        missing = client.post("/api/appointments", json={"service": "DK-KTP"})
    assert phone.status_code == 422 and "phone" in phone.json()["error"]["fields"]
    assert nik.status_code == 422 and "nik" in nik.json()["error"]["fields"]
    assert date.status_code == 422 and "date" in date.json()["error"]["fields"]
    assert missing.status_code == 422


def test_cancel_needs_the_public_id_and_frees_the_place(app_floor):
    with app_floor.client() as client:
        body = book(client).json()
        wrong = client.post(f"/api/appointments/{body['code']}/cancel", json={"public_id": "x" * 16})
        done = client.post(f"/api/appointments/{body['code']}/cancel", json={"public_id": body["public_id"]})
        again = book(client)  # the same phone: the cancelled booking no longer counts
    assert wrong.status_code == 404
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert again.status_code == 201


def test_check_in_within_the_window_issues_a_booked_ticket_outside_the_walk_in_quota(app_floor):
    with app_floor.client() as client:
        early = book(client, date="2026-11-23", slot="10:00").json()
        today = book(client, date="2026-11-23", slot="09:30", phone="081200000001").json()
        tomorrow = book(client, phone="081200000002").json()
        cancelled = book(client, date="2026-11-23", slot="09:30", phone="081200000003").json()
        client.post(f"/api/appointments/{cancelled['code']}/cancel", json={"public_id": cancelled["public_id"]})
    with app_floor.kiosk() as kiosk:
        ticket = kiosk.post(f"/api/appointments/{today['code'].lower()}/check-in")
        twice = kiosk.post(f"/api/appointments/{today['code']}/check-in")
        too_early = kiosk.post(f"/api/appointments/{early['code']}/check-in")
        wrong_day = kiosk.post(f"/api/appointments/{tomorrow['code']}/check-in")
        refused = kiosk.post(f"/api/appointments/{cancelled['code']}/check-in")
        unknown = kiosk.post("/api/appointments/AAAAAAAA/check-in")
    with app_floor.client() as anonymous:
        assert anonymous.post(f"/api/appointments/{today['code']}/check-in").status_code == 401
    assert ticket.status_code == 201, ticket.text
    assert ticket.json()["booked"] is True and ticket.json()["status"] == "printing"
    assert ticket.json()["appointment"] == {"code": today["code"], "date": "2026-11-23", "slot": "09:30"}
    assert twice.json()["error"]["code"] == "checked_in"
    assert twice.json()["error"]["details"]["ticket"] == ticket.json()["code"]
    assert too_early.json()["error"]["code"] == "too_early"
    assert wrong_day.json()["error"]["code"] == "wrong_day"
    assert refused.json()["error"]["code"] == "cancelled"
    assert unknown.status_code == 404
    app_floor.clock.set("2026-11-23T10:16:00+07:00")
    with app_floor.kiosk() as kiosk:
        late = kiosk.post(f"/api/appointments/{early['code']}/check-in")
    assert late.json()["error"]["code"] == "too_late"


def test_a_booking_not_checked_in_becomes_a_no_show_at_the_end_of_its_window(app_floor):
    with app_floor.client() as client:
        body = book(client, date="2026-11-23", slot="10:00").json()
    context = app_floor.server.context
    app_floor.clock.set("2026-11-23T10:14:00+07:00")
    assert mark_no_shows(context) == 0
    app_floor.clock.set("2026-11-23T10:16:00+07:00")
    assert mark_no_shows(context) == 1
    with app_floor.client() as client:
        cancel = client.post(f"/api/appointments/{body['code']}/cancel", json={"public_id": body["public_id"]})
    assert cancel.json()["status"] == "no_show"


def test_a_booked_ticket_is_called_before_older_walk_ins(app_floor):
    walk_in = app_floor.issue()
    with app_floor.client() as client:
        body = book(client, date="2026-11-23", slot="09:30").json()
    with app_floor.kiosk() as kiosk:
        ticket = kiosk.post(f"/api/appointments/{body['code']}/check-in").json()
        kiosk.post(f"/api/tickets/{ticket['id']}/printed")
    with app_floor.login("rina") as supervisor:  # the floor (and the monitor page) marks it
        waiting = {t["code"]: t for q in supervisor.get("/api/floor").json()["queues"] for t in q["tickets"]}
    assert waiting[ticket["code"]]["booked"] is True and waiting[walk_in["code"]]["booked"] is False
    with app_floor.login("budi") as officer:
        officer.post("/api/counters/L01/open")
        called = officer.post("/api/counters/L01/call-next")
    assert called.status_code == 200, called.text
    assert called.json()["ticket"]["code"] == ticket["code"] != walk_in["code"]


def test_booking_posts_are_limited_per_address(floor_template, tmp_path):
    floor = make_app_floor(floor_template, tmp_path, config={"BOOKING_POSTS": 2})
    try:
        with floor.client() as client:
            answers = [book(client, phone=f"08120000000{n}").status_code for n in range(3)]
            last = book(client, phone="081200000009")
    finally:
        floor.server.stop()
    assert answers == [201, 201, 429]
    assert last.json()["error"]["code"] == "too_many_requests"


def test_the_reports_count_bookings_and_their_no_shows_apart(app_floor):
    with app_floor.client() as client:
        checked = book(client, date="2026-11-23", slot="09:30").json()
        book(client, date="2026-11-23", slot="10:00", phone="081200000001")
        cancelled = book(client, date="2026-11-23", slot="10:00", phone="081200000002").json()
        client.post(f"/api/appointments/{cancelled['code']}/cancel", json={"public_id": cancelled["public_id"]})
    with app_floor.kiosk() as kiosk:
        assert kiosk.post(f"/api/appointments/{checked['code']}/check-in").status_code == 201
    app_floor.clock.set("2026-11-23T10:16:00+07:00")
    mark_no_shows(app_floor.server.context)
    with app_floor.login("rina") as rina:
        totals = rina.get("/api/reports/summary", params={"from": "2026-11-23", "to": "2026-11-23"}).json()["totals"]
    assert (totals["booked"], totals["booking_no_show"]) == (2, 1)


def test_a_bookings_personal_data_is_purged_with_the_sites_retention(app_floor):
    from server import storage
    from server.flows.appointments import purge_people

    with app_floor.client() as client:
        body = book(client).json()
    context = app_floor.server.context
    assert purge_people(context) == 0
    app_floor.clock.advance(days=31)  # the demo keeps personal data 30 days
    assert purge_people(context) == 1
    with context.pool.connection() as conn:
        row = storage.appointment_by_code(conn, body["code"])
        assert storage.appointment_person(conn, row["id"]) is None and row["slot"] == "09:00"


def test_a_check_in_whose_ticket_failed_to_print_may_check_in_again(app_floor):
    with app_floor.client() as client:
        body = book(client, date="2026-11-23", slot="09:30").json()
    with app_floor.kiosk() as kiosk:
        first = kiosk.post(f"/api/appointments/{body['code']}/check-in").json()
        kiosk.post(f"/api/tickets/{first['id']}/print-failed", json={"reason": "paper out"})
        second = kiosk.post(f"/api/appointments/{body['code']}/check-in")
        kiosk.post(f"/api/tickets/{second.json()['id']}/printed")
        third = kiosk.post(f"/api/appointments/{body['code']}/check-in")
    assert second.status_code == 201 and second.json()["code"] != first["code"]
    assert third.json()["error"]["code"] == "checked_in"
