"""The supervisor's actions from the management pages (server/web/actions.py, running_text.py) through
Flask's test client: each route with htmx and without JavaScript, who may (officer 403, an agency's
supervisor on her agency only, the building's supervisor everywhere), CSRF, the refusals in Indonesian
and the audit entry each action writes. In a real browser: test_manage_actions_live.py."""

import json
import re

import pytest

from server import storage
from tests.server.test_manage_monitor import counters, fragment
from tests.server.test_manage_shell import page_csrf, signed_in, text

HTMX = {"HX-Request": "true"}


def audit(floor, action):
    with storage.connect(floor.db_path) as conn:
        return storage.audit_entries(conn, action=action)


def counter_queues_today(floor, code):
    with storage.connect(floor.db_path) as conn:
        return json.loads(storage.counter_row(conn, code, "2026-11-23")["queues"])


def post(client, path, data=None, htmx=True, token=True):
    headers = dict(HTMX) if htmx else {}
    data = dict(data or {})
    if token:
        if htmx:
            headers["X-CSRF-Token"] = page_csrf(client)
        else:
            data["csrf_token"] = page_csrf(client)
    return client.post(path, data=data, headers=headers)


@pytest.fixture
def rina(app_floor):
    return signed_in(app_floor, "rina")


def open_counter(floor, code="L01", officer="budi"):
    """The counter opened by its officer; answers that officer's API client (close it when done)."""
    client = floor.login(officer)
    assert client.post(f"/api/counters/{code}/open").status_code == 200
    return client


# ------------------------------------------------------------------------------ the monitor's buttons


def test_the_monitor_shows_the_buttons_the_counter_allows_and_no_csrf_token(app_floor, rina):
    open_counter(app_floor)
    ticket = app_floor.issue()
    html = fragment(rina)
    row = html[html.index('data-counter="L01"'):html.index('data-counter="L02"')]
    assert 'data-key="act-L01-pause"' in row and 'data-key="act-L01-close"' in row and 'data-key="act-L01-open"' not in row
    closed = html[html.index('data-counter="L08"'):html.index('data-counter="L09"')]
    assert 'data-key="act-L08-open"' in closed and 'data-key="act-L08-pause"' not in closed
    assert 'href="/manage/counters/L01/queues"' in row and 'aria-label="Ubah antrean hari ini, Loket 1">Ubah antrean</a>' in row
    # Without JavaScript each action is a link to its confirmation page; actions.js POSTs the same URL.
    assert 'href="/manage/counters/L01/pause" role="button" data-post data-action="counter"' in row
    assert f'data-key="cancel-{ticket["code"]}"' in html and f'href="/manage/tickets/{ticket["code"]}/transfer"' in html
    assert "csrf" not in html.lower()  # the fragment is shared: htmx sends the header from <body>
    assert "<th scope=\"col\">Tindakan</th>" in html


def test_closing_a_counter_that_holds_a_ticket_asks_first(app_floor, rina):
    budi = open_counter(app_floor)
    ticket = app_floor.issue()
    budi.post("/api/counters/L01/call-next")
    html = fragment(rina)
    row = html[html.index('data-counter="L01"'):html.index('data-counter="L02"')]
    assert f'data-confirm="Loket 1 sedang memegang tiket {ticket["code"]}. Tutup loket ini?' in row
    assert f'Loket 1 sedang memegang tiket {ticket["code"]}. Jeda loket ini?' in row
    page = rina.get("/manage/counters/L01/close")  # without JavaScript: a page that asks
    assert page.status_code == 200 and "Tutup Loket 1?" in text(page)
    assert f"sedang memegang tiket {ticket['code']}" in text(page) and 'name="csrf_token"' in page.get_data(as_text=True)


# ------------------------------------------------------------------------------- counter status


