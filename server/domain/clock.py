"""An injectable clock.

`MPP_NOW` starts it at a chosen instant, then it runs on in real time; `MPP_CLOCK_RATE`
makes it run faster (60: a minute per second), for the simulated MPP day and its benchmark.
"""

import time
from datetime import datetime, timedelta, timezone


class Clock:
    def __init__(self, start: datetime | None = None, rate: float = 1.0):
        if start is not None and start.tzinfo is None:
            raise ValueError("MPP_NOW needs a UTC offset, e.g. 2026-11-23T09:00:00+07:00")
        if not 0 < rate <= 10_000:
            raise ValueError(f"MPP_CLOCK_RATE must be above 0 and at most 10000, not {rate}")
        if rate != 1.0 and start is None:
            start = datetime.now(timezone.utc)
        self._start = start
        self.rate = rate
        self._mono0 = time.monotonic()

    @classmethod
    def from_iso(cls, text: str | None, rate: str | None = None) -> "Clock":
        try:
            speed = float(rate) if rate else 1.0
        except ValueError:
            raise ValueError(f"MPP_CLOCK_RATE={rate!r} is not a number") from None
        if not text:
            return cls(None, speed)
        try:
            start = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"MPP_NOW={text!r} is not an ISO 8601 instant with offset: {exc}") from None
        if start.tzinfo is None:
            raise ValueError(f"MPP_NOW={text!r} needs a UTC offset, e.g. 2026-11-23T09:00:00+07:00")
        return cls(start, speed)

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        if self._start is None:
            return datetime.now(timezone.utc)
        return self._start + timedelta(seconds=(time.monotonic() - self._mono0) * self.rate)
