"""The event pipeline: every change's events, from the table to the open streams.

A flow records its events in its own transaction (`record`); the writer hands them
to `publish` once that transaction is on disk; each stream (`stream`) replays what
its reader missed (from memory, else from the table) and then follows, with a
keep-alive that carries the server's time. Every event is encoded once, as the SSE
frame the streams send. Streams with the same filter share one signal, so a call
wakes only the streams that show it. Summary streams skip the one-by-one issuance
events and get `queue.counts` a few times a second instead, which keeps the fan-out
cheap when hundreds of screens are connected.

The apps, the status page and the web pages all read this one stream; a page needs
exactly one.
"""

import json
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import gevent
from gevent.event import Event as Signal

from . import storage
from .domain.errors import Invalid

# Events a summary stream does not get one by one: queue.counts stands for them.
SUMMARISED = frozenset({"ticket.issued", "ticket.waiting", "ticket.cancelled"})
# Events about the whole site: every stream gets them, whatever its zone or counter.
SITE_WIDE = frozenset({"site.changed"})
TYPES = frozenset({
    "ticket.issued", "ticket.waiting", "ticket.cancelled", "ticket.called", "ticket.recalled", "ticket.started",
    "ticket.done", "ticket.no_show", "ticket.transferred", "ticket.held", "counter.opened", "counter.paused",
    "counter.resumed", "counter.closed", "counter.updated", "queue.counts", "board.message", "device.online",
    "device.offline", "device.printer", *SITE_WIDE,
})
COUNTS_EVERY_S = 0.5
REPLAY_BATCH = 500


@dataclass(frozen=True)
class Frame:
    """One Server-Sent Event, encoded byte for byte as the HTML standard reads it."""

    data: str | None = None
    event: str | None = None
    id: int | None = None
    retry_ms: int | None = None
    comment: str | None = None

    def encode(self) -> bytes:
        lines = []
        if self.comment is not None:
            lines.extend(f": {line}" for line in self.comment.splitlines() or [""])
        if self.id is not None:
            lines.append(f"id: {self.id}")
        if self.event is not None:
            lines.append(f"event: {self.event}")
        if self.retry_ms is not None:
            lines.append(f"retry: {self.retry_ms}")
        if self.data is not None:
            # A newline inside data would end the field: each line gets its own `data:`.
            lines.extend(f"data: {line}" for line in self.data.split("\n"))
        return ("\n".join(lines) + "\n\n").encode("utf-8")


@dataclass(frozen=True)
class Event:
    """A committed event as the streams need it: what filters look at, and its frame."""

    id: int
    type: str
    zones: frozenset  # the zone of the event, plus the zone a transfer went to
    counter: str | None
    frame: bytes
    queue: str | None = None  # the queue of the event's ticket
    ticket: str | None = None  # the public id of the event's ticket

    @classmethod
    def make(cls, event_id: int, body: dict, stored_json: str, generation: str) -> "Event":
        zones = frozenset(z for z in (body.get("zone"), body.get("to_zone")) if z is not None)
        # The id first (it is the row's, known after insert), then the database's generation.
        data = f'{{"id":{event_id},"generation":"{generation}",{stored_json[1:]}'
        ticket = body.get("ticket") or {}
        return cls(event_id, body["type"], zones, body.get("counter"),
                   Frame(data=data, event=body["type"], id=event_id).encode(),
                   ticket.get("queue"), ticket.get("public_id"))

    @classmethod
    def from_row(cls, row, generation: str) -> "Event":
        return cls.make(row["id"], json.loads(row["data"]), row["data"], generation)

    def public_frame(self, public_id: str) -> bytes:
        """What a citizen's status page gets: that something changed, never another ticket's data."""
        data = json.dumps({"type": self.type, "mine": self.ticket == public_id})
        return Frame(data=data, id=self.id).encode()  # unnamed: the page's onmessage gets every one


@dataclass(frozen=True)
class Filter:
    """What one stream shows: a zone, one counter's events, summary mode, or only some types.

    A citizen's stream (`ticket`, `queue`) shows what changes one ticket's status: its own
    events and the calls and transfers of its queue, as `public_frame`s."""

    zones: frozenset | None = None  # a board of a hall several zones share follows all of them
    counter: str | None = None
    summary: bool = False
    types: frozenset | None = None
    ticket: str | None = None
    queue: str | None = None

    @classmethod
    def citizen(cls, public_id: str, queue: str) -> "Filter":
        return cls(ticket=public_id, queue=queue)

    @classmethod
    def parse(cls, zone: str | None = None, counter: str | None = None, summary: bool = False,
              types: str | None = None) -> "Filter":
        """From the query: `zone` is one zone or several, comma-separated."""
        wanted = None
        if types:
            wanted = frozenset(t.strip() for t in types.split(",") if t.strip())
            unknown = sorted(wanted - TYPES)
            if unknown:
                raise Invalid(f"Jenis peristiwa tidak dikenal: {', '.join(unknown)}.", code="unknown_event_type")
        zones = frozenset(z.strip() for z in zone.split(",") if z.strip()) if zone else None
        return cls(zones or None, counter, summary, wanted)

    def matches(self, event: Event) -> bool:
        if self.types is not None and event.type not in self.types:
            return False
        if event.type in SITE_WIDE:
            return True
        if self.ticket is not None and event.ticket == self.ticket:
            return True
        if (self.summary or self.ticket is not None) and event.type in SUMMARISED:
            return False
        if self.zones is not None and event.zones and not self.zones & event.zones:
            return False
        if self.counter is not None and event.counter != self.counter:
            return False
        if self.queue is not None and event.queue != self.queue:
            return False
        return True

    @property
    def wants_counts(self) -> bool:
        return self.summary and (self.types is None or "queue.counts" in self.types)


