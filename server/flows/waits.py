"""The wait estimate's inputs, gathered from the database for the one rule in domain/estimates.py:
the ticket's answer, the status page, the kiosk catalog and the counter's queues all ask here.

The calls that decide a queue's wait are those of its component: the counters serving it, the
other queues they serve, the counters serving those, and so on. The replay of a component's
head is remembered (ctx.estimates) under every input it used, with the clock in steps of
BUCKET_MIN, so a burst of tickets into one long queue replays its head once; the pace of a
component, which moves slowly, is learned again once a minute.
"""

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import storage
from ..context import Context
from ..domain import estimates
from ..domain.estimates import GHOST, Desk, Pace, Waiting

HEAD = 12  # tickets listed per queue; the rest of a long queue is only counted
BUCKET_MIN = 0.1  # the replay's clock moves in steps this long
PACE_EVERY_MIN = 1.0  # the pace (means over the last hundred calls) is learned again at most this often
PRIORITY_WINDOW_MIN = 60.0  # priority tickets a minute: counted over this long lately …
PRIORITY_WINDOW_AT_LEAST = 15.0  # … or since opening, but over no less than this


@dataclass(frozen=True)
class Inputs:
    """One component's state at one moment, as the rule takes it."""

    key: tuple  # everything the replay depends on but the target
    desks: list[Desk]
    listed: list[Waiting]
    pace: Pace
    head_full: frozenset[str]  # queues listed only in part
    offset: float  # minutes from the bucketed clock to now
    service_of: dict[int, str]  # the listed tickets' services
    issuing: float = math.inf  # minutes from the bucketed clock until the site stops issuing today
    counters: int = 1  # of `desks`, those that call today


class Key:
    """A memory key whose hash is computed once (it holds a queue's head, tens of tickets)."""

    __slots__ = ("parts", "hash")

    def __init__(self, parts: tuple):
        self.parts, self.hash = parts, hash(parts)

    def __hash__(self):
        return self.hash

    def __eq__(self, other):
        return self.hash == other.hash and self.parts == other.parts


