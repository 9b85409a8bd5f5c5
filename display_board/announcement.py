"""The spoken announcement as text: pure, no TTS, no Qt (STYLE 1, 8).

    sentence("A-123", "loket tiga")
    → "Nomor antrean, a, seratus dua puluh tiga, silakan menuju loket tiga."

How letters are written: each letter of the prefix becomes its Indonesian name as a
plain lowercase word ("a", "be", "ce", "de", "ka", "eks", "zet"), separated by commas.
espeak-ng then reads them as ordinary Indonesian syllables; a bare capital ("D") would
go through espeak's own letter rules instead, which differ between voices and versions
(and SAPI5 voices on Windows read "Q" or "X" the English way). The commas give the
pause a listener needs between the letters, the number and the counter.
Numbers are words (`mpp_client.indonesian.number_words`), leading zeros dropped: A-004 → "a, empat";
the code is read by the apps' one parser (`mpp_client.tickets`).
"""

from __future__ import annotations

import re

from mpp_client.indonesian import number_words
from mpp_client.tickets import BadTicketCode, parse_code

__all__ = ["BadTicketCode", "letter_names", "number_words", "sentence", "spoken_code", "spoken_counter"]

LETTER_NAMES = {
    "A": "a", "B": "be", "C": "ce", "D": "de", "E": "e", "F": "ef", "G": "ge", "H": "ha", "I": "i",
    "J": "je", "K": "ka", "L": "el", "M": "em", "N": "en", "O": "o", "P": "pe", "Q": "ki", "R": "er",
    "S": "es", "T": "te", "U": "u", "V": "ve", "W": "we", "X": "eks", "Y": "ye", "Z": "zet",
}

_DIGITS = re.compile(r"\d+")


def letter_names(prefix: str) -> list[str]:
    return [LETTER_NAMES[ch] for ch in prefix.upper() if ch in LETTER_NAMES]


def spoken_code(code: str) -> str:
    """"DK-1000" → "de, ka, seribu"."""
    parsed = parse_code(code)  # BadTicketCode for a code the board cannot say
    return ", ".join([*letter_names(parsed.prefix), number_words(parsed.number)])


def spoken_counter(name: str) -> str:
    """A counter's name as spoken: digits become words ("Loket 12" → "loket dua belas")."""
    text = _DIGITS.sub(lambda m: f" {number_words(m.group())} ", name or "")
    text = " ".join(text.split())
    return text[:1].lower() + text[1:] if text else "loket"


def sentence(code: str, counter_spoken_name: str) -> str:
    """The whole announcement for one call (or recall) of a ticket to a counter."""
    return f"Nomor antrean, {spoken_code(code)}, silakan menuju {spoken_counter(counter_spoken_name)}."
