"""The floor figures a manager watches: who waits where and how long, which counters work, the
service level of the day. Plain Python over plain rows; `floor_figures` is the one rule.

Definitions (one place, the page and the reports say the same):
- A ticket is *ready* when it became `waiting` (printed; `queued_at` for a ticket that has no
  print time). Its **wait** runs from ready to its FIRST call; a later call (after a transfer, a
  return to the queue, a hold) does not move it.
- A waiting ticket's **wait so far** runs from when it last joined a queue: ready, or for a ticket
  called before (transferred, sent back to the queue) the moment it joined again. That is the wait
  a person at the queue has had; the queue keeps its place by its first time anyway.
- **Service level**: % of the tickets of the day called at least once whose wait is ≤ the target
  wait of the service it was issued for (`target_wait_min`, DEFAULT_TARGET_WAIT_MIN when a service
  has none); exactly at the target counts as within. Null when nobody was called yet. A ticket counts
  once, for the agency and zone of its issued service (where it waited), whatever it was transferred to.
- **Served** / **no-show**: tickets of the day now `done` / `no_show`, where they ended (their
  current agency and zone).
- A counter is **idle with a queue** when it is open, holds no ticket, and a queue it serves has
  people waiting.
- **Officers signed in**: people with the role `officer` holding a valid session now (not expired,
  not signed out), together with anyone who holds an open or paused counter (a supervisor standing
  in at a counter counts); each person once. In a scope: officers of its agencies, and the holders
  of its counters.
- A waiting ticket, queue or agency is **over target** when a ticket waits (so far) longer than its
  service's target.
Minutes are whole minutes, rounded down (a ticket that waited 59 s waited 0 minutes).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

DEFAULT_TARGET_WAIT_MIN = 15
TICKETS_SHOWN = 50  # per queue: a page lists the head of a long queue, and says how many wait
WAITING, DONE, NO_SHOW = "waiting", "done", "no_show"
AT_WORK = ("open", "paused")  # a counter whose officer is on the floor


@dataclass(frozen=True)
class Waiting:
    """A ticket waiting now (no personal data)."""

    code: str
    queue: str
    service: str  # now (after a transfer: where it went)
    agency: str
    zone: str
    priority: str | None
    waiting_since: datetime  # ready, or when a ticket called before joined a queue again
    transferred: bool = False
    booked: bool = False  # checked in from an appointment


@dataclass(frozen=True)
class FirstCalls:
    """The waits (ready to first call, in seconds) of the day's tickets issued for one service."""

    issued_service: str
    waits_s: list[float]


@dataclass(frozen=True)
class Ended:
    """How many tickets of the day ended `done` or `no_show` in one agency and zone, at one counter,
    the last one at `last_at`."""

    status: str
    agency: str
    zone: str
    counter: str | None
    count: int
    last_at: datetime | None = None


@dataclass(frozen=True)
class Counter:
    code: str
    name: str
    agency: str
    zone: str
    status: str  # closed / open / paused
    queues: tuple[str, ...]
    officer_id: int | None = None
    officer: dict | None = None  # as the API shows it ({id, username}); passed through
    ticket: dict | None = None  # the current ticket as the API shows it; passed through
    status_since: datetime | None = None
    ticket_since: datetime | None = None  # when the current ticket was called to the counter


@dataclass(frozen=True)
class Service:
    code: str
    agency: str | None
    zone: str | None
    target_wait_min: int | None = None

    @property
    def target(self) -> int:
        return self.target_wait_min or DEFAULT_TARGET_WAIT_MIN


@dataclass(frozen=True)
class Queue:
    code: str
    name: str
    prefix: str
    agency: str | None
    zone: str | None


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    short_name: str | None
    zone: str


@dataclass(frozen=True)
class Officer:
    """A person signed in with a valid session now (and their agency)."""

    id: int
    role: str
    agency: str | None


@dataclass(frozen=True)
class Scope:
    """What a caller sees: the building (both None), a zone, an agency, or both."""

    zone: str | None = None
    agency: str | None = None

    def holds(self, agency: str | None, zone: str | None) -> bool:
        return (self.zone is None or zone == self.zone) and (self.agency is None or agency == self.agency)


def minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def whole(value: float) -> int:
    return max(0, int(value))


def percent(within: int, called: int) -> float | None:
    return round(100 * within / called, 1) if called else None


def stamp(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="milliseconds") if moment else None


class _Tally:
    """Waiting, longest wait, over-target, and service level of one group (building, agency, queue)."""

    __slots__ = ("waiting", "longest", "over", "called", "within")

    def __init__(self):
        self.waiting, self.longest, self.over, self.called, self.within = 0, None, False, 0, 0

    def wait(self, waited: float, over: bool) -> None:
        self.waiting += 1
        self.longest = waited if self.longest is None else max(self.longest, waited)
        self.over = self.over or over

    def call(self, called: int, within: int) -> None:
        self.called += called
        self.within += within

    @property
    def longest_min(self) -> int | None:
        return None if self.longest is None else whole(self.longest)


