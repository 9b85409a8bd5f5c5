"""Follow the server's event stream in a thread of its own, across restarts and outages.

The server holds the truth; a display or counter app starts from a snapshot
(`GET /api/state`) and then applies events in order. After a dropped connection
the follower asks for everything after the last event it delivered
(`Last-Event-ID`), so an app sees every event exactly once, in order, without
ever re-reading the snapshot — unless the server's database is another one than
the snapshot's (its `generation` changed: restored or re-created) or its event log
went backwards, when the follower drops the old id and delivers a fresh snapshot.

Callbacks run in the follower's thread: a Qt app emits a signal from them and
handles it in the UI thread; it never touches a widget there.
"""

from __future__ import annotations

import json
import logging
import random
import socket
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

import httpx
from httpx_sse import SSEError

from .api import ApiClient, ApiError, ServerUnreachable
from .clock import ServerClock

log = logging.getLogger("mpp_client.events")

CONNECTED, DISCONNECTED, UNAUTHORIZED = "connected", "disconnected", "unauthorized"
SITE_CHANGED = "site.changed"  # the site was edited; it reaches every stream, whatever its filter
DEFAULT_RETRY_MS = 3000  # until the server's own `retry:` arrives


def reconnect_delay(failures: int, retry_ms: int, cap_s: float = 30.0,
                    rand: Callable[[], float] = random.random) -> float:
    """Seconds before the next attempt: the server's retry, doubled per failure, capped, with jitter.

    The jitter (50–100 %) keeps a hall of displays from reconnecting in one burst after a restart.
    """
    base = min(cap_s, retry_ms / 1000 * 2 ** min(failures, 16))
    return base * (0.5 + 0.5 * rand())


def _noop(*_args) -> None:
    pass


class _GenerationChanged(Exception):
    """An event came from another database than the snapshot's: its ids mean nothing to us."""


