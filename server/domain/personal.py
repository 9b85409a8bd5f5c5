"""Personal data (UU 27/2022 PDP): only where a service asks, checked, and masked on screens."""

import re

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
