"""Estimated waiting time, shown on the kiosk, the ticket, the status page and the counter.

The estimate replays the calling order forward: the counters that serve the ticket's queue
(and the other queues those counters serve) call the waiting tickets by the same rule as a
real call-next (`calling.choose_next`: the priority interleave, oldest first or strict queue
order). Each call keeps its counter busy for its service's minutes learned from the day so
far, plus the counters' turnaround; a share of calls are no-shows that keep it only for the
recall. The estimate is when the ticket's turn comes in that replay. A long queue is replayed
only up to `MAX_CALLS` calls; the rest is spread evenly over the counters, which is what the
replay converges to anyway, so a thousand tickets waiting cost no more than two dozen.
"""

import heapq
import math
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean, median

from .calling import Candidate, PriorityRatio, choose_next

MIN_SAMPLES = 3  # the configured minutes weigh as much as this many finished tickets
RECENT = 100  # finished tickets per queue the minutes are learned from
OUTLIER_FACTOR = 3.0  # a visit longer than this × the median (a ticket left open) counts as that much
NO_SHOW_SHARE = 0.05  # before the day has shown its own share
NO_SHOW_MINUTES = 3.0  # called, recalled, marked absent: before the day has shown its own
NO_SHOW_MIN_CALLS = 20  # finished calls before the day's own no-show share is trusted
PAUSE_MINUTES = 15.0  # a paused counter is expected back this long after its pause began …
PAUSE_AT_LEAST = 3.0  # … or at least this long from now, when the pause already ran over
REMAINING_AT_LEAST = 0.25  # of the minutes per call: a visit that ran long still takes a while more
MAX_CALLS = 24  # calls replayed one by one; beyond, the queue drains at the counters' pace
GAP_MAX = 3.0  # minutes from a finish to the counter's next call that still count as turning round
GHOST = -1  # the ticket id of "a new ticket now"

Waiting = Candidate  # a waiting ticket: id, queue, priority, queued_at — what call-next sees


def service_minutes(recent_minutes: list[float], default_minutes: float) -> float:
    """Minutes a counter spends on one ticket of a queue (call to finish), learned from today.

    The mean of the recent visits (a wait is a sum of visits), a visit far above the median
    clipped, and the configured minutes weighing as MIN_SAMPLES visits so the day's first
    tickets move it only a little."""
    recent = [max(0.0, m) for m in recent_minutes[:RECENT]]
    if recent:
        cap = OUTLIER_FACTOR * median(recent)
        recent = [min(m, cap) for m in recent]
    return (sum(recent) + MIN_SAMPLES * default_minutes) / (len(recent) + MIN_SAMPLES)


def no_show_pace(calls: int, no_shows: int, no_show_minutes: float | None) -> tuple[float, float]:
    """(share of calls that end as no-shows, minutes such a call keeps the counter), from today's
    finished calls, their no-shows and the no-shows' mean minutes."""
    share = no_shows / calls if calls >= NO_SHOW_MIN_CALLS else NO_SHOW_SHARE
    minutes = no_show_minutes if no_shows >= MIN_SAMPLES and no_show_minutes is not None else NO_SHOW_MINUTES
    return share, minutes


@dataclass(frozen=True)
class Desk:
    """A counter as the estimate sees it."""

    code: str
    queues: tuple[str, ...]  # in the counter's order of preference
    status: str  # open, paused, closed
    position: int = 0  # in the priority interleave cycle
    strict_queue_order: bool = False
    busy_minutes: float | None = None  # how long its current ticket has been at the counter; None: idle
    busy_queue: str | None = None  # that ticket's queue
    paused_minutes: float = 0.0  # how long it has been paused
    busy_service: str | None = None  # that ticket's service


@dataclass(frozen=True)
class Pace:
    """What one call costs a counter, learned from today: minutes per queue and per service
    (call to finish of a served ticket; a queue often mixes a 5-minute service with a 30-minute
    one), the share of no-shows and their minutes, the turnaround from a finish to the next
    call. (Priority tickets that will arrive later and go first are left out: on the
    busy day, counting them made long waits 4 minutes too long on average, not shorter.)"""

    minutes: tuple[tuple[str, float], ...]
    no_show_share: float = NO_SHOW_SHARE
    no_show_minutes: float = NO_SHOW_MINUTES
    turnaround: float = 0.0
    default_minutes: float = 10.0  # a queue missing from `minutes`
    services: tuple[tuple[str, float], ...] = ()
    _lookup: dict = field(init=False, repr=False, compare=False)  # the two tables as dicts, once

    def __post_init__(self):
        object.__setattr__(self, "_lookup", (dict(self.minutes), dict(self.services)))

    def per_call(self, queue: str, service: str | None = None) -> float:
        by_queue, by_service = self._lookup
        served = by_service.get(service) or by_queue.get(queue, self.default_minutes)
        return (1 - self.no_show_share) * served + self.no_show_share * self.no_show_minutes + self.turnaround


