"""The counter app follows a supervisor: when the counter's queues for today change (event
`counter.updated`), it reads its counter again and shows the new queues, and calls from them;
with the counter PC's token it tells the server the PC is alive."""

from tests.counter_client.test_counter_app import work_at


def test_the_counter_app_shows_the_queues_a_supervisor_gives_it_for_today(qtbot, floor, make_counter):
    app = make_counter()
    work_at(qtbot, app)
    queues = app.window.pages["working"].queues
    qtbot.waitUntil(lambda: "(A)" in queues.text(), timeout=5000)
    assert [q["code"] for q in app.presenter.counter["queues"]] == ["DUKCAPIL-KTP"]
    with floor.login("rina") as rina:
        answer = rina.put("/api/counters/L01/queues", json={"queues": ["DUKCAPIL-SIPIL", "DUKCAPIL-KTP"]})
        assert answer.status_code == 200, answer.text
    qtbot.waitUntil(lambda: [q["code"] for q in app.presenter.counter["queues"]]
                    == ["DUKCAPIL-SIPIL", "DUKCAPIL-KTP"], timeout=5000)
    qtbot.waitUntil(lambda: "(B)" in queues.text() and "(A)" in queues.text(), timeout=5000)
    sipil = floor.issue("DK-KK")  # a queue that was not L01's this morning
    qtbot.waitUntil(lambda: "(B): 1 menunggu" in queues.text(), timeout=5000)
    assert sipil["code"].startswith("B")


def test_a_counter_pc_with_its_token_sends_heartbeats(qtbot, floor, tmp_path):
    from counter_client.app import CounterApp, CounterConfig
    from tests.qt_apps import live_threads, show_and_start, stop_all

    before = live_threads()
    app = CounterApp(CounterConfig(server_url=floor.url, token=floor.counter_pc_token))
    try:
        show_and_start(qtbot, app, (1366, 768))
        qtbot.waitUntil(lambda: app.heartbeat.sent >= 1, timeout=5000)
        with floor.login("rina") as rina:
            pc = {d["name"]: d for d in rina.get("/api/devices").json()}["PC Loket 1"]
        assert pc["online"] is True and pc["version"] and pc["last_error"] is None
    finally:
        stop_all([app], before, "the counter app")
