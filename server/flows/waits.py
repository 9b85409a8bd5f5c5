"""The wait estimate's inputs, gathered from the database for the one rule in domain/estimates.py:
the ticket's answer, the status page, the kiosk catalog and the counter's queues all ask here.

The calls that decide a queue's wait are those of its component: the counters serving it, the
other queues they serve, the counters serving those, and so on. The replay of a component's
head is remembered (ctx.estimates) under every input it used, with the clock in steps of
BUCKET_MIN, so a burst of tickets into one long queue replays its head once; the pace of a
component, which moves slowly, is learned again once a minute.
"""

import json
from dataclasses import dataclass, replace
from datetime import datetime

from .. import storage
from ..context import Context
from ..domain import estimates, supervise
from ..domain.estimates import GHOST, Desk, Pace, Waiting

HEAD = 12  # tickets listed per queue; the rest of a long queue is only counted
BUCKET_MIN = 0.1  # the replay's clock moves in steps this long
PACE_EVERY_MIN = 1.0  # the pace (means over the last hundred calls) is learned again at most this often


@dataclass(frozen=True)
class Inputs:
    """One component's state at one moment, as the rule takes it."""

    key: "Key"  # everything the replay depends on but the target
    desks: list[Desk]
    listed: list[Waiting]
    pace: Pace
    head_full: frozenset[str]  # queues listed only in part
    offset: float  # minutes from the bucketed clock to now
    service_of: dict[int, str]  # the listed tickets' services


class Key:
    """A memory key whose hash is computed once (it holds a queue's head, tens of tickets)."""

    __slots__ = ("parts", "hash")

    def __init__(self, parts: tuple):
        self.parts, self.hash = parts, hash(parts)

    def __hash__(self):
        return self.hash

    def __eq__(self, other):
        return self is other or (self.hash == other.hash and self.parts == other.parts)


def _today(ctx: Context, conn, day: str) -> tuple:
    """The counters whose queues a supervisor changed for `day` (usually none), as a hashable key.
    Read again when a counter has changed (a `counter.updated` moves everything in ctx.changes)."""

    def read() -> tuple:
        return tuple(sorted(storage.queues_today(conn, day).items()))

    if conn is ctx.writer.conn:  # inside a change not yet committed
        return read()
    return ctx.estimates.get("today", (day, ctx.changes.everything), read)


def counters_by_queue(ctx: Context, conn, day: str) -> dict[str, list[str]]:
    """The counters that serve each queue on `day`."""
    today = _today(ctx, conn, day)
    if not today:
        return ctx.site.counters_by_queue

    def compute():
        configured = {code: tuple(c.queues) for code, c in ctx.site.counters.items()}
        return supervise.counters_by_queue(supervise.served_today(configured, dict(today)))

    return ctx.estimates.get("site", ("by_queue", ctx.site, today), compute)


