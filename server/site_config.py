"""The site (agencies, services, queues, counters, hours) as a model, and its file format (TOML).

The database holds the site (the storage package); a site file is imported with `mpp-server init`
and written back with `mpp-server export`.

Validated with pydantic; every problem is reported with the file and the key path,
e.g. `demo.toml: agencies[2].services[0].queue: unknown queue 'Z'`.
"""

import tomllib
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from .domain.calling import PriorityRatio
from .domain.schedule import WEEKDAYS, Break, Period, Schedule, parse_period

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")]
# The address phones reach the server at (http://192.168.1.10:8080), for the ticket's QR code.
PUBLIC_URL = r"^https?://[^\s/?#]+(/[^\s?#]*)?$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]


class SiteConfigError(Exception):
    """The site file cannot be used; the message names the file and every problem in it."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hours(Strict):
    mon: str | None = None
    tue: str | None = None
    wed: str | None = None
    thu: str | None = None
    fri: str | None = None
    sat: str | None = None
    sun: str | None = None

    @field_validator("*")
    @classmethod
    def _range(cls, value):
        return period_text(value) if value else None

    def periods(self) -> dict[int, Period]:
        return {i: parse_period(v) for i, day in enumerate(WEEKDAYS) if (v := getattr(self, day))}


class BreakConfig(Strict):
    name: Name
    days: list[str]
    time: str

    @field_validator("days")
    @classmethod
    def _days(cls, value):
        wrong = [d for d in value if d not in WEEKDAYS]
        if wrong:
            raise ValueError(f"unknown day {wrong[0]!r}; use {', '.join(WEEKDAYS)}")
        return sorted(set(value), key=WEEKDAYS.index)  # the database keeps a set of weekdays

    @field_validator("time")
    @classmethod
    def _time(cls, value):
        return period_text(value)


class Holiday(Strict):
    date: date
    name: Name


class SpecialDay(Strict):
    """A date open with its own hours though the site is normally closed then (an event Saturday)."""

    date: date
    name: Name
    hours: str

    @field_validator("hours")
    @classmethod
    def _hours(cls, value):
        return period_text(value)


class ServiceClosure(Strict):
    """A service closed from `first_day` to `last_day` (both included); the kiosk shows the reason."""

    service: Code
    first_day: date
    last_day: date
    reason: Name

    @model_validator(mode="after")
    def _order(self):
        if self.last_day < self.first_day:
            raise ValueError("the last day is before the first day")
        return self


class PriorityCategory(Strict):
    code: Code
    name: Name
    name_en: Name | None = None


class Queue(Strict):
    code: Code
    prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,3}$")]
    width: int = Field(3, ge=1, le=6)
    name: Name


class Service(Strict):
    code: Code
    name: Name
    name_en: Name | None = None
    queue: Code
    quota: int | None = Field(None, ge=0, le=100_000)
    default_minutes: float = Field(10, gt=0, le=480)
    requirements: list[Name] = []
    hours: Hours | None = None
    cutoff_minutes: int | None = Field(None, ge=0, le=600)
    asks_nik: bool = False
    asks_phone: bool = False
    # The longest wait (ready to first call) the service promises; the service level counts the calls
    # within it. None: DEFAULT_TARGET_WAIT_MIN (server/domain/floor.py).
    target_wait_min: int | None = Field(None, ge=1, le=600)
    hidden: bool = False  # not offered at the kiosk; its tickets are served as before
    # Appointments (server/domain/appointments.py): a service takes bookings when it has an online quota,
    # a day's bookings apart from `quota` (the walk-ins'): neither spends the other.
    online_quota: int | None = Field(None, ge=0, le=100_000)
    slot_min: int = Field(30, ge=5, le=480)  # the length of a booking slot
    slot_capacity: int = Field(5, ge=1, le=1000)  # bookings per slot


class Agency(Strict):
    code: Code
    name: Name
    short_name: Name | None = None
    zone: Code
    hours: Hours | None = None
    hidden: bool = False  # not offered at the kiosk, nor any of its services
    services: list[Service] = []  # none yet: an agency that just joined the building


class Zone(Strict):
    code: Code
    name: Name
    # The waiting hall whose voice announces this zone's calls. Zones naming the same hall share one voice
    # (one speaking board); a zone without one is a hall of its own.
    hall: Name | None = None


class Counter(Strict):
    code: Code
    name: Name
    spoken_name: Name | None = None
    agency: Code
    zone: Code
    queues: list[Code] = Field(min_length=1)
    strict_queue_order: bool = False


class SiteInfo(Strict):
    name: Name
    short_name: Name | None = None
    address: str | None = None
    timezone: str = "Asia/Jakarta"
    public_url: Annotated[str, StringConstraints(pattern=PUBLIC_URL, max_length=200)] | None = None
    running_text: str | None = None
    ticket_cutoff_minutes: int = Field(30, ge=0, le=600)
    printing_timeout_seconds: int = Field(120, ge=5, le=3600)
    priority_ratio: str = "1:2"
    personal_data_retention_days: int = Field(30, ge=1, le=3650)
    booking_days_ahead: int = Field(14, ge=0, le=180)  # the last bookable day, counted from today
    check_in_before_min: int = Field(30, ge=0, le=240)  # a booking checks in from its slot minus this
    check_in_after_min: int = Field(15, ge=0, le=240)  # ... until its slot plus this
    booking_limit_per_day: int = Field(1, ge=1, le=20)  # bookings of one phone or NIK on one day
    hours: Hours
    breaks: list[BreakConfig] = []
    holidays: list[Holiday] = []
    special_days: list[SpecialDay] = []
    closures: list[ServiceClosure] = []
    priority_categories: list[PriorityCategory] = []

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value):
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "Asia" names a folder
            raise ValueError(f"unknown timezone {value!r}; use e.g. Asia/Jakarta, Asia/Makassar, Asia/Jayapura") from None
        return value

    @field_validator("priority_ratio")
    @classmethod
    def _ratio(cls, value):
        PriorityRatio.parse(value)
        return value


class SiteConfig(Strict):
    site: SiteInfo
    zones: list[Zone] = Field(min_length=1)
    queues: list[Queue] = Field(min_length=1)
    agencies: list[Agency] = Field(min_length=1)
    counters: list[Counter] = []

    @model_validator(mode="after")
    def _references(self):
        problems = reference_problems(self.model_dump())
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # Views the rest of the server uses.
    def schedule(self) -> Schedule:
        site = self.site
        breaks = tuple(
            Break(frozenset(WEEKDAYS.index(d) for d in b.days), parse_period(b.time), b.name) for b in site.breaks
        )
        return Schedule(
            tz=ZoneInfo(site.timezone),
            hours=site.hours.periods(),
            breaks=breaks,
            holidays={h.date: h.name for h in site.holidays},
            cutoff_minutes=site.ticket_cutoff_minutes,
            special_days={d.date: parse_period(d.hours) for d in site.special_days},
        )

    def service_schedule(self, agency: Agency, service: Service) -> Schedule:
        schedule = self.schedule()
        hours = service.hours or agency.hours
        closures = tuple((c.first_day, c.last_day, c.reason) for c in self.site.closures if c.service == service.code)
        return replace(schedule.with_overrides(hours.periods() if hours else None, service.cutoff_minutes),
                       closures=closures)

    def ratio(self) -> PriorityRatio:
        return PriorityRatio.parse(self.site.priority_ratio)


def period_text(text: str) -> str:
    """A time range as the database keeps it: '8.00-15.30' -> '08:00-15:30'."""
    period = parse_period(text)
    return f"{period.start:%H:%M}-{period.end:%H:%M}"


def _unique(problems: list[str], what: str, codes: list, word: str = "code") -> None:
    seen = set()
    for code in codes:
        if code in seen:
            problems.append(f"{what}: {word} {code!r} is used twice")
        seen.add(code)


def _items(data, key) -> list[dict]:
    value = data.get(key) if isinstance(data, dict) else None
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def reference_problems(data: dict) -> list[str]:
    """Codes used twice and references to codes that do not exist, in a site as plain data.

    Tolerant of a half-valid file, so a refused file lists these next to its other problems."""
    site = data.get("site") if isinstance(data.get("site"), dict) else {}
    zones, queues, agencies = _items(data, "zones"), _items(data, "queues"), _items(data, "agencies")
    services = [s for a in agencies for s in _items(a, "services")]
    counters = _items(data, "counters")
    problems = []
    _unique(problems, "zones", [z.get("code") for z in zones])
    _unique(problems, "queues", [q.get("code") for q in queues])
    _unique(problems, "queues (prefix)", [q.get("prefix") for q in queues], "prefix")
    _unique(problems, "agencies", [a.get("code") for a in agencies])
    _unique(problems, "services", [s.get("code") for s in services])
    _unique(problems, "counters", [c.get("code") for c in counters])
    _unique(problems, "priority_categories", [p.get("code") for p in _items(site, "priority_categories")])
    _unique(problems, "site.holidays", [str(h.get("date")) for h in _items(site, "holidays")], "date")
    _unique(problems, "site.special_days", [str(d.get("date")) for d in _items(site, "special_days")], "date")
    service_codes = {s.get("code") for s in services}
    for i, closure in enumerate(_items(site, "closures")):
        if closure.get("service") not in service_codes:
            problems.append(f"site.closures[{i}].service: unknown service {closure.get('service')!r}")
    zone_codes = {z.get("code") for z in zones}
    queue_codes = {q.get("code") for q in queues}
    agency_codes = {a.get("code") for a in agencies}
    for i, agency in enumerate(agencies):
        if agency.get("zone") not in zone_codes:
            problems.append(f"agencies[{i}].zone: unknown zone {agency.get('zone')!r}")
        for j, service in enumerate(_items(agency, "services")):
            if service.get("queue") not in queue_codes:
                problems.append(f"agencies[{i}].services[{j}].queue: unknown queue {service.get('queue')!r}")
    for i, counter in enumerate(counters):
        if counter.get("zone") not in zone_codes:
            problems.append(f"counters[{i}].zone: unknown zone {counter.get('zone')!r}")
        if counter.get("agency") not in agency_codes:
            problems.append(f"counters[{i}].agency: unknown agency {counter.get('agency')!r}")
        served = counter.get("queues") if isinstance(counter.get("queues"), list) else []
        for q in served:
            if q not in queue_codes:
                problems.append(f"counters[{i}].queues: unknown queue {q!r}")
        _unique(problems, f"counters[{i}].queues", served, "queue")
    return problems


def parse_site(text: str, source: str = "site file") -> SiteConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{source}: not valid TOML: {exc}") from None
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as exc:
        # The reference check runs only on valid fields: run it here too, so every problem is listed.
        problems = [_describe(e) for e in exc.errors() if e["loc"]] + reference_problems(data)
        raise SiteConfigError(f"{source}: " + "; ".join(problems), problems) from None


def load_site(path: Path) -> SiteConfig:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SiteConfigError(f"{path}: cannot read the site file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SiteConfigError(f"{path}: the site file must be UTF-8 text") from None
    return parse_site(text, str(path))


def _describe(error: dict) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def dump_site(config: SiteConfig, header: str = "") -> str:
    """The site as a site file (TOML, laid out like server/sites/demo.toml); `parse_site` reads it back equal."""
    data = config.model_dump(mode="python", exclude_none=True)
    for agency in data["agencies"]:
        for service in agency["services"]:
            for key in ("requirements", "asks_nik", "asks_phone", "hidden"):  # the defaults only add noise
                if not service[key]:
                    del service[key]
            if "online_quota" not in service:  # slots of a service that takes no bookings
                del service["slot_min"], service["slot_capacity"]
    for agency in data["agencies"]:
        if not agency["hidden"]:
            del agency["hidden"]
    for counter in data["counters"]:
        if not counter["strict_queue_order"]:
            del counter["strict_queue_order"]
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    return comment + ("\n" if comment else "") + tomli_w.dumps(data)
