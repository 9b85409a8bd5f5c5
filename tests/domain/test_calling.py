"""Which waiting ticket a counter calls next: FIFO, queue preference, priority interleave."""

import pytest

from server.domain.calling import Candidate, Choice, PriorityRatio, choose_next

ONE_TWO = PriorityRatio(1, 2)


def at(minute: int) -> str:
    """An instant in UTC as the database stores it (sorts as text)."""
    return f"2026-11-23T02:{minute:02d}:00.000+00:00"


def normal(ticket_id: int, queue: str = "A", minute: int = 0) -> Candidate:
    return Candidate(ticket_id, queue, False, at(minute))


def priority(ticket_id: int, queue: str = "A", minute: int = 0) -> Candidate:
    return Candidate(ticket_id, queue, True, at(minute))


def oldest_per_queue_and_kind(waiting: list[Candidate]) -> list[Candidate]:
    """What storage hands choose_next: the oldest ticket of each kind in each queue."""
    best: dict[tuple[str, bool], Candidate] = {}
    for candidate in waiting:
        key = (candidate.queue, candidate.priority)
        if key not in best or (candidate.queued_at, candidate.ticket_id) < (best[key].queued_at,
                                                                           best[key].ticket_id):
            best[key] = candidate
    return list(best.values())


def call_all(waiting: list[Candidate], queue_order: list[str], ratio: PriorityRatio, position: int = 0,
             strict: bool = False) -> list[int]:
    """Call until nobody waits; the ticket ids in the order they were called."""
    waiting = list(waiting)
    called = []
    while True:
        choice = choose_next(oldest_per_queue_and_kind(waiting), queue_order, ratio, position, strict)
        if choice is None:
            return called
        called.append(choice.ticket_id)
        position = choice.position
        waiting = [c for c in waiting if c.ticket_id != choice.ticket_id]


# ------------------------------------------------------------------ one call


@pytest.mark.parametrize(
    "candidates, queue_order, ratio, position, strict, expected",
    [
        pytest.param([normal(1, "A", 5), normal(2, "B", 1)], ["A", "B"], ONE_TWO, 1, False, Choice(2, 2),
                     id="fifo-across-queues-oldest-wins"),
        pytest.param([normal(1, "A", 1), normal(2, "B", 5)], ["B", "A"], ONE_TWO, 1, False, Choice(1, 2),
                     id="fifo-ignores-queue-order-when-not-strict"),
        pytest.param([normal(1, "A", 5), normal(2, "B", 5)], ["B", "A"], ONE_TWO, 1, False, Choice(2, 2),
                     id="same-instant-queue-order-breaks-the-tie"),
        pytest.param([normal(7, "A", 5), normal(3, "A", 5)], ["A"], ONE_TWO, 1, False, Choice(3, 2),
                     id="same-instant-same-queue-lower-id-first"),
        pytest.param([normal(1, "A", 5), normal(2, "B", 1)], ["A", "B"], ONE_TWO, 1, True, Choice(1, 2),
                     id="strict-order-earlier-queue-first-even-if-younger"),
        pytest.param([normal(2, "B", 1)], ["A", "B"], ONE_TWO, 1, True, Choice(2, 2),
                     id="strict-order-falls-to-the-next-queue-when-the-first-is-empty"),
        pytest.param([], ["A"], ONE_TWO, 0, False, None, id="nobody-waits"),
        pytest.param([normal(1, "X", 0), priority(2, "Y", 0)], ["A", "B"], ONE_TWO, 0, False, None,
                     id="only-other-counters-queues-wait"),
        pytest.param([normal(1, "X", 0), normal(2, "A", 9)], ["A"], ONE_TWO, 1, False, Choice(2, 2),
                     id="candidates-of-foreign-queues-are-ignored"),
        pytest.param([priority(1, "X", 0), normal(2, "A", 9)], ["A"], ONE_TWO, 0, False, Choice(2, 0),
                     id="foreign-priority-ticket-does-not-count-as-waiting"),
        pytest.param([normal(1, "A", 0), priority(2, "A", 9)], ["A"], ONE_TWO, 0, False, Choice(2, 1),
                     id="position-0-wants-priority-even-if-younger"),
        pytest.param([normal(1, "A", 0), priority(2, "A", 9)], ["A"], ONE_TWO, 1, False, Choice(1, 2),
                     id="position-1-wants-normal"),
        pytest.param([normal(1, "A", 0), priority(2, "A", 9)], ["A"], ONE_TWO, 2, False, Choice(1, 0),
                     id="position-2-wants-normal-and-wraps"),
        pytest.param([normal(1, "A", 0)], ["A"], ONE_TWO, 0, False, Choice(1, 0),
                     id="wanted-priority-missing-position-stays"),
        pytest.param([priority(1, "A", 0)], ["A"], ONE_TWO, 1, False, Choice(1, 1),
                     id="wanted-normal-missing-position-stays"),
        pytest.param([normal(1, "A", 0), priority(2, "A", 9)], ["A"], PriorityRatio(1, 0), 0, False, Choice(2, 0),
                     id="ratio-1-0-always-prefers-priority"),
        pytest.param([normal(1, "A", 0), priority(2, "A", 9)], ["A"], PriorityRatio(1, 0), 5, False, Choice(2, 0),
                     id="ratio-1-0-any-position-prefers-priority"),
        pytest.param([normal(1, "A", 0), priority(2, "B", 9)], ["A", "B"], ONE_TWO, 0, True, Choice(2, 1),
                     id="priority-beats-strict-queue-order"),
    ],
)
def test_choose_next(candidates, queue_order, ratio, position, strict, expected):
    assert choose_next(candidates, queue_order, ratio, position, strict) == expected