class EventFollower:
    """`GET /api/events` followed in a daemon thread: `start()`, then callbacks, then `stop()`.

    on_snapshot(state_dict)          the starting point, and again as a resync when the server's database
                                     changed (another `generation`) or its log went backwards
    on_event(type, data, event_id)   every event in order; event_id is None for `queue.counts`
    on_status(status, message)       "connected" (message None), "disconnected" (why, in Indonesian),
                                     "unauthorized" (the token is no good: the follower stops by itself)

    `types` keeps only those event types; `snapshot=False` never reads `GET /api/state` (a kiosk
    follows `site.changed` alone and has no use for it); after an event whose type is in
    `snapshot_on` (e.g. `site.changed`: names, counters, services) a fresh snapshot follows it.
    `follow_hall`: the stream covers every zone of the snapshot's `hall`; when a fresh snapshot names
    other zones (the site changed its halls) the follower reconnects at once, from its last event.
    """

    def __init__(self, base_url: str, token: str | None, zone: str | None = None, counter: str | None = None,
                 summary: bool = False, *, on_snapshot: Callable[[dict], None] | None = None,
                 on_event: Callable[[str, dict, int | None], None] | None = None,
                 on_status: Callable[[str, str | None], None] | None = None,
                 last_event_id: int | None = None, timeout: float = 5.0, read_timeout: float = 45.0,
                 max_backoff_s: float = 30.0, types: Sequence[str] | None = None, snapshot: bool = True,
                 snapshot_on: Sequence[str] = (), follow_hall: bool = False):
        self.base_url, self.token = base_url, token
        # A board reads its own zone's snapshot but follows every zone of its hall (the snapshot says which).
        self.follow_hall, self.stream_zone = follow_hall, zone
        self._rezoned = False  # the stream's zones no longer match the hall: reconnect without a pause
        self.zone, self.counter, self.summary = zone, counter, summary
        self.types, self.snapshot, self.snapshot_on = tuple(types or ()), snapshot, frozenset(snapshot_on)
        self._snapshot_due = False  # an event asked for a snapshot that has not arrived yet
        self.on_snapshot = on_snapshot or _noop
        self.on_event = on_event or _noop
        self.on_status = on_status or _noop
        self.read_timeout, self.max_backoff_s = read_timeout, max_backoff_s
        self.status: str | None = None
        self.clock = ServerClock()  # measured at each snapshot
        self._last_event_id = last_event_id
        self.generation: str | None = None  # the database our snapshot and event ids belong to
        self._retry_ms = DEFAULT_RETRY_MS
        self._timeout = timeout
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._response: httpx.Response | None = None
        self._thread: threading.Thread | None = None

    @property
    def last_event_id(self) -> int | None:
        """The id of the last event delivered (or of the snapshot): where a new follower would resume."""
        return self._last_event_id

    def server_now(self) -> datetime:
        """The server's clock as of now, for `is_stale` and the clocks on screen."""
        return self.clock.now()

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end by itself (after "unauthorized"); True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.is_alive()

    def start(self) -> EventFollower:
        if self._thread is not None:
            raise RuntimeError("an EventFollower starts once; make a new one")
        self._thread = threading.Thread(target=self._run, name="mpp-events", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> bool:
        """End the thread promptly, even mid-read (a snapshot request in flight ends within its own
        timeout). Returns False if the thread did not end within `timeout`."""
        self._stopping.set()
        with self._lock:
            response = self._response
        if response is not None:
            _abort(response)
        if self._thread is None or self._thread is threading.current_thread():
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # -- the thread --------------------------------------------------------------------------

    def _run(self) -> None:
        failures = 0
        with ApiClient(self.base_url, self.token, timeout=self._timeout) as api:
            while not self._stopping.is_set():
                try:
                    if self.snapshot:
                        self._resync(api)
                    failures = self._follow(api, failures)
                    if self._rezoned:
                        self._rezoned = False
                        continue  # the hall's zones changed: the same stream again, on the new zones
                    why = "Server menutup aliran peristiwa."
                except _GenerationChanged:
                    continue  # resync at once: a fresh snapshot, then the stream from its id
                except ApiError as exc:
                    if exc.status in (401, 403):
                        self._report(UNAUTHORIZED, exc.message)
                        return
                    why = exc.message
                except ServerUnreachable as exc:
                    why = exc.message
                except (SSEError, ValueError, httpx.HTTPError) as exc:
                    log.warning("unreadable event stream: %s", exc)
                    why = "Aliran peristiwa dari server tidak dapat dibaca."
                except Exception:  # a bug here must not leave a hall display frozen: log it, reconnect
                    log.exception("event follower failed")
                    why = "Kesalahan saat membaca peristiwa; menyambung ulang."
                if self._stopping.is_set():
                    return
                self._report(DISCONNECTED, why)
                delay = reconnect_delay(failures, self._retry_ms, self.max_backoff_s)
                failures += 1
                log.info("event stream lost (%s); reconnecting in %.1f s", why, delay)
                self._stopping.wait(delay)

    def _resync(self, api: ApiClient) -> None:
        """Snapshot first when starting fresh, or when the server's log no longer reaches our last id."""
        snapshot = api.state(self.zone)
        self._measure_clock(snapshot)
        hall_zones = (snapshot.get("hall") or {}).get("zones") if self.follow_hall else None
        self.stream_zone = ",".join(hall_zones) if hall_zones else self.zone
        newest = snapshot.get("last_event_id", 0)
        generation = snapshot.get("generation")
        other_database = None not in (generation, self.generation) and generation != self.generation
        if other_database:
            log.warning("server database changed (generation %s → %s): starting over from a snapshot",
                        self.generation, generation)
        if generation is not None:
            self.generation = generation
        if self._last_event_id is None or newest < self._last_event_id or self._snapshot_due or other_database:
            if self._last_event_id is not None and newest < self._last_event_id:
                log.warning("server event log went back from %s to %s: starting over from a snapshot",
                            self._last_event_id, newest)
            self._last_event_id = newest
            self._snapshot_due = False
            self._deliver(self.on_snapshot, snapshot)

    def _follow(self, api: ApiClient, failures: int) -> int:
        """Read the stream until it ends; returns the failure count (reset once connected)."""
        try:
            with api.open_events(self._last_event_id, self.stream_zone, self.counter, self.summary,
                                 read_timeout=self.read_timeout, types=self.types) as source:
                with self._lock:
                    self._response = source.response
                if self._stopping.is_set():  # stop() came before the response was there to abort
                    return failures
                self._report(CONNECTED, None)
                failures = 0
                for sse in source.iter_sse():
                    if sse.retry is not None:
                        self._retry_ms = sse.retry
                    if sse.data:
                        self._dispatch(sse.event, sse.id, json.loads(sse.data))
                        if sse.event in self.snapshot_on and self.snapshot:
                            self._snapshot_due = True
                            zones = self.stream_zone
                            self._resync(api)
                            if self.stream_zone != zones:
                                self._rezoned = True
                                break
                    if self._stopping.is_set():
                        break
        except ServerUnreachable:
            if not self._stopping.is_set():  # else: our own stop() cut the connection
                raise
        finally:
            with self._lock:
                self._response = None
        return failures

    def _dispatch(self, type_: str, sse_id: str, data: dict) -> None:
        # Numbered events carry their id in the data too; `queue.counts` does not. The
        # frame's own id can't tell: per the SSE standard an unnumbered frame inherits
        # the previous id, and httpx-sse reports it that way.
        if not isinstance(data, dict) or "id" not in data:
            self._deliver(self.on_event, type_, data, None)
            return
        generation = data.get("generation")
        if generation is not None and self.generation is None:
            self.generation = generation  # no snapshot (a kiosk): the first event says which database
        elif generation is not None and generation != self.generation:
            log.warning("event %s is from another database (generation %s, not %s): resyncing",
                        data.get("id"), generation, self.generation)
            self._last_event_id = None  # its ids are another log's: never resume by them
            if not self.snapshot:
                self.generation = generation
            raise _GenerationChanged()
        event_id = int(sse_id or data["id"])
        if self._last_event_id is not None and event_id <= self._last_event_id:
            return  # already delivered (a replay overlapping what we saw)
        self._deliver(self.on_event, type_, data, event_id)
        self._last_event_id = event_id

    def _measure_clock(self, snapshot: dict) -> None:
        # An older server without `now`: the PC's clock stands in.
        self.clock.measure(snapshot.get("now"), snapshot.get("clock_rate"))

    def _report(self, status: str, message: str | None) -> None:
        if status == self.status:
            return  # "disconnected" is said once per outage, not once per attempt
        self.status = status
        self._deliver(self.on_status, status, message)

    @staticmethod
    def _deliver(callback, *args) -> None:
        # An app's bug must not end the stream for the whole screen.
        try:
            callback(*args)
        except Exception:
            log.exception("event callback %r failed", callback)


def _abort(response: httpx.Response) -> None:
    """Wake a read blocked in another thread: closing a socket doesn't, shutting it down does."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already gone
    else:
        response.close()
