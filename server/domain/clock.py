"""An injectable clock: `MPP_NOW` starts it at a chosen instant, then it runs on in real time."""

import time
from datetime import datetime, timedelta, timezone


class Clock:
    def __init__(self, start: datetime | None = None):
        if start is not None and start.tzinfo is None:
            raise ValueError("MPP_NOW needs a UTC offset, e.g. 2026-11-23T09:00:00+07:00")
        self._start = start
        self._mono0 = time.monotonic()

    @classmethod
    def from_iso(cls, text: str | None) -> "Clock":
        if not text:
            return cls()
        try:
            return cls(datetime.fromisoformat(text))
        except ValueError as exc:
            raise ValueError(f"MPP_NOW={text!r} is not an ISO 8601 instant with offset: {exc}") from None

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        if self._start is None:
            return datetime.now(timezone.utc)
        return self._start + timedelta(seconds=time.monotonic() - self._mono0)
