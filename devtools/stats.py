"""The one percentile of the tooling: the benchmark, the busy day and the day summaries all read
their p50/p90/p95/p99 from here, so two reports of the same samples never disagree."""

from __future__ import annotations

import math
from collections.abc import Iterable


def percentile(values: Iterable[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0–100): the smallest value with at least p % of the values at
    or below it, always one of the values (no interpolation); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is outside 0–100")
    return ordered[max(0, math.ceil(p * len(ordered) / 100) - 1)]  # p * n first: 0.07 * 100 is 7.000000000000001


def latency_spread(values_ms: Iterable[float], points: tuple[int, ...] = (50, 95, 99)) -> dict:
    """`{"n", "p50", "p95", "p99", "max"}` of latencies (None where there are none)."""
    ordered = sorted(values_ms)
    return {"n": len(ordered), **{f"p{p}": percentile(ordered, p) for p in points},
            "max": ordered[-1] if ordered else None}
