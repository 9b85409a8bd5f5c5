"""Personal data (UU 27/2022 PDP): only where a service asks, checked, and masked on screens."""

import re
from datetime import date

from .errors import Invalid

NIK = re.compile(r"^\d{16}$")
MOBILE = re.compile(r"^08\d{7,12}$")


def clean_nik(text: str) -> str:
    nik = re.sub(r"[\s.-]", "", text)
    if not NIK.match(nik):
        raise Invalid("NIK harus 16 angka.", code="invalid_nik")
    return nik


def clean_phone(text: str) -> str:
    phone = re.sub(r"[\s().-]", "", text)
    for country in ("+62", "62"):
        if phone.startswith(country):
            phone = "0" + phone[len(country):]
            break
    if not MOBILE.match(phone):
        raise Invalid("Nomor ponsel tidak valid (contoh: 081234567890).", code="invalid_phone")
    return phone


def mask(text: str | None, keep_start: int = 4, keep_end: int = 4) -> str | None:
    """3201234567890001 -> 3201********0001: enough for an officer to match a card, not to copy it."""
    if not text:
        return None
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[-keep_end:]


# The province codes of Kemendagri (the NIK's first two digits), Papua's new provinces (2022) included.
PROVINCES = {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
             71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}


def plausible_nik(text: str) -> str:
    """`clean_nik` plus what a typo most often breaks: a known province and a real birth date
    (digits 7–12, DDMMYY, the day plus 40 for women)."""
    nik = clean_nik(text)
    if int(nik[:2]) not in PROVINCES:
        raise Invalid("NIK tidak valid: kode provinsi tidak dikenal.", code="invalid_nik")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    day = day - 40 if day > 40 else day
    try:
        date(2000 + year if year % 4 == 0 else 2001, month, day)  # 29 February only in a leap year
    except ValueError:
        raise Invalid("NIK tidak valid: tanggal lahir di dalamnya tidak ada.", code="invalid_nik") from None
    return nik