def component(ctx: Context, queue: str, today: tuple = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(queues, counters) whose calls decide the wait in `queue`; `today`: the counters whose
    queues a supervisor changed for the day (`_today`)."""
    site = ctx.site
    changed = dict(today)

    def compute():
        by_queue = site.counters_by_queue
        if changed:
            configured = {code: tuple(c.queues) for code, c in site.counters.items()}
            by_queue = supervise.counters_by_queue(supervise.served_today(configured, changed))
        queues, counters, todo = set(), set(), [queue]
        while todo:
            q = todo.pop()
            if q not in queues:
                queues.add(q)
                for code in by_queue.get(q, []):
                    if code not in counters:
                        counters.add(code)
                        todo.extend(changed.get(code) or site.counters[code].queues)
        return tuple(sorted(queues)), tuple(sorted(counters))

    return ctx.estimates.get("site", ("component", site, queue, today), compute)


def _default_minutes(ctx: Context) -> dict[str, float]:
    """Each queue's configured minutes: the mean over the services that feed it."""
    site = ctx.site

    def compute():
        feeds: dict[str, list[float]] = {}
        for service in site.services.values():
            feeds.setdefault(service.queue, []).append(service.default_minutes)
        return {q: sum(m) / len(m) for q, m in feeds.items()}

    return ctx.estimates.get("site", ("defaults", site), compute)


def _pace(ctx: Context, conn, day: str, queues: tuple[str, ...], rows: list[tuple]) -> Pace:
    defaults = _default_minutes(ctx)
    finished = [estimates.Finished(q, *r) for q in queues
                for r in storage.recent_finished_calls(conn, day, q, estimates.RECENT)]
    current = {r[0]: r[6] for r in rows if r[6]}
    services = {s.code: s.default_minutes for s in ctx.site.services.values() if s.queue in queues}
    return estimates.learn_pace(finished, {q: defaults.get(q, 10.0) for q in queues}, current, services)


def _minutes_between(earlier: str | None, later: datetime) -> float:
    return (later - datetime.fromisoformat(earlier)).total_seconds() / 60 if earlier else 0.0


def gather(ctx: Context, conn, day: str, queue: str, moment: datetime) -> Inputs:
    """The state of `queue`'s component now: its counters, the head of each queue, the pace.

    Gathered again only when something it holds has moved (ctx.changes, counted from the
    committed events) or the clock has stepped on: a ticket joining a queue listed only in part
    changes nothing here (it is counted, in `wait_of`), so a burst of tickets into long queues
    reads the database once per step of the clock, not once per ticket."""
    today = _today(ctx, conn, day)
    queues, _ = component(ctx, queue, today)
    bucket = _bucket(moment)
    if conn is ctx.writer.conn:  # inside a change not yet committed: what it moved is not counted yet
        return replace(_gather(ctx, conn, day, queue, bucket, today), offset=(moment - bucket).total_seconds() / 60)
    # Taken before reading: a change committed meanwhile shows as a move, never the other way round.
    moved, tails = ctx.changes.stamp(queues)
    key = (day, queues, bucket, ctx.site, today, moved)

    def fresh():
        return tails, _gather(ctx, conn, day, queue, bucket, today)

    seen, inputs = ctx.estimates.get("inputs", key, fresh)
    if any(then != now for q, then, now in zip(queues, seen, tails) if q not in inputs.head_full):
        seen, inputs = fresh()
        ctx.estimates.put("inputs", key, (seen, inputs))
    return replace(inputs, offset=(moment - bucket).total_seconds() / 60)


def _gather(ctx: Context, conn, day: str, queue: str, bucket: datetime, today: tuple) -> Inputs:
    queues, codes = component(ctx, queue, today)
    rows = [tuple(r) for r in storage.counters_at_work(conn, list(codes), day)] if codes else []
    pace = ctx.estimates.get("pace", (day, queues, _bucket(bucket, PACE_EVERY_MIN)),
                             lambda: _pace(ctx, conn, day, queues, rows))
    desks = []
    for code, listed_queues, status, since, position, strict, called_at, ticket_queue, ticket_service in rows:
        desks.append(Desk(code, tuple(json.loads(listed_queues)), status, position, bool(strict),
                          _minutes_between(called_at, bucket) if called_at else None, ticket_queue,
                          _minutes_between(since, bucket) if status == "paused" else 0.0, ticket_service))
    listed, head_full, heads = [], set(), []
    for q in queues:
        head = storage.queue_head(conn, day, q, HEAD)
        if len(head) >= HEAD:
            head_full.add(q)  # the rest are counted, not listed
        heads += head
    listed = [Waiting(r[0], r[1], bool(r[2]), r[3]) for r in heads]
    service_of = {r[0]: r[4] for r in heads}
    # Plain tuples hash and compare fast.
    key = Key((day, queues, tuple(rows), bucket, tuple(heads), frozenset(head_full), pace, ctx.site.ratio))
    return Inputs(key, desks, listed, pace, frozenset(head_full), 0.0, service_of)


def wait_of(ctx: Context, conn, inputs: Inputs, day: str, target: Waiting) -> int:
    """Whole minutes until `target` (a waiting ticket, or a GHOST joining now) is called."""
    # Normal tickets left out of the listing and ahead of the target (all of them for a priority
    # target: the interleave may call newer normal ones first).
    before = None if target.priority or target.ticket_id == GHOST else target.queued_at
    hidden = {}
    for q in inputs.head_full:
        listed_before = sum(1 for w in inputs.listed if w.queue == q and (before is None or w.queued_at < before))
        hidden[q] = storage.waiting_before(conn, day, q, before) - listed_before
    hidden = {q: n for q, n in hidden.items() if n > 0}
    in_drain = not target.priority and target.queue in hidden
    listed = inputs.listed
    if not in_drain and not any(w.ticket_id == target.ticket_id for w in listed):
        listed = [*listed, target]
    ratio = ctx.site.ratio
    key = (inputs.key, frozenset(hidden), None if in_drain else target)
    state = ctx.estimates.get("replay", key, lambda: estimates.replay(inputs.desks, listed, inputs.pace, ratio, target,
                                                            frozenset(hidden), inputs.service_of))
    minutes = estimates.drain(state, inputs.desks, inputs.pace, ratio, target, hidden)
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


@dataclass(frozen=True)
class Joining:
    """A queue's wait for a ticket joining it now, as every screen shows it."""

    normal: int
    priority: int | None  # when asked for
    minutes_each: float  # the minutes per ticket the rule learned today


def joining(ctx: Context, conn, day: str, queues, moment: datetime, priority: bool = False,
            every_min: float | None = None) -> dict[str, Joining]:
    """Per queue, the wait of a ticket joining it now (and of a priority one, when asked).

    Kept while nothing in the queue's component has moved (see `gather`) and the clock has not
    stepped on; with `every_min`, kept that long whatever moved (the `queue.counts` of a busy
    floor). Inside a change not yet committed (a counter action's answer), from that change's
    own state, and not kept."""
    kinds = (False, True) if priority else (False,)
    found, fresh = {}, {}
    inside = conn is ctx.writer.conn
    today = _today(ctx, conn, day)
    for queue in queues:
        component_queues, _ = component(ctx, queue, today)
        if inside:
            inputs = fresh.get(component_queues) or fresh.setdefault(
                component_queues, gather(ctx, conn, day, queue, moment))
            found[queue] = _joining(ctx, conn, day, queue, moment, kinds, inputs)
            continue
        if every_min is None:
            key = (day, queue, ctx.site, today, kinds, _bucket(moment), ctx.changes.stamp(component_queues))
        else:
            key = (day, queue, ctx.site, today, kinds, _bucket(moment, every_min))
        found[queue] = ctx.estimates.get("joining", key, lambda: _joining(ctx, conn, day, queue, moment, kinds))
    return found


def _joining(ctx: Context, conn, day: str, queue: str, moment: datetime, kinds: tuple[bool, ...],
             inputs: Inputs | None = None) -> Joining:
    inputs = inputs or gather(ctx, conn, day, queue, moment)
    waits = new_ticket_waits(ctx, conn, day, queue, moment, inputs, kinds)
    return Joining(waits[False], waits.get(True), round(dict(inputs.pace.minutes)[queue], 1))
