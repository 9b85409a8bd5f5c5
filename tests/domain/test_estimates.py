"""Estimated waiting time: tickets ahead × minutes each ÷ open counters, rounded up."""

import pytest

from server.domain.estimates import MIN_SAMPLES, estimate_wait, service_minutes


@pytest.mark.parametrize(
    "recent, default, expected",
    [
        ([], 7, 7),
        ([4.0], 7, 7),
        ([4.0, 6.0], 7, 7),  # fewer than three finished tickets: trust the configured minutes
        ([4.0, 5.0, 6.0], 7, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 10, 2.5),
        ([12.0, 12.0, 12.0], 5, 12.0),
        ([0.5, 1.5, 1.0], 8, 1.0),
    ],
)
def test_service_minutes(recent, default, expected):
    assert service_minutes(recent, default) == pytest.approx(expected)


def test_three_samples_is_the_threshold():
    assert MIN_SAMPLES == 3
    assert service_minutes([9.0] * (MIN_SAMPLES - 1), 4) == 4
    assert service_minutes([9.0] * MIN_SAMPLES, 4) == pytest.approx(9.0)


@pytest.mark.parametrize(
    "ahead, minutes_each, open_counters, expected",
    [
        (0, 7, 1, 0),
        (0, 7, 0, 0),
        (-3, 7, 2, 0),
        (1, 7, 1, 7),
        (3, 5, 1, 15),
        (3, 5, 2, 8),  # 7.5 -> 8: always rounded up
        (4, 2.5, 3, 4),  # 3.33 -> 4
        (1, 0.1, 5, 1),  # a sliver of a minute is still a minute
        (10, 6, 4, 15),
        (10, 6, 5, 12),
        (3, 5, 0, 15),  # no counter open yet: counted as one
        (3, 5, -1, 15),
        (100, 10, 10, 100),
    ],
)
def test_estimate_wait(ahead, minutes_each, open_counters, expected):
    assert estimate_wait(ahead, minutes_each, open_counters) == expected


def test_estimate_is_a_whole_number_of_minutes():
    assert isinstance(estimate_wait(3, 5.0, 2), int)
