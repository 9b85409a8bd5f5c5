"""The floor's cost script fills a day as a busy afternoon leaves it and times the figures."""

from devtools.floor_cost import measure


def test_the_cost_script_times_the_figures_of_a_filled_day(tmp_path):
    results = measure(tickets=300, counters=10, rounds=2, folder=tmp_path)
    assert set(results) == {"building", "zone 1", "agency G01"}
    building = results["building"]
    assert building["waiting"] > 0 and building["served"] > 0 and building["p50_ms"] > 0
    assert results["agency G01"]["served"] < building["served"]
