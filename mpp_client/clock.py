"""The server's clock as an app sees it: the building's time, even in a demo or a simulated day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class ServerClock:
    """`measure(now_text, rate)` with a `now` the server sent; `now()` runs on from there with this
    PC's clock, `rate` times as fast (1 in a real MPP, more in a simulated day). Before any
    measurement it is this PC's clock."""

    def __init__(self, local_now: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.local_now = local_now
        self.rate = 1.0
        self._server_then: datetime | None = None
        self._local_then: datetime | None = None

    def measure(self, now_text: str | None, rate: object = None) -> bool:
        """Take the server's `now` (ISO 8601 with offset); False, and nothing changes, if unreadable."""
        try:
            then = datetime.fromisoformat(now_text)  # type: ignore[arg-type]
            speed = float(rate) if rate is not None else 1.0
        except (TypeError, ValueError):
            return False
        if then.tzinfo is None or not speed > 0:
            return False
        self._server_then, self._local_then, self.rate = then, self.local_now(), speed
        return True

    def now(self) -> datetime:
        local = self.local_now()
        if self._server_then is None:
            return local
        return self._server_then + (local - self._local_then) * self.rate

    @property
    def offset(self) -> timedelta:
        """Server minus this PC, as of now."""
        return self.now() - self.local_now()


def is_stale(event_ts_iso: str, now: datetime, max_age_s: float = 60) -> bool:
    """True when an event is too old to announce (e.g. calls replayed after a reconnect).

    `now` must be the server's time (see `EventFollower.server_now`): demo and test
    servers run on an injected clock far from the PC's.
    """
    moment = datetime.fromisoformat(event_ts_iso)
    if moment.tzinfo is None or now.tzinfo is None:
        raise ValueError("is_stale needs times with a UTC offset")
    return (now - moment).total_seconds() > max_age_s
