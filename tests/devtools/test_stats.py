"""The tooling's one percentile: nearest rank, always one of the samples."""

import pytest

from devtools.stats import latency_spread, percentile


@pytest.mark.parametrize("p, expected", [(0, 1), (50, 50), (90, 90), (95, 95), (99, 99), (100, 100)])
def test_nearest_rank_of_one_to_a_hundred_is_the_rank_itself(p, expected):
    assert percentile(range(100, 0, -1), p) == expected


def test_a_rank_that_floats_would_round_up_stays_exact():
    """7 % of 100 samples is rank 7; 0.07 * 100 in floating point is 7.000000000000001 (rank 8)."""
    assert percentile(range(1, 101), 7) == 7


def test_small_samples_take_the_value_at_or_above_the_rank():
    assert percentile([30, 10, 20], 50) == 20
    assert percentile([30, 10, 20], 90) == 30
    assert percentile([5], 99) == 5


def test_no_samples_have_no_percentile_and_an_empty_spread():
    assert percentile([], 50) is None
    assert latency_spread([]) == {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}


def test_a_percentile_outside_0_to_100_is_refused():
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_latency_spread_names_each_point():
    spread = latency_spread([float(ms) for ms in range(1, 201)])
    assert spread == {"n": 200, "p50": 100.0, "p95": 190.0, "p99": 198.0, "max": 200.0}
