"""Who comes to the MPP when, for what, and how long each visit takes: plain Python, no I/O.

The shape of a day is what MPPs report: most citizens arrive between 08:00 and 11:00, fewer
around noon, a second smaller wave after lunch. Dukcapil draws the most, then Samsat, the
BPJS and the police (SKCK). A few citizens come under a priority category (lansia,
disabilitas, ...), a few never answer their call, and one is sent on to another agency.
Service times vary around the site's default minutes (log-normal: most visits are short,
a few take long). The plan is drawn from a seed, so a day can be replayed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

# Share of the day's citizens arriving in each hour (local time), opening to cut-off.
HOURLY_SHARE = {8: 0.16, 9: 0.22, 10: 0.20, 11: 0.15, 12: 0.08, 13: 0.11, 14: 0.08}

# How many citizens an agency draws, relative to the others (agencies not named: 1).
AGENCY_WEIGHT = {"DUKCAPIL": 30, "SAMSAT": 12, "BPJSKES": 9, "POLRES": 8, "BPJSTK": 6, "IMIGRASI": 5, "KPP": 4,
                 "BAPENDA": 4, "DPMPTSP": 3, "BPN": 3, "PLN": 3, "PDAM": 3, "BANK": 3, "KEMENAG": 2}

PRIORITY_SHARE = 0.07  # citizens under a priority category (UU 25/2009 ps. 29)
NO_SHOW_SHARE = 0.05  # called, recalled, never came
SERVICE_SPREAD = 0.45  # sigma of the log-normal service time around the default minutes
WALK_MINUTES = (0.3, 1.5)  # from a seat to the counter once called
RECALL_AFTER_MINUTES = 2.0  # an officer recalls a number nobody answered …
NO_SHOW_AFTER_MINUTES = 3.0  # … and marks it a no-show this long after the recall


@dataclass(frozen=True)
class Visit:
    citizen: int  # 1, 2, … in arrival order
    arrives: datetime  # at the kiosk
    agency: str
    service: str
    priority: str | None
    no_show: bool
    service_minutes: float  # at the counter, once served
    walk_minutes: float  # from the seat to the counter when called
    transfer_to: str | None = None  # the officer sends the citizen on to this service …
    transfer_after_minutes: float = 0.0  # … this long into the visit; the next agency serves the rest


@dataclass(frozen=True)
class Step:
    """What the officer does next with the ticket at the counter, and after how many minutes."""
    action: str  # "start", "recall", "no-show", "transfer", "done"
    after_minutes: float


def plan_day(site, visitors: int, start: datetime, end: datetime, seed: int = 2026) -> list[Visit]:
    """`visitors` citizens arriving between `start` and `end` (aware datetimes, the site's local
    time) by the hourly pattern, each for a service of `site` (a SiteConfig) open to them."""
    rng = random.Random(seed)
    hours = [h for h in HOURLY_SHARE if _hour_overlaps(start, end, h)]
    if not hours:
        raise ValueError(f"no arrival hour between {start:%H:%M} and {end:%H:%M}")
    services = [(agency.code, service) for agency in site.agencies for service in agency.services]
    weights = [AGENCY_WEIGHT.get(agency, 1) / _services_of(site, agency) for agency, _ in services]
    categories = [p.code for p in site.site.priority_categories]
    arrivals = sorted(_arrival(rng, hours, start, end) for _ in range(visitors))
    visits = []
    for number, arrives in enumerate(arrivals, start=1):
        agency, service = rng.choices(services, weights)[0]
        visits.append(Visit(
            citizen=number, arrives=arrives, agency=agency, service=service.code,
            priority=rng.choice(categories) if categories and rng.random() < PRIORITY_SHARE else None,
            no_show=rng.random() < NO_SHOW_SHARE,
            service_minutes=round(service.default_minutes * math.exp(rng.gauss(-SERVICE_SPREAD ** 2 / 2,
                                                                                 SERVICE_SPREAD)), 2),
            walk_minutes=round(rng.uniform(*WALK_MINUTES), 2),
        ))
    return _one_transfer(site, visits, rng)


def officer_step(visit: Visit, stage: str, transferred: bool = False) -> Step:
    """The officer's next move for the ticket of `visit` now at the counter in `stage`
    ("called", "recalled" or "serving"); `transferred`: this is the visit's second counter."""
    if stage == "called":
        return Step("recall", RECALL_AFTER_MINUTES) if visit.no_show else Step("start", visit.walk_minutes)
    if stage == "recalled":
        return Step("no-show", NO_SHOW_AFTER_MINUTES)
    if stage == "serving":
        if visit.transfer_to and not transferred:
            return Step("transfer", visit.transfer_after_minutes)
        return Step("done", visit.service_minutes)
    raise ValueError(f"no officer step for a ticket in stage {stage!r}")


def _hour_overlaps(start: datetime, end: datetime, hour: int) -> bool:
    begin = start.replace(hour=hour, minute=0, second=0, microsecond=0)
    return begin < end and begin + timedelta(hours=1) > start


def _arrival(rng: random.Random, hours: list[int], start: datetime, end: datetime) -> datetime:
    hour = rng.choices(hours, [HOURLY_SHARE[h] for h in hours])[0]
    begin = max(start, start.replace(hour=hour, minute=0, second=0, microsecond=0))
    finish = min(end, start.replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(hours=1))
    return begin + (finish - begin) * rng.random()


def _services_of(site, agency: str) -> int:
    return next(len(a.services) for a in site.agencies if a.code == agency)


def _one_transfer(site, visits: list[Visit], rng: random.Random) -> list[Visit]:
    """The citizen who queued for a new KTP but needs the family card first: the first
    Dukcapil KTP visit (else any visit) is sent on to another service of another queue."""
    queue_of = {s.code: s.queue for a in site.agencies for s in a.services}
    candidates = [v for v in visits if not v.no_show and v.service == "DK-KTP"] or \
        [v for v in visits if not v.no_show]
    if not candidates:
        return visits
    chosen = candidates[0]
    targets = [s.code for a in site.agencies for s in a.services
               if a.code == chosen.agency and queue_of[s.code] != queue_of[chosen.service]] or \
        [s.code for a in site.agencies for s in a.services if queue_of[s.code] != queue_of[chosen.service]]
    if not targets:
        return visits
    target = "DK-KK" if "DK-KK" in targets else rng.choice(targets)
    moved = Visit(**{**chosen.__dict__, "transfer_to": target, "transfer_after_minutes": 2.0})
    return [moved if v is chosen else v for v in visits]
