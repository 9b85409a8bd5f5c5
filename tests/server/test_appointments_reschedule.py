"""Rescheduling a booking from its own link (API, in process): moved with the same code, the old slot freed,
the new slot checked as a new booking's, and every refusal."""

import pytest

from server import storage
from server.flows.appointments import mark_no_shows
from tests.conftest import make_app_floor
from tests.server.test_appointments import book

# MONDAY_MORNING is 2026-11-23 09:00 (+07:00). DK-KTP: slots of 30 min, 4 a slot, 50 bookings a day;
# one booking a day per phone.


@pytest.fixture
def app_floor(floor_template, tmp_path):
    """Without the booking POSTs' rate limit: one test fills a day's online quota."""
    floor = make_app_floor(floor_template, tmp_path, config={"BOOKING_POSTS": 1000})
    yield floor
    floor.server.stop()


def move(client, made, date="2026-11-24", slot="10:00", public_id=None):
    return client.post(f"/api/appointments/{made['code']}/reschedule",
                       json={"public_id": public_id or made["public_id"], "date": date, "slot": slot})


def left(client, date, slot):
    offered = client.get("/api/appointments/slots", params={"service": "DK-KTP", "date": date}).json()
    return next((s["left"] for s in offered if s["slot"] == slot), 0)


def test_a_move_keeps_the_code_frees_the_old_slot_and_spends_the_new(app_floor):
    with app_floor.client() as client:
        made = book(client).json()  # 2026-11-24 09:00
        moved = move(client, made)  # the same day: the phone's daily limit of 1 must not count it twice
        twice = move(client, made)  # a double submit: the same answer, nothing spent again
        freed, taken = left(client, "2026-11-24", "09:00"), left(client, "2026-11-24", "10:00")
        other_day = move(client, made, date="2026-11-25", slot="13:00")
        back = left(client, "2026-11-24", "10:00")
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["code"], body["public_id"], body["date"], body["slot"]) == (made["code"], made["public_id"],
                                                                             "2026-11-24", "10:00")
    assert body["check_in_from"].startswith("2026-11-24T09:30") and body["status"] == "booked"
    assert body["phone"] == made["phone"] and body["page_url"] == made["page_url"]
    assert twice.status_code == 200 and twice.json()["slot"] == "10:00"
    assert (freed, taken) == (4, 3)
    assert other_day.status_code == 200 and (other_day.json()["date"], other_day.json()["slot"]) == ("2026-11-25",
                                                                                                     "13:00")
    assert back == 4


@pytest.mark.parametrize("date, slot, code", [
    ("2026-11-23", "08:30", "past"),
    ("2026-12-08", "09:00", "too_far"),
    ("2026-11-29", "09:00", "closed"),  # Sunday
    ("2026-11-27", "11:30", "closed"),  # Friday prayer
    ("2026-11-24", "09:10", "closed"),  # not a slot's start
])
def test_refusals_of_the_new_date_and_slot(app_floor, date, slot, code):
    with app_floor.client() as client:
        made = book(client).json()
        answer = move(client, made, date=date, slot=slot)
        kept = client.get(f"/booking/{made['code']}", params={"k": made["public_id"]})
    assert answer.status_code == 409 and answer.json()["error"]["code"] == code, answer.text
    assert kept.status_code == 200 and "09:00" in kept.text  # the booking stays where it was


def test_a_full_slot_refuses_and_another_phones_limit_on_the_new_day_counts(app_floor):
    with app_floor.client() as client:
        made = book(client).json()
        for n in range(4):
            assert book(client, slot="10:00", phone=f"08123456700{n}").status_code == 201
        full = move(client, made)
        book(client, date="2026-11-25", slot="09:00")  # the same phone books the 25th as well
        limited = move(client, made, date="2026-11-25", slot="13:00")
    assert full.status_code == 409 and full.json()["error"]["code"] == "slot_full"
    assert limited.json()["error"]["code"] == "limit_reached"


def test_the_online_quota_of_the_new_day_refuses_but_a_move_within_a_full_day_does_not(app_floor):
    with app_floor.client() as client:
        inside = book(client, date="2026-11-25", slot="09:00").json()
        outside = book(client, phone="081299999999").json()
        starts = [s["slot"] for s in client.get("/api/appointments/slots",
                                                 params={"service": "DK-KTP", "date": "2026-11-25"}).json()]
        refusals = [book(client, date="2026-11-25", slot=slot, phone=f"0813{n:04d}{k:04d}").json().get("error", {})
                    .get("code") for n, slot in enumerate(starts) for k in range(4)]
        assert "quota_full" in refusals  # 13 slots of 4, 50 a day
        free = next(slot for slot in starts if left_in_slot(app_floor, slot) > 0)
        refused = move(client, outside, date="2026-11-25", slot=free)
        within = move(client, inside, date="2026-11-25", slot=free)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "quota_full"
    assert within.status_code == 200, within.text
    assert within.json()["slot"] == free


def left_in_slot(app_floor, slot):
    """Room of a slot on the 25th (the offered list is empty once the day's quota is spent)."""
    with app_floor.server.context.pool.connection() as conn:
        return 4 - storage.booked_per_slot(conn, "2026-11-25", "DK-KTP").get(slot, 0)


def test_a_booking_that_can_no_longer_move_and_wrong_proofs(app_floor):
    with app_floor.client() as client:
        cancelled = book(client).json()
        client.post(f"/api/appointments/{cancelled['code']}/cancel", json={"public_id": cancelled["public_id"]})
        today = book(client, date="2026-11-23", slot="09:30", phone="081200000001").json()
        missed = book(client, date="2026-11-23", slot="10:00", phone="081200000002").json()
    with app_floor.kiosk() as kiosk:
        assert kiosk.post(f"/api/appointments/{today['code']}/check-in").status_code == 201
    app_floor.clock.set("2026-11-23T10:16:00+07:00")
    assert mark_no_shows(app_floor.server.context) == 1
    with app_floor.client() as client:
        answers = {name: move(client, made) for name, made in
                   (("cancelled", cancelled), ("checked_in", today), ("no_show", missed))}
        wrong = move(client, missed, public_id="x" * 16)
        malformed = move(client, missed, public_id="no good")
        unknown = client.post("/api/appointments/AAAAAAAA/reschedule",
                              json={"public_id": "x" * 16, "date": "2026-11-24", "slot": "10:00"})
        bad_slot = move(client, cancelled, slot="ten")
    for code, answer in answers.items():
        assert answer.status_code == 409 and answer.json()["error"]["code"] == code, answer.text
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "unknown_appointment"
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_appointment"
    assert malformed.status_code == 422 and bad_slot.status_code == 422
