"""Appointment rules: slots, the booking's refusals, the check-in window, NIK plausibility, the rate limit."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from server.domain import appointments as rule
from server.domain.errors import Conflict, Invalid
from server.domain.personal import plausible_nik
from server.domain.schedule import Break, Period, Schedule

TZ = ZoneInfo("Asia/Jakarta")
WEEK = {d: Period(time(8), time(15)) for d in range(5)}
FRIDAY_PRAYER = Break(frozenset({4}), Period(time(11, 30), time(13)), "Salat Jumat")
SCHEDULE = Schedule(TZ, WEEK, (FRIDAY_PRAYER,), {date(2026, 12, 25): "Natal"}, cutoff_minutes=30,
                    special_days={date(2026, 11, 28): Period(time(9), time(12))})
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)


def starts(day, slot_min=30):
    return [f"{s:%H:%M}" for s in rule.slot_starts(SCHEDULE, day, slot_min)]


def test_slots_follow_the_hours_the_break_the_cut_off_holidays_and_special_days():
    assert starts(date(2026, 11, 23))[0] == "08:00" and starts(date(2026, 11, 23))[-1] == "14:00"  # cut-off 14:30
    friday = starts(date(2026, 11, 27))
    assert "11:00" in friday and "11:30" not in friday and "12:30" not in friday and "13:00" in friday
    assert starts(date(2026, 12, 25)) == [] and starts(date(2026, 11, 29)) == []
    assert starts(date(2026, 11, 28), 60) == ["09:00", "10:00", "11:00"]  # a special Saturday


def test_offered_slots_leave_out_the_past_and_the_full():
    offered = rule.offered_slots(SCHEDULE, date(2026, 11, 23), 30, 2, {"09:30": 2, "10:00": 1}, MONDAY_9)
    assert [(s.text, s.left) for s in offered[:2]] == [("10:00", 1), ("10:30", 2)]


def check(day=date(2026, 11, 24), start=time(9), **changes):
    values = dict(slot_min=30, capacity=2, days_ahead=14, slot_booked=0, day_booked=0, online_quota=10,
                  person_booked=0, limit=1)
    rule.check_booking(SCHEDULE, MONDAY_9, day, start, **{**values, **changes})


@pytest.mark.parametrize("args, code", [
    ({"day": date(2026, 11, 23), "start": time(9)}, "past"),
    ({"day": date(2026, 11, 22)}, "past"),
    ({"day": date(2026, 12, 8)}, "too_far"),
    ({"day": date(2026, 11, 29)}, "closed"),
    ({"start": time(9, 10)}, "closed"),
    ({"online_quota": None}, "closed"),
    ({"day_booked": 10}, "quota_full"),
    ({"slot_booked": 2}, "slot_full"),
    ({"person_booked": 1}, "limit_reached"),
])
def test_a_booking_is_refused_with_the_reason(args, code):
    with pytest.raises(Conflict) as refused:
        check(**args)
    assert refused.value.code == code


def test_the_last_bookable_day_and_a_free_slot_pass():
    check(day=date(2026, 12, 7))  # today + 14
    check(slot_booked=1, day_booked=9)


@pytest.mark.parametrize("now, status, code", [
    ("08:29", "booked", "too_early"),
    ("08:30", "booked", None),
    ("09:15", "booked", None),
    ("09:16", "booked", "too_late"),
    ("09:00", "cancelled", "cancelled"),
    ("09:00", "checked_in", "checked_in"),
    ("09:00", "no_show", "too_late"),
])
def test_the_check_in_window(now, status, code):
    moment = datetime.fromisoformat(f"2026-11-24T{now}:00+07:00")
    if code is None:
        rule.check_check_in(SCHEDULE, moment, status, date(2026, 11, 24), time(9), 30, 15)
        return
    with pytest.raises(Conflict) as refused:
        rule.check_check_in(SCHEDULE, moment, status, date(2026, 11, 24), time(9), 30, 15)
    assert refused.value.code == code


def test_check_in_on_another_day_is_the_wrong_day():
    with pytest.raises(Conflict) as refused:
        rule.check_check_in(SCHEDULE, MONDAY_9, "booked", date(2026, 11, 24), time(9), 30, 15)
    assert refused.value.code == "wrong_day"


def test_a_no_show_only_after_the_window():
    at = lambda text: datetime.fromisoformat(f"2026-11-24T{text}:00+07:00")  # noqa: E731
    assert not rule.is_no_show(SCHEDULE, at("09:15"), "booked", date(2026, 11, 24), time(9), 15)
    assert rule.is_no_show(SCHEDULE, at("09:16"), "booked", date(2026, 11, 24), time(9), 15)
    assert not rule.is_no_show(SCHEDULE, at("09:16"), "checked_in", date(2026, 11, 24), time(9), 15)


@pytest.mark.parametrize("nik", ["3201234506900001", "3201234506900001".replace("0506", "4506"),  # a woman: +40
                                 "9101012902000003"])  # 29 February 2000, Papua
def test_plausible_niks(nik):
    assert plausible_nik(nik) == nik


@pytest.mark.parametrize("nik", ["320123450690000", "9901234506900001", "3201233206900001", "3201237206900001",
                                 "3201232902010001"])  # short, no province 99, day 32, day 72-40, 29 Feb 2001
def test_implausible_niks(nik):
    with pytest.raises(Invalid):
        plausible_nik(nik)


def test_codes_are_typed_without_ambiguous_characters():
    code = rule.new_code()
    assert rule.clean_code(code.lower()[:4] + "-" + code[4:]) == code
    assert rule.clean_code("A0O1I") is None


def test_the_rate_limit_per_address():
    limit = rule.RateLimit(2, window_s=600)
    assert [limit.allow("a", t) for t in (0, 1, 2)] == [True, True, False]
    assert limit.allow("b", 3) and limit.allow("a", 601)
