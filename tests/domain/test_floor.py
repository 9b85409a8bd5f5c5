"""The floor figures: service level, waits, idle counters, officers on the floor, scope."""

from datetime import datetime, timedelta

import pytest

from server.domain.floor import (DEFAULT_TARGET_WAIT_MIN, Agency, Counter, Ended, FirstCalls, Officer, Queue, Scope,
                                 Service, Waiting, floor_figures)

NOW = datetime.fromisoformat("2026-11-23T10:00:00.000+07:00")
AGENCIES = [Agency("DUKCAPIL", "Disdukcapil Kota", "Disdukcapil", "1"), Agency("SAMSAT", "Samsat Kota", None, "1"),
            Agency("BPN", "Kantor Pertanahan", None, "2")]
QUEUES = [Queue("KTP", "KTP-el", "A", "DUKCAPIL", "1"), Queue("SIPIL", "Capil", "B", "DUKCAPIL", "1"),
          Queue("PKB", "Pajak", "S", "SAMSAT", "1"), Queue("BPN", "Pertanahan", "N", "BPN", "2")]
SERVICES = {
    "DK-KTP": Service("DK-KTP", "DUKCAPIL", "1"),  # no target of its own: 15 minutes
    "DK-KK": Service("DK-KK", "DUKCAPIL", "1", target_wait_min=30),
    "SM-PKB": Service("SM-PKB", "SAMSAT", "1", target_wait_min=10),
    "BN-CEK": Service("BN-CEK", "BPN", "2"),
}
QUEUE_OF = {"DK-KTP": "KTP", "DK-KK": "SIPIL", "SM-PKB": "PKB", "BN-CEK": "BPN"}


def waiting(code: str, service: str = "DK-KTP", minutes: float = 0, priority: str | None = None,
            transferred: bool = False) -> Waiting:
    """A ticket that has waited `minutes` so far."""
    s = SERVICES[service]
    return Waiting(code, QUEUE_OF[service], service, s.agency, s.zone, priority, NOW - timedelta(minutes=minutes),
                   transferred)


def counter(code: str = "L01", status: str = "open", queues=("KTP",), agency: str = "DUKCAPIL", zone: str = "1",
            officer_id: int | None = 1, ticket: dict | None = None, since_min: float = 30, **extra) -> Counter:
    since = NOW - timedelta(minutes=since_min)
    return Counter(code, f"Loket {code[1:]}", agency, zone, status, tuple(queues), officer_id if status != "closed"
                   else None, None, ticket, since, extra.get("ticket_since"))


def figures(waiting_now=(), first_calls=(), ended=(), counters=(), signed_in=(), scope=Scope()):
    return floor_figures(list(waiting_now), list(first_calls), list(ended), list(counters), QUEUES, AGENCIES,
                         SERVICES, list(signed_in), NOW, scope)


def by_code(rows: list[dict]) -> dict:
    return {row["code"]: row for row in rows}


# ---------------------------------------------------------------- service level


@pytest.mark.parametrize("service, waits_s, expected", [
    ("DK-KTP", [15 * 60], 100.0),  # exactly the default target: within
    ("DK-KTP", [15 * 60 + 0.001], 0.0),  # a millisecond over
    ("DK-KTP", [0, 60, 899.999, 900, 901], 80.0),
    ("DK-KK", [30 * 60, 30 * 60 + 1], 50.0),  # its own target, 30 minutes
    ("SM-PKB", [10 * 60, 11 * 60, 12 * 60], 33.3),  # one decimal
], ids=["at-default-target", "just-over", "mixed", "own-target", "rounded"])
def test_service_level_counts_the_calls_within_the_services_target(service, waits_s, expected):
    kpi = figures(first_calls=[FirstCalls(service, waits_s)])["kpi"]
    assert kpi["service_level_pct"] == expected
    assert kpi["called"] == len(waits_s)


