"""The floor monitor (/manage/, its fragment /manage/floor, the wall-TV view) through Flask's test client:
what it shows, to whom, within which scope. The page live in a browser: test_manage_monitor_live.py."""

import re

import pytest

from tests.server.test_manage_shell import signed_in, text

KPI = re.compile(r'data-kpi="(\w+)" value="[^"]*">([^<]*)<')
COUNTER = re.compile(r'data-counter="(\w+)" data-status="(\w+)" data-idle-with-queue="(\w+)"')
QUEUE = re.compile(r'data-queue="([\w-]+)" data-waiting="(\d+)"\s+data-over-target="(\w+)"')
AGENCY = re.compile(r'data-agency="(\w+)" data-over-target="(\w+)"')


def kpis(html: str) -> dict:
    return dict(KPI.findall(html))


def counters(html: str) -> dict:
    return {code: (status, idle == "true") for code, status, idle in COUNTER.findall(html)}


def queues(html: str) -> dict:
    return {code: (int(waiting), over == "true") for code, waiting, over in QUEUE.findall(html)}


def agencies(html: str) -> dict:
    return {code: over == "true" for code, over in AGENCY.findall(html)}


def fragment(client, query: str = "") -> str:
    answer = client.get("/manage/floor" + query, headers={"HX-Request": "true"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data(as_text=True)


def test_the_building_monitor_shows_kpis_counters_and_queues_as_the_floor_moves(app_floor):
    rina = signed_in(app_floor, "rina")
    page = rina.get("/manage/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Seluruh gedung" in text(page)
    assert set(kpis(html)) == {"waiting", "longest_wait_min", "served", "no_show", "service_level_pct",
                               "counters_open", "counters_paused", "counters_idle_with_queue", "officers_signed_in"}
    assert kpis(html)["waiting"] == "0" and kpis(html)["service_level_pct"] == "–"
    assert len(counters(html)) == 34 and counters(html)["L08"] == ("closed", False)
    assert 'sse-connect="/manage/events?last_event_id=' in html and "summary=1" in html
    assert 'hx-get="/manage/floor?"' in html and "sse:counter.opened" in html
    # A call changes its row in the page from the event (monitor.js); the whole floor follows the
    # waiting counts at most every 5 s, and every 15 s at the latest.
    assert "sse:ticket.called" not in html and "counts-changed" in html and "every 15s" in html
    assert 'data-live="ticket.called ' in html and "&#34;called&#34;: &#34;Dipanggil&#34;" in html
    assert 'data-counts-every-ms="3000"' in html

    first, second = app_floor.issue(), app_floor.issue()
    with app_floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        html = fragment(rina)
        assert kpis(html)["waiting"] == "2" and kpis(html)["counters_idle_with_queue"] == "1"
        assert counters(html)["L01"] == ("open", True) and "menganggur, ada antrean" in html
        assert queues(html)["DUKCAPIL-KTP"] == (2, False)
        assert budi.post("/api/counters/L01/call-next").status_code == 200
    html = fragment(rina)
    assert kpis(html)["waiting"] == "1" and kpis(html)["officers_signed_in"] == "1"
    assert counters(html)["L01"] == ("open", False)
    row = html[html.index('data-counter="L01"'):html.index('data-counter="L02"')]
    assert f'data-ticket="{first["code"]}"' in row and "Dipanggil" in row and "budi" in row
    assert queues(html)["DUKCAPIL-KTP"] == (1, False)
    assert f'<li data-ticket="{second["code"]}">' in html  # the one still waiting, in its queue


def test_a_booked_ticket_is_marked_in_its_queue_and_at_its_counter(app_floor):
    with app_floor.client() as public:
        booking = public.post("/api/appointments", json={
            "service": "DK-KTP", "date": "2026-11-23", "slot": "09:30", "name": "Siti Aminah",
            "phone": "081234567890", "request_id": "b" * 32}).json()
    with app_floor.kiosk() as kiosk:
        ticket = kiosk.post(f"/api/appointments/{booking['code']}/check-in").json()
        assert kiosk.post(f"/api/tickets/{ticket['id']}/printed").status_code == 200
    walk_in = app_floor.issue()
    rina = signed_in(app_floor, "rina")
    html = fragment(rina)

    def item(code):
        start = html.index(f'<li data-ticket="{code}"')
        return html[start:html.index("</li>", start)]
    assert "janji temu" in item(ticket["code"]) and "janji temu" not in item(walk_in["code"])
    with app_floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == ticket["code"]
    html = fragment(rina)
    row = html[html.index('data-counter="L01"'):html.index('data-counter="L02"')]
    assert f'data-ticket="{ticket["code"]}"' in row and '<span class="tag booked">janji temu</span>' in row


def test_a_wait_past_the_target_is_marked_in_words(app_floor):
    rina = signed_in(app_floor, "rina")
    ticket = app_floor.issue("DK-KTP")
    app_floor.clock.advance(minutes=16)  # the default target: 15 minutes
    html = fragment(rina)
    assert agencies(html)["DUKCAPIL"] is True and agencies(html)["SAMSAT"] is False
    assert queues(html)["DUKCAPIL-KTP"] == (1, True)
    agency_row = html[html.index('data-agency="DUKCAPIL"'):html.index('data-agency="IMIGRASI"')]
    assert "melewati target" in agency_row
    assert re.search(rf'<li data-ticket="{ticket["code"]}" class="over"><strong>{ticket["code"]}</strong>\s+16 mnt', html)
    assert kpis(html)["longest_wait_min"] == "16"


def test_the_waiting_tickets_show_no_personal_data(app_floor):
    rina = signed_in(app_floor, "rina")
    with app_floor.kiosk() as kiosk:
        answer = kiosk.post("/api/tickets", json={"service": "BK-UBAH", "nik": "3201234567890001",
                                                  "request_id": "with-nik-1"})
        assert answer.status_code == 201, answer.text
        kiosk.post(f"/api/tickets/{answer.json()['id']}/printed")
    html = fragment(rina)
    assert f'data-ticket="{answer.json()["code"]}"' in html
    assert "3201234567890001" not in html and answer.json()["public_id"] not in html


def test_an_agency_supervisor_sees_only_their_agency(app_floor):
    dewi = signed_in(app_floor, "dewi")
    page = dewi.get("/manage/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Disdukcapil" in text(page)
    assert set(counters(html)) == {"L01", "L02", "L03", "L04"} and set(agencies(html)) == {"DUKCAPIL"}
    assert set(queues(html)) == {"DUKCAPIL-KTP", "DUKCAPIL-SIPIL"}
    assert "zone=1" in html and "summary=1" in html  # her stream follows her agency's zone
    app_floor.issue("SM-PKB")
    assert kpis(fragment(dewi))["waiting"] == "0"  # Samsat's ticket is not hers
    assert fragment(dewi, "?agency=DUKCAPIL") == fragment(dewi)
    for path in ("/manage/floor?agency=SAMSAT", "/manage/?agency=SAMSAT", "/manage/tv?agency=SAMSAT"):
        refused = dewi.get(path)
        assert refused.status_code == 403 and "Data ini milik instansi lain." in text(refused)


def test_the_building_may_narrow_to_an_agency_or_a_zone(app_floor):
    admin = signed_in(app_floor, "admin")
    assert set(counters(fragment(admin, "?agency=SAMSAT"))) == {"L08", "L09", "L10", "L11"}
    zone2 = admin.get("/manage/?zone=2")
    html = zone2.get_data(as_text=True)
    assert zone2.status_code == 200 and "Lantai 2 - Hall Perizinan" in text(zone2)
    assert counters(html) and all(code not in counters(html) for code in ("L01", "L08"))
    assert '<option value="2" selected>' in html and 'hx-get="/manage/floor?zone=2"' in html
    assert "zone=2" in re.search(r'sse-connect="([^"]+)"', html).group(1)
    unknown = admin.get("/manage/?zone=9")
    assert unknown.status_code == 404 and "Zona &#39;9&#39; tidak dikenal." in text(unknown)


def test_an_officer_is_not_shown_the_monitor(app_floor):
    budi = signed_in(app_floor, "budi")
    assert budi.get("/manage/").status_code == 303
    for path in ("/manage/floor", "/manage/tv"):
        refused = budi.get(path)
        assert refused.status_code == 403 and "Halaman ini tidak untuk peran Anda." in text(refused)


@pytest.mark.parametrize("path", ["/manage/tv", "/manage/?tv=1"])
def test_the_tv_view_has_no_menu_nor_forms_and_follows_live(app_floor, path):
    rina = signed_in(app_floor, "rina")
    page = rina.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="tv"' in html
    main = html[html.index("<main"):]
    assert "<form" not in main and "<table" not in main
    assert len(counters(html)) == 34 and set(kpis(html)) >= {"waiting", "counters_open"}
    assert 'hx-get="/manage/floor?tv=1"' in html and "counts-changed" in html


def test_the_shared_fragment_holds_nothing_of_the_person_looking(app_floor):
    rina, admin = signed_in(app_floor, "rina"), signed_in(app_floor, "admin")
    app_floor.issue()
    mine, theirs = fragment(rina), fragment(admin)
    assert mine == theirs  # rendered once for both
    assert "csrf" not in mine and "rina" not in mine and "admin" not in mine


def test_device_alerts_join_through_their_hook(app_floor):
    from jinja2 import ChoiceLoader, DictLoader

    app = app_floor.server.app
    app.jinja_env.loader = ChoiceLoader([DictLoader({
        "monitor_alerts.html": '<div id="alerts">Printer kios 1 habis kertas</div>',
    }), app.jinja_env.loader])
    rina = signed_in(app_floor, "rina")
    html = rina.get("/manage/").get_data(as_text=True)
    assert html.index('<div id="alerts">') < html.index('<section id="floor"')