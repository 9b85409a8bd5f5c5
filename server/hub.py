"""Fan-out of committed events to the open event streams.

Each event is encoded once. Streams with the same filter share one signal, so a
call wakes only the streams that show it. Streams in summary mode skip the
one-by-one issuance events and get `queue.counts` a few times a second instead,
which keeps the fan-out cheap when hundreds of screens are connected.
"""

from collections import deque
from dataclasses import dataclass, field

import gevent
from gevent.event import Event as Signal

from .sse import ServerSentEvent

# Events a summary stream does not get one by one: queue.counts stands for them.
SUMMARISED = frozenset({"ticket.issued", "ticket.waiting", "ticket.cancelled"})
COUNTS_EVERY_S = 0.5


@dataclass(frozen=True)
class Published:
    id: int
    type: str
    zones: frozenset  # the zone of the event, plus the zone a transfer went to
    counter: str | None
    payload: bytes  # the encoded SSE frame

    @classmethod
    def make(cls, event_id: int, type_: str, zone, counter, data_json: str, to_zone=None):
        zones = frozenset(z for z in (zone, to_zone) if z is not None)
        frame = ServerSentEvent(data=data_json, event=type_, id=event_id).encode()
        return cls(event_id, type_, zones, counter, frame)


@dataclass(frozen=True)
class Filter:
    zone: str | None = None
    counter: str | None = None
    summary: bool = False

    def matches(self, event: Published) -> bool:
        if self.summary and event.type in SUMMARISED:
            return False
        if self.zone is not None and event.zones and self.zone not in event.zones:
            return False
        if self.counter is not None and event.counter != self.counter:
            return False
        return True


@dataclass
class _Channel:
    signal: Signal = field(default_factory=Signal)
    listeners: int = 0


class Hub:
    def __init__(self, last_id: int = 0, keep: int = 10_000):
        self._ring: deque[Published] = deque(maxlen=keep)
        # What summary streams show (calls, counter changes): they never wade through issuance.
        self._major: deque[Published] = deque(maxlen=keep)
        self._major_floor = last_id  # every major event after this id is in _major
        self._channels: dict[Filter, _Channel] = {}
        self.last_id = last_id
        self.counts_version = 0  # moves whenever a waiting count may have changed
        self._ticked_version = 0
        self.closing = False

    def publish(self, events: list[Published]) -> None:
        if not events:
            return
        woken = set()
        for event in events:
            self._ring.append(event)
            self.last_id = event.id
            if event.type not in SUMMARISED:
                if len(self._major) == self._major.maxlen:
                    self._major_floor = self._major[0].id
                self._major.append(event)
            if event.type.startswith("ticket."):
                self.counts_version += 1
            for key in self._channels:
                if key not in woken and key.matches(event):
                    woken.add(key)
        for key in woken:
            self._wake(key)

    def _wake(self, key: Filter) -> None:
        channel = self._channels[key]
        channel.signal.set()
        channel.signal = Signal()

    def tick_counts(self) -> None:
        """Wake the summary streams when waiting counts changed (called a few times a second)."""
        if self.counts_version == self._ticked_version:
            return
        self._ticked_version = self.counts_version
        for key in [k for k in self._channels if k.summary]:
            self._wake(key)

    def since(self, after_id: int, summary: bool = False, limit: int = 500) -> list[Published] | None:
        """Events after `after_id` from memory, or None when memory no longer reaches back.

        With `summary`, only the events a summary stream shows."""
        if after_id >= self.last_id:
            return []
        if summary:
            if after_id < self._major_floor:
                return None
            return _newer(self._major, after_id)[:limit]
        if not self._ring or self._ring[0].id > after_id + 1:
            return None
        start = after_id + 1 - self._ring[0].id
        return [self._ring[i] for i in range(start, min(len(self._ring), start + limit))]

    def subscribe(self, key: Filter) -> None:
        self._channels.setdefault(key, _Channel()).listeners += 1

    def unsubscribe(self, key: Filter) -> None:
        channel = self._channels.get(key)
        if channel:
            channel.listeners -= 1
            if channel.listeners <= 0:
                del self._channels[key]

    def wait(self, key: Filter, timeout: float) -> bool:
        """Block this greenlet until an event for `key` is published, or the timeout."""
        channel = self._channels[key]
        return channel.signal.wait(timeout)

    def close(self) -> None:
        """Wake every stream so it can end: the server is shutting down."""
        self.closing = True
        for channel in self._channels.values():
            channel.signal.set()
        gevent.sleep(0)

    @property
    def streams(self) -> int:
        return sum(c.listeners for c in self._channels.values())


def _newer(ring: deque, after_id: int) -> list[Published]:
    """The events of `ring` after `after_id`, found from the new end (few, usually)."""
    newer = []
    for event in reversed(ring):
        if event.id <= after_id:
            break
        newer.append(event)
    newer.reverse()
    return newer
