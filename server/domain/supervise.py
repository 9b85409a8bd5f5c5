"""What a supervisor may set on the floor, decided in plain Python: a counter's queues for the
day, and the running text on the boards (its words and how long it stays)."""

from datetime import datetime, time, timedelta, tzinfo

from .errors import Invalid

MAX_QUEUES = 20
MAX_TEXT = 200


def queue_plan(queues: list[str], known) -> list[str]:
    """The queues a counter serves today, in calling order: at least one, each known, none twice."""
    cleaned = [q.strip() for q in queues]
    if not cleaned:
        raise Invalid("Pilih sedikitnya satu antrean untuk loket ini.", code="no_queues")
    if len(cleaned) > MAX_QUEUES:
        raise Invalid(f"Paling banyak {MAX_QUEUES} antrean untuk satu loket.", code="too_many_queues")
    unknown = [q for q in cleaned if q not in known]
    if unknown:
        raise Invalid(f"Antrean tidak dikenal: {', '.join(unknown)}.", code="unknown_queue", queues=unknown)
    twice = sorted({q for q in cleaned if cleaned.count(q) > 1})
    if twice:
        raise Invalid(f"Antrean disebut lebih dari sekali: {', '.join(twice)}.", code="duplicate_queue")
    return cleaned


def served_today(configured: dict[str, tuple[str, ...]], today: dict[str, tuple[str, ...]]) -> dict[str, tuple]:
    """Each counter's queues today: a supervisor's list for today over the site's own."""
    return {code: tuple(today.get(code, queues)) for code, queues in configured.items()}


def counters_by_queue(served: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    by_queue: dict[str, list[str]] = {}
    for code, queues in served.items():
        for queue in queues:
            by_queue.setdefault(queue, []).append(code)
    return by_queue


def message_text(text: str) -> str:
    """A running text as the boards show it: plain words on one line, 1–200 characters."""
    cleaned = " ".join(text.split())  # a line break or tab would break the marquee's one line
    if not cleaned:
        raise Invalid("Teks pesan tidak boleh kosong.", code="empty_text")
    if len(cleaned) > MAX_TEXT:
        raise Invalid(f"Teks pesan paling panjang {MAX_TEXT} karakter.", code="text_too_long")
    return cleaned


def end_of_service_day(moment: datetime, tz: tzinfo) -> datetime:
    """Local midnight after `moment`: when the service day ends."""
    local = moment.astimezone(tz)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)


def message_until(until: str | None, now: datetime, tz: tzinfo) -> datetime:
    """When a message leaves the boards: the time asked for (ISO 8601 with offset, in the future),
    or the end of the service day."""
    if until is None:
        return end_of_service_day(now, tz)
    try:
        moment = datetime.fromisoformat(until.strip())
    except ValueError:
        raise Invalid("Waktu berakhir harus berformat ISO 8601, mis. 2026-11-23T15:00:00+07:00.",
                      code="invalid_until") from None
    if moment.tzinfo is None:
        raise Invalid("Waktu berakhir harus menyebut zona waktunya, mis. +07:00.", code="invalid_until")
    if moment <= now:
        raise Invalid("Waktu berakhir sudah lewat; pilih waktu yang akan datang.", code="until_in_past")
    return moment
