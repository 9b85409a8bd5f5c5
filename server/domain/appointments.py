"""Appointments: the slots of a service's day, what a booking may be, the check-in window.

A slot is offered when the service takes tickets at its start (schedule.py: hours, Friday break,
holidays, special days, closures and the cut-off), it is not past, and it has room. A booking spends
the service's `online_quota`, never the walk-in `quota`; the kiosk's tickets spend only the latter.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .errors import Conflict, Invalid
from .schedule import Schedule

BOOKED, CANCELLED, CHECKED_IN, NO_SHOW = "booked", "cancelled", "checked_in", "no_show"
# Booking codes are read aloud and typed at a kiosk: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8
CODE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")

MESSAGES = {
    "closed": "Layanan tidak menerima janji temu pada tanggal atau jam itu.",
    "too_far": "Tanggal itu terlalu jauh ke depan untuk janji temu.",
    "past": "Jadwal itu sudah lewat.",
    "slot_full": "Sesi itu sudah penuh; silakan pilih sesi lain.",
    "quota_full": "Kuota janji temu daring layanan ini pada tanggal itu sudah habis.",
    "limit_reached": "Nomor ponsel atau NIK ini sudah mencapai batas janji temu pada tanggal itu.",
    "too_early": "Belum waktunya lapor diri. Silakan kembali saat jendela lapor diri dibuka.",
    "too_late": "Waktu lapor diri untuk janji temu ini sudah lewat. Silakan ambil nomor antrean biasa.",
    "cancelled": "Janji temu ini sudah dibatalkan.",
    "checked_in": "Janji temu ini sudah dipakai untuk mengambil nomor antrean.",
    "wrong_day": "Janji temu ini bukan untuk hari ini.",
    "no_show": "Janji temu ini sudah terlewat. Silakan buat janji temu baru.",
}


class InvalidField(Invalid):
    """422 naming the field (`error.fields`, as the administration's 422s do)."""

    def __init__(self, field: str, message: str):
        super().__init__(message, code="invalid")
        self.extra = {"fields": {field: message}}


def refuse(reason: str, **details) -> Conflict:
    return Conflict(MESSAGES[reason], code=reason, **details)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(text: str) -> str | None:
    """A typed or scanned code: case and spaces or dashes do not matter. None: not a booking code."""
    code = re.sub(r"[\s-]", "", text or "").upper()
    return code if CODE.match(code) else None


@dataclass(frozen=True)
class Slot:
    start: time
    capacity: int
    booked: int = 0

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def text(self) -> str:
        return f"{self.start:%H:%M}"


def slot_starts(schedule: Schedule, day: date, slot_min: int) -> list[time]:
    """The starts of a service's slots on `day`: every `slot_min` from opening, where the service would
    issue a ticket at that moment (none on a holiday, a closure, a day off, in a break, after the cut-off)."""
    period = schedule.special_days.get(day) or schedule.hours.get(day.weekday())
    if period is None:
        return []
    starts, moment = [], datetime.combine(day, period.start, tzinfo=schedule.tz)
    closing = datetime.combine(day, period.end, tzinfo=schedule.tz)
    while moment < closing:
        if schedule.availability(moment).open:
            starts.append(moment.timetz().replace(tzinfo=None))
        moment += timedelta(minutes=slot_min)
    return starts


def slot_moment(schedule: Schedule, day: date, start: time) -> datetime:
    return datetime.combine(day, start, tzinfo=schedule.tz)


def last_day(today: date, days_ahead: int) -> date:
    return today + timedelta(days=days_ahead)


def offered_slots(schedule: Schedule, day: date, slot_min: int, capacity: int, booked: dict[str, int],
                  now: datetime) -> list[Slot]:
    """The slots a citizen may still pick: not started yet, with room."""
    slots = [Slot(s, capacity, booked.get(f"{s:%H:%M}", 0)) for s in slot_starts(schedule, day, slot_min)]
    return [s for s in slots if slot_moment(schedule, day, s.start) > now and s.left > 0]


def check_booking(schedule: Schedule, now: datetime, day: date, start: time, *, slot_min: int, capacity: int,
                  days_ahead: int, slot_booked: int, day_booked: int, online_quota: int | None,
                  person_booked: int, limit: int) -> None:
    """Raise the Conflict that refuses this booking, in the order a citizen can act on."""
    today = schedule.service_day(now)
    if online_quota is None:
        raise refuse("closed")
    if day < today or slot_moment(schedule, day, start) <= now:
        raise refuse("past")
    if day > last_day(today, days_ahead):
        raise refuse("too_far", last_day=last_day(today, days_ahead).isoformat())
    if start not in slot_starts(schedule, day, slot_min):
        raise refuse("closed")
    if day_booked >= online_quota:
        raise refuse("quota_full")
    if slot_booked >= capacity:
        raise refuse("slot_full")
    if person_booked >= limit:
        raise refuse("limit_reached")


def check_movable(status: str) -> None:
    """Only a booking still waiting for its check-in may move to another slot."""
    if status != BOOKED:
        raise refuse(status if status in (CANCELLED, CHECKED_IN, NO_SHOW) else "closed")


def check_in_window(schedule: Schedule, day: date, start: time, before_min: int,
                    after_min: int) -> tuple[datetime, datetime]:
    slot = slot_moment(schedule, day, start)
    return slot - timedelta(minutes=before_min), slot + timedelta(minutes=after_min)


def check_check_in(schedule: Schedule, now: datetime, status: str, day: date, start: time, before_min: int,
                   after_min: int) -> None:
    """Raise the Conflict that refuses a check-in now; a booking past its window reads as too late."""
    if status == CANCELLED:
        raise refuse("cancelled")
    if status == CHECKED_IN:
        raise refuse("checked_in")
    if schedule.service_day(now) != day:
        raise refuse("wrong_day", date=day.isoformat())
    opens, closes = check_in_window(schedule, day, start, before_min, after_min)
    if status == NO_SHOW or now > closes:
        raise refuse("too_late")
    if now < opens:
        raise refuse("too_early", check_in_from=opens.isoformat(timespec="minutes"))


def is_no_show(schedule: Schedule, now: datetime, status: str, day: date, start: time, after_min: int) -> bool:
    """A booking nobody checked in by the end of its window."""
    return status == BOOKED and now > slot_moment(schedule, day, start) + timedelta(minutes=after_min)


def parse_slot(text: str) -> time:
    try:
        if not re.match(r"^\d{2}[:.]\d{2}$", text or ""):
            raise ValueError
        return time.fromisoformat(text.replace(".", ":"))
    except ValueError:
        raise InvalidField("slot", "Sesi harus berupa jam seperti 09:30.") \
            from None


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        raise InvalidField("date", "Tanggal harus seperti 2026-11-23.") \
            from None


def clean_name(text: str | None) -> str:
    name = " ".join((text or "").split())
    if not 2 <= len(name) <= 100:
        raise InvalidField("name", "Isi nama lengkap (2–100 huruf).")
    return name


class RateLimit:
    """At most `count` requests per address in `window_s` (booking POSTs: a script cannot take every slot)."""

    def __init__(self, count: int, window_s: float = 600.0):
        self.count, self.window_s = count, window_s
        self._seen: dict[str, list[float]] = {}

    def allow(self, address: str, now: float) -> bool:
        recent = [t for t in self._seen.get(address, []) if now - t < self.window_s]
        if len(self._seen) > 10_000:  # forget quiet addresses rather than grow without end
            self._seen = {a: ts for a, ts in self._seen.items() if ts and now - ts[-1] < self.window_s}
        allowed = len(recent) < self.count
        if allowed:
            recent.append(now)
        self._seen[address] = recent
        return allowed
