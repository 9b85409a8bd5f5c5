"""Dates, times, numbers and number words as an Indonesian reads them, for every app."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from mpp_client.indonesian import clock_time, decimal, in_zone, long_date, number_words, zone_abbreviation

JAKARTA, MAKASSAR, JAYAPURA = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")


@pytest.mark.parametrize(("moment", "language", "expected"), [
    (datetime(2026, 12, 3, 9, 0, tzinfo=JAKARTA), "id", "Kamis, 3 Desember 2026"),
    (datetime(2026, 11, 23, 9, 0, tzinfo=JAKARTA), "id", "Senin, 23 November 2026"),
    (datetime(2027, 1, 1, 0, 0, tzinfo=JAKARTA), "id", "Jumat, 1 Januari 2027"),
    (datetime(2026, 8, 17, 8, 0, tzinfo=JAKARTA), "id", "Senin, 17 Agustus 2026"),
    (datetime(2026, 2, 28, 8, 0, tzinfo=JAKARTA), "id", "Sabtu, 28 Februari 2026"),
    (datetime(2026, 3, 1, 8, 0, tzinfo=JAKARTA), "id", "Minggu, 1 Maret 2026"),
    (datetime(2026, 12, 3, 9, 0, tzinfo=JAKARTA), "en", "Thursday, 3 December 2026"),
])
def test_long_date(moment, language, expected):
    assert long_date(moment, language) == expected


@pytest.mark.parametrize(("moment", "language", "expected"), [
    (datetime(2026, 12, 3, 9, 5, tzinfo=JAKARTA), "id", "09.05 WIB"),
    (datetime(2026, 12, 3, 9, 5, tzinfo=ZoneInfo("Asia/Pontianak")), "id", "09.05 WIB"),
    (datetime(2026, 12, 3, 14, 30, tzinfo=MAKASSAR), "id", "14.30 WITA"),
    (datetime(2026, 12, 3, 23, 59, tzinfo=JAYAPURA), "id", "23.59 WIT"),
    (datetime(2026, 12, 3, 9, 5, tzinfo=JAKARTA), "en", "09:05 WIB"),
    (datetime(2026, 12, 3, 9, 5, tzinfo=timezone(timedelta(hours=5, minutes=30))), "id", "09.05 UTC+05:30"),
    (datetime(2026, 12, 3, 9, 5, tzinfo=timezone(timedelta(hours=-3))), "id", "09.05 UTC-03:00"),
    (datetime(2026, 12, 3, 9, 5), "id", "09.05"),  # no offset, no zone name to guess
])
def test_clock_time_with_the_zone_name(moment, language, expected):
    assert clock_time(moment, language) == expected


def test_a_moment_is_read_on_the_sites_wall_clock():
    utc = datetime(2026, 12, 2, 23, 30, tzinfo=timezone.utc)
    assert long_date(in_zone(utc, "Asia/Makassar")) == "Kamis, 3 Desember 2026"
    assert clock_time(in_zone(utc, "Asia/Makassar")) == "07.30 WITA"
    assert clock_time(in_zone(utc, None)) == "06.30 WIB"  # no zone given: Jakarta
    assert in_zone(utc, "Not/AZone") == utc  # an unknown zone keeps the moment's own offset
    assert zone_abbreviation(in_zone(utc, "Asia/Jayapura")) == "WIT"


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (1234.5, None, "1.234,5"),
    (1234567, None, "1.234.567"),
    (0, None, "0"),
    (-0.5, None, "-0,5"),
    (12, 1, "12,0"),
    (3.14159, 2, "3,14"),
    (999.96, 1, "1.000,0"),
    (7.4, 0, "7"),
])
def test_decimal_numbers(value, digits, expected):
    assert decimal(value, digits) == expected


def test_decimal_numbers_in_english():
    assert decimal(1234.5, language="en") == "1,234.5"


@pytest.mark.parametrize(("number", "words"), [
    (0, "nol"), ("007", "tujuh"), (11, "sebelas"), (100, "seratus"), (123, "seratus dua puluh tiga"),
    (1000, "seribu"), (1999, "seribu sembilan ratus sembilan puluh sembilan"),
])
def test_number_words(number, words):
    assert number_words(number) == words


def test_minutes_use_an_indonesian_comma_not_a_decimal_point():
    from mpp_client.indonesian import minutes

    assert minutes(12) == "12 menit"
    assert minutes(4.5) == "4,5 menit"
    assert minutes(1250) == "1.250 menit"
    assert minutes(2, language="en") == "2 minutes"