def test_service_level_is_null_before_anyone_is_called():
    answer = figures(waiting_now=[waiting("A-001", minutes=40)])
    assert answer["kpi"]["service_level_pct"] is None and answer["kpi"]["called"] == 0
    assert all(a["service_level_pct"] is None for a in answer["agencies"])


def test_default_target_is_fifteen_minutes():
    assert DEFAULT_TARGET_WAIT_MIN == 15
    assert Service("X", "A", "1").target == 15 and Service("X", "A", "1", 25).target == 25


def test_service_level_of_each_agency_and_of_the_building():
    answer = figures(first_calls=[FirstCalls("DK-KTP", [60, 2000]), FirstCalls("SM-PKB", [60, 60, 60])])
    agencies = by_code(answer["agencies"])
    assert agencies["DUKCAPIL"]["service_level_pct"] == 50.0
    assert agencies["SAMSAT"]["service_level_pct"] == 100.0
    assert agencies["BPN"]["service_level_pct"] is None
    assert answer["kpi"]["service_level_pct"] == 80.0


def test_a_transferred_tickets_first_wait_counts_where_it_was_issued_and_it_waits_again_since_the_transfer():
    # A-001 was issued for DK-KTP, called after 5 minutes, then sent on to Samsat 3 minutes ago.
    moved = waiting("A-001", "SM-PKB", minutes=3, transferred=True)
    answer = figures(waiting_now=[moved], first_calls=[FirstCalls("DK-KTP", [5 * 60])])
    agencies = by_code(answer["agencies"])
    assert agencies["DUKCAPIL"]["service_level_pct"] == 100.0 and agencies["DUKCAPIL"]["waiting"] == 0
    assert agencies["SAMSAT"]["service_level_pct"] is None and agencies["SAMSAT"]["waiting"] == 1
    queue = by_code(answer["queues"])["PKB"]
    assert queue["longest_wait_min"] == 3
    assert queue["tickets"] == [{"code": "A-001", "priority": None, "service": "SM-PKB", "waited_min": 3,
                                 "transferred": True, "over_target": False, "booked": False}]


def test_calls_of_a_service_no_longer_in_the_site_count_for_the_building_only():
    answer = figures(first_calls=[FirstCalls("GONE", [60, 20 * 60])])
    assert answer["kpi"]["service_level_pct"] == 50.0
    assert all(a["service_level_pct"] is None for a in answer["agencies"])
    assert figures(first_calls=[FirstCalls("GONE", [60])], scope=Scope(agency="DUKCAPIL"))["kpi"]["called"] == 0


# ---------------------------------------------------------------- waiting


def test_waiting_and_longest_wait_in_whole_minutes():
    answer = figures(waiting_now=[waiting("A-001", minutes=12.9), waiting("A-002", minutes=0.5),
                                  waiting("B-001", "DK-KK", minutes=4)])
    assert answer["kpi"]["waiting"] == 3 and answer["kpi"]["longest_wait_min"] == 12
    queues = by_code(answer["queues"])
    assert (queues["KTP"]["waiting"], queues["KTP"]["longest_wait_min"]) == (2, 12)
    assert [t["waited_min"] for t in queues["KTP"]["tickets"]] == [12, 0]  # the longest waiting first
    assert (queues["PKB"]["waiting"], queues["PKB"]["longest_wait_min"], queues["PKB"]["tickets"]) == (0, None, [])
    assert by_code(answer["agencies"])["DUKCAPIL"]["waiting"] == 3


def test_nobody_waiting_has_no_longest_wait():
    assert figures()["kpi"]["longest_wait_min"] is None


def test_a_priority_ticket_shows_its_category_and_waits_like_any_other():
    answer = figures(waiting_now=[waiting("A-001", minutes=2), waiting("A-002", minutes=20, priority="lansia")])
    tickets = by_code(answer["queues"])["KTP"]["tickets"]
    assert [(t["code"], t["priority"], t["waited_min"], t["over_target"]) for t in tickets] == [
        ("A-002", "lansia", 20, True), ("A-001", None, 2, False)]
    assert answer["kpi"]["longest_wait_min"] == 20


