"""The simulated day's plan: who comes when, for what; and what an officer does next."""

from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from devtools.simulation.plan import (
    HOURLY_SHARE,
    NO_SHOW_AFTER_MINUTES,
    RECALL_AFTER_MINUTES,
    officer_step,
    plan_day,
)
from server import sites
from server.site_config import load_site

WIB = ZoneInfo("Asia/Jakarta")
SITE = load_site(Path(sites.__file__).parent / "demo.toml")


def at(hour, minute=0):
    return datetime(2026, 11, 23, hour, minute, tzinfo=WIB)


@pytest.fixture(scope="module")
def day():
    return plan_day(SITE, 3000, at(8), at(14, 30))


def test_the_same_seed_plans_the_same_day_and_another_seed_another():
    assert plan_day(SITE, 50, at(8), at(12)) == plan_day(SITE, 50, at(8), at(12))
    assert plan_day(SITE, 50, at(8), at(12), seed=1) != plan_day(SITE, 50, at(8), at(12))


def test_citizens_arrive_in_order_within_the_window_by_the_hourly_pattern(day):
    assert len(day) == 3000 and [v.citizen for v in day] == list(range(1, 3001))
    assert all(at(8) <= v.arrives < at(14, 30) for v in day)
    assert [v.arrives for v in day] == sorted(v.arrives for v in day)
    per_hour = Counter(v.arrives.hour for v in day)
    assert per_hour.most_common(1)[0][0] == 9  # the morning peak
    assert per_hour[12] < per_hour[9] / 2  # the lunch dip


def test_dukcapil_draws_the_most_and_every_service_exists(day):
    services = {s.code: a.code for a in SITE.agencies for s in a.services}
    assert all(services[v.service] == v.agency for v in day)
    agencies = Counter(v.agency for v in day)
    assert agencies.most_common(1)[0][0] == "DUKCAPIL"
    assert len(agencies) == len(SITE.agencies)


def test_some_priority_some_no_shows_exactly_one_transfer(day):
    categories = {p.code for p in SITE.site.priority_categories}
    priority = [v for v in day if v.priority]
    assert 0.04 < len(priority) / len(day) < 0.10 and {v.priority for v in priority} <= categories
    assert 0.03 < sum(v.no_show for v in day) / len(day) < 0.08
    [moved] = [v for v in day if v.transfer_to]
    assert moved.service == "DK-KTP" and moved.transfer_to == "DK-KK" and not moved.no_show


def test_service_times_vary_around_the_default_minutes(day):
    defaults = {s.code: s.default_minutes for a in SITE.agencies for s in a.services}
    ratios = sorted(v.service_minutes / defaults[v.service] for v in day)
    median = ratios[len(ratios) // 2]
    assert 0.8 < median < 1.1 and ratios[0] < 0.5 and ratios[-1] > 2


def test_an_arrival_window_outside_the_day_is_refused():
    with pytest.raises(ValueError, match="no arrival hour"):
        plan_day(SITE, 10, at(19), at(20))


def test_the_officer_serves_recalls_marks_no_show_and_transfers(day):
    came = next(v for v in day if not v.no_show and not v.transfer_to)
    assert officer_step(came, "called").action == "start"
    assert officer_step(came, "called").after_minutes == came.walk_minutes
    served = officer_step(came, "serving")
    assert (served.action, served.after_minutes) == ("done", came.service_minutes)
    absent = next(v for v in day if v.no_show)
    assert officer_step(absent, "called").action == "recall"
    assert officer_step(absent, "called").after_minutes == RECALL_AFTER_MINUTES
    assert officer_step(absent, "recalled").action == "no-show"
    assert officer_step(absent, "recalled").after_minutes == NO_SHOW_AFTER_MINUTES
    [moved] = [v for v in day if v.transfer_to]
    assert officer_step(moved, "serving").action == "transfer"
    assert officer_step(moved, "serving", transferred=True).action == "done"
    with pytest.raises(ValueError):
        officer_step(came, "done")


def test_hourly_shares_add_up_to_the_whole_day():
    assert sum(HOURLY_SHARE.values()) == pytest.approx(1.0)