def resume_point(raw: str | None, last_id: int) -> int:
    """The event id a stream starts after: the client's Last-Event-ID, else now."""
    if raw is None or raw == "":
        return last_id
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):  # int() would also take "-1" and Arabic-Indic digits
        raise Invalid("Last-Event-ID harus berupa angka.", code="invalid_last_event_id")
    return int(text)


@dataclass
class _Channel:
    signal: Signal = field(default_factory=Signal)
    listeners: int = 0


class EventPipeline:
    """`now_text()` gives the server's local time as text; `counts(zones)` what a `queue.counts`
    event of some zones (None: every zone) says besides its type, time and zone: `queues`, the
    waiting count per queue, and `est_wait_min`, read from the database."""

    def __init__(self, pool: storage.Pool, now_text: Callable[[], str], counts: Callable[[object], dict],
                 *, keepalive_s: float = 15.0, retry_ms: int = 3000, keep: int = 10_000):
        self._pool = pool
        self._now_text = now_text
        self._counts = counts
        self.keepalive_s = keepalive_s
        self.retry_ms = retry_ms
        with pool.connection() as conn:
            self.last_id = storage.last_event_id(conn)
            self.generation = storage.generation(conn)  # hex: safe inside a JSON string as it is
        self._ring: deque[Event] = deque(maxlen=keep)
        # What summary streams show (calls, counter changes): they never wade through issuance.
        self._major: deque[Event] = deque(maxlen=keep)
        self._major_floor = self.last_id  # every major event after this id is in _major
        self._channels: dict[Filter, _Channel] = {}
        self._issuance: list[Filter] | None = None  # the channels that may show issuance; None: to work out
        self._counts_version = 0  # moves whenever a waiting count may have changed
        self._ticked_version = 0
        self._counts_cache: dict = {}  # zones -> (version, the encoded frame)
        self.closing = False
        self._revoked: set[str] = set()  # owners (e.g. "device:7") whose open streams must end

    # ------------------------------------------------------------ the writing side

    def record(self, conn, body: dict) -> Event:
        """Append one event to the table inside the caller's transaction; publish it after the commit."""
        stored = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        ticket = body.get("ticket")
        event_id = storage.insert_event(conn, body["ts"], body["type"], body.get("zone"), body.get("counter"),
                                        ticket["id"] if ticket else None, stored)
        return Event.make(event_id, body, stored, self.generation)

    def publish(self, events: list[Event]) -> None:
        """Committed events, in order: remember them and wake the streams that show them."""
        woken = set()
        for event in events:
            self._ring.append(event)
            self.last_id = event.id
            if event.type not in SUMMARISED:
                if len(self._major) == self._major.maxlen:
                    self._major_floor = self._major[0].id
                self._major.append(event)
            if event.type.startswith("ticket."):
                self._counts_version += 1
            # Issuance is most of the events at a busy kiosk, and no summary stream shows it.
            candidates = self._issuance_keys() if event.type in SUMMARISED else self._channels
            woken.update(key for key in candidates if key not in woken and key.matches(event))
        for key in woken:
            self._wake(key)

    # ------------------------------------------------------------ the reading side

    def stream(self, key: Filter, after_id: int, max_events: int | None = None,
               timeout: float | None = None, owner: str | None = None) -> Iterator[bytes]:
        """The frames of one stream; it ends at shutdown, when its `owner` is revoked, or after
        `max_events` or `timeout` (for tests)."""
        self._subscribe(key)
        try:
            yield Frame(retry_ms=self.retry_ms, comment="antrian-mpp").encode()
            cursor, sent, counts_sent = after_id, 0, -1
            next_counts = last_write = time.monotonic()
            deadline = None if timeout is None else time.monotonic() + timeout
            while not self.closing:
                if owner is not None and owner in self._revoked:
                    yield Frame(comment="revoked").encode()
                    return
                batch = self._since(cursor, key.summary)
                if not batch and key.summary:
                    cursor = max(cursor, self.last_id)  # nothing a summary shows: skip the issuance
                if batch:
                    cursor = batch[-1].id
                    if key.ticket is None:
                        wanted = [e.frame for e in batch if key.matches(e)]
                    else:
                        wanted = [e.public_frame(key.ticket) for e in batch if key.matches(e)]
                    if max_events is not None:
                        wanted = wanted[: max_events - sent]
                    if wanted:
                        sent += len(wanted)
                        last_write = time.monotonic()
                        yield b"".join(wanted)
                        if max_events is not None and sent >= max_events:
                            return
                    continue
                now = time.monotonic()
                if key.wants_counts and self._counts_version != counts_sent and now >= next_counts:
                    counts_sent = self._counts_version
                    next_counts, last_write = now + COUNTS_EVERY_S, now
                    yield self._counts_frame(key.zones)
                    continue
                wait_for = max(0.0, self.keepalive_s - (now - last_write))
                if key.wants_counts and self._counts_version != counts_sent:
                    wait_for = min(wait_for, max(0.0, next_counts - now))
                if deadline is not None:
                    if now >= deadline:
                        return
                    wait_for = min(wait_for, deadline - now)
                if not self._channels[key].signal.wait(wait_for) and time.monotonic() - last_write >= self.keepalive_s:
                    last_write = time.monotonic()
                    # The server's time rides along: clients judge staleness by it, not their own clock.
                    yield Frame(comment=f"keep-alive {self._now_text()}").encode()
            if self.closing:
                yield Frame(comment="shutting-down").encode()
        finally:
            self._unsubscribe(key)

    def run_counts(self) -> None:
        """Wake the summary streams when waiting counts changed, a few times a second (a greenlet)."""
        while not self.closing:
            if self._counts_version != self._ticked_version:
                self._ticked_version = self._counts_version
                for key in [k for k in self._channels if k.wants_counts]:
                    self._wake(key)
            gevent.sleep(COUNTS_EVERY_S)

    def revoke(self, owner: str) -> None:
        """The streams of `owner` (a revoked device) end now; its next request is refused anyway."""
        self._revoked.add(owner)
        for key in list(self._channels):
            self._wake(key)

    def close(self) -> None:
        """Wake every stream so it can end: the server is shutting down."""
        self.closing = True
        for channel in self._channels.values():
            channel.signal.set()
        gevent.sleep(0)

    @property
    def streams(self) -> int:
        return sum(c.listeners for c in self._channels.values())

    # ------------------------------------------------------------ inside

    def _since(self, after_id: int, summary: bool) -> list[Event]:
        """Events after `after_id` (a summary stream: only what it shows), from memory or the table."""
        if after_id >= self.last_id:
            return []
        if summary and after_id >= self._major_floor:
            return _newer(self._major, after_id)[:REPLAY_BATCH]
        if not summary and self._ring and self._ring[0].id <= after_id + 1:
            start = after_id + 1 - self._ring[0].id
            return [self._ring[i] for i in range(start, min(len(self._ring), start + REPLAY_BATCH))]
        with self._pool.connection() as conn:
            rows = storage.events_after(conn, after_id, REPLAY_BATCH, skip_types=SUMMARISED if summary else ())
        return [Event.from_row(row, self.generation) for row in rows]

    def _counts_frame(self, zones: frozenset | None) -> bytes:
        """queue.counts for some zones (None: all), read and encoded at most once per change of the
        counts: the hundreds of streams of a zone share one frame."""
        hit = self._counts_cache.get(zones)
        if hit is None or hit[0] != self._counts_version:
            zone = ",".join(sorted(zones)) if zones else None
            body = {"type": "queue.counts", "ts": self._now_text(), "zone": zone, **self._counts(zones)}
            hit = (self._counts_version, Frame(data=json.dumps(body), event="queue.counts").encode())
            self._counts_cache[zones] = hit
        return hit[1]

    def _subscribe(self, key: Filter) -> None:
        if key not in self._channels:
            self._issuance = None
        self._channels.setdefault(key, _Channel()).listeners += 1

    def _unsubscribe(self, key: Filter) -> None:
        channel = self._channels.get(key)
        if channel:
            channel.listeners -= 1
            if channel.listeners <= 0:
                del self._channels[key]
                self._issuance = None

    def _issuance_keys(self) -> list[Filter]:
        """The channels a summarised event can wake: all but the summary streams (a citizen's own
        ticket is shown to its page even when summarised)."""
        if self._issuance is None:
            self._issuance = [key for key in self._channels if not key.summary or key.ticket is not None]
        return self._issuance

    def _wake(self, key: Filter) -> None:
        channel = self._channels[key]
        channel.signal.set()
        channel.signal = Signal()


def _newer(ring: deque, after_id: int) -> list[Event]:
    """The events of `ring` after `after_id`, found from the new end (few, usually)."""
    newer = []
    for event in reversed(ring):
        if event.id <= after_id:
            break
        newer.append(event)
    newer.reverse()
    return newer