@dataclass(frozen=True)
class Finished:
    """A call finished today (served or no-show), as the pace is learned from it."""

    queue: str
    counter: str | None
    called_at: str  # ISO 8601
    finished_at: str
    minutes: float  # call to finish
    no_show: bool
    priority: bool
    service: str | None = None


def learn_pace(finished: list[Finished], default_minutes: dict[str, float],
               current_calls: dict[str, str] | None = None, service_defaults: dict[str, float] | None = None) -> Pace:
    """The pace of a group of queues from their latest finished calls (newest first, up to
    RECENT per queue) and each counter's current call (counter -> called at); per queue and,
    given their configured minutes, per service."""
    by_queue: dict[str, list[float]] = {}
    by_service: dict[str, list[float]] = {}
    for call in finished:
        if not call.no_show:
            by_queue.setdefault(call.queue, []).append(call.minutes)
            by_service.setdefault(call.service, []).append(call.minutes)
    minutes = tuple((q, service_minutes(by_queue.get(q, []), d)) for q, d in sorted(default_minutes.items()))
    services = tuple((s, service_minutes(by_service.get(s, []), d)) for s, d in sorted((service_defaults or {}).items()))
    no_shows = [c.minutes for c in finished if c.no_show]
    share, no_show_minutes = no_show_pace(len(finished), len(no_shows), fmean(no_shows) if no_shows else None)
    return Pace(minutes, share, no_show_minutes, _turnaround(finished, current_calls or {}), services=services)


def _turnaround(finished: list[Finished], current_calls: dict[str, str]) -> float:
    """Mean minutes from a counter's finish to its next call, when it called again soon (a
    longer gap is a counter that had nobody to call, not its turnaround)."""
    calls: dict[str, list[tuple[str, str | None]]] = {}
    for c in finished:
        if c.counter:
            calls.setdefault(c.counter, []).append((c.called_at, c.finished_at))
    for counter, called_at in current_calls.items():
        calls.setdefault(counter, []).append((called_at, None))
    gaps = []
    for rows in calls.values():
        rows.sort()
        for (_, finished_at), (next_call, _) in zip(rows, rows[1:]):
            if finished_at:
                gap = (datetime.fromisoformat(next_call) - datetime.fromisoformat(finished_at)).total_seconds() / 60
                if 0 <= gap <= GAP_MAX:
                    gaps.append(gap)
    return fmean(gaps) if len(gaps) >= MIN_SAMPLES else 0.0


def whole_minutes(minutes: float) -> int:
    """Minutes as the citizen reads them: rounded to the nearest, never below zero."""
    return max(0, math.floor(minutes + 0.5))


def free_in(desk: Desk, pace: Pace, per_call: dict[str, float], opening: bool) -> float | None:
    """Minutes until `desk` calls its next ticket; None when it will not call (closed)."""
    if desk.status == "paused":
        return max(PAUSE_MINUTES - desk.paused_minutes, PAUSE_AT_LEAST)
    if desk.status != "open" and not opening:
        return None
    if desk.busy_minutes is None:
        return 0.0
    each = pace.per_call(desk.busy_queue, desk.busy_service) if desk.busy_queue else per_call[desk.queues[0]]
    return max(each - desk.busy_minutes, REMAINING_AT_LEAST * each)


@dataclass(frozen=True)
class Replay:
    """Where the replay of the listed tickets ended: the target's call, or the state the even
    drain goes on from (each counter's next free minute, what is left of each line)."""

    called_in: float | None
    clock: tuple[tuple[float, str], ...] = ()
    left: tuple[tuple[tuple[str, bool], tuple[Waiting, ...]], ...] = ()