@pytest.mark.parametrize("service, minutes, over", [
    ("DK-KTP", 15, False),  # exactly the target is not over it
    ("DK-KTP", 15.02, True),
    ("DK-KK", 29, False),  # its own target, 30
    ("SM-PKB", 11, True),  # its own target, 10
])
def test_an_agency_is_over_target_when_a_ticket_waits_longer_than_its_services_target(service, minutes, over):
    answer = figures(waiting_now=[waiting("X-001", service, minutes=minutes)])
    agency = SERVICES[service].agency
    assert by_code(answer["agencies"])[agency]["over_target"] is over
    assert by_code(answer["queues"])[QUEUE_OF[service]]["over_target"] is over
    assert not any(a["over_target"] for a in answer["agencies"] if a["code"] != agency)


def test_a_queue_lists_at_most_fifty_tickets_but_counts_them_all():
    answer = figures(waiting_now=[waiting(f"A-{i:03d}", minutes=100 - i) for i in range(80)])
    queue = by_code(answer["queues"])["KTP"]
    assert queue["waiting"] == 80 and len(queue["tickets"]) == 50
    assert queue["tickets"][0]["code"] == "A-000"


# ---------------------------------------------------------------- counters


@pytest.mark.parametrize("state, waiting_in, idle", [
    ({"status": "open"}, "DK-KTP", True),
    ({"status": "open", "queues": ("SIPIL", "KTP")}, "DK-KTP", True),  # any of its queues
    ({"status": "open"}, "DK-KK", False),  # people wait, not in its queue
    ({"status": "open"}, None, False),  # nobody waits
    ({"status": "open", "ticket": {"code": "A-000"}}, "DK-KTP", False),  # busy with a ticket
    ({"status": "paused"}, "DK-KTP", False),  # on a break: not idle
    ({"status": "closed"}, "DK-KTP", False),
], ids=["idle", "second-queue", "other-queue", "nobody", "busy", "paused", "closed"])
def test_idle_with_a_queue(state, waiting_in, idle):
    people = [waiting("X-001", waiting_in, minutes=3)] if waiting_in else []
    answer = figures(waiting_now=people, counters=[counter(**state)])
    assert answer["counters"][0]["idle_with_queue"] is idle
    assert answer["kpi"]["counters_idle_with_queue"] == int(idle)


def test_a_paused_counter_is_counted_paused_not_open_and_its_officer_is_on_the_floor():
    answer = figures(counters=[counter("L01", "paused", since_min=7), counter("L02", "open", officer_id=2),
                               counter("L03", "closed")])
    kpi = answer["kpi"]
    assert (kpi["counters_open"], kpi["counters_paused"], kpi["officers_signed_in"]) == (1, 1, 2)
    row = by_code(answer["counters"])["L01"]
    assert (row["status"], row["since_min"]) == ("paused", 7)
    assert by_code(answer["agencies"])["DUKCAPIL"]["counters_open"] == 1


def test_a_counter_with_a_ticket_shows_since_when_the_ticket_is_there_and_what_it_served_today():
    called = NOW - timedelta(minutes=4, seconds=30)
    row = figures(counters=[counter(ticket={"code": "A-003"}, ticket_since=called, since_min=90)],
                  waiting_now=[waiting("A-004")],
                  ended=[Ended("done", "DUKCAPIL", "1", "L01", 7), Ended("no_show", "DUKCAPIL", "1", "L01", 2),
                         Ended("done", "DUKCAPIL", "1", "L02", 3)])["counters"][0]
    assert row["since"] == called.isoformat(timespec="milliseconds") and row["since_min"] == 4
    assert row["served_today"] == 7
    assert row["queues"] == [{"code": "KTP", "waiting": 1}]
    assert row["ticket"] == {"code": "A-003"} and row["idle_with_queue"] is False


