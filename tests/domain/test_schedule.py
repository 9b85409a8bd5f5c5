"""Opening hours, breaks, holidays, cut-off and the service day, in WIB and WITA."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from server.domain.schedule import Break, Period, Schedule, parse_period

WIB = ZoneInfo("Asia/Jakarta")  # UTC+7
WITA = ZoneInfo("Asia/Makassar")  # UTC+8

WEEKDAY_HOURS = {day: Period(time(8), time(15)) for day in range(4)}  # Monday..Thursday
HOURS = {**WEEKDAY_HOURS, 4: Period(time(8), time(15, 30)), 5: Period(time(8), time(12))}  # no Sunday
FRIDAY_PRAYER = Break(frozenset({4}), Period(time(11, 30), time(13)), "Istirahat salat Jumat")
HOLIDAYS = {date(2026, 12, 25): "Hari Raya Natal"}


def schedule(tz: ZoneInfo = WIB, cutoff_minutes: int = 30) -> Schedule:
    return Schedule(tz, HOURS, (FRIDAY_PRAYER,), HOLIDAYS, cutoff_minutes)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


# ------------------------------------------------------------------ parse_period


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("08:00-15:00", time(8), time(15)),
        ("08.00-15.00", time(8), time(15)),  # as Indonesians write times
        ("08.00-15.30", time(8), time(15, 30)),
        (" 07:30 - 12:00 ", time(7, 30), time(12)),
        ("11:30-13:00", time(11, 30), time(13)),
        ("00:00-23:59", time(0), time(23, 59)),
    ],
)
def test_parse_period(text, start, end):
    assert parse_period(text) == Period(start, end)


@pytest.mark.parametrize(
    "text, message",
    [
        ("15:00-08:00", "ends before it starts"),
        ("08:00-08:00", "ends before it starts"),
        ("08:00", "not a time range"),
        ("", "not a time range"),
        ("pagi-sore", "not a time range"),
        ("08:00-15:00-16:00", "not a time range"),
        ("25:00-26:00", "not a time range"),
        ("08:00 to 15:00", "not a time range"),
        ("08:00–15:00", "not a time range"),  # an en dash is not the separator
    ],
)
def test_parse_period_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_period(text)


def test_period_end_is_exclusive():
    period = Period(time(8), time(15))
    assert period.contains(time(8)) and period.contains(time(14, 59, 59))
    assert not period.contains(time(15)) and not period.contains(time(7, 59, 59))


# ------------------------------------------------------------------ availability (WIB)


@pytest.mark.parametrize(
    "moment, open_, reason, detail, label, until",
    [
        # Monday 23 November 2026
        ("2026-11-23T08:00:00+07:00", True, None, None, None, "2026-11-23T14:30:00+07:00"),
        ("2026-11-23T01:00:00+00:00", True, None, None, None, "2026-11-23T14:30:00+07:00"),  # same, in UTC
        ("2026-11-23T12:00:00+07:00", True, None, None, None, "2026-11-23T14:30:00+07:00"),  # no break on Monday
        ("2026-11-23T07:59:59+07:00", False, "closed", "outside_hours", None, None),
        ("2026-11-23T15:00:00+07:00", False, "closed", "outside_hours", None, None),
        ("2026-11-23T20:00:00+07:00", False, "closed", "outside_hours", None, None),
        ("2026-11-23T14:29:59+07:00", True, None, None, None, "2026-11-23T14:30:00+07:00"),
        ("2026-11-23T14:30:00+07:00", False, "cut_off", None, None, "2026-11-23T14:30:00+07:00"),
        ("2026-11-23T14:59:59+07:00", False, "cut_off", None, None, "2026-11-23T14:30:00+07:00"),
        # Friday 27 November 2026: Friday prayer, and longer hours
        ("2026-11-27T11:29:59+07:00", True, None, None, None, "2026-11-27T15:00:00+07:00"),
        ("2026-11-27T11:30:00+07:00", False, "closed", "break", "Istirahat salat Jumat", "2026-11-27T13:00:00+07:00"),
        ("2026-11-27T12:59:59+07:00", False, "closed", "break", "Istirahat salat Jumat", "2026-11-27T13:00:00+07:00"),
        ("2026-11-27T13:00:00+07:00", True, None, None, None, "2026-11-27T15:00:00+07:00"),
        ("2026-11-27T14:45:00+07:00", True, None, None, None, "2026-11-27T15:00:00+07:00"),
        ("2026-11-27T15:00:00+07:00", False, "cut_off", None, None, "2026-11-27T15:00:00+07:00"),
        # Saturday: half day
        ("2026-11-28T11:29:00+07:00", True, None, None, None, "2026-11-28T11:30:00+07:00"),
        ("2026-11-28T11:45:00+07:00", False, "cut_off", None, None, "2026-11-28T11:30:00+07:00"),
        ("2026-11-28T13:00:00+07:00", False, "closed", "outside_hours", None, None),
        # Sunday: no hours at all
        ("2026-11-29T09:00:00+07:00", False, "closed", "day_off", None, None),
        # Christmas (a Friday), during what would be opening hours and the prayer break
        ("2026-12-25T09:00:00+07:00", False, "closed", "holiday", "Hari Raya Natal", None),
        ("2026-12-25T12:00:00+07:00", False, "closed", "holiday", "Hari Raya Natal", None),
        ("2026-12-25T00:00:00+07:00", False, "closed", "holiday", "Hari Raya Natal", None),
        ("2026-12-24T17:00:00+00:00", False, "closed", "holiday", "Hari Raya Natal", None),  # 00:00 WIB on the 25th
        ("2026-12-24T16:59:59+00:00", False, "closed", "outside_hours", None, None),  # 23:59 WIB on the 24th
    ],
)
def test_availability_in_wib(moment, open_, reason, detail, label, until):
    available = schedule().availability(instant(moment))
    assert available.open is open_
    assert available.reason == reason
    assert available.detail == detail
    assert available.label == label
    assert available.until == (instant(until) if until else None)


def test_availability_without_cut_off_stops_at_closing():
    available = schedule(cutoff_minutes=0).availability(instant("2026-11-23T14:59:00+07:00"))
    assert available.open and available.until == instant("2026-11-23T15:00:00+07:00")


def test_break_until_is_in_the_site_timezone():
    until = schedule().availability(instant("2026-11-27T04:45:00+00:00")).until  # 11:45 WIB
    assert until.utcoffset().total_seconds() == 7 * 3600
    assert until == instant("2026-11-27T06:00:00+00:00")


def test_with_overrides_keeps_site_holidays_and_breaks():
    agency = schedule().with_overrides({0: Period(time(9), time(12))}, cutoff_minutes=0)
    assert agency.availability(instant("2026-11-23T08:30:00+07:00")).detail == "outside_hours"
    assert agency.availability(instant("2026-11-23T11:59:00+07:00")).open
    assert agency.availability(instant("2026-11-24T10:00:00+07:00")).detail == "day_off"  # Tuesday not listed
    assert agency.availability(instant("2026-12-25T10:00:00+07:00")).detail == "holiday"
    assert schedule().with_overrides(None, None) == schedule()


# ------------------------------------------------------------------ WITA, and the service day


@pytest.mark.parametrize(
    "moment, wib_day, wita_day, wib_detail, wita_detail",
    [
        # 07:30 WIB (before opening) is 08:30 WITA (open) on the same Monday.
        ("2026-11-23T00:30:00+00:00", "2026-11-23", "2026-11-23", "outside_hours", None),
        # 14:45 WIB is cut-off; 15:45 WITA is after closing.
        ("2026-11-23T07:45:00+00:00", "2026-11-23", "2026-11-23", None, "outside_hours"),
        # Sunday 23:30 WIB is already Monday 00:30 WITA: another service day.
        ("2026-11-22T16:30:00+00:00", "2026-11-22", "2026-11-23", "day_off", "outside_hours"),
        # Thursday 23:30 WIB is Christmas Day 00:30 WITA.
        ("2026-12-24T16:30:00+00:00", "2026-12-24", "2026-12-25", "outside_hours", "holiday"),
    ],
)
def test_same_instant_in_wib_and_wita(moment, wib_day, wita_day, wib_detail, wita_detail):
    wib, wita = schedule(WIB), schedule(WITA)
    at = instant(moment)
    assert wib.service_day(at).isoformat() == wib_day
    assert wita.service_day(at).isoformat() == wita_day
    assert wib.availability(at).detail == wib_detail
    assert wita.availability(at).detail == wita_detail


def test_wita_site_is_open_when_a_wib_site_is_not_yet():
    at = instant("2026-11-23T00:30:00+00:00")
    assert not schedule(WIB).availability(at).open
    wita = schedule(WITA).availability(at)
    assert wita.open and wita.until == datetime(2026, 11, 23, 14, 30, tzinfo=WITA)


@pytest.mark.parametrize(
    "moment, tz, day",
    [
        ("2026-11-23T23:59:00+07:00", WIB, "2026-11-23"),
        ("2026-11-24T00:01:00+07:00", WIB, "2026-11-24"),
        ("2026-11-23T16:59:00+00:00", WIB, "2026-11-23"),  # 23:59 WIB
        ("2026-11-23T17:01:00+00:00", WIB, "2026-11-24"),  # 00:01 WIB
        ("2026-11-23T15:59:00+00:00", WITA, "2026-11-23"),  # 23:59 WITA
        ("2026-11-23T16:01:00+00:00", WITA, "2026-11-24"),  # 00:01 WITA
        ("2026-11-23T16:30:00+00:00", WIB, "2026-11-23"),  # 23:30 WIB but already 00:30 WITA
        ("2026-11-23T16:30:00+00:00", WITA, "2026-11-24"),
        ("2026-12-31T23:59:59+07:00", WIB, "2026-12-31"),
        ("2026-12-31T17:00:00+00:00", WIB, "2027-01-01"),
    ],
)
def test_service_day_is_the_local_date(moment, tz, day):
    assert schedule(tz).service_day(instant(moment)).isoformat() == day