def replay(desks: list[Desk], waiting: list[Waiting], pace: Pace, ratio: PriorityRatio, target: Waiting,
           long_queues: frozenset[str] = frozenset(), service_of: dict[int, str] | None = None) -> Replay:
    """Replay the calls of `desks` over `waiting` until `target` is called or MAX_CALLS.

    `long_queues`: queues whose normal tickets are listed only in part (the oldest); the
    replay stops when such a list runs out, and a normal target in one waits for the drain.
    Before any of `desks` has opened today, the closed ones are counted as opening now."""
    per_call = {q: pace.per_call(q) for q in {q for d in desks for q in d.queues}}
    service_of = service_of or {}
    known = pace._lookup[1]
    per_service = {s: pace.per_call("", s) for s in set(service_of.values()) if s in known}
    opening = not any(d.status in ("open", "paused") for d in desks)
    target_waits_drain = not target.priority and target.queue in long_queues
    line: dict[tuple[str, bool], deque] = {}
    for ticket in sorted(waiting, key=lambda t: (t.queued_at, t.ticket_id)):
        if not (target_waits_drain and ticket.ticket_id == target.ticket_id):
            line.setdefault((ticket.queue, ticket.priority), deque()).append(ticket)
    clock, positions, by_code = [], {}, {}
    for desk in desks:
        start = free_in(desk, pace, per_call, opening)
        if start is not None:
            clock.append((start, desk.code))
            positions[desk.code], by_code[desk.code] = desk.position, desk
    heapq.heapify(clock)
    kinds = {code: [(q, p) for q in d.queues for p in (True, False)] for code, d in by_code.items()}
    calls = 0
    while clock and calls < MAX_CALLS:
        now, code = heapq.heappop(clock)
        desk = by_code[code]
        heads = [line[key][0] for key in kinds[code] if line.get(key)]
        choice = choose_next(heads, desk.queues, ratio, positions[code], desk.strict_queue_order)
        if choice is None:
            continue  # nothing this counter serves waits any more: it stays idle
        if choice.ticket_id == target.ticket_id:
            return Replay(now)
        chosen = next(t for t in heads if t.ticket_id == choice.ticket_id)
        kind = line[(chosen.queue, chosen.priority)]
        kind.popleft()
        positions[code] = choice.position
        calls += 1
        each = per_service.get(service_of.get(chosen.ticket_id)) or per_call[chosen.queue]
        heapq.heappush(clock, (now + each, code))
        if not kind and not chosen.priority and chosen.queue in long_queues:
            break  # the listed part of a long queue ran out: the rest is not known ticket by ticket
    return Replay(None, tuple(sorted(clock)), tuple((key, tuple(rest)) for key, rest in line.items() if rest))


def drain(state: Replay, desks: list[Desk], pace: Pace, ratio: PriorityRatio, target: Waiting,
          hidden: dict[str, int]) -> float:
    """Past the replay: the counters serving the target's queue call the rest at their pace.

    Ahead of the target: what is left of its kind before it, plus `hidden` (per queue, normal
    tickets not listed and older than the target; for a priority target, all of them); other
    queues' tickets count in proportion to the counters the target's counters share them
    with, and the interleave puts tickets of the other kind before it."""
    if state.called_in is not None:
        return state.called_in
    queues_of = {d.code: d.queues for d in desks}
    serving = [(at, code) for at, code in state.clock if target.queue in queues_of[code]]
    if not serving:
        return pace.per_call(target.queue)  # nobody serving the queue will open: say the queue's pace
    counters_of, ours = {}, {}
    for at, code in state.clock:
        for q in queues_of[code]:
            counters_of[q] = counters_of.get(q, 0) + 1
            if target.queue in queues_of[code]:
                ours[q] = ours.get(q, 0) + 1
    # Tickets ahead of the target per queue: of its kind, and of the other kind.
    same: dict[str, float] = {}
    other: dict[str, float] = {}
    mark = (target.queued_at, target.ticket_id)
    for (queue, priority), tickets in state.left:
        if queue in ours:
            share = ours[queue] / counters_of[queue]
            if priority == target.priority:
                older = sum(1 for t in tickets if (t.queued_at, t.ticket_id) < mark)
                same[queue] = same.get(queue, 0.0) + share * older
            else:
                other[queue] = other.get(queue, 0.0) + share * len(tickets)
    for queue, count in hidden.items():
        if queue in ours:
            part = same if not target.priority else other
            part[queue] = part.get(queue, 0.0) + ours[queue] / counters_of[queue] * count
    if target.priority:  # the interleave calls up to `normal` normal tickets per priority one
        allowed = (sum(same.values()) + 1) * ratio.normal / ratio.priority
        total = sum(other.values())
        if total > allowed:
            other = {q: n * allowed / total for q, n in other.items()}
    # (A normal target: the priority tickets waiting now all go first.)
    ahead = sum(same.values()) + sum(other.values())
    free = sorted(at for at, _ in serving)
    k = len(free)
    if ahead < k:
        return free[int(ahead)]
    # Counter i calls at free_i, then every `each` minutes: when do they make their (ahead + 1)-th
    # call? The minutes ahead weigh each queue's tickets at that queue's pace.
    work = sum(n * pace.per_call(q) for part in (same, other) for q, n in part.items())
    each = work / ahead
    return max((work - each * (k - 1) / 2 + sum(free)) / k, free[-1])


