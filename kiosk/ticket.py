"""What a printed ticket says, decided before any printer is involved.

`build_ticket` turns the server's answer to POST /api/tickets and the catalog's
site object into a `TicketLayout`: plain strings in the citizen's language. Wrapping
to the paper width and every printer detail happen later, in `escpos_render`.
Personal data (NIK, phone number) is never copied into the layout, even when the
ticket carries it (UU 27/2022 PDP).
"""

from dataclasses import dataclass
from datetime import datetime

from mpp_client.indonesian import clock_time, in_zone, long_date
from mpp_client.texts import count_text, text

# What only a printed ticket says; the counts of people ahead are the apps' shared words.
WORDS = {
    "id": {
        "priority": "PRIORITAS - {name}",
        "appointment": "JANJI TEMU {slot}",
        "wait": "Perkiraan tunggu: ± {n} menit",
        "wait_one": "Perkiraan tunggu: ± 1 menit",
        "wait_none": "Segera dilayani",
        "footer": ("Simpan tiket ini. Pindai kode QR untuk melihat status antrean.",
                   "Harap menunggu sampai nomor Anda dipanggil."),
    },
    "en": {
        "priority": "PRIORITY - {name}",
        "appointment": "APPOINTMENT {slot}",
        "wait": "Estimated wait: ± {n} minutes",
        "wait_one": "Estimated wait: ± 1 minute",
        "wait_none": "You will be served shortly",
        "footer": ("Keep this ticket. Scan the QR code to see your queue status.",
                   "Please wait until your number is called."),
    },
}
LANGUAGES = tuple(WORDS)


@dataclass(frozen=True)
class TicketLayout:
    """Everything printed on one ticket, top to bottom; None means the line is left out."""

    language: str
    site_name: str
    agency: str
    service: str
    number_label: str
    code: str
    priority_mark: str | None
    issued_date: str  # "Senin, 23 November 2026"
    issued_time: str  # "09.00 WIB"
    ahead: str | None
    wait: str | None
    qr_payload: str | None  # the ticket's public status URL
    footer: tuple[str, ...]
    appointment_mark: str | None = None  # "JANJI TEMU 10.30": checked in from a booking

    @property
    def issued(self) -> str:
        return f"{self.issued_date} {self.issued_time}"

    def texts(self) -> list[str]:
        """Every printed string (QR payload included), e.g. to check nothing private leaks."""
        values = [self.site_name, self.agency, self.service, self.number_label, self.code, self.priority_mark,
                  self.appointment_mark, self.issued, self.ahead, self.wait, self.qr_payload, *self.footer]
        return [value for value in values if value]


def build_ticket(ticket: dict, site: dict, language: str = "id") -> TicketLayout:
    """The layout of a freshly issued ticket. Raises ValueError naming a missing field."""
    if language not in WORDS:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    words = WORDS[language]
    moment = _issued_moment(_required(ticket, "issued_at"), site.get("timezone"))
    return TicketLayout(
        language=language,
        site_name=_required(site, "name"),
        agency=ticket.get("agency_name") or _required(ticket, "agency"),
        service=ticket.get("service_name") or _required(ticket, "service"),
        number_label=text(language, "number_label").upper(),
        code=_required(ticket, "code"),
        priority_mark=_priority_mark(ticket, site, language),
        issued_date=long_date(moment, language),
        issued_time=clock_time(moment, language),
        ahead=count_text((WORDS,), language, "ahead", ticket.get("ahead")),
        wait=count_text((WORDS,), language, "wait", ticket.get("est_wait_min")),
        qr_payload=ticket.get("status_url") or None,
        footer=words["footer"],
        appointment_mark=_appointment_mark(ticket, language),
    )


def _required(mapping: dict, key: str):
    value = mapping.get(key)
    if value in (None, ""):
        raise ValueError(f"the ticket layout needs {key!r}, which is missing")
    return value


def _issued_moment(issued_at: str, timezone: str | None) -> datetime:
    moment = datetime.fromisoformat(issued_at)
    if moment.tzinfo is None:
        raise ValueError(f"issued_at needs a UTC offset (like +07:00): {issued_at!r}")
    # Without a zone name (or with an unknown one) the server's own offset stands: it is the site's.
    return in_zone(moment, timezone) if timezone else moment


def _appointment_mark(ticket: dict, language: str) -> str | None:
    """The booking's slot, from a check-in's answer (`appointment.slot`); a booked ticket without it
    still says it was booked."""
    appointment = ticket.get("appointment") or {}
    slot = appointment.get("slot") if isinstance(appointment, dict) else None
    if not slot and not ticket.get("booked"):
        return None
    slot = (slot or "").replace(":", ".") if language == "id" else (slot or "")  # 10.30 in Indonesian
    return WORDS[language]["appointment"].format(slot=slot).strip()


def _priority_mark(ticket: dict, site: dict, language: str) -> str | None:
    code = ticket.get("priority")
    if not code:
        return None
    category = next((c for c in site.get("priority_categories") or [] if c.get("code") == code), {})
    if language == "en":
        name = category.get("name_en") or category.get("name") or ticket.get("priority_name")
    else:
        name = ticket.get("priority_name") or category.get("name")
    return WORDS[language]["priority"].format(name=name or code)

