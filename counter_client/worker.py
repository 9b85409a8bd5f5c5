"""The counter app's one owner thread for the network (STYLE 7).

`CounterWorker` lives in its own QThread and owns the ApiClient (one keep-alive
connection for actions) and the EventFollower (the event stream, on a connection
and thread of its own). It reports by signals only; the apps' `Bridge` (here
`CounterBridge`, which also times the officer's actions) is the presenter's Worker
on the UI side: calls are queued to these slots, these signals reach the presenter.

Officer actions are never retried: after an answer that may have been lost the
worker re-reads the counter, and after the stream reconnects it re-reads it too
(resync), so the screen shows the truth and the officer decides what to do next.
An action's answer carries the counter's new state: no read follows it.
"""

from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from mpp_client.api import ApiClient, ApiError, ServerUnreachable, Unauthorized
from mpp_client.events import CONNECTED, SITE_CHANGED, EventFollower
from mpp_client.qt import Bridge

log = logging.getLogger("counter_client.worker")
COUNTS_REREAD_S = 0.5  # moved queue counts re-read the counter at most twice a second


class CounterWorker(QObject):
    logged_in = Signal(dict)
    counters_loaded = Signal(dict)
    counter_loaded = Signal(dict)
    action_done = Signal(str, dict)
    action_failed = Signal(str, str, str, bool)  # action, code, message, maybe_applied
    stream_status = Signal(str, str)
    stream_event = Signal(str, dict)
    _resync_needed = Signal()  # from the follower's thread into this one
    _site_changed = Signal()  # likewise: the site was edited (names, services, queues)

    def __init__(self, server_url: str, timeout: float = 5.0, read_timeout: float = 45.0):
        super().__init__()
        self.server_url = server_url
        self.api = ApiClient(server_url, timeout=timeout)
        self.read_timeout = read_timeout
        self.follower: EventFollower | None = None
        self.code: str | None = None
        self._was_lost = False
        self._lock = threading.Lock()
        self._resync_needed.connect(self._resync)
        self._site_changed.connect(self._reread_site)
        self._last_read = 0.0  # monotonic time of the last read of the counter
        self._counts_code: str | None = None
        self._counts_timer = QTimer(self)  # a child: it moves to the worker's thread with it
        self._counts_timer.setSingleShot(True)
        self._counts_timer.timeout.connect(self._counts_due)

    # ------------------------------------------------------------ life cycle

    @Slot()
    def shutdown(self) -> None:
        self._counts_timer.stop()
        self._stop_follower()
        self.api.close()

    def _stop_follower(self) -> None:
        with self._lock:
            follower, self.follower = self.follower, None
        if follower is not None:
            follower.stop()

    # ------------------------------------------------------------ requests (worker thread)

    @Slot(str, str)
    def login(self, username: str, pin: str) -> None:
        try:
            answer = self.api.login(username, pin)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            self._failed("login", exc)
        else:
            self.logged_in.emit(answer.get("officer") or {"username": username})

    @Slot()
    def logout(self) -> None:
        self._stop_follower()
        self.code = None
        if self.api.token:
            try:
                self.api.logout()
            except (ServerUnreachable, ApiError) as exc:
                log.info("logout not told to the server: %s", exc)

    @Slot()
    def load_counters(self) -> None:
        try:
            self.counters_loaded.emit(self.api.state())
        except Exception as exc:  # noqa: BLE001
            self._failed("counters", exc)

    @Slot(str)
    def select_counter(self, code: str) -> None:
        self._stop_follower()
        self.code = code
        self._last_read = time.monotonic()
        try:
            counter = self.api.counter(code)
        except Exception as exc:  # noqa: BLE001
            self._failed("select", exc)
            return
        self.counter_loaded.emit(counter)
        self._was_lost = False
        # From the state just read: what happens before the stream connects is not missed.
        follower = EventFollower(self.server_url, self.api.token, counter=code, summary=True,
                                 on_event=self._on_event, on_status=self._on_status,
                                 last_event_id=counter.get("last_event_id"),
                                 read_timeout=self.read_timeout, max_backoff_s=5.0)
        with self._lock:
            self.follower = follower
        follower.start()

    @Slot(str, str)
    def act(self, code: str, action: str) -> None:
        self._do(code, action, lambda: self.api.counter_action(code, action))

    @Slot(str, str)
    def call_ticket(self, code: str, ticket: str) -> None:
        self._do(code, "call", lambda: self.api.call_ticket(code, ticket))

    @Slot(str, str)
    def transfer(self, code: str, service: str) -> None:
        self._do(code, "transfer", lambda: self.api.transfer(code, service))

    @Slot(str)
    def refresh(self, code: str) -> None:
        self._last_read = time.monotonic()
        try:
            self.counter_loaded.emit(self.api.counter(code))
        except Exception as exc:  # noqa: BLE001
            self._failed("refresh", exc)

    @Slot(str)
    def refresh_counts(self, code: str) -> None:
        """Re-read the counter for moved counts, at most every COUNTS_REREAD_S (one read covers many)."""
        self._counts_code = code
        if self._counts_timer.isActive():
            return
        wait = self._last_read + COUNTS_REREAD_S - time.monotonic()
        if wait <= 0:
            self._counts_due()
        else:
            self._counts_timer.start(int(wait * 1000) + 1)

    @Slot()
    def _counts_due(self) -> None:
        code, self._counts_code = self._counts_code, None
        if code is not None and code == self.code:
            self.refresh(code)

    def _do(self, code: str, action: str, call) -> None:
        try:
            answer = call()
        except ServerUnreachable as exc:
            self._failed(action, exc)
            if exc.maybe_applied:
                self.refresh(code)  # asked again with its key and still lost: the truth before the officer acts
            return
        except ApiError as exc:
            self._failed(action, exc)
            if exc.status == 409:
                self.refresh(code)  # the counter moved on (a supervisor acted?): its true buttons
            return
        except Exception as exc:  # noqa: BLE001
            self._failed(action, exc)
            return
        self.action_done.emit(action, answer)

    def _failed(self, action: str, exc: Exception) -> None:
        if isinstance(exc, Unauthorized) and action != "login":
            self.action_failed.emit(action, "unauthorized", exc.message, False)
        elif isinstance(exc, ApiError):
            self.action_failed.emit(action, exc.code, exc.message, False)
        elif isinstance(exc, ServerUnreachable):
            self.action_failed.emit(action, "unreachable", exc.message, exc.maybe_applied)
        else:
            log.exception("counter action %s failed", action, exc_info=exc)
            self.action_failed.emit(action, "bug", "Terjadi kesalahan di aplikasi; coba lagi.", False)

    @Slot()
    def _resync(self) -> None:
        if self.code is not None:
            self.refresh(self.code)

    @Slot()
    def _reread_site(self) -> None:
        """The counter's queues and the transfer list may have changed: read both again."""
        self.load_counters()
        self._resync()

    # ------------------------------------------------------------ the follower's thread

    def _on_event(self, type_: str, data: dict, event_id) -> None:
        self.stream_event.emit(type_, data)
        if type_ == SITE_CHANGED:
            self._site_changed.emit()

    def _on_status(self, status: str, message: str | None) -> None:
        self.stream_status.emit(status, message or "")
        if status == CONNECTED:
            if self._was_lost:
                self._resync_needed.emit()  # what happened while we were away: read it, don't replay it
            self._was_lost = False
        else:
            self._was_lost = True