@pytest.mark.parametrize("status, last_end_min, expected_min", [
    ("open", 6, 6),  # idle since its last ticket ended
    ("open", 45, 30),  # ...or since it opened, when that came later
    ("open", None, 30),
    ("paused", 6, 30),  # paused since it paused, whatever it served before
])
def test_an_open_counter_without_a_ticket_is_idle_since_its_last_ticket_ended(status, last_end_min, expected_min):
    ended = [Ended("done", "DUKCAPIL", "1", "L01", 3, NOW - timedelta(minutes=last_end_min))] if last_end_min else []
    row = figures(counters=[counter(status=status, since_min=30)], ended=ended)["counters"][0]
    assert row["since_min"] == expected_min


def test_served_and_no_show_of_the_day():
    kpi = figures(ended=[Ended("done", "DUKCAPIL", "1", "L01", 7), Ended("no_show", "DUKCAPIL", "1", "L01", 2),
                         Ended("done", "BPN", "2", "L26", 3)])["kpi"]
    assert (kpi["served"], kpi["no_show"]) == (10, 2)


# ---------------------------------------------------------------- officers signed in


def test_officers_signed_in_are_officers_with_a_session_and_whoever_holds_a_counter_each_once():
    sessions = [Officer(1, "officer", "DUKCAPIL"), Officer(2, "officer", "SAMSAT"),
                Officer(3, "supervisor", None), Officer(4, "admin", None)]  # watchers are not on the floor
    counters = [counter("L01", officer_id=1), counter("L08", "paused", ("PKB",), "SAMSAT", officer_id=9),
                counter("L02", "closed")]
    assert figures(counters=counters, signed_in=sessions)["kpi"]["officers_signed_in"] == 3  # 1, 2 and 9
    assert figures(counters=counters, signed_in=sessions, scope=Scope(agency="SAMSAT"))["kpi"][
        "officers_signed_in"] == 2
    assert figures(counters=counters, signed_in=sessions, scope=Scope(zone="2"))["kpi"]["officers_signed_in"] == 0


# ---------------------------------------------------------------- scope


def test_an_agency_scope_shows_its_agency_counters_and_queues_and_computes_the_kpis_on_them():
    answer = figures(
        waiting_now=[waiting("A-001", minutes=5), waiting("S-001", "SM-PKB", minutes=50)],
        first_calls=[FirstCalls("DK-KTP", [60]), FirstCalls("SM-PKB", [3600])],
        ended=[Ended("done", "DUKCAPIL", "1", "L01", 4), Ended("done", "SAMSAT", "1", "L08", 6)],
        counters=[counter("L01"), counter("L08", queues=("PKB",), agency="SAMSAT", officer_id=2)],
        scope=Scope(agency="DUKCAPIL"))
    assert [a["code"] for a in answer["agencies"]] == ["DUKCAPIL"]
    assert [c["code"] for c in answer["counters"]] == ["L01"]
    assert [q["code"] for q in answer["queues"]] == ["KTP", "SIPIL"]
    kpi = answer["kpi"]
    assert (kpi["waiting"], kpi["longest_wait_min"], kpi["served"], kpi["service_level_pct"]) == (1, 5, 4, 100.0)
    assert (kpi["counters_open"], kpi["counters_idle_with_queue"]) == (1, 1)


def test_a_zone_scope():
    answer = figures(waiting_now=[waiting("A-001"), waiting("N-001", "BN-CEK", minutes=9)],
                     counters=[counter("L01"), counter("L26", queues=("BPN",), agency="BPN", zone="2")],
                     scope=Scope(zone="2"))
    assert [a["code"] for a in answer["agencies"]] == ["BPN"]
    assert [c["code"] for c in answer["counters"]] == ["L26"]
    assert [q["code"] for q in answer["queues"]] == ["BPN"]
    assert (answer["kpi"]["waiting"], answer["kpi"]["longest_wait_min"]) == (1, 9)
