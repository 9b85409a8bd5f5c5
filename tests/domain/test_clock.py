"""The injectable clock: `MPP_NOW` starts it at an instant, then it runs on in real time."""

from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from server.domain import clock as clock_module
from server.domain.clock import Clock


class FakeMonotonic:
    def __init__(self, start: float = 1000.0):
        self.value = start

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def monotonic(monkeypatch):
    """Replace the clock module's view of time.monotonic (not the global one)."""
    fake = FakeMonotonic()
    monkeypatch.setattr(clock_module, "time", SimpleNamespace(monotonic=fake))
    return fake


@pytest.mark.parametrize("text", [None, ""])
def test_without_mpp_now_the_clock_is_the_real_utc_time(text):
    before = datetime.now(UTC)
    now = Clock.from_iso(text).now()
    after = datetime.now(UTC)
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert before <= now <= after


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-23T09:00:00+07:00", datetime(2026, 11, 23, 2, tzinfo=UTC)),
        ("2026-11-23T02:00:00Z", datetime(2026, 11, 23, 2, tzinfo=UTC)),
        ("2026-11-23T10:00:00+08:00", datetime(2026, 11, 23, 2, tzinfo=UTC)),  # WITA
        ("2026-11-23T09:00:00.500+07:00", datetime(2026, 11, 23, 2, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_mpp_now_starts_the_clock_there_and_it_runs_on(monotonic, text, expected):
    clock = Clock.from_iso(text)
    assert clock.now() == expected
    monotonic.value += 90.5
    assert clock.now() == expected + timedelta(seconds=90.5)
    monotonic.value += 3600
    assert clock.now() == expected + timedelta(seconds=3690.5)


def test_mpp_now_keeps_its_offset():
    now = Clock.from_iso("2026-11-23T09:00:00+07:00").now()
    assert now.utcoffset() == timedelta(hours=7)


def test_started_clock_runs_in_real_time():
    start = datetime(2026, 11, 23, 9, tzinfo=timezone(timedelta(hours=7)))
    clock = Clock(start)
    first, second = clock.now(), clock.now()
    assert start <= first <= second < start + timedelta(seconds=5)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="UTC offset"):
        Clock(datetime(2026, 11, 23, 9))


@pytest.mark.parametrize(
    "text",
    ["2026-11-23T09:00:00", "yesterday", "23/11/2026 09.00", "2026-13-01T00:00:00+07:00", "now", "09:00+07:00",
     "2026-11-23T09:00:00+25:00"],
)
def test_garbage_mpp_now_is_refused_with_a_message_naming_it(text):
    with pytest.raises(ValueError, match="MPP_NOW") as refused:
        Clock.from_iso(text)
    assert repr(text) in str(refused.value)


def test_a_rate_runs_the_clock_that_many_times_faster(monotonic):
    clock = Clock.from_iso("2026-11-23T08:00:00+07:00", "120")
    start = clock.now()
    monotonic.value += 30  # half a real minute: an hour of the simulated morning
    assert clock.now() - start == timedelta(hours=1)
    assert clock.rate == 120


def test_a_rate_without_a_start_runs_fast_from_the_real_time(monotonic):
    before = datetime.now(UTC)
    clock = Clock.from_iso(None, "60")
    monotonic.value += 10
    assert before + timedelta(minutes=10) <= clock.now() <= datetime.now(UTC) + timedelta(minutes=10)


@pytest.mark.parametrize("rate", ["0", "-5", "fast", "1e9", "nan"])
def test_a_nonsense_rate_is_refused_with_a_message_naming_it(rate):
    with pytest.raises(ValueError, match="MPP_CLOCK_RATE"):
        Clock.from_iso("2026-11-23T08:00:00+07:00", rate)