# ------------------------------------------------------------------ many calls


@pytest.mark.parametrize(
    "ratio, expected",
    [
        (PriorityRatio(1, 2), "PNNPNN"),
        (PriorityRatio(1, 1), "PNPNPN"),
        (PriorityRatio(2, 1), "PPNPPN"),
        (PriorityRatio(1, 0), "PPPPPP"),
    ],
)
def test_interleave_pattern_when_both_kinds_wait(ratio, expected):
    # Eight of each, all normals older than every priority ticket: only the ratio decides.
    waiting = [normal(n, "A", n) for n in range(1, 9)] + [priority(100 + n, "A", 20 + n) for n in range(1, 9)]
    called = call_all(waiting, ["A"], ratio)
    kinds = "".join("P" if ticket_id >= 100 else "N" for ticket_id in called)
    assert kinds[:6] == expected


def test_priority_arriving_while_only_normals_wait_is_taken_next():
    position = 0  # the counter wants a priority ticket, but none waits
    first = choose_next([normal(1, "A", 0), normal(2, "A", 1)], ["A"], ONE_TWO, position)
    assert first == Choice(1, 0)  # a normal one is served; the cycle does not move
    # A lansia arrives after normal ticket 2: it is still taken next.
    second = choose_next([normal(2, "A", 1), priority(3, "A", 5)], ["A"], ONE_TWO, first.position)
    assert second == Choice(3, 1)
    third = choose_next([normal(2, "A", 1)], ["A"], ONE_TWO, second.position)
    assert third == Choice(2, 2)


def test_strict_queue_order_empties_the_earlier_queue_first():
    waiting = [normal(1, "B", 0), normal(2, "A", 5), normal(3, "B", 1), normal(4, "A", 6), normal(5, "A", 7)]
    assert call_all(waiting, ["A", "B"], ONE_TWO, position=1, strict=True) == [2, 4, 5, 1, 3]
    assert call_all(waiting, ["A", "B"], ONE_TWO, position=1, strict=False) == [1, 3, 2, 4, 5]


def test_thirty_tickets_every_third_priority_are_each_called_once_in_interleave_order():
    # Tickets 1..30 arrive a minute apart, alternating between two queues of the counter;
    # every third one is a priority ticket (lansia, disabilitas ...).
    waiting = [
        Candidate(n, "A" if n % 2 else "B", n % 3 == 0, at(n)) for n in range(1, 31)
    ]
    called = call_all(waiting, ["A", "B"], ONE_TWO)

    assert sorted(called) == list(range(1, 31))  # every ticket exactly once
    assert len(called) == len(set(called)) == 30
    expected = []
    for k in range(10):
        expected += [3 * k + 3, 3 * k + 1, 3 * k + 2]  # P N N, each kind in arrival order
    assert called == expected


def test_simulated_day_with_arrivals_between_calls_keeps_the_ratio_and_loses_nobody():
    """Tickets arrive while the counter calls; each call sees only who has arrived."""
    arrivals = [Candidate(n, "A", n % 3 == 0, at(n)) for n in range(1, 31)]
    waiting: list[Candidate] = []
    called: list[int] = []
    position = 0
    for step, ticket in enumerate(arrivals):
        waiting.append(ticket)
        if step % 2 == 1:  # one call for every two arrivals: the queue grows
            choice = choose_next(oldest_per_queue_and_kind(waiting), ["A"], ONE_TWO, position)
            called.append(choice.ticket_id)
            position = choice.position
            waiting = [c for c in waiting if c.ticket_id != choice.ticket_id]
    called += call_all(waiting, ["A"], ONE_TWO, position)

    assert sorted(called) == list(range(1, 31))
    priority_ids = [n for n in called if n % 3 == 0]
    normal_ids = [n for n in called if n % 3 != 0]
    assert priority_ids == sorted(priority_ids) and normal_ids == sorted(normal_ids)  # FIFO within a kind


# ------------------------------------------------------------------ the ratio


@pytest.mark.parametrize(
    "text, expected",
    [("1:2", PriorityRatio(1, 2)), ("1:0", PriorityRatio(1, 0)), ("2:3", PriorityRatio(2, 3)),
     (" 1 : 4 ", PriorityRatio(1, 4))],
)
def test_priority_ratio_parse(text, expected):
    assert PriorityRatio.parse(text) == expected


@pytest.mark.parametrize("text", ["x", "0:2", "1:-1", "", "1", "1:2:3", "a:b", "1.5:2", ":", "-1:2"])
def test_priority_ratio_parse_rejects(text):
    with pytest.raises(ValueError, match="ratio|priority must be"):
        PriorityRatio.parse(text)


@pytest.mark.parametrize(
    "ratio, wanted",
    [(PriorityRatio(1, 2), [True, False, False, True, False, False]),
     (PriorityRatio(2, 1), [True, True, False, True, True, False]),
     (PriorityRatio(1, 0), [True] * 6)],
)
def test_wants_priority_over_positions(ratio, wanted):
    assert [ratio.wants_priority(p) for p in range(6)] == wanted
