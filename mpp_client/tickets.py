"""Ticket codes as the apps read them: "A-007" is the queue's prefix "A" and the number 7.

One parser for what an officer types ("a7", "b 12"), what the board says ("DK-1000") and
what a ticket prints, so the three apps agree on which codes exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Letters, then an optional separator a person might type, then digits; spaces around are ignored.
_CODE = re.compile(r"^\s*([A-Za-z]*)\s*[-._ ]?\s*(\d+)\s*$", re.ASCII)  # ASCII: "٣" is no ticket digit
DIGITS = 3  # the server pads numbers to three digits ("A-007"); larger numbers keep all theirs


class BadTicketCode(ValueError):
    """Text that is not a ticket code (letters, an optional dash, digits)."""


@dataclass(frozen=True)
class TicketCode:
    prefix: str  # upper case; may be empty ("015" on a board is still number 15)
    number: int

    def __str__(self) -> str:
        number = f"{self.number:0{DIGITS}d}"
        return f"{self.prefix}-{number}" if self.prefix else number


def parse_code(text: str | None) -> TicketCode:
    """"a-7", "A 007", "DK1000" → TicketCode; anything else raises BadTicketCode."""
    match = _CODE.match(text or "")
    if not match:
        raise BadTicketCode(f"nomor antrean tidak dikenal: {text!r}")
    prefix, digits = match.groups()
    return TicketCode(prefix.upper(), int(digits))


def normalise_code(text: str) -> str:
    """What an officer types on a numpad or keyboard ("a7", "A 007", "a-7") as a ticket code ("A-007").

    Text without a prefix or digits goes to the server as typed (upper case), which names the mistake.
    """
    try:
        code = parse_code(text)
    except BadTicketCode:
        return (text or "").strip().upper()
    return str(code) if code.prefix else (text or "").strip().upper()
