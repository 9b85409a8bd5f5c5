"""GET /api/reports/summary and /api/reports/tickets.csv: a hand-computed morning through the real
rules and database, agreeing with GET /api/floor on the same day."""

import csv
import io


def ok(client, path: str, **params) -> dict:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def by_key(rows: list[dict]) -> dict:
    return {row["key"]: row for row in rows}


def play_morning(app_floor) -> dict:
    """09:00 four tickets (B under a priority); B waits 10 min and is served 5; A is called just after
    the 15-minute target (the clock runs on: milliseconds over) and does not come; C waits 15 and is
    served 6 across a 6-minute pause of its counter; Samsat's D waits 21, is sent on to Dukcapil's
    family card and is done there 4 minutes after that call."""
    clock = app_floor.clock
    a = app_floor.issue("DK-KTP")
    b = app_floor.issue("DK-KTP", priority="lansia")
    c = app_floor.issue("DK-KTP")
    d = app_floor.issue("SM-PKB")
    with app_floor.login("budi") as budi, app_floor.login("joko") as joko, app_floor.login("sari") as sari:
        clock.advance(minutes=10)
        assert budi.post("/api/counters/L01/open").status_code == 200
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == b["code"]
        budi.post("/api/counters/L01/start")
        clock.advance(minutes=5)
        budi.post("/api/counters/L01/done")
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == a["code"]
        assert budi.post("/api/counters/L01/no-show").status_code == 200
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == c["code"]
        budi.post("/api/counters/L01/start")
        paused = budi.post("/api/counters/L01/pause")
        assert paused.status_code == 200, paused.text
        clock.advance(minutes=6)
        budi.post("/api/counters/L01/resume")
        assert budi.post("/api/counters/L01/done").status_code == 200
        joko.post("/api/counters/L08/open")
        assert joko.post("/api/counters/L08/call-next").json()["ticket"]["code"] == d["code"]
        joko.post("/api/counters/L08/start")
        assert joko.post("/api/counters/L08/transfer", json={"service": "DK-KK"}).status_code == 200
        clock.advance(minutes=2)
        sari.post("/api/counters/L03/open")
        assert sari.post("/api/counters/L03/call-next").json()["ticket"]["code"] == d["code"]
        clock.advance(minutes=4)
        assert sari.post("/api/counters/L03/done").status_code == 200
    return {"a": a, "b": b, "c": c, "d": d}


def test_the_report_of_a_morning_has_the_hand_computed_figures_and_agrees_with_the_floor(app_floor):
    play_morning(app_floor)
    with app_floor.login("rina") as rina, app_floor.login("dewi") as dewi:
        report = ok(rina, "/api/reports/summary", **{"from": "2026-11-23", "to": "2026-11-23", "group": "agency"})
        totals = report["totals"]
        assert (report["from"], report["to"]) == ("2026-11-23", "2026-11-23")
        assert (totals["issued"], totals["served"], totals["no_show"], totals["cancelled"],
                totals["transferred_out"], totals["called"]) == (4, 3, 1, 0, 1, 4)
        # waits 10, 15, 15, 21 minutes; services 5, 6 (a pause inside counts), 4
        # median and p90 from 6-second buckets, rounded up: within 0.1 min (A and C waited 15 min and some ms)
        assert abs(totals["wait_median_min"] - 15.0) <= 0.11 and abs(totals["wait_p90_min"] - 19.2) <= 0.11
        assert totals["wait_mean_min"] == 15.3  # 61 / 4 = 15.25, one decimal
        assert totals["service_mean_min"] == 5.0 and abs(totals["service_p90_min"] - 5.8) <= 0.11
        # only B was called within 15 minutes
        assert (totals["service_level_pct"], totals["priority_pct"], totals["busiest_hour"]) == (25.0, 25.0, 9)
        rows = by_key(report["rows"])
        assert set(rows) == {"DUKCAPIL", "SAMSAT"}
        dukcapil, samsat = rows["DUKCAPIL"], rows["SAMSAT"]
        assert dukcapil["label"].startswith("Dinas Kependudukan")
        assert (dukcapil["issued"], dukcapil["served"], dukcapil["no_show"], dukcapil["transferred_out"],
                dukcapil["service_level_pct"]) == (3, 3, 1, 0, 33.3)
        assert (samsat["issued"], samsat["served"], samsat["transferred_out"], samsat["service_level_pct"],
                samsat["wait_mean_min"]) == (1, 0, 1, 0.0, 21.0)

        floor = ok(rina, "/api/floor")["kpi"]
        assert (floor["served"], floor["no_show"], floor["service_level_pct"]) == (
            totals["served"], totals["no_show"], totals["service_level_pct"])
        own = ok(dewi, "/api/reports/summary")  # today, her agency whatever she asks
        her_floor = ok(dewi, "/api/floor")["kpi"]
        assert own["agency"] == "DUKCAPIL"
        assert (own["totals"]["served"], own["totals"]["no_show"], own["totals"]["service_level_pct"]) == (
            her_floor["served"], her_floor["no_show"], her_floor["service_level_pct"]) == (3, 1, 33.3)