def component(ctx: Context, queue: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(queues, counters) whose calls decide the wait in `queue`."""
    site = ctx.site

    def compute():
        queues, counters, todo = set(), set(), [queue]
        while todo:
            q = todo.pop()
            if q not in queues:
                queues.add(q)
                for code in site.counters_by_queue.get(q, []):
                    if code not in counters:
                        counters.add(code)
                        todo.extend(site.counters[code].queues)
        return tuple(sorted(queues)), tuple(sorted(counters))

    return ctx.estimates.get("site", ("component", site, queue), compute)


def _default_minutes(ctx: Context) -> dict[str, float]:
    """Each queue's configured minutes: the mean over the services that feed it."""
    site = ctx.site

    def compute():
        feeds: dict[str, list[float]] = {}
        for service in site.services.values():
            feeds.setdefault(service.queue, []).append(service.default_minutes)
        return {q: sum(m) / len(m) for q, m in feeds.items()}

    return ctx.estimates.get("site", ("defaults", site), compute)


def _pace(ctx: Context, conn, day: str, queues: tuple[str, ...], rows: list[tuple], moment: datetime) -> Pace:
    defaults = _default_minutes(ctx)
    finished = [estimates.Finished(q, *r) for q in queues
                for r in storage.recent_finished_calls(conn, day, q, estimates.RECENT)]
    current = {r[0]: r[6] for r in rows if r[6]}
    running = [(r[7], r[8], _minutes_between(r[6], moment)) for r in rows if r[6] and r[7]]
    services = {s.code: s.default_minutes for s in ctx.site.services.values() if s.queue in queues}
    return estimates.learn_pace(finished, {q: defaults.get(q, 10.0) for q in queues}, current, services, running,
                                _priority_rate(ctx, conn, day, list(services), moment))


def _priority_rate(ctx: Context, conn, day: str, services: list[str], moment: datetime) -> dict[str, float]:
    """Priority tickets issued a minute lately, per queue: they will go before the normal ones."""
    if not services:
        return {}
    since = max(moment - timedelta(minutes=PRIORITY_WINDOW_MIN), _opening(ctx, moment))
    minutes = max((moment - since).total_seconds() / 60, PRIORITY_WINDOW_AT_LEAST)
    issued = storage.priority_issued_since(conn, day, services, ctx.site.local_text(since))
    return {q: n / minutes for q, n in issued.items()}


def _minutes_between(earlier: str | None, later: datetime) -> float:
    return (later - datetime.fromisoformat(earlier)).total_seconds() / 60 if earlier else 0.0


def gather(ctx: Context, conn, day: str, queue: str, moment: datetime) -> Inputs:
    """The state of `queue`'s component now: its counters, the head of each queue, the pace."""
    queues, codes = component(ctx, queue)
    rows = [tuple(r) for r in storage.counters_at_work(conn, list(codes))] if codes else []
    bucket = _bucket(moment)
    pace = ctx.estimates.get("pace", (day, queues, _bucket(moment, PACE_EVERY_MIN)),
                             lambda: _pace(ctx, conn, day, queues, rows, bucket))
    desks = []
    for code, listed_queues, status, since, position, strict, called_at, ticket_queue, ticket_service in rows:
        desks.append(Desk(code, tuple(json.loads(listed_queues)), status, position, bool(strict),
                          _minutes_between(called_at, bucket) if called_at else None, ticket_queue,
                          _minutes_between(since, bucket) if status == "paused" else 0.0, ticket_service))
    listed, head_full, heads = [], set(), []
    for q in queues:
        head = storage.waiting_head(conn, day, q, HEAD)
        if len(head) >= HEAD:
            head_full.add(q)  # the rest, and the tickets printing now, are counted, not listed
        else:
            head += storage.printing_in(conn, day, q)
        heads += [tuple(r) for r in head]
    listed = [Waiting(r[0], r[1], bool(r[2]), r[3]) for r in heads]
    service_of = {r[0]: r[4] for r in heads}
    # Plain tuples hash and compare fast.
    key = (day, queues, tuple(rows), bucket, tuple(heads), frozenset(head_full), pace, ctx.site.ratio)
    return Inputs(key, desks, listed, pace, frozenset(head_full), (moment - bucket).total_seconds() / 60,
                  service_of, (_hours(ctx, moment)[1] - bucket).total_seconds() / 60, estimates.calling(desks))


def _hours(ctx: Context, moment: datetime) -> tuple[datetime, datetime]:
    """(when the site opens today, when it stops issuing: closing less the cut-off; no priority
    ticket comes later to go before the ones waiting)."""
    site = ctx.site
    local = site.schedule.local(moment)

    def compute():
        period = site.schedule.hours.get(local.weekday())
        if period is None or local.date() in site.schedule.holidays:
            return local, local
        opening = datetime.combine(local.date(), period.start, tzinfo=site.tz)
        closing = datetime.combine(local.date(), period.end, tzinfo=site.tz)
        return opening, closing - timedelta(minutes=site.schedule.cutoff_minutes)

    return ctx.estimates.get("site", ("hours", site, local.date()), compute)


def _opening(ctx: Context, moment: datetime) -> datetime:
    return _hours(ctx, moment)[0]


def wait_of(ctx: Context, conn, inputs: Inputs, day: str, target: Waiting) -> int:
    """Whole minutes until `target` (a waiting ticket, or a GHOST joining now) is called."""
    # Normal tickets left out of the listing and ahead of the target (all of them for a priority
    # target: the interleave may call newer normal ones first).
    before = None if target.priority or target.ticket_id == GHOST else target.queued_at
    full = inputs.head_full
    listed_before = dict.fromkeys(full, 0)  # one pass over the listing, not one per queue
    for w in inputs.listed:
        if w.queue in full and (before is None or w.queued_at < before):
            listed_before[w.queue] += 1
    hidden = {}
    for q in full:
        n = storage.waiting_before(conn, day, q, before) - listed_before[q]
        if n > 0:
            hidden[q] = n
    in_drain = not target.priority and target.queue in hidden
    listed = inputs.listed
    if not in_drain and not any(w.ticket_id == target.ticket_id for w in listed):
        listed = [*listed, target]
    ratio = ctx.site.ratio
    key = Key((*inputs.key, frozenset(hidden), None if in_drain else target))
    state = ctx.estimates.get("replay", key, lambda: estimates.replay(inputs.desks, listed, inputs.pace, ratio, target,
                                                            frozenset(hidden), inputs.service_of))
    minutes = estimates.drain(state, inputs.desks, inputs.pace, ratio, target, hidden)
    minutes = estimates.later_priority(minutes, inputs.pace, ratio, target, inputs.counters, inputs.issuing)
    return estimates.whole_minutes(minutes - inputs.offset)


def ticket_wait(ctx: Context, conn, row) -> int:
    """The wait of a ticket that is printing or waiting. Asked again within BUCKET_MIN (the
    kiosk's print confirmation, a status page refreshing), the same answer."""
    moment = ctx.now()
    day = row["service_day"]
    target = Waiting(row["id"], row["queue"], row["priority"] is not None, row["queued_at"])
    return ctx.estimates.get("ticket", (target, _bucket(moment)),
                             lambda: wait_of(ctx, conn, gather(ctx, conn, day, row["queue"], moment), day, target))


def _bucket(moment: datetime, minutes: float = BUCKET_MIN) -> datetime:
    step = minutes * 60
    return datetime.fromtimestamp(moment.timestamp() // step * step, moment.tzinfo)


def new_ticket_waits(ctx: Context, conn, day: str, queue: str, moment: datetime,
                     inputs: Inputs | None = None, kinds: tuple[bool, ...] = (False, True)) -> dict[bool, int]:
    """{False: the wait of a normal ticket joining `queue` now, True: of a priority one}; only the
    `kinds` asked for (each is a replay of its own)."""
    inputs = inputs or gather(ctx, conn, day, queue, moment)
    now = ctx.site.local_text(moment)
    return {kind: wait_of(ctx, conn, inputs, day, Waiting(GHOST, queue, kind, now)) for kind in kinds}

