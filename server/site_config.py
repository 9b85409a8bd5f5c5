"""The site file (TOML): the building's agencies, services, queues, counters and hours.

Validated with pydantic; every problem is reported with the file and the key path,
e.g. `demo.toml: agencies[2].services[0].queue: unknown queue 'Z'`.
"""

import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from .domain.calling import PriorityRatio
from .domain.schedule import WEEKDAYS, Break, Period, Schedule, parse_period

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]


class SiteConfigError(Exception):
    """The site file cannot be used; the message names the file and every problem in it."""


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
        if value:
            parse_period(value)
        return value

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
        return value

    @field_validator("time")
    @classmethod
    def _time(cls, value):
        parse_period(value)
        return value


class Holiday(Strict):
    date: date
    name: Name


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
    quota: int | None = Field(None, ge=0)
    default_minutes: float = Field(10, gt=0, le=480)
    requirements: list[Name] = []
    hours: Hours | None = None
    cutoff_minutes: int | None = Field(None, ge=0, le=600)
    asks_nik: bool = False
    asks_phone: bool = False


class Agency(Strict):
    code: Code
    name: Name
    short_name: Name | None = None
    zone: Code
    hours: Hours | None = None
    services: list[Service] = Field(min_length=1)


class Zone(Strict):
    code: Code
    name: Name


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
    public_base_url: str | None = None
    running_text: str | None = None
    ticket_cutoff_minutes: int = Field(30, ge=0, le=600)
    printing_timeout_seconds: int = Field(120, ge=5, le=3600)
    priority_ratio: str = "1:2"
    personal_data_retention_days: int = Field(30, ge=1, le=3650)
    hours: Hours
    breaks: list[BreakConfig] = []
    holidays: list[Holiday] = []
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
        problems = []
        _unique(problems, "zones", [z.code for z in self.zones])
        _unique(problems, "queues", [q.code for q in self.queues])
        _unique(problems, "queues (prefix)", [q.prefix for q in self.queues])
        _unique(problems, "agencies", [a.code for a in self.agencies])
        _unique(problems, "services", [s.code for a in self.agencies for s in a.services])
        _unique(problems, "counters", [c.code for c in self.counters])
        _unique(problems, "priority_categories", [p.code for p in self.site.priority_categories])
        zones = {z.code for z in self.zones}
        queues = {q.code for q in self.queues}
        agencies = {a.code for a in self.agencies}
        for i, agency in enumerate(self.agencies):
            if agency.zone not in zones:
                problems.append(f"agencies[{i}].zone: unknown zone {agency.zone!r}")
            for j, service in enumerate(agency.services):
                if service.queue not in queues:
                    problems.append(f"agencies[{i}].services[{j}].queue: unknown queue {service.queue!r}")
        for i, counter in enumerate(self.counters):
            if counter.zone not in zones:
                problems.append(f"counters[{i}].zone: unknown zone {counter.zone!r}")
            if counter.agency not in agencies:
                problems.append(f"counters[{i}].agency: unknown agency {counter.agency!r}")
            for q in counter.queues:
                if q not in queues:
                    problems.append(f"counters[{i}].queues: unknown queue {q!r}")
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
        )

    def service_schedule(self, agency: Agency, service: Service) -> Schedule:
        schedule = self.schedule()
        hours = service.hours or agency.hours
        return schedule.with_overrides(hours.periods() if hours else None, service.cutoff_minutes)

    def ratio(self) -> PriorityRatio:
        return PriorityRatio.parse(self.site.priority_ratio)


def _unique(problems: list[str], what: str, codes: list[str]) -> None:
    seen = set()
    for code in codes:
        if code in seen:
            problems.append(f"{what}: code {code!r} is used twice")
        seen.add(code)


def parse_site(text: str, source: str = "site file") -> SiteConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{source}: not valid TOML: {exc}") from None
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as exc:
        raise SiteConfigError(f"{source}: " + "; ".join(_describe(e) for e in exc.errors())) from None


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