def wait_minutes(desks: list[Desk], waiting: list[Waiting], pace: Pace, ratio: PriorityRatio, target: Waiting,
                 hidden: dict[str, int] | None = None, service_of: dict[int, str] | None = None) -> float:
    """Minutes until `target` (listed in `waiting` or not) is called. `hidden`: per queue,
    normal tickets left out of `waiting`, newer than the listed ones (see `drain`)."""
    hidden = {q: n for q, n in (hidden or {}).items() if n > 0}
    state = replay(desks, waiting, pace, ratio, target, frozenset(hidden), service_of)
    return drain(state, desks, pace, ratio, target, hidden)


def new_ticket_wait(desks: list[Desk], waiting: list[Waiting], pace: Pace, ratio: PriorityRatio, queue: str,
                    priority: bool, now: str, hidden: dict[str, int] | None = None) -> int:
    """The wait, in whole minutes, of a ticket that would join `queue` now, behind everyone."""
    ghost = Waiting(GHOST, queue, priority, now)
    return whole_minutes(wait_minutes(desks, [*waiting, ghost], pace, ratio, ghost, hidden))


class FloorChanges:
    """What moved on the floor, counted per queue from the committed events, so that the inputs
    of a wait estimate gathered a moment ago can be reused while nothing they hold has moved.

    A queue's *tail* moves when a ticket joins it (issued, printed); its *head* moves when a ticket
    in it is called, served, finished or cancelled. A counter opening, pausing or changing its
    queues, a transfer between queues and a change of the site move everything."""

    TAIL = frozenset({"ticket.issued", "ticket.waiting"})
    EVERYTHING = ("counter.", "site.", "ticket.transferred")

    def __init__(self):
        self.everything = 0
        self.head: dict[str, int] = {}
        self.tail: dict[str, int] = {}

    def saw(self, events) -> None:
        """`events`: committed events (anything with `type` and `queue`), in order."""
        for event in events:
            if event.type in self.TAIL and event.queue:
                self.tail[event.queue] = self.tail.get(event.queue, 0) + 1
            elif event.type.startswith(self.EVERYTHING) or (event.type.startswith("ticket.") and not event.queue):
                self.everything += 1
            elif event.type.startswith("ticket."):
                self.head[event.queue] = self.head.get(event.queue, 0) + 1

    def stamp(self, queues: tuple[str, ...]) -> tuple:
        """Where `queues` stand now: (everything and heads, tails)."""
        return ((self.everything, *(self.head.get(q, 0) for q in queues)),
                tuple(self.tail.get(q, 0) for q in queues))


class Memo:
    """Small least-recently-used memories, one per kind of answer, so that a burst of tickets
    into the same long queue replays its head once (a key holds every input of its answer)."""

    SIZES = {"site": 256, "pace": 64, "inputs": 128, "replay": 64, "ticket": 256, "joining": 512, "floor": 4,
             "floor_scope": 128, "today": 4}

    def __init__(self):
        self._shelves = {kind: OrderedDict() for kind in self.SIZES}

    def get(self, kind: str, key, compute):
        shelf = self._shelves[kind]
        try:
            shelf.move_to_end(key)
            return shelf[key]
        except KeyError:
            value = shelf[key] = compute()
            if len(shelf) > self.SIZES[kind]:
                shelf.popitem(last=False)
            return value

    def peek(self, kind: str, key):
        """The value kept under `key`, or None."""
        shelf = self._shelves[kind]
        value = shelf.get(key)
        if value is not None:
            shelf.move_to_end(key)
        return value

    def put(self, kind: str, key, value) -> None:
        shelf = self._shelves[kind]
        shelf[key] = value
        shelf.move_to_end(key)
        if len(shelf) > self.SIZES[kind]:
            shelf.popitem(last=False)
