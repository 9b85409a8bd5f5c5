"""The report figures (server/domain/reports.py) on a small day computed by hand."""

import pytest

from server.domain.errors import Invalid
from server.domain.reports import Ended, Issued, Waits, date_range, label, quantile, summarise

AGENCY = {"DK-KTP": "DUKCAPIL", "DK-KK": "DUKCAPIL", "SM-PKB": "SAMSAT"}
TARGETS = {"DK-KTP": None, "DK-KK": 20, "SM-PKB": 10}  # None: 15 minutes


def m(minutes: float) -> int:
    return int(minutes * 60)


# The day, ticket by ticket (minutes):
#   A DK-KTP 09h  waited 15 (exactly the target: within), no-show
#   B DK-KTP 09h  priority, waited 5, served 6
#   C DK-KTP 10h  waited 15, served 10 (its counter paused 4 minutes inside the visit: counted)
#   D SM-PKB 09h  waited 12 (> 10: over), transferred to DK-KK, served 4 there
#   E DK-KK  10h  cancelled before any call
#   F DK-KK  10h  waited 20 (= its 20-minute target), served 8
ISSUED = [
    Issued(None, "DK-KTP", "DUKCAPIL", False, False, 9, 1),  # A
    Issued(None, "DK-KTP", "DUKCAPIL", False, True, 9, 1),  # B
    Issued(None, "DK-KTP", "DUKCAPIL", False, False, 10, 1),  # C
    Issued(None, "SM-PKB", "DUKCAPIL", True, False, 9, 1),  # D
    Issued(None, "DK-KK", "DUKCAPIL", False, False, 10, 2),  # E, F
]
WAITS = [
    Waits(None, "DK-KTP", m(15), 2, m(30)),  # A, C: a tie
    Waits(None, "DK-KTP", m(5), 1, m(5)),  # B
    Waits(None, "SM-PKB", m(12), 1, m(12)),  # D
    Waits(None, "DK-KK", m(20), 1, m(20)),  # F
]
ENDED = [  # where they ended: D at DK-KK (Dukcapil)
    Ended(None, "no_show", None, 1),  # A
    Ended(None, "done", m(6), 1, m(6)),  # B
    Ended(None, "done", m(10), 1, m(10)),  # C
    Ended(None, "done", m(4), 1, m(4)),  # D
    Ended(None, "cancelled", None, 1),  # E
    Ended(None, "done", m(8), 1, m(8)),  # F
]


def test_the_totals_of_a_hand_computed_day():
    totals = summarise(None, ISSUED, WAITS, ENDED, AGENCY, TARGETS)["totals"]
    assert (totals["issued"], totals["served"], totals["no_show"], totals["cancelled"], totals["transferred_out"],
            totals["called"]) == (6, 4, 1, 1, 1, 5)
    # waits 5, 12, 15, 15, 20: mean 13.4, median 15 (the tie), p90 at rank 3.6: 15 + 0.6 × 5 = 18
    assert (totals["wait_mean_min"], totals["wait_median_min"], totals["wait_p90_min"]) == (13.4, 15.0, 18.0)
    # services 4, 6, 8, 10 (the pause inside C counts): mean 7, p90 at rank 2.7: 8 + 0.7 × 2 = 9.4
    assert (totals["service_mean_min"], totals["service_p90_min"]) == (7.0, 9.4)
    # within: A and C (15 ≤ 15), B, F (20 ≤ its 20); D over its 10: 4 of 5
    assert totals["service_level_pct"] == 80.0
    assert (totals["priority_pct"], totals["busiest_hour"]) == (16.7, 9)  # 1 of 6; 09h and 10h tie at 3: the earlier


def test_a_tie_for_the_busiest_hour_goes_to_the_earlier_hour():
    tied = [Issued(None, "DK-KTP", "DUKCAPIL", False, False, 10, 3),
            Issued(None, "DK-KTP", "DUKCAPIL", False, False, 9, 3)]
    assert summarise(None, tied, [], [], AGENCY, TARGETS)["totals"]["busiest_hour"] == 9


def test_by_agency_a_ticket_waits_where_it_was_issued_and_ends_where_it_was_served():
    ended = [Ended("DUKCAPIL", e.status, e.service_s, e.count, e.service_sum_s) for e in ENDED]  # all ended there
    rows = {r["key"]: r for r in summarise("agency", ISSUED, WAITS, ended, AGENCY, TARGETS)["rows"]}
    samsat, dukcapil = rows["SAMSAT"], rows["DUKCAPIL"]
    assert (samsat["issued"], samsat["transferred_out"], samsat["served"], samsat["service_level_pct"]) == (
        1, 1, 0, 0.0)
    assert (samsat["wait_mean_min"], samsat["service_mean_min"]) == (12.0, None)
    assert (dukcapil["issued"], dukcapil["transferred_out"], dukcapil["served"], dukcapil["no_show"]) == (5, 0, 4, 1)
    assert dukcapil["service_level_pct"] == 100.0


def test_by_service_a_transfer_within_the_agency_is_out_of_its_service():
    issued = [Issued(None, "DK-KTP", "DUKCAPIL", True, False, 9, 1)]  # DK-KTP → DK-KK
    rows = {r["key"]: r for r in summarise("service", issued, [], [], AGENCY, TARGETS)["rows"]}
    assert rows["DK-KTP"]["transferred_out"] == 1
    by_agency = summarise("agency", issued, [], [], AGENCY, TARGETS)["rows"]
    assert by_agency[0]["transferred_out"] == 0  # still Dukcapil


def test_an_empty_range_has_counts_of_zero_and_no_times():
    totals = summarise("agency", [], [], [], AGENCY, TARGETS)
    assert totals["rows"] == [] and totals["totals"]["issued"] == 0
    assert totals["totals"]["wait_median_min"] is None and totals["totals"]["service_level_pct"] is None


def test_quantiles_interpolate_between_the_nearest_ranks_and_count_ties():
    assert quantile([(10, 1), (20, 1)], 0.5) == 15
    assert quantile([(10, 3), (20, 1)], 0.5) == 10  # the tie holds the middle
    assert quantile([(v, 1) for v in range(1, 11)], 0.9) == pytest.approx(9.1)
    assert quantile([(7, 1)], 0.9) == 7 and quantile([], 0.5) is None


def test_the_range_is_checked_in_indonesian():
    assert date_range(None, None, "2026-11-23") == ("2026-11-23", "2026-11-23")
    assert date_range("2026-11-01", None, "2026-11-23") == ("2026-11-01", "2026-11-01")
    with pytest.raises(Invalid, match="TTTT-BB-HH"):
        date_range("2026-13-01", None, "2026-11-23")
    with pytest.raises(Invalid, match="sebelum"):
        date_range("2026-11-23", "2026-11-22", "2026-11-23")
    assert date_range("2025-11-23", "2026-12-27", "2026-11-23")  # 400 days
    with pytest.raises(Invalid, match="400 hari"):
        date_range("2025-11-23", "2026-12-28", "2026-11-23")


def test_rows_are_named_as_a_page_names_them():
    assert label("hour", "8", {}) == "08.00–09.00"
    assert label("weekday", "7", {}) == "Minggu"
    assert label("counter", None, {}) == "Tanpa loket"
    assert label("agency", "SAMSAT", {"SAMSAT": "Samsat"}) == "Samsat"