def floor_figures(waiting: Iterable[Waiting], first_calls: Iterable[FirstCalls], ended: Iterable[Ended],
                  counters: list[Counter], queues: list[Queue], agencies: list[Agency], services: dict[str, Service],
                  signed_in: Iterable[Officer], now: datetime, scope: Scope = Scope(),
                  shown: int = TICKETS_SHOWN) -> dict:
    """The building KPIs, and per agency, counter and queue, within `scope`.

    `waiting`: the tickets waiting now; `first_calls`, `ended`: the day so far, grouped (a busy day's
    3,000 tickets are a few dozen groups). `counters`, `queues`, `agencies`: the site's, in the order
    the page lists them; `services`: by code, for targets and where a wait counts.
    Answers {"kpi", "agencies", "counters", "queues"}."""
    building, by_agency, by_queue = _Tally(), {a.code: _Tally() for a in agencies}, {q.code: _Tally() for q in queues}
    waiting_all: dict[str, int] = {}  # every queue's waiting, whatever the scope: a counter shows its own queues
    heads: dict[str, list] = {q.code: [] for q in queues}
    for t in waiting:
        waiting_all[t.queue] = waiting_all.get(t.queue, 0) + 1
        if not scope.holds(t.agency, t.zone):
            continue
        waited = minutes(t.waiting_since, now)
        service = services.get(t.service)
        over = waited > (service.target if service else DEFAULT_TARGET_WAIT_MIN)
        building.wait(waited, over)
        if t.agency in by_agency:
            by_agency[t.agency].wait(waited, over)
        if t.queue in by_queue:
            by_queue[t.queue].wait(waited, over)
            heads[t.queue].append((t.waiting_since, t, waited, over))
    for group in first_calls:
        # A service since removed from the site counts for the building only, at the default target.
        first = services.get(group.issued_service) or Service(group.issued_service, None, None)
        if scope.holds(first.agency, first.zone):
            limit = first.target * 60
            within = sum(1 for w in group.waits_s if w <= limit)
            building.call(len(group.waits_s), within)
            if first.agency in by_agency:
                by_agency[first.agency].call(len(group.waits_s), within)
    served = no_show = 0
    served_at: dict[str, int] = {}
    last_end: dict[str, datetime] = {}  # a counter's last ticket done or no-show: idle since then
    for e in ended:
        if e.counter is not None and e.last_at is not None and (
                e.counter not in last_end or e.last_at > last_end[e.counter]):
            last_end[e.counter] = e.last_at
        if e.status == DONE:
            if e.counter is not None:
                served_at[e.counter] = served_at.get(e.counter, 0) + e.count
            served += e.count if scope.holds(e.agency, e.zone) else 0
        elif e.status == NO_SHOW:
            no_show += e.count if scope.holds(e.agency, e.zone) else 0

    counters_shown = [c for c in counters if scope.holds(c.agency, c.zone)]
    counter_rows = [_counter(c, waiting_all, served_at, last_end.get(c.code), now) for c in counters_shown]
    open_by_agency: dict[str, int] = {}
    for c in counters_shown:
        if c.status == "open":
            open_by_agency[c.agency] = open_by_agency.get(c.agency, 0) + 1
    agency_zone = {a.code: a.zone for a in agencies}
    at_work = {c.officer_id for c in counters_shown if c.status in AT_WORK and c.officer_id is not None}
    on_floor = at_work | {o.id for o in signed_in
                          if o.role == "officer" and scope.holds(o.agency, agency_zone.get(o.agency))}
    kpi = {
        "waiting": building.waiting,
        "longest_wait_min": building.longest_min,
        "served": served,
        "no_show": no_show,
        "service_level_pct": percent(building.within, building.called),
        "called": building.called,
        "counters_open": sum(c.status == "open" for c in counters_shown),
        "counters_paused": sum(c.status == "paused" for c in counters_shown),
        "counters_idle_with_queue": sum(row["idle_with_queue"] for row in counter_rows),
        "officers_signed_in": len(on_floor),
    }
    agency_rows = []
    for a in agencies:
        if not scope.holds(a.code, a.zone):
            continue
        tally = by_agency[a.code]
        agency_rows.append({
            "code": a.code, "name": a.name, "short_name": a.short_name, "zone": a.zone,
            "waiting": tally.waiting, "longest_wait_min": tally.longest_min,
            "counters_open": open_by_agency.get(a.code, 0),
            "service_level_pct": percent(tally.within, tally.called), "over_target": tally.over,
        })
    queue_rows = []
    for q in queues:
        if not scope.holds(q.agency, q.zone):
            continue
        tally = by_queue[q.code]
        head = sorted(heads[q.code], key=lambda item: item[0])[:shown]
        queue_rows.append({
            "code": q.code, "name": q.name, "prefix": q.prefix, "agency": q.agency, "zone": q.zone,
            "waiting": tally.waiting, "longest_wait_min": tally.longest_min, "over_target": tally.over,
            "tickets": [{"code": t.code, "priority": t.priority, "service": t.service,
                         "waited_min": whole(waited), "transferred": t.transferred, "over_target": over,
                         "booked": t.booked}
                        for _, t, waited, over in head],
        })
    return {"kpi": kpi, "agencies": agency_rows, "counters": counter_rows, "queues": queue_rows}


def _counter(c: Counter, waiting: dict[str, int], served_at: dict[str, int], last_end: datetime | None,
             now: datetime) -> dict:
    """A counter as `GET /api/counters/{c}` shows it, with since when it is so (with a ticket: since
    its call; open without one: since it opened or resumed, or its last ticket ended, the later), what
    it served today, and whether it is idle while its queues hold people."""
    if c.ticket is not None and c.ticket_since:
        since = c.ticket_since
    elif c.status == "open" and last_end is not None and (c.status_since is None or last_end > c.status_since):
        since = last_end
    else:
        since = c.status_since
    return {
        "code": c.code, "name": c.name, "agency": c.agency, "zone": c.zone, "status": c.status,
        "officer": c.officer, "ticket": c.ticket,
        "queues": [{"code": q, "waiting": waiting.get(q, 0)} for q in c.queues],
        "since": stamp(since),
        "since_min": whole(minutes(since, now)) if since else None,
        "served_today": served_at.get(c.code, 0),
        "idle_with_queue": c.status == "open" and c.ticket is None and any(waiting.get(q, 0) for q in c.queues),
    }
