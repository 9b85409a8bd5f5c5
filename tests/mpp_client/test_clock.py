"""The server's clock as an app sees it: measured from a `now` the server sent, run on locally."""

from datetime import UTC, datetime, timedelta

import pytest

from mpp_client.clock import ServerClock


class LocalClock:
    def __init__(self):
        self.value = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.value


def test_before_any_measurement_it_is_this_pcs_clock():
    local = LocalClock()
    assert ServerClock(local).now() == local.value


def test_a_measured_clock_runs_on_from_the_servers_time():
    local = LocalClock()
    clock = ServerClock(local)
    assert clock.measure("2026-11-23T09:00:00+07:00")
    local.value += timedelta(minutes=5)
    assert clock.now() == datetime(2026, 11, 23, 9, 5, tzinfo=UTC).replace(hour=2)
    assert clock.offset == timedelta(hours=1)  # the server is an hour ahead of this PC (a demo clock)


def test_a_simulated_day_runs_the_apps_clocks_as_fast_as_the_servers():
    local = LocalClock()
    clock = ServerClock(local)
    clock.measure("2026-11-23T08:00:00+07:00", 120)
    local.value += timedelta(seconds=30)
    assert clock.now().astimezone(UTC) == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09:00 WIB


@pytest.mark.parametrize("now, rate", [(None, 1), ("", 1), ("kemarin", 1), ("2026-11-23T09:00:00", 1),
                                       ("2026-11-23T09:00:00+07:00", "cepat"), ("2026-11-23T09:00:00+07:00", 0)])
def test_an_unreadable_time_changes_nothing(now, rate):
    local = LocalClock()
    clock = ServerClock(local)
    clock.measure("2026-11-23T09:00:00+07:00")
    before = clock.now()
    assert not clock.measure(now, rate)
    assert clock.now() == before and clock.rate == 1