def test_pause_and_resume_a_counter_with_htmx_answer_the_floor_and_are_audited(app_floor, rina):
    open_counter(app_floor)
    answer = post(rina, "/manage/counters/L01/pause")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and counters(html)["L01"] == ("paused", False)
    assert 'id="action-status"' in html and 'hx-swap-oob="innerHTML"' in html and "Loket 1 dijeda." in html
    answer = post(rina, "/manage/counters/L01/resume")
    assert counters(answer.get_data(as_text=True))["L01"] == ("open", False)
    (entry,) = audit(app_floor, "counter.pause")
    assert entry["actor"] == "rina" and entry["target"] == "L01" and entry["address"] == "127.0.0.1"
    assert len(audit(app_floor, "counter.resume")) == 1


def test_an_action_answers_the_floor_of_the_monitor_it_came_from(app_floor, rina):
    open_counter(app_floor, "L08", "joko")
    answer = post(rina, "/manage/counters/L08/close?agency=SAMSAT")
    assert answer.status_code == 200 and set(counters(answer.get_data(as_text=True))) == {"L08", "L09", "L10", "L11"}


def test_open_and_close_without_javascript_go_back_to_the_monitor(app_floor, rina):
    answer = post(rina, "/manage/counters/L02/open?zone=1", htmx=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/manage/?zone=1"
    assert counters(fragment(rina))["L02"][0] == "open"
    answer = post(rina, "/manage/counters/L02/close", htmx=False)
    assert answer.status_code == 303 and counters(fragment(rina))["L02"][0] == "closed"
    assert [e["target"] for e in audit(app_floor, "counter.open")] == ["L02"]
    assert len(audit(app_floor, "counter.close")) == 1


def test_a_refused_counter_action_says_why_in_indonesian(app_floor, rina):
    open_counter(app_floor)
    answer = post(rina, "/manage/counters/L01/resume")
    assert answer.status_code == 409 and answer.headers["HX-Reswap"] == "none"
    assert answer.headers["X-Action-Refused"] == "1"
    assert "Loket 1 tidak sedang istirahat." in answer.get_data(as_text=True)
    page = post(rina, "/manage/counters/L01/resume", htmx=False)
    assert page.status_code == 409 and "Loket 1 tidak sedang istirahat." in text(page)
    assert "Traceback" not in page.get_data(as_text=True)
    assert audit(app_floor, "counter.resume") == []
    unknown = post(rina, "/manage/counters/L99/pause")
    assert unknown.status_code == 404 and "Loket &#39;L99&#39; tidak dikenal." in text(unknown)


@pytest.mark.parametrize("username, code, status", [
    ("budi", "L01", 403),  # an officer: never
    ("dewi", "L08", 403),  # Dukcapil's supervisor on a Samsat counter
    ("dewi", "L02", 303),
    ("rina", "L08", 303),  # the building's supervisor: everywhere
    ("admin", "L08", 303),
])
def test_who_may_open_a_counter(app_floor, username, code, status):
    client = signed_in(app_floor, username)
    answer = post(client, f"/manage/counters/{code}/open", htmx=False)
    assert answer.status_code == status, text(answer)
    if status == 403:
        assert text(answer).count("Tidak diizinkan") >= 1 and audit(app_floor, "counter.open") == []
        assert client.get(f"/manage/counters/{code}/open").status_code == 403
    else:
        assert [e["actor"] for e in audit(app_floor, "counter.open")] == [username]


@pytest.mark.parametrize("path", ["/manage/counters/L02/open", "/manage/counters/L02/queues",
                                  "/manage/tickets/A001/cancel", "/manage/tickets/A001/transfer",
                                  "/manage/broadcasts", "/manage/broadcasts/1/end"])
def test_an_action_without_the_csrf_token_is_refused(app_floor, rina, path):
    app_floor.issue()
    for htmx in (True, False):
        answer = post(rina, path, {"queue": "DUKCAPIL-KTP", "service": "DK-KK", "text": "x"}, htmx=htmx, token=False)
        assert answer.status_code == 403 and "Formulir ini sudah kedaluwarsa" in text(answer)
    assert counters(fragment(rina))["L02"][0] == "closed"
    with storage.connect(app_floor.db_path) as conn:
        assert [e["action"] for e in storage.audit_entries(conn) if e["action"].split(".")[0] not in ("auth", "device")] == []


# ------------------------------------------------------------------------------- a counter's queues


def test_change_a_counters_queues_for_today(app_floor, rina):
    form = rina.get("/manage/counters/L01/queues?zone=1")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "Antrean Loket 1 hari ini" in text(form)
    assert 'id="queue-DUKCAPIL-KTP"' in html and 'id="queue-SAMSAT"' in html  # the building's supervisor: all
    assert 'for="order-DUKCAPIL-KTP"' in html  # every field has its label
    answer = post(rina, "/manage/counters/L01/queues?zone=1", {"queue": ["DUKCAPIL-KTP", "DUKCAPIL-SIPIL"],
                  "order-DUKCAPIL-KTP": "2", "order-DUKCAPIL-SIPIL": "1"}, htmx=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/manage/?zone=1"
    assert counter_queues_today(app_floor, "L01") == ["DUKCAPIL-SIPIL", "DUKCAPIL-KTP"]
    (entry,) = audit(app_floor, "counter.queues")
    assert entry["target"] == "L01" and entry["details"]["queues"] == ["DUKCAPIL-SIPIL", "DUKCAPIL-KTP"]
    assert entry["address"] == "127.0.0.1"
    again = rina.get("/manage/counters/L01/queues").get_data(as_text=True)
    assert re.search(r'id="order-DUKCAPIL-SIPIL"\s+min="1" max="99" inputmode="numeric"\s+value="1"', again)

    answer = post(rina, "/manage/counters/L01/queues", {"reset": "1"}, htmx=False)
    assert answer.status_code == 303 and len(audit(app_floor, "counter.queues")) == 2
    with storage.connect(app_floor.db_path) as conn:
        row = storage.counter_row(conn, "L01", "2026-11-23")
        assert json.loads(row["queues"]) == json.loads(row["configured_queues"])


@pytest.mark.parametrize("data, status, message", [
    ({}, 422, "Pilih sedikitnya satu antrean untuk loket ini."),
    ({"queue": "DUKCAPIL-KTP", "order-DUKCAPIL-KTP": "x"}, 422, "Urutan harus angka 1 sampai 99."),
    ({"queue": "NOPE"}, 422, "Antrean tidak dikenal: NOPE."),
])
def test_a_bad_queue_form_says_why_and_keeps_the_ticks(app_floor, rina, data, status, message):
    answer = post(rina, "/manage/counters/L01/queues", data, htmx=False)
    assert answer.status_code == status and message in text(answer)
    assert audit(app_floor, "counter.queues") == []


def test_an_agency_supervisor_sets_only_her_agencys_queues(app_floor):
    dewi = signed_in(app_floor, "dewi")
    html = dewi.get("/manage/counters/L01/queues").get_data(as_text=True)
    assert 'id="queue-DUKCAPIL-SIPIL"' in html and 'id="queue-SAMSAT"' not in html
    refused = post(dewi, "/manage/counters/L01/queues", {"queue": "SAMSAT"}, htmx=False)
    assert refused.status_code == 403 and "Antrean milik instansi lain: SAMSAT." in text(refused)
    assert dewi.get("/manage/counters/L08/queues").status_code == 403
    assert post(dewi, "/manage/counters/L02/queues", {"queue": "DUKCAPIL-SIPIL"}, htmx=False).status_code == 303
    assert signed_in(app_floor, "budi").get("/manage/counters/L01/queues").status_code == 403


# ------------------------------------------------------------------------------- waiting tickets


def test_cancel_a_waiting_ticket(app_floor, rina):
    first, second = app_floor.issue(), app_floor.issue()
    page = rina.get(f"/manage/tickets/{first['code']}/cancel")
    assert page.status_code == 200 and f"Batalkan tiket {first['code']}?" in text(page)
    answer = post(rina, f"/manage/tickets/{first['code']}/cancel")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and f'<li data-ticket="{first["code"]}"' not in html
    assert f'<li data-ticket="{second["code"]}"' in html and f"Tiket {first['code']} dibatalkan." in html
    (entry,) = audit(app_floor, "ticket.cancel")
    assert entry["actor"] == "rina" and entry["target"] == first["code"] and entry["address"] == "127.0.0.1"
    again = post(rina, f"/manage/tickets/{first['code']}/cancel")
    assert again.status_code == 409 and "tidak sedang menunggu (status: dibatalkan)" in again.get_data(as_text=True)
    no_js = post(rina, f"/manage/tickets/{second['code']}/cancel?zone=1", htmx=False)
    assert no_js.status_code == 303 and no_js.headers["Location"] == "/manage/?zone=1"
    assert post(rina, "/manage/tickets/Z999/cancel").status_code == 404


@pytest.mark.parametrize("username, service, status", [
    ("budi", "DK-KTP", 403), ("dewi", "SM-PKB", 403), ("dewi", "DK-KTP", 200), ("rina", "SM-PKB", 200)])
def test_who_may_cancel_a_ticket(app_floor, username, service, status):
    ticket = app_floor.issue(service)
    client = signed_in(app_floor, username)
    answer = post(client, f"/manage/tickets/{ticket['code']}/cancel")
    assert answer.status_code == status
    assert len(audit(app_floor, "ticket.cancel")) == (1 if status == 200 else 0)


def test_move_a_waiting_ticket_to_another_service_keeping_its_code(app_floor, rina):
    ticket = app_floor.issue("DK-KTP")
    form = rina.get(f"/manage/tickets/{ticket['code']}/transfer")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and '<option value="DK-KK"' in html and '<option value="DK-KTP"' not in html
    assert 'label for="service"' in html
    refused = post(rina, f"/manage/tickets/{ticket['code']}/transfer", {"service": ""}, htmx=False)
    assert refused.status_code == 422 and "Pilih layanan tujuan." in text(refused)
    unknown = post(rina, f"/manage/tickets/{ticket['code']}/transfer", {"service": "NOPE"}, htmx=False)
    assert unknown.status_code == 404 and "Layanan &#39;NOPE&#39; tidak dikenal." in unknown.get_data(as_text=True)
    answer = post(rina, f"/manage/tickets/{ticket['code']}/transfer", {"service": "DK-KK"}, htmx=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/manage/"
    html = fragment(rina)
    sipil = html[html.index('data-queue="DUKCAPIL-SIPIL"'):html.index('data-queue="IMIGRASI"')]
    assert f'<li data-ticket="{ticket["code"]}"' in sipil  # the same code, in the other queue
    (entry,) = audit(app_floor, "ticket.transfer")
    assert entry["details"]["to_service"] == "DK-KK" and entry["target"] == ticket["code"]
    dewi = signed_in(app_floor, "dewi")
    samsat = app_floor.issue("SM-PKB")
    assert dewi.get(f"/manage/tickets/{samsat['code']}/transfer").status_code == 403
    assert post(dewi, f"/manage/tickets/{samsat['code']}/transfer", {"service": "DK-KK"}, htmx=False).status_code == 403
    assert signed_in(app_floor, "budi").get(f"/manage/tickets/{ticket['code']}/transfer").status_code == 403


# ------------------------------------------------------------------------------- running text


def test_send_and_end_a_running_text(app_floor, rina):
    page = rina.get("/manage/broadcasts")
    assert page.status_code == 200 and "Teks berjalan" in text(page) and 'href="/manage/broadcasts"' in page.get_data(as_text=True)
    answer = post(rina, "/manage/broadcasts", {"text": "<b>Layanan</b>   Samsat tutup pukul 14.00", "zone": "",
                                               "until": "15:30"}, htmx=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/manage/broadcasts"
    html = rina.get("/manage/broadcasts").get_data(as_text=True)
    assert "&lt;b&gt;Layanan&lt;/b&gt; Samsat tutup pukul 14.00" in html and "<b>Layanan" not in html
    assert "Seluruh gedung" in html and "15:30" in html
    (entry,) = audit(app_floor, "broadcast.send")
    assert entry["actor"] == "rina" and entry["details"]["until"].startswith("2026-11-23T15:30")
    on_monitor = rina.get("/manage/broadcasts/active?zone=1", headers=HTMX).get_data(as_text=True)
    assert "&lt;b&gt;Layanan&lt;/b&gt;" in on_monitor
    with app_floor.display() as board:
        assert [m["text"] for m in board.get("/api/state?zone=1").json()["messages"]] == ["<b>Layanan</b> Samsat tutup pukul 14.00"]
    message_id = entry["target"]
    ended = post(rina, f"/manage/broadcasts/{message_id}/end", htmx=False)
    assert ended.status_code == 303 and len(audit(app_floor, "broadcast.end")) == 1
    assert "Tidak ada teks berjalan saat ini." in text(rina.get("/manage/broadcasts"))
    again = post(rina, f"/manage/broadcasts/{message_id}/end", htmx=False)
    assert again.status_code == 409 and "Pesan ini sudah berakhir." in text(again)


@pytest.mark.parametrize("form, status, message", [
    ({"text": "   "}, 422, "Teks pesan tidak boleh kosong."),
    ({"text": "x" * 201}, 422, "Teks pesan paling panjang 200 karakter."),
    ({"text": "Halo", "until": "08:00"}, 422, "Waktu berakhir sudah lewat"),
    ({"text": "Halo", "until": "jam 3"}, 422, "Isi jam berakhir seperti 15:30."),
    ({"text": "Halo", "zone": "9"}, 422, "Zona &#39;9&#39; tidak dikenal."),
])
def test_a_bad_running_text_says_why_and_keeps_the_words(app_floor, rina, form, status, message):
    answer = post(rina, "/manage/broadcasts", form, htmx=False)
    assert answer.status_code == status and message in answer.get_data(as_text=True)
    assert audit(app_floor, "broadcast.send") == []
    if form["text"].strip():
        assert form["text"] in answer.get_data(as_text=True)


def test_an_agency_supervisor_sends_to_her_zone_only(app_floor, rina):
    dewi = signed_in(app_floor, "dewi")
    page = dewi.get("/manage/broadcasts").get_data(as_text=True)
    assert 'value="1"' in page and "Seluruh gedung</option>" not in page and 'value="2"' not in page
    refused = post(dewi, "/manage/broadcasts", {"text": "Halo", "zone": ""}, htmx=False)
    assert refused.status_code == 403 and "hanya boleh mengirim pesan ke zona instansinya" in text(refused)
    assert post(dewi, "/manage/broadcasts", {"text": "Dukcapil", "zone": "1"}, htmx=False).status_code == 303
    post(rina, "/manage/broadcasts", {"text": "Gedung", "zone": ""}, htmx=False)
    ids = {e["details"]["text"]: e["target"] for e in audit(app_floor, "broadcast.send")}
    listed = dewi.get("/manage/broadcasts").get_data(as_text=True)
    assert f'id="end-{ids["Dukcapil"]}"' in listed and f'id="end-{ids["Gedung"]}"' not in listed
    assert post(dewi, f"/manage/broadcasts/{ids['Gedung']}/end", htmx=False).status_code == 403
    assert signed_in(app_floor, "budi").get("/manage/broadcasts").status_code == 403


def test_the_shared_fragment_names_its_agency_whoever_asked_first(app_floor, rina):
    dewi = signed_in(app_floor, "dewi")
    assert fragment(dewi) == fragment(rina, "?agency=DUKCAPIL")  # one rendering for both
    html = fragment(dewi)
    assert 'href="/manage/counters/L01/open?agency=DUKCAPIL"' in html
    answer = post(rina, "/manage/counters/L01/open?agency=DUKCAPIL")
    assert set(counters(answer.get_data(as_text=True))) == {"L01", "L02", "L03", "L04"}
    zone = fragment(rina, "?zone=2&agency=DPMPTSP")
    assert "?agency=DPMPTSP&amp;zone=2" in zone or "?agency=DPMPTSP&zone=2" in zone
