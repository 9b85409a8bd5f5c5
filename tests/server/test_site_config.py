"""The bundled demo site file, the site file's error messages, and the schedule it yields."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from server.site_config import SiteConfigError, load_site, parse_site

DEMO = Path(__file__).resolve().parents[2] / "server" / "sites" / "demo.toml"
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def demo():
    return load_site(DEMO)


def at(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


# ---------------------------------------------------------------- the demo file


def test_demo_has_a_realistic_size(demo):
    assert len(demo.agencies) >= 12
    assert sum(len(a.services) for a in demo.agencies) >= 40
    assert len(demo.counters) >= 30
    assert len(demo.zones) == 2
    assert {c.zone for c in demo.counters} == {z.code for z in demo.zones}


def test_every_queue_of_every_agency_has_a_counter_of_that_agency(demo):
    for agency in demo.agencies:
        served = {q for c in demo.counters if c.agency == agency.code for q in c.queues}
        for service in agency.services:
            assert service.queue in served, f"{agency.code}: no counter calls queue {service.queue}"


def test_counters_sit_in_their_agency_zone_and_call_its_queues(demo):
    agencies = {a.code: a for a in demo.agencies}
    for counter in demo.counters:
        agency = agencies[counter.agency]
        assert counter.zone == agency.zone, counter.code
        assert set(counter.queues) <= {s.queue for s in agency.services}, counter.code
    assert any(len(c.queues) > 1 for c in demo.counters)


def test_demo_site_rules(demo):
    site = demo.site
    assert any(b.days == ["fri"] and b.time == "11:30-13:00" for b in site.breaks)
    assert any(s.quota for a in demo.agencies for s in a.services)
    assert site.holidays
    assert {p.code for p in site.priority_categories} == {
        "lansia",
        "disabilitas",
        "ibu_hamil",
        "anak",
        "korban_bencana",
    }
    assert demo.ratio().priority == 1 and demo.ratio().normal == 2


# ---------------------------------------------------------------- bad input

BASE = """
[site]
name = "MPP Uji"
timezone = "Asia/Jakarta"
priority_ratio = "1:2"

[site.hours]
mon = "08:00-15:00"

[[zones]]
code = "1"
name = "Lantai 1"

[[queues]]
code = "Q1"
prefix = "A"
name = "Antrian A"

[[agencies]]
code = "AG"
name = "Instansi Uji"
zone = "1"

[[agencies.services]]
code = "S1"
name = "Layanan Uji"
queue = "Q1"

[[counters]]
code = "L01"
name = "Loket 1"
agency = "AG"
zone = "1"
queues = ["Q1"]
"""

SECOND_QUEUE = """
[[queues]]
code = "Q2"
prefix = "A"
name = "Antrian A lagi"
"""


def test_the_base_of_the_bad_cases_is_valid():
    config = parse_site(BASE, "uji.toml")
    assert config.site.name == "MPP Uji"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('name = "MPP Uji"', 'name = "MPP Uji', ["not valid TOML"]),
        ('"Asia/Jakarta"', '"Asia/Jakarte"', ["site.timezone", "unknown timezone", "Asia/Jakarte"]),
        ('mon = "08:00-15:00"', 'mon = "15:00-08:00"', ["site.hours.mon", "ends before it starts"]),
        ('queue = "Q1"', 'queue = "ZZ"', ["agencies[0].services[0].queue", "unknown queue 'ZZ'"]),
        ('queues = ["Q1"]', 'queues = ["Q1"]\n' + SECOND_QUEUE, ["queues (prefix)", "'A'", "used twice"]),
        ('agency = "AG"', 'agency = "XX"', ["counters[0].agency", "unknown agency 'XX'"]),
        ('priority_ratio = "1:2"', 'priority_ratio = "x"', ["site.priority_ratio", "not a ratio"]),
        ('name = "MPP Uji"', 'name = "MPP Uji"\ncolour = "biru"', ["site.colour", "not permitted"]),
    ],
    ids=[
        "toml-syntax",
        "timezone",
        "hours-range",
        "service-queue",
        "duplicate-prefix",
        "counter-agency",
        "priority-ratio",
        "unknown-key",
    ],
)
def test_bad_site_files_are_explained(old, new, expected):
    assert old in BASE
    with pytest.raises(SiteConfigError) as caught:
        parse_site(BASE.replace(old, new, 1), "uji.toml")
    message = str(caught.value)
    assert message.startswith("uji.toml: ")
    for part in expected:
        assert part in message


def test_a_missing_site_file_is_named(tmp_path):
    path = tmp_path / "tidak-ada.toml"
    with pytest.raises(SiteConfigError) as caught:
        load_site(path)
    assert str(path) in str(caught.value)


# ---------------------------------------------------------------- the schedule


def test_open_on_a_monday_morning(demo):
    assert demo.schedule().availability(at(2026, 11, 23, 9)).open


def test_closed_for_friday_prayer(demo):
    state = demo.schedule().availability(at(2026, 11, 27, 12))
    assert not state.open
    assert (state.reason, state.detail, state.label) == ("closed", "break", "Istirahat salat Jumat")
    assert state.until == at(2026, 11, 27, 13)


def test_closed_on_sunday(demo):
    state = demo.schedule().availability(at(2026, 11, 29, 10))
    assert (state.open, state.reason, state.detail) == (False, "closed", "day_off")


def test_closed_on_christmas(demo):
    state = demo.schedule().availability(at(2026, 12, 25, 10))
    assert (state.open, state.detail, state.label) == (False, "holiday", "Hari Raya Natal")


def test_cut_off_half_an_hour_before_closing(demo):
    schedule = demo.schedule()
    assert schedule.availability(at(2026, 11, 23, 14, 29)).open
    state = schedule.availability(at(2026, 11, 23, 14, 45))
    assert (state.open, state.reason) == (False, "cut_off")
    assert state.until == at(2026, 11, 23, 14, 30)


def find(config, service_code):
    for agency in config.agencies:
        for service in agency.services:
            if service.code == service_code:
                return agency, service
    raise KeyError(service_code)


def test_imigrasi_keeps_morning_hours(demo):
    schedule = demo.service_schedule(*find(demo, "IM-PASPOR"))
    assert schedule.availability(at(2026, 11, 23, 9)).open
    assert schedule.availability(at(2026, 11, 23, 11, 45)).reason == "cut_off"
    state = schedule.availability(at(2026, 11, 23, 13))
    assert (state.open, state.reason, state.detail) == (False, "closed", "outside_hours")
    # The site is still open then for everyone else.
    assert demo.schedule().availability(at(2026, 11, 23, 13)).open


def test_a_service_with_its_own_cut_off(demo):
    schedule = demo.service_schedule(*find(demo, "BN-PERALIHAN"))
    assert schedule.availability(at(2026, 11, 23, 13, 45)).open
    assert schedule.availability(at(2026, 11, 23, 14, 5)).reason == "cut_off"
