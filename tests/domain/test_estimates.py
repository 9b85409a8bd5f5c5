"""The wait estimate: a replay of the calling order over the counters that serve the queue."""

import pytest

from server.domain.calling import PriorityRatio
from server.domain.estimates import (GHOST, MIN_SAMPLES, NO_SHOW_MINUTES, NO_SHOW_SHARE, Desk, Finished, Pace,
                                     Waiting, learn_pace, new_ticket_wait, no_show_pace,
                                     service_minutes, wait_minutes, whole_minutes)

RATIO = PriorityRatio(1, 2)
NOW = "2026-11-23T09:00:00.000+07:00"
TEN = Pace((("A", 10.0), ("B", 30.0)), no_show_share=0.0)  # ten minutes a call in A, thirty in B


def waiting(count: int, queue: str = "A", priority_every: int = 0, start: int = 0) -> list[Waiting]:
    """`count` tickets that joined `queue` a minute apart from 08:00; every n-th a priority one."""
    return [Waiting(start + i, queue, bool(priority_every) and i % priority_every == priority_every - 1,
                    f"2026-11-23T08:{start + i:02d}:00.000+07:00") for i in range(count)]


def open_desk(code: str = "L01", queues=("A",), **state) -> Desk:
    return Desk(code, tuple(queues), "open", **state)


@pytest.mark.parametrize("desks, ahead, expected", [
    ([open_desk()], 0, 0),  # nobody ahead, the counter idle: called now
    ([open_desk()], 1, 10),
    ([open_desk()], 5, 50),
    ([open_desk(), open_desk("L02")], 5, 20),  # two counters halve the wait (and call two at once now)
    ([open_desk(), open_desk("L02"), open_desk("L03")], 6, 20),
    ([open_desk(busy_minutes=4.0, busy_queue="A")], 1, 16),  # the current visit has 6 minutes left
    ([open_desk(busy_minutes=30.0, busy_queue="A")], 0, 3),  # a visit that ran long still takes a while
], ids=["empty", "one-ahead", "five-ahead", "two-counters", "three-counters", "busy", "overrun"])
def test_a_new_ticket_waits_for_the_tickets_ahead_at_the_counters_pace(desks, ahead, expected):
    assert new_ticket_wait(desks, waiting(ahead), TEN, RATIO, "A", False, NOW) == expected


@pytest.mark.parametrize("second, expected", [
    (None, 50),
    (Desk("L02", ("A",), "closed"), 50),  # a closed counter calls nobody
    (Desk("L02", ("A",), "paused", paused_minutes=5.0), 30),  # back after its break: 10 more minutes
    (Desk("L02", ("A",), "paused", paused_minutes=60.0), 23),  # a break that ran over: back in 3 minutes
    (Desk("L02", ("B",), "open"), 50),  # a counter of another queue does not help
])
def test_paused_and_closed_counters(second, expected):
    desks = [open_desk()] + ([second] if second else [])
    assert new_ticket_wait(desks, waiting(5), TEN, RATIO, "A", False, NOW) == expected


def test_before_any_counter_opens_the_ones_that_will_are_counted():
    closed = [Desk("L01", ("A",), "closed"), Desk("L02", ("A",), "closed")]
    assert new_ticket_wait(closed, waiting(4), TEN, RATIO, "A", False, NOW) == 20


@pytest.mark.parametrize("ratio, expected", [(PriorityRatio(1, 2), 10), (PriorityRatio(1, 0), 0)])
def test_a_priority_ticket_jumps_ahead_by_the_ratio(ratio, expected):
    # The counter is at the last normal ticket of its cycle: 1:2 serves one normal ticket
    # first; 1:0 always takes a priority ticket.
    desks = [open_desk(position=2)]
    assert new_ticket_wait(desks, waiting(6), TEN, ratio, "A", True, NOW) == expected
    assert new_ticket_wait(desks, waiting(6), TEN, ratio, "A", False, NOW) == 60


def test_priority_tickets_waiting_go_before_a_new_normal_one_and_in_turn_with_the_normal_ones():
    line = waiting(6, priority_every=3)  # tickets 2 and 5 are priority
    desk = [open_desk()]
    assert new_ticket_wait(desk, line, TEN, RATIO, "A", False, NOW) == 60
    # Ticket 5 (priority, joined last) is called second: the counter takes priority 2 first, then
    # two normal tickets, then priority 5.
    assert whole_minutes(wait_minutes(desk, line, TEN, RATIO, line[5])) == 30
    assert whole_minutes(wait_minutes(desk, line, TEN, RATIO, line[0])) == 10


def test_a_counter_serving_two_queues_shares_its_time_between_them():
    desks = [open_desk("L01", ("A", "B")), open_desk("L02", ("B",))]
    line = waiting(2, "B") + waiting(2, "A", start=10)
    # L01 and L02 take the two older B tickets (30 minutes each), then L01 the two A tickets.
    assert new_ticket_wait(desks, line, TEN, RATIO, "A", False, NOW) == 50