class CounterBridge(Bridge):
    """The apps' Bridge, plus what only the counter app measures: how long an officer waits
    from pressing a key to the server's answer on screen (`confirmed`: action, seconds)."""

    confirmed = Signal(str, float)

    def __init__(self, worker: CounterWorker, thread_name: str = "counter-worker"):
        super().__init__(worker, thread_name)
        self._sent: dict[str, float] = {}

    def attach(self, presenter, reports=None) -> CounterBridge:
        return super().attach(presenter, {"stream_event": "event", "action_done": self._action_done,
                                          "action_failed": self._action_failed, **(reports or {})})

    def act(self, code: str, action: str) -> None:
        self._sent[action] = time.perf_counter()
        self.ask("act", code, action)

    def call_ticket(self, code: str, ticket: str) -> None:
        self._sent["call"] = time.perf_counter()
        self.ask("call_ticket", code, ticket)

    def transfer(self, code: str, service: str) -> None:
        self._sent["transfer"] = time.perf_counter()
        self.ask("transfer", code, service)

    def _action_done(self, action: str, answer: dict) -> None:
        self.presenter.action_done(action, answer)
        sent = self._sent.pop(action, None)
        if sent is not None:
            self.confirmed.emit(action, time.perf_counter() - sent)

    def _action_failed(self, action: str, code: str, message: str, maybe_applied: bool) -> None:
        self._sent.pop(action, None)
        self.presenter.action_failed(action, code, message, maybe_applied)
