"""Opening hours, breaks, holidays and the ticket cut-off of a site, agency or service."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Period:
    start: time
    end: time

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Break:
    weekdays: frozenset[int]
    period: Period
    name: str


@dataclass(frozen=True)
class Availability:
    """Whether tickets can be issued now; `reason` is one of the API's codes."""

    open: bool
    reason: str | None = None  # None, "closed" or "cut_off"
    detail: str | None = None  # why closed: "holiday", "outside_hours", "break", "day_off", "service_closed"
    label: str | None = None  # the holiday's or break's name, or the closure's reason
    until: datetime | None = None  # when the break ends, or when issuing stops today


OPEN = Availability(open=True)


@dataclass(frozen=True)
class Schedule:
    tz: ZoneInfo
    hours: dict[int, Period]  # weekday (0 = Monday) -> opening hours; missing = closed
    breaks: tuple[Break, ...] = ()
    holidays: dict[date, str] = field(default_factory=dict)
    cutoff_minutes: int = 0  # stop issuing this long before closing
    special_days: dict[date, Period] = field(default_factory=dict)  # open these dates, with these hours
    closures: tuple[tuple[date, date, str], ...] = ()  # (first day, last day, reason): this service closed

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def service_day(self, moment: datetime) -> date:
        """The local date in the site's timezone: numbering restarts each service day."""
        return self.local(moment).date()

    def with_overrides(self, hours: dict[int, Period] | None, cutoff_minutes: int | None) -> "Schedule":
        """An agency or service that keeps shorter hours or another cut-off than the site."""
        changed = self
        if hours is not None:
            changed = replace(changed, hours=hours)
        if cutoff_minutes is not None:
            changed = replace(changed, cutoff_minutes=cutoff_minutes)
        return changed

    def availability(self, moment: datetime) -> Availability:
        local = self.local(moment)
        day = local.date()
        for first, last, reason in self.closures:
            if first <= day <= last:
                return Availability(False, "closed", "service_closed", reason)
        # A special opening day is the admin's deliberate exception: it wins over a holiday and a day off.
        special = self.special_days.get(day)
        if day in self.holidays and special is None:
            return Availability(False, "closed", "holiday", self.holidays[day])
        period = special or self.hours.get(local.weekday())
        if period is None:
            return Availability(False, "closed", "day_off")
        clock = local.time().replace(tzinfo=None)
        if not period.contains(clock):
            return Availability(False, "closed", "outside_hours")
        for pause in self.breaks:
            if local.weekday() in pause.weekdays and pause.period.contains(clock):
                until = datetime.combine(day, pause.period.end, tzinfo=self.tz)
                return Availability(False, "closed", "break", pause.name, until)
        closing = datetime.combine(day, period.end, tzinfo=self.tz)
        last_issue = closing - timedelta(minutes=self.cutoff_minutes)
        if local >= last_issue:
            return Availability(False, "cut_off", None, None, last_issue)
        return Availability(True, until=last_issue)


def parse_period(text: str) -> Period:
    """'08:00-15:30' (or '08.00-15.30', as Indonesians write times) -> Period."""
    try:
        start_text, end_text = text.replace(".", ":").split("-")
        start = time.fromisoformat(start_text.strip())
        end = time.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a time range like '08:00-15:00'") from None
    if end <= start:
        raise ValueError(f"{text!r} ends before it starts")
    return Period(start, end)
