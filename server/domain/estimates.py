"""Estimated waiting time, shown on the kiosk, the ticket and the status page."""

import math
from statistics import fmean

MIN_SAMPLES = 3  # fewer finished tickets than this today: trust the configured minutes


def service_minutes(recent_minutes: list[float], default_minutes: float) -> float:
    """The recent mean service time of a queue, or the service's default."""
    if len(recent_minutes) < MIN_SAMPLES:
        return default_minutes
    return fmean(recent_minutes)


def estimate_wait(ahead: int, minutes_each: float, open_counters: int) -> int:
    """Tickets ahead × minutes each ÷ counters serving the queue, rounded up."""
    if ahead <= 0:
        return 0
    return math.ceil(ahead * minutes_each / max(1, open_counters))