@pytest.mark.parametrize("share, minutes, expected", [(0.0, 3.0, 50), (0.5, 2.0, 30), (0.2, 10.0, 50)])
def test_no_shows_cost_only_the_recall(share, minutes, expected):
    pace = Pace((("A", 10.0),), no_show_share=share, no_show_minutes=minutes)
    assert new_ticket_wait([open_desk()], waiting(5), pace, RATIO, "A", False, NOW) == expected


@pytest.mark.parametrize("listed", [200, 80, 40, 10])
def test_a_long_queue_listed_in_part_drains_at_the_counters_pace(listed):
    desks = [open_desk(f"L{i}", busy_minutes=2.5 * i, busy_queue="A") for i in range(4)]
    assert new_ticket_wait(desks, waiting(listed), TEN, RATIO, "A", False, NOW, hidden={"A": 200 - listed}) \
        == pytest.approx(500, abs=3)


def test_a_ticket_not_listed_waits_for_the_hidden_ones_before_it():
    line = waiting(40)
    late = Waiting(500, "A", False, "2026-11-23T08:59:00.000+07:00")
    assert whole_minutes(wait_minutes([open_desk()], line, TEN, RATIO, late, hidden={"A": 10})) == 500


@pytest.mark.parametrize("recent, default, expected", [
    ([], 7, 7),  # nothing served yet: the configured minutes
    ([4.0], 8, 7),  # the configured minutes weigh as three visits
    ([4.0, 5.0, 6.0], 7, 6),
    ([5.0] * 60, 10, 5.24),
    ([5.0] * 20 + [500.0], 10, 6.04),  # a ticket left open over lunch counts as three times the median
])
def test_service_minutes_are_learned_from_the_day(recent, default, expected):
    assert MIN_SAMPLES == 3
    assert service_minutes(recent, default) == pytest.approx(expected, abs=0.01)


def test_no_show_share_and_minutes_come_from_the_day_once_there_are_enough():
    assert no_show_pace(5, 3, 5.0) == (NO_SHOW_SHARE, 5.0)
    assert no_show_pace(100, 10, 4.0) == (0.1, 4.0)
    assert no_show_pace(100, 2, 4.0) == (0.02, NO_SHOW_MINUTES)


def finished(queue, counter, called, done, no_show=False, priority=False):
    return Finished(queue, counter, f"2026-11-23T{called}:00.000+07:00", f"2026-11-23T{done}:00.000+07:00",
                    _minutes(called, done), no_show, priority)


def _minutes(start: str, end: str) -> float:
    (h1, m1), (h2, m2) = (map(int, start.split(":")), map(int, end.split(":")))
    return (h2 * 60 + m2) - (h1 * 60 + m1)


def test_the_pace_learns_visits_no_shows_and_turnaround():
    calls = [finished("A", "L01", f"09:{i * 10:02d}", f"09:{i * 10 + 9:02d}") for i in range(5)]
    calls.append(finished("B", "L02", "09:00", "09:05", no_show=True))
    pace = learn_pace(calls, {"A": 12.0, "B": 5.0}, {"L01": "2026-11-23T09:50:00.000+07:00"})
    minutes = dict(pace.minutes)
    assert minutes["A"] == pytest.approx((5 * 9 + 3 * 12) / 8) and minutes["B"] == 5.0
    assert pace.turnaround == pytest.approx(1.0)  # each next call a minute after the finish
    assert (pace.no_show_share, pace.no_show_minutes) == (NO_SHOW_SHARE, NO_SHOW_MINUTES)  # too few calls yet


def test_the_ghost_is_not_a_ticket():
    assert GHOST < 0


def test_a_queue_mixing_short_and_long_services_counts_each_ticket_at_its_service():
    pace = Pace((("A", 10.0),), no_show_share=0.0, services=(("SHORT", 5.0), ("LONG", 30.0)))
    line = waiting(3)
    services = {0: "LONG", 1: "SHORT", 2: "SHORT"}
    assert whole_minutes(wait_minutes([open_desk()], [*line, Waiting(GHOST, "A", False, NOW)], pace, RATIO,
                                      Waiting(GHOST, "A", False, NOW), service_of=services)) == 40
    busy = Desk("L01", ("A",), "open", busy_minutes=10.0, busy_queue="A", busy_service="LONG")
    assert new_ticket_wait([busy], [], pace, RATIO, "A", False, NOW) == 20  # 20 minutes left of a long visit


def test_the_pace_learns_each_service_apart():
    calls = [finished("A", "L01", "09:00", "09:30", ) for _ in range(3)]
    calls = [Finished(c.queue, c.counter, c.called_at, c.finished_at, c.minutes, False, False, "LONG") for c in calls]
    pace = learn_pace(calls, {"A": 10.0}, service_defaults={"LONG": 30.0, "SHORT": 5.0})
    assert dict(pace.services) == {"LONG": 30.0, "SHORT": 5.0}
    assert dict(pace.minutes)["A"] == pytest.approx(20.0)  # the queue's mix: three 30s and the default 10
