"""Which waiting ticket a counter calls next.

Priority tickets (lansia, disabilitas, ibu hamil ...) are interleaved with normal
ones at a configured ratio, e.g. 1 priority : 2 normal. The counter remembers its
position in that cycle; the position only moves when the kind it wanted was served,
so a priority citizen who arrives while only normal tickets wait is taken next.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PriorityRatio:
    priority: int = 1
    normal: int = 2

    @classmethod
    def parse(cls, text: str) -> "PriorityRatio":
        """'1:2' -> one priority ticket for every two normal ones."""
        try:
            left, right = (int(part) for part in text.split(":"))
        except ValueError:
            raise ValueError(f"{text!r} is not a ratio like '1:2'") from None
        if left < 1 or right < 0:
            raise ValueError(f"{text!r}: priority must be at least 1 and normal at least 0")
        return cls(left, right)

    @property
    def cycle(self) -> int:
        return self.priority + self.normal

    def wants_priority(self, position: int) -> bool:
        return position % self.cycle < self.priority


@dataclass(frozen=True)
class Candidate:
    """The oldest waiting ticket of one kind (priority or not) in one queue."""

    ticket_id: int
    queue: str
    priority: bool
    queued_at: str  # ISO 8601 in UTC: sorts as text


@dataclass(frozen=True)
class Choice:
    ticket_id: int
    position: int  # the counter's new position in the interleave cycle


def choose_next(
    candidates: list[Candidate],
    queue_order: list[str],
    ratio: PriorityRatio,
    position: int,
    strict_queue_order: bool = False,
) -> Choice | None:
    """Pick the next ticket among `candidates`, or None when nobody waits.

    Oldest first across the counter's queues; with `strict_queue_order`, a queue
    earlier in `queue_order` is always emptied before a later one.
    """
    rank = {code: index for index, code in enumerate(queue_order)}
    usable = [c for c in candidates if c.queue in rank]
    if not usable:
        return None

    def key(candidate: Candidate):
        if strict_queue_order:
            return (rank[candidate.queue], candidate.queued_at, candidate.ticket_id)
        return (candidate.queued_at, rank[candidate.queue], candidate.ticket_id)

    want_priority = ratio.wants_priority(position)
    wanted = [c for c in usable if c.priority == want_priority]
    if wanted:
        chosen = min(wanted, key=key)
        return Choice(chosen.ticket_id, (position + 1) % ratio.cycle)
    chosen = min(usable, key=key)
    return Choice(chosen.ticket_id, position)
