"""GET /api/floor: the floor figures for supervisors and admins, from the real rules and database."""

import time

import pytest

from devtools.launcher import DEMO_SITE
from server import storage
from server.flows import floor as floor_flow
from server.flows.floor import FRESH_S, shared_figures
from server.flows.site import follow_site
from server.site_config import dump_site, load_site, parse_site


def with_target(minutes: int) -> str:
    """The demo site whose DK-KTP promises a call within `minutes`."""
    return DEMO_SITE.read_text(encoding="utf-8").replace(
        'code = "DK-KTP"\n', f'code = "DK-KTP"\ntarget_wait_min = {minutes}\n', 1)


def by_code(rows: list[dict]) -> dict:
    return {row["code"]: row for row in rows}


def floor_of(client, **params) -> dict:
    answer = client.get("/api/floor", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_figures_follow_issue_call_done_and_no_show(app_floor):
    clock = app_floor.clock
    first = app_floor.issue("DK-KTP")
    second = app_floor.issue("DK-KTP", priority="lansia")
    third = app_floor.issue("DK-KTP")
    with app_floor.login("budi") as budi, app_floor.login("rina") as rina:
        clock.advance(minutes=20)
        budi.post("/api/counters/L01/open")
        floor = floor_of(rina)
        assert floor["service_day"] == "2026-11-23" and floor["generation"]
        kpi = floor["kpi"]
        assert (kpi["waiting"], kpi["longest_wait_min"], kpi["served"], kpi["no_show"]) == (3, 20, 0, 0)
        assert (kpi["service_level_pct"], kpi["counters_open"], kpi["counters_idle_with_queue"]) == (None, 1, 1)
        assert kpi["officers_signed_in"] == 1  # budi; rina watches
        queue = by_code(floor["queues"])["DUKCAPIL-KTP"]
        assert [(t["code"], t["priority"], t["waited_min"]) for t in queue["tickets"]] == [
            (first["code"], None, 20), (second["code"], "lansia", 20), (third["code"], None, 20)]
        assert "public_id" not in queue["tickets"][0] and "nik" not in str(floor)
        dukcapil = by_code(floor["agencies"])["DUKCAPIL"]
        assert (dukcapil["waiting"], dukcapil["longest_wait_min"], dukcapil["over_target"]) == (3, 20, True)
        l01 = by_code(floor["counters"])["L01"]
        assert (l01["status"], l01["officer"]["username"], l01["idle_with_queue"]) == ("open", "budi", True)

        called = budi.post("/api/counters/L01/call-next").json()["ticket"]  # the priority ticket, 20 minutes
        assert called["code"] == second["code"]
        clock.advance(minutes=4)
        floor = floor_of(rina)
        l01 = by_code(floor["counters"])["L01"]
        assert (l01["ticket"]["code"], l01["since_min"], l01["idle_with_queue"]) == (second["code"], 4, False)
        assert "recall" in l01["allowed_actions"] and "open" not in l01["allowed_actions"]
        assert by_code(floor["counters"])["L02"]["allowed_actions"] == ["open"]
        assert floor["kpi"]["service_level_pct"] == 0.0  # 20 minutes > 15
        assert floor["last_event_id"] > 0

        budi.post("/api/counters/L01/done")
        budi.post("/api/counters/L01/call-next")  # the first, 24 minutes
        budi.post("/api/counters/L01/no-show")
        floor = floor_of(rina)
        kpi = floor["kpi"]
        assert (kpi["waiting"], kpi["served"], kpi["no_show"], kpi["called"]) == (1, 1, 1, 2)
        assert by_code(floor["counters"])["L01"]["served_today"] == 1
        app_floor.clock.advance(minutes=2)
        l01 = by_code(floor_of(rina)["counters"])["L01"]
        assert (l01["ticket"], l01["since_min"], l01["idle_with_queue"]) == (None, 2, True)  # idle since the no-show
        assert by_code(floor["queues"])["DUKCAPIL-KTP"]["tickets"][0]["code"] == third["code"]


def test_service_level_is_the_share_of_first_calls_within_the_target(app_floor):
    app_floor.issue("DK-KTP")
    app_floor.issue("DK-KTP")
    with app_floor.login("budi") as budi, app_floor.login("admin") as admin:
        budi.post("/api/counters/L01/open")
        app_floor.clock.advance(minutes=10)
        budi.post("/api/counters/L01/call-next")
        app_floor.clock.advance(minutes=10)
        budi.post("/api/counters/L01/call-next")  # 20 minutes
        assert floor_of(admin)["kpi"]["service_level_pct"] == 50.0


def test_a_transferred_ticket_keeps_its_first_wait_and_waits_again_from_the_transfer(app_floor):
    ticket = app_floor.issue("DK-KTP")
    with app_floor.login("budi") as budi, app_floor.login("rina") as rina:
        budi.post("/api/counters/L01/open")
        app_floor.clock.advance(minutes=5)
        budi.post("/api/counters/L01/call-next")
        app_floor.clock.advance(minutes=7)
        moved = budi.post("/api/counters/L01/transfer", json={"service": "SM-PKB"})
        assert moved.status_code == 200, moved.text
        app_floor.clock.advance(minutes=3)
        floor = floor_of(rina)
    agencies = by_code(floor["agencies"])
    assert agencies["DUKCAPIL"]["service_level_pct"] == 100.0  # called after 5 minutes, at Dukcapil
    assert agencies["SAMSAT"]["service_level_pct"] is None and agencies["SAMSAT"]["waiting"] == 1
    samsat = by_code(floor["queues"])["SAMSAT"]
    assert samsat["tickets"] == [{"code": ticket["code"], "priority": None, "service": "SM-PKB", "waited_min": 3,
                                  "transferred": True, "over_target": False, "booked": False}]
    assert floor["kpi"]["called"] == 1


def test_a_service_with_its_own_target_wait(app_floor, tmp_path):
    text = with_target(30)
    config = parse_site(text)
    conn = storage.connect(app_floor.db_path)
    try:
        storage.save_site(conn, config, "target.toml", "2026-11-23T08:00:00+07:00")
    finally:
        conn.close()
    assert follow_site(app_floor.server.context) == 2  # as the running server does within a second
    app_floor.issue("DK-KTP")
    with app_floor.login("budi") as budi, app_floor.login("rina") as rina:
        budi.post("/api/counters/L01/open")
        app_floor.clock.advance(minutes=25)
        assert by_code(floor_of(rina)["agencies"])["DUKCAPIL"]["over_target"] is False
        budi.post("/api/counters/L01/call-next")
        assert floor_of(rina)["kpi"]["service_level_pct"] == 100.0


def test_the_target_wait_goes_through_the_database_and_the_site_file(tmp_path):
    text = with_target(30)
    config = parse_site(text)
    assert config.agencies[0].services[1].target_wait_min == 30
    assert parse_site(dump_site(config)) == config
    conn = storage.connect(tmp_path / "mpp.db")
    try:
        storage.migrate(conn)
        storage.save_site(conn, config, "target.toml", "2026-11-23T08:00:00+07:00")
        assert storage.load_site(conn) == (config, 1)
    finally:
        conn.close()
    assert "target_wait_min" not in dump_site(load_site(DEMO_SITE))  # none set: the file stays as it was


# ---------------------------------------------------------------- who sees what


@pytest.mark.parametrize("who", ["budi", "kiosk", "display", "counter_pc"])
def test_officers_and_devices_are_refused(app_floor, who):
    tokens = {"kiosk": app_floor.kiosk_token, "display": app_floor.display_token,
              "counter_pc": app_floor.counter_pc_token}
    client = app_floor.login(who) if who == "budi" else app_floor.client(tokens[who])
    with client:
        answer = client.get("/api/floor")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "wrong_token_kind"


def test_without_a_token_401(app_floor):
    with app_floor.client() as anonymous:
        assert anonymous.get("/api/floor").status_code == 401


def test_an_agency_supervisor_sees_only_her_agency(app_floor):
    app_floor.issue("DK-KTP")
    app_floor.issue("SM-PKB")
    app_floor.issue("SM-PKB")
    with app_floor.login("dewi") as dewi, app_floor.login("joko") as joko, app_floor.login("rina") as rina:
        joko.post("/api/counters/L08/open")
        floor = floor_of(dewi)
        building = floor_of(rina)
    assert floor["agency"] == "DUKCAPIL" and building["agency"] is None
    assert [a["code"] for a in floor["agencies"]] == ["DUKCAPIL"]
    assert {c["agency"] for c in floor["counters"]} == {"DUKCAPIL"} and len(floor["counters"]) == 4
    assert [q["code"] for q in floor["queues"]] == ["DUKCAPIL-KTP", "DUKCAPIL-SIPIL"]
    assert (floor["kpi"]["waiting"], floor["kpi"]["counters_open"], floor["kpi"]["officers_signed_in"]) == (1, 0, 0)
    assert (building["kpi"]["waiting"], building["kpi"]["counters_open"]) == (3, 1)
    assert building["kpi"]["officers_signed_in"] == 1  # joko


def test_the_zone_filter(app_floor):
    app_floor.issue("DK-KTP")
    app_floor.issue("PT-NIB")
    with app_floor.login("rina") as rina, app_floor.login("dewi") as dewi:
        zone2 = floor_of(rina, zone="2")
        assert zone2["zone"] == "2"
        assert {a["zone"] for a in zone2["agencies"]} == {"2"} and "DPMPTSP" in by_code(zone2["agencies"])
        assert {c["zone"] for c in zone2["counters"]} == {"2"} and "L24" in by_code(zone2["counters"])
        assert {q["zone"] for q in zone2["queues"]} == {"2"}
        assert zone2["kpi"]["waiting"] == 1
        assert floor_of(rina, zone="1")["kpi"]["waiting"] == 1
        # Dukcapil is in zone 1: its supervisor asking for zone 2 sees nothing.
        empty = floor_of(dewi, zone="2")
        assert (empty["agencies"], empty["counters"], empty["queues"], empty["kpi"]["waiting"]) == ([], [], [], 0)


@pytest.mark.parametrize("zone, status, code", [("9", 404, "unknown_zone"), ("x" * 40, 422, "validation_error")])
def test_a_bad_zone_is_refused_in_indonesian(app_floor, zone, status, code):
    with app_floor.login("rina") as rina:
        answer = rina.get("/api/floor", params={"zone": zone})
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code
    if status == 404:
        assert answer.json()["error"]["message"] == "Zona '9' tidak dikenal."


def test_pages_asking_after_the_same_event_share_one_computation(app_floor):
    ctx = app_floor.server.context
    app_floor.issue("DK-KTP")
    app_floor.clock.set("2026-11-23T09:30:00+07:00")  # the start of a FRESH_S window
    first = shared_figures(ctx)
    assert shared_figures(ctx) is first and shared_figures(ctx, zone="1") is not first
    app_floor.issue("DK-KTP")  # an event: computed again
    again = shared_figures(ctx)
    assert again["kpi"]["waiting"] == 2 and again["last_event_id"] > first["last_event_id"]
    app_floor.clock.advance(seconds=FRESH_S)  # no event, but the waits go on
    assert shared_figures(ctx) is not again


def test_a_scopes_figures_are_read_at_most_once_a_rate_limit_and_never_older_than_the_asking(app_floor, monkeypatch):
    monkeypatch.setattr(floor_flow, "EVERY_S", 0.3)
    ctx = app_floor.server.context
    first = shared_figures(ctx)
    app_floor.issue("DK-KTP")
    started = time.monotonic()
    again = shared_figures(ctx)  # an event within 0.3 s of the last reading: it waits for the next one
    assert time.monotonic() - started >= 0.2 and again["kpi"]["waiting"] == first["kpi"]["waiting"] + 1
    assert shared_figures(ctx) is again  # nothing moved since