def test_the_report_groups_by_counter_officer_hour_and_weekday(app_floor):
    play_morning(app_floor)
    with app_floor.login("admin") as admin:
        counters = by_key(ok(admin, "/api/reports/summary", group="counter")["rows"])
        assert (counters["L01"]["served"], counters["L01"]["no_show"], counters["L03"]["served"]) == (2, 1, 1)
        assert counters["L01"]["label"] == "Loket 1"
        officers = {row["label"]: row for row in ok(admin, "/api/reports/summary", group="officer")["rows"]}
        assert (officers["budi"]["served"], officers["sari"]["served"]) == (2, 1)
        hours = ok(admin, "/api/reports/summary", group="hour")["rows"]
        assert [(h["key"], h["label"], h["issued"]) for h in hours] == [("9", "09.00–10.00", 4)]
        weekdays = ok(admin, "/api/reports/summary", group="weekday")["rows"]
        assert [(w["key"], w["label"]) for w in weekdays] == [("1", "Senin")]
        services = by_key(ok(admin, "/api/reports/summary", group="service", agency="DUKCAPIL")["rows"])
        assert (services["DK-KTP"]["issued"], services["DK-KK"]["served"]) == (3, 1)


def test_a_supervisor_of_one_agency_sees_only_hers_and_bad_ranges_are_refused_in_indonesian(app_floor):
    with app_floor.login("dewi") as dewi, app_floor.login("budi") as budi, app_floor.login("rina") as rina:
        other = dewi.get("/api/reports/summary", params={"agency": "SAMSAT"})
        assert other.status_code == 403 and other.json()["error"]["code"] == "other_agency"
        assert dewi.get("/api/reports/summary", params={"service": "SM-PKB"}).status_code == 403
        assert dewi.get("/api/reports/tickets.csv", params={"agency": "SAMSAT"}).status_code == 403
        assert budi.get("/api/reports/summary").status_code == 403
        bad = rina.get("/api/reports/summary", params={"from": "23-11-2026"})
        assert bad.status_code == 422 and "TTTT-BB-HH" in bad.json()["error"]["message"]
        backwards = rina.get("/api/reports/summary", params={"from": "2026-11-23", "to": "2026-11-01"})
        assert backwards.status_code == 422 and backwards.json()["error"]["code"] == "bad_range"
        long = rina.get("/api/reports/summary", params={"from": "2025-01-01", "to": "2026-11-23"})
        assert long.status_code == 422 and "400 hari" in long.json()["error"]["message"]
        assert rina.get("/api/reports/summary", params={"agency": "NOPE"}).status_code == 404
        empty = ok(rina, "/api/reports/summary", **{"from": "2026-01-01", "to": "2026-01-31"})
        assert empty["totals"]["issued"] == 0 and empty["totals"]["wait_median_min"] is None


def test_the_tickets_csv_opens_in_an_indonesian_excel(app_floor):
    tickets = play_morning(app_floor)
    with app_floor.login("rina") as rina, app_floor.login("dewi") as dewi:
        answer = rina.get("/api/reports/tickets.csv", params={"from": "2026-11-23", "to": "2026-11-23"})
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith("text/csv")
        assert 'filename="tiket_2026-11-23_2026-11-23.csv"' in answer.headers["Content-Disposition"]
        assert answer.content.startswith(b"\xef\xbb\xbfservice_day;code;agency;service;priority;status;")
        rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
        assert [r["code"] for r in rows] == [tickets[k]["code"] for k in "abcd"]
        d = rows[3]
        assert (d["agency"], d["service"], d["status"], d["counter"], d["officer"]) == (
            "DUKCAPIL", "DK-KK", "done", "L03", "sari")
        assert (d["issued_at"][:16], d["called_at"][:16], d["wait_min"], d["service_min"]) == (
            "2026-11-23 09:00", "2026-11-23 09:21", "21,0", "4,0")  # the clock runs on by milliseconds
        assert len(d["done_at"]) == len("2026-11-23 09:27:00")
        assert rows[1]["priority"] == "lansia" and rows[0]["service_min"] == ""
        assert "nik" not in answer.text and "public_id" not in answer.text
        own = dewi.get("/api/reports/tickets.csv").text  # hers: issued for Dukcapil or ended there (D)
        assert len(own.strip().splitlines()) == 5


def test_a_long_range_read_by_service_gives_the_same_figures_as_the_day_led_read(app_floor, monkeypatch):
    from server.flows import reports as flow

    play_morning(app_floor)
    with app_floor.login("rina") as rina, app_floor.login("dewi") as dewi:
        asks = [(rina, {}), (rina, {"group": "agency"}), (rina, {"group": "service"}),
                (rina, {"group": "agency", "agency": "SAMSAT"}), (rina, {"service": "DK-KTP"}),
                (dewi, {"group": "service"}), (rina, {"group": "hour"}), (dewi, {"group": "hour"}),
                (rina, {"group": "hour", "service": "SM-PKB"})]
        short = [ok(who, "/api/reports/summary", **params) for who, params in asks]
        monkeypatch.setattr(flow, "SHORT_DAYS", 0)
        assert [ok(who, "/api/reports/summary", **params) for who, params in asks] == short
