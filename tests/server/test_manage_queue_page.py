"""A long queue on the monitor: the fragment lists its head and links to the queue's own page, which
lists every waiting ticket with the supervisor's actions, within the person's scope."""

from server.web import monitor
from tests.server.test_manage_actions import post
from tests.server.test_manage_monitor import fragment
from tests.server.test_manage_shell import signed_in, text


def test_the_monitor_lists_a_long_queues_head_and_links_to_all_of_it(app_floor):
    tickets = [app_floor.issue() for _ in range(monitor.LISTED + 3)]
    rina = signed_in(app_floor, "rina")
    html = fragment(rina)
    listed = [t["code"] for t in tickets if f'<li data-ticket="{t["code"]}"' in html]
    assert listed == [t["code"] for t in tickets[:monitor.LISTED]]  # the longest waiting first
    assert "dan 3 lainnya" in html and 'href="/manage/queues/DUKCAPIL-KTP"' in html

    page = rina.get("/manage/queues/DUKCAPIL-KTP")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Antrean" in text(page)
    assert all(f'<li data-ticket="{t["code"]}"' in body for t in tickets)
    assert f'{len(tickets)}</strong> menunggu' in body
    assert 'sse-connect="/manage/events?' in body and 'hx-get="/manage/queues/DUKCAPIL-KTP/tickets?queue=DUKCAPIL-KTP"' in body
    live = rina.get("/manage/queues/DUKCAPIL-KTP/tickets?queue=DUKCAPIL-KTP", headers={"HX-Request": "true"})
    assert live.status_code == 200 and live.get_data(as_text=True).count("<li data-ticket=") == len(tickets)


def test_a_short_queue_has_no_link(app_floor):
    app_floor.issue()
    html = fragment(signed_in(app_floor, "rina"))
    assert "lainnya" not in html and "/manage/queues/" not in html


def test_cancelling_from_the_queue_page_comes_back_to_it(app_floor):
    first, second = app_floor.issue(), app_floor.issue()
    rina = signed_in(app_floor, "rina")
    body = rina.get("/manage/queues/DUKCAPIL-KTP?zone=1").get_data(as_text=True)
    link = f'/manage/tickets/{first["code"]}/cancel?zone=1&amp;queue=DUKCAPIL-KTP'
    assert f'href="{link}"' in body
    confirm = rina.get(link.replace("&amp;", "&"))
    assert confirm.status_code == 200 and f"Batalkan tiket {first['code']}?" in text(confirm)
    done = post(rina, link.replace("&amp;", "&"), htmx=False)
    assert done.status_code == 303 and done.headers["Location"] == "/manage/queues/DUKCAPIL-KTP?zone=1"
    after = rina.get(done.headers["Location"]).get_data(as_text=True)
    assert f'<li data-ticket="{first["code"]}"' not in after and f'<li data-ticket="{second["code"]}"' in after
    # A queue in the query that is not a queue sends the person to the monitor, never elsewhere.
    third = app_floor.issue()
    odd = post(rina, f"/manage/tickets/{third['code']}/cancel?queue=../../admin", htmx=False)
    assert odd.status_code == 303 and odd.headers["Location"] == "/manage/"


def test_a_queue_page_keeps_to_the_persons_scope(app_floor):
    app_floor.issue("SM-PKB")
    dewi = signed_in(app_floor, "dewi")  # Dukcapil's supervisor
    assert dewi.get("/manage/queues/DUKCAPIL-KTP").status_code == 200
    samsat = dewi.get("/manage/queues/SAMSAT")
    assert samsat.status_code == 403 and "instansi lain" in text(samsat)
    assert signed_in(app_floor, "rina").get("/manage/queues/TIDAK-ADA").status_code == 404
    budi = signed_in(app_floor, "budi")  # an officer: his counter's page, not the monitor's
    assert budi.get("/manage/queues/DUKCAPIL-KTP").status_code == 403


def test_the_fragment_keeps_only_the_latest_rendering_of_each_scope(app_floor):
    rina = signed_in(app_floor, "rina")
    for _ in range(3):
        app_floor.issue()
        app_floor.clock.advance(seconds=6)  # a new reading of the floor each time
        fragment(rina)
        fragment(rina, "?zone=1")
    shelf = app_floor.server.app.extensions["mpp.web.monitor"]
    assert set(shelf) == {("1", None, False), (None, None, False)}
