"""The busy day, small: the real server, the floor's clients, and the database must agree."""

import pytest

from devtools.simulation.busy_day import busy_site, run_day, staffing, toml_text
from devtools.simulation.plan import AGENCY_WEIGHT
from devtools.simulation.summary import FINAL, read_tickets, summarise
from server.site_config import parse_site

KINDS = ("issue", "printed", "call-next", "start", "done")


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    """80 citizens, 20 counters (one per agency at least), the clock at 2000x: ~15 s."""
    workdir = tmp_path_factory.mktemp("busy-day")
    result = run_day(visitors=80, counters=20, rate=2000, seed=2026, max_wall=60, workdir=workdir)
    return result, workdir / "busy.db"


def test_staffing_gives_every_agency_a_counter_and_the_rest_by_weight():
    weights = {"DUKCAPIL": 30, "SAMSAT": 12, "PA": 1}
    seats = staffing(weights, 46)
    assert sum(seats.values()) == 46
    assert seats["DUKCAPIL"] > seats["SAMSAT"] > seats["PA"] >= 1
    with pytest.raises(ValueError):
        staffing(weights, 2)


def test_the_busy_site_is_a_valid_site_with_the_counters_asked_for_and_bigger_quotas():
    site = parse_site(toml_text(busy_site(3000, 120)), "busy site")
    assert len(site.counters) == 120
    assert {c.agency for c in site.counters} == {a.code for a in site.agencies}
    dukcapil = [c for c in site.counters if c.agency == "DUKCAPIL"]
    assert len(dukcapil) == max(len([c for c in site.counters if c.agency == a]) for a in AGENCY_WEIGHT)
    assert {q for c in dukcapil for q in c.queues} == {"DUKCAPIL-KTP", "DUKCAPIL-SIPIL"}
    quotas = {s.code: s.quota for a in site.agencies for s in a.services}
    assert quotas["IM-PASPOR"] == 150  # 30 on the demo site, x 3000/600


def test_the_report_agrees_with_the_servers_database(day):
    result, db = day
    tickets, _ = read_tickets(db)
    summary = summarise(tickets)
    visitors = result["visitors"]
    assert visitors["planned"] == visitors["arrived"] == 80
    assert visitors["issued"] == visitors["confirmed"] == summary["total"]["tickets"] == len(tickets)
    assert visitors["issued"] + sum(visitors["turned_away"].values()) == 80
    by_agency = {code: f["tickets"] for code, f in summary["agencies"].items() if f["tickets"]}
    assert by_agency == visitors["printed_by_agency"]
    assert result["summary"]["total"] == summary["total"]
    assert result["day"]["finished"]
    assert [t["code"] for t in tickets if t["status"] not in FINAL] == []  # no lost tickets
    assert summary["total"]["done"] + summary["total"]["no_show"] == len(tickets)
    assert all(result["checks"].values()), result["checks"]


def test_the_report_has_the_servers_figures(day):
    result, _ = day
    for kind in KINDS:
        latency = result["latency_ms"][kind]
        assert latency["n"] > 0 and 0 < latency["p50"] <= latency["p99"], kind
    assert result["call_to_display_ms"]["n"] > 0 and result["call_to_display_ms"]["missing"] == 0
    assert result["opening_latency_ms"]["login"]["n"] == 20
    assert 0 < result["wall_s"]["day"] <= result["wall_s"]["total"] < 60
    assert result["server"]["rss_peak_mb"] > 0 and result["server"]["cpu_s"] > 0


def test_a_transfer_into_a_queue_that_has_the_same_number_is_no_server_error(day):
    """The plan's one transfer (an A ticket to the B queue) hit UNIQUE (queue, service_day, number)."""
    result, _ = day
    assert result["error_detail"] == {}
    assert result["summary"]["total"]["transferred"] == 1
    assert result["ok"]
