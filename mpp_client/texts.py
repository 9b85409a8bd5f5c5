"""Words that more than one app shows, and the one way every app looks its words up.

Each app keeps a table of its own words (`kiosk/texts.py` …) and reads it with `lookup`:
the person's language first, then Bahasa Indonesia, then the shared `TEXTS` here, so a
word missing from a translation still says something. Indonesian first, English second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .indonesian import decimal

Table = Mapping[str, Mapping[str, str]]  # language → key → template

TEXTS: Table = {
    "id": {
        "number_label": "Nomor antrean",
        "ahead": "{n} orang di depan Anda",
        "ahead_one": "1 orang di depan Anda",
        "ahead_none": "Tidak ada antrean di depan Anda",
        "connection_lost": "Sambungan ke server terputus — menyambung ulang…",
        "server_unreachable": "Server tidak dapat dihubungi.",
        "refused": "Permintaan ditolak server.",
    },
    "en": {
        "number_label": "Queue number",
        "ahead": "{n} people ahead of you",
        "ahead_one": "1 person ahead of you",
        "ahead_none": "No one ahead of you",
        "connection_lost": "Connection to the server lost — reconnecting…",
        "server_unreachable": "The server cannot be reached.",
        "refused": "The server refused the request.",
    },
}

# Plain Indonesian for the server's error codes; any other code shows the server's own message.
SERVER_MESSAGES = {
    "invalid_credentials": "Nama pengguna atau PIN salah.",
    "too_many_attempts": "Terlalu banyak percobaan masuk. Tunggu sebentar, lalu coba lagi.",
    "counter_in_use": "Loket sedang dipakai petugas lain.",
    "counter_not_open": "Loket belum dibuka atau sedang istirahat.",
    "no_current_ticket": "Tidak ada tiket yang sedang dipanggil di loket ini.",
    "nothing_waiting": "Tidak ada antrean menunggu.",
    "unknown_ticket": "Nomor tiket itu tidak ada hari ini.",
    "ticket_not_for_counter": "Tiket itu bukan untuk loket ini.",
    "not_your_agency": "Loket ini milik instansi lain.",
    "unknown_service": "Layanan itu tidak dikenal.",
    "same_service": "Tiket sudah berada di layanan itu.",
    "unknown_counter": "Loket tidak dikenal.",
}


def lookup(tables: Sequence[Table], language: str, key: str, **values) -> str:
    """`key` from the first table that has it, in `language`, else in Indonesian; KeyError if none.
    Numbers are written as the language writes them (Babel): 1234 → "1.234" in Indonesian."""
    for lang in (language, "id"):
        for table in (*tables, TEXTS):
            template = table.get(lang, {}).get(key)
            if template is not None:
                return template.format(**{name: decimal(value, language=lang)
                                          if isinstance(value, (int, float)) and not isinstance(value, bool)
                                          else value for name, value in values.items()})
    raise KeyError(key)


def text(language: str, key: str, **values) -> str:
    """A shared word: `text("en", "ahead", n=3)` → "3 people ahead of you"."""
    return lookup((), language, key, **values)


def count_text(tables: Sequence[Table], language: str, key: str, count: float | None) -> str | None:
    """A count in words: `key_none` for 0, `key_one` for 1, else `key` with n (rounded); None stays None."""
    if count is None:
        return None
    n = max(0, round(count))
    return lookup(tables, language, {0: f"{key}_none", 1: f"{key}_one"}.get(n, key), n=n)


def message_for(code: str | None, fallback: str | None = None) -> str:
    """What a person reads for the server's error `code`: ours if we know it, else the server's own words."""
    return SERVER_MESSAGES.get(code or "", fallback or TEXTS["id"]["refused"])
