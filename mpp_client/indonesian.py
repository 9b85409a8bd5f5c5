"""Dates, times and numbers as an Indonesian reads them, for every app (Babel, locale "id").

    long_date(moment)      "Kamis, 3 Desember 2026"
    clock_time(moment)     "09.15 WIB"  (the zone's abbreviation from its UTC offset)
    decimal(1234.5)        "1.234,5"
    number_words(123)      "seratus dua puluh tiga"
    minutes(4.5)           "4,5 menit"

English (`language="en"`) is for the kiosk's second language: "Thursday, 3 December 2026", "09:15 WIB".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from babel.units import format_unit
from num2words import num2words

LONG_DATE = "EEEE, d MMMM y"
# Indonesia's three time zones by their UTC offset: Pontianak and Jakarta are both WIB.
ZONE_ABBREVIATIONS = {timedelta(hours=7): "WIB", timedelta(hours=8): "WITA", timedelta(hours=9): "WIT"}
DEFAULT_TIMEZONE = "Asia/Jakarta"


def _locale(language: str) -> str:
    return "en_GB" if language == "en" else "id"  # en_GB: day before month, as Indonesia writes it


def in_zone(moment: datetime, timezone: str | None) -> datetime:
    """`moment` on the site's wall clock; an unknown zone name keeps the moment's own offset."""
    try:
        return moment.astimezone(ZoneInfo(timezone or DEFAULT_TIMEZONE))
    except (ZoneInfoNotFoundError, ValueError):
        return moment


def long_date(moment: datetime, language: str = "id") -> str:
    """"Kamis, 3 Desember 2026" (the day as the moment's own zone sees it)."""
    return format_date(moment.date(), LONG_DATE, locale=_locale(language))


def zone_abbreviation(moment: datetime) -> str:
    """"WIB", "WITA", "WIT"; another offset as "UTC+05:30"; a naive moment has none ("")."""
    offset = moment.utcoffset()
    if offset is None:
        return ""
    if offset in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[offset]
    sign = "-" if offset < timedelta(0) else "+"
    hours, minutes = divmod(abs(int(offset.total_seconds())) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def clock_time(moment: datetime, language: str = "id") -> str:
    """"09.15 WIB" (Indonesian writes a dot between hours and minutes), "09:15 WIB" in English."""
    pattern = "HH:mm" if language == "en" else "HH.mm"
    return f"{format_time(moment, pattern, locale=_locale(language))} {zone_abbreviation(moment)}".strip()


def decimal(value: float | int, digits: int | None = None, language: str = "id") -> str:
    """1234.5 → "1.234,5"; `digits` fixes the places after the comma (12.0, 1 → "12,0")."""
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale(language))


def number_words(number: int | str) -> str:
    """123 → "seratus dua puluh tiga"; "007" → "tujuh"; 0 → "nol"."""
    return num2words(int(number), lang="id")


def minutes(value: float | int, language: str = "id") -> str:
    """12 → "12 menit", 4.5 → "4,5 menit" (English: "12 minutes"), as Babel's CLDR unit says it."""
    return format_unit(value, "duration-minute", locale=_locale(language))
