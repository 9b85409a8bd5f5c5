"""Booking codes as a kiosk reads them: scanned from the booking's QR or typed by the citizen.

A barcode scanner types like a keyboard: the QR holds the code itself or the booking's page
(a URL ending with the code, `/booking/7QK3M9XA?k=…`, or with `?code=`). Both give the same code here,
so the kiosk sends the server one form whatever the citizen showed.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

# Letters and digits ("7QK3M9XA"); the server knows which exist. Spaces and dashes between groups
# are a person's help in reading, not part of the code (the server reads them the same way).
_CODE = re.compile(r"^[A-Z0-9]+$", re.ASCII)
MIN_LENGTH, MAX_LENGTH = 4, 32


def booking_code(text: str | None) -> str | None:
    """The booking code in what was scanned or typed (upper case), or None when there is none.

    "7qk3-m9xa", " 7QK3 M9XA ", "https://mpp.example/booking/7QK3M9XA?k=…", "mpp.example/booking/7QK3M9XA"
    and "https://mpp.example/booking?code=7QK3M9XA" all name "7QK3M9XA"; "", "A1" and "KODE?" name none.
    Whether a code exists only the server knows.
    """
    text = (text or "").strip()
    if not text:
        return None
    if "/" in text:  # a URL, with or without its scheme
        return _from_url(text)
    return _valid(text)


def _from_url(url: str) -> str | None:
    parts = urlsplit(url)
    for value in parse_qs(parts.query).get("code", []):
        if (code := _valid(value)) is not None:
            return code
    # The last segment that can be a code: ".../booking/7QK3M9XA/qr.png" names it too.
    for segment in reversed([unquote(segment) for segment in parts.path.split("/") if segment]):
        if (code := _valid(segment)) is not None:
            return code
    return None


def _valid(candidate: str) -> str | None:
    code = re.sub(r"[\s-]", "", candidate).upper()
    if MIN_LENGTH <= len(code) <= MAX_LENGTH and _CODE.match(code):
        return code
    return None
