"""The counter app against a real server process, driven by keys and clicks."""

import statistics
import threading
import time

from PySide6.QtCore import Qt

from mpp_client.events import EventFollower

from .conftest import save_screenshot

LEFT = Qt.MouseButton.LeftButton


def login(qtbot, app, username="budi", pin="1234"):
    page = app.window.pages["login"]
    qtbot.keyClicks(page.username, username)
    qtbot.keyClick(page.username, Qt.Key.Key_Return)
    qtbot.keyClicks(page.pin, pin)
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)


def work_at(qtbot, app, code="L01", username="budi"):
    login(qtbot, app, username)
    qtbot.waitUntil(lambda: app.window.current == "choose" and bool(app.presenter.screen.counters), timeout=5000)
    picker = app.window.pages["choose"].list
    for row in range(picker.count()):
        if picker.item(row).data(Qt.ItemDataRole.UserRole) == code:
            picker.setCurrentRow(row)
    qtbot.mouseClick(app.window.pages["choose"].choose, LEFT)
    qtbot.waitUntil(lambda: app.window.current == "working" and not app.presenter.stale, timeout=5000)


def press(qtbot, app, key):
    if not app.window.isActiveWindow():  # shortcuts go to the active window, as on a real desktop
        app.window.activateWindow()
        qtbot.waitUntil(app.window.isActiveWindow, timeout=2000)
    qtbot.keyClick(app.window, key)


def ready(app, action):
    return lambda: action in app.presenter.screen.enabled


def current_code(app):
    return ((app.presenter.counter or {}).get("ticket") or {}).get("code")


def button(app, action):
    return app.window.pages["working"].buttons[action]


class DisplayStream:
    """A hall display's event stream, to see what the counter's actions announce."""

    def __init__(self, floor):
        self.events, self.lock = [], threading.Lock()
        self.follower = EventFollower(floor.url, floor.display_token, on_event=self._event).start()

    def _event(self, type_, data, event_id):
        with self.lock:
            self.events.append((type_, (data.get("ticket") or {}).get("code"), data.get("counter")))

    def saw(self, *event):
        with self.lock:
            return event in self.events


def test_wrong_pin_is_told_in_indonesian(qtbot, floor, make_counter):
    app = make_counter()
    login(qtbot, app, pin="9999")
    qtbot.waitUntil(lambda: app.presenter.screen.error is not None, timeout=5000)
    assert app.window.pages["login"].message.text() == "Nama pengguna atau PIN salah."
    assert app.window.pages["login"].pin.text() == ""
    save_screenshot(app.window, "login-error")


def test_a_working_day_by_keyboard(qtbot, floor, make_counter):
    display = DisplayStream(floor)
    try:
        for _ in range(3):
            floor.issue("DK-KTP")
        app = make_counter()
        save_screenshot(app.window, "login")
        work_at(qtbot, app)
        assert app.config.settings.options["last_counter"] == "L01"
        press(qtbot, app, Qt.Key.Key_F9)  # open
        qtbot.waitUntil(ready(app, "call-next"), timeout=5000)

        press(qtbot, app, Qt.Key.Key_F1)  # call next
        qtbot.waitUntil(lambda: current_code(app) == "A-001", timeout=5000)
        qtbot.waitUntil(lambda: display.saw("ticket.called", "A-001", "L01"), timeout=5000)
        assert app.window.pages["working"].code.text() == "A-001"

        qtbot.waitUntil(ready(app, "recall"), timeout=5000)
        press(qtbot, app, Qt.Key.Key_F2)  # recall
        qtbot.waitUntil(lambda: display.saw("ticket.recalled", "A-001", "L01"), timeout=5000)
        qtbot.waitUntil(lambda: app.presenter.screen.ticket_lines.get("recalls") == 1, timeout=5000)

        press(qtbot, app, Qt.Key.Key_F3)  # start
        qtbot.waitUntil(lambda: (app.presenter.counter["ticket"] or {}).get("status") == "serving", timeout=5000)
        qtbot.waitUntil(ready(app, "done"), timeout=5000)
        press(qtbot, app, Qt.Key.Key_F4)  # done
        qtbot.waitUntil(lambda: current_code(app) is None and ready(app, "call-next")(), timeout=5000)
        qtbot.waitUntil(lambda: app.presenter.screen.today.get("served") == 1, timeout=5000)

        qtbot.keyClick(app.window, Qt.Key.Key_Plus, Qt.KeyboardModifier.KeypadModifier)  # numpad +
        qtbot.waitUntil(lambda: current_code(app) == "A-002", timeout=5000)
        qtbot.waitUntil(ready(app, "no-show"), timeout=5000)
        press(qtbot, app, Qt.Key.Key_F5)  # no-show asks first
        assert app.presenter.screen.panel == "confirm"
        save_screenshot(app.window, "confirm-no-show")
        press(qtbot, app, Qt.Key.Key_Escape)
        assert app.presenter.screen.panel is None and current_code(app) == "A-002"
        press(qtbot, app, Qt.Key.Key_F5)
        qtbot.keyClick(app.window, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
        qtbot.waitUntil(lambda: display.saw("ticket.no_show", "A-002", "L01"), timeout=5000)
        qtbot.waitUntil(lambda: app.presenter.screen.today.get("no_show") == 1, timeout=5000)

        # call a specific ticket out of turn
        floor.issue("DK-KTP")
        qtbot.waitUntil(ready(app, "call"), timeout=5000)
        press(qtbot, app, Qt.Key.Key_F7)
        entry = app.window.pages["working"].entry
        qtbot.keyClicks(entry, "a4")
        qtbot.keyClick(entry, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: current_code(app) == "A-004", timeout=5000)
        qtbot.waitUntil(lambda: display.saw("ticket.called", "A-004", "L01"), timeout=5000)

        # transfer to another service, chosen by typing in the searchable list
        qtbot.waitUntil(ready(app, "transfer"), timeout=5000)
        press(qtbot, app, Qt.Key.Key_F6)
        assert app.presenter.screen.panel == "transfer"
        qtbot.keyClicks(entry, "DK-KK")
        qtbot.keyClick(entry, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: display.saw("ticket.transferred", "A-004", "L01"), timeout=5000)
        qtbot.waitUntil(lambda: current_code(app) is None, timeout=5000)
        with floor.display() as hall:
            queues = {q["code"]: q["waiting"] for q in hall.get("/api/state").json()["queues"]}
        assert queues["DUKCAPIL-SIPIL"] == 1

        # pause and resume, then a screenshot of the working screen with a called ticket
        qtbot.waitUntil(ready(app, "pause"), timeout=5000)
        press(qtbot, app, Qt.Key.Key_F8)
        qtbot.waitUntil(lambda: app.presenter.counter["status"] == "paused" and ready(app, "resume")(), timeout=5000)
        assert not button(app, "call-next").isEnabled()
        press(qtbot, app, Qt.Key.Key_F8)
        qtbot.waitUntil(lambda: app.presenter.counter["status"] == "open" and ready(app, "call-next")(), timeout=5000)
        press(qtbot, app, Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: current_code(app) == "A-003", timeout=5000)
        qtbot.waitUntil(ready(app, "recall"), timeout=5000)
        save_screenshot(app.window, "main")
        app.window.set_compact(True)
        app.window.resize(360, 700)
        print(f"compact window size: {app.window.size().toTuple()} (asked 360×700), minimum {app.window.minimumSizeHint().toTuple()}")
        save_screenshot(app.window, "main-compact")
        app.window.set_compact(False)
        app.window.resize(1366, 768)

        # nothing waiting, then close with confirmation
        qtbot.mouseClick(button(app, "call-next"), LEFT)
        qtbot.waitUntil(lambda: app.presenter.screen.info == "Tidak ada antrean menunggu.", timeout=5000)
        press(qtbot, app, Qt.Key.Key_F10)
        assert app.presenter.screen.panel == "confirm"
        qtbot.mouseClick(app.window.pages["working"].yes, LEFT)
        qtbot.waitUntil(lambda: app.presenter.counter["status"] == "closed", timeout=5000)
        qtbot.waitUntil(lambda: display.saw("counter.closed", None, "L01"), timeout=5000)
    finally:
        display.follower.stop()


def test_counter_in_use_elsewhere_is_told(qtbot, floor, make_counter):
    with floor.login("sari") as sari:
        assert sari.post("/api/counters/L01/open").status_code == 200
    app = make_counter()
    work_at(qtbot, app)
    assert app.presenter.screen.error == "Loket sedang dipakai petugas lain."
    assert app.presenter.screen.enabled == frozenset()


def test_two_counters_calling_at_once_never_get_the_same_ticket(qtbot, floor, make_counter):
    for _ in range(12):
        floor.issue("DK-KTP")
    budi, sari = make_counter(name="budi"), make_counter(name="sari")
    work_at(qtbot, budi, "L01", "budi")
    work_at(qtbot, sari, "L02", "sari")
    for app in (budi, sari):
        press(qtbot, app, Qt.Key.Key_F9)
        qtbot.waitUntil(ready(app, "call-next"), timeout=5000)
    seen = {budi: [], sari: []}
    for _ in range(6):
        for app in (budi, sari):
            qtbot.waitUntil(ready(app, "call-next"), timeout=5000)
        for app in (budi, sari):  # both asks queued before either answer comes back
            press(qtbot, app, Qt.Key.Key_F1)
        for app in (budi, sari):
            qtbot.waitUntil(lambda a=app: current_code(a) not in (None, *seen[a]) and ready(a, "call-next")(),
                            timeout=5000)
            seen[app].append(current_code(app))
    calls = seen[budi] + seen[sari]
    assert len(calls) == len(set(calls)) == 12, seen


def test_server_restart_mid_day_shows_the_banner_and_recovers_the_true_state(qtbot, floor, make_counter):
    for _ in range(2):
        floor.issue("DK-KTP")
    app = make_counter()
    app.worker.read_timeout = 45.0
    work_at(qtbot, app)
    press(qtbot, app, Qt.Key.Key_F9)
    qtbot.waitUntil(ready(app, "call-next"), timeout=5000)
    qtbot.waitUntil(lambda: app.presenter.connected, timeout=5000)
    floor.server.stop()
    qtbot.waitUntil(lambda: app.presenter.screen.banner is not None, timeout=10_000)
    assert app.window.pages["working"].banner.isVisible()
    save_screenshot(app.window, "connection-lost")
    floor.server.start()
    # Meanwhile someone else (a supervisor) calls for this counter: the app must show it after resync.
    with floor.login("rina") as rina:
        called = rina.post("/api/counters/L01/call-next").json()["ticket"]["code"]
    qtbot.waitUntil(lambda: app.presenter.screen.banner is None, timeout=20_000)
    qtbot.waitUntil(lambda: current_code(app) == called, timeout=10_000)
    assert app.window.pages["working"].code.text() == called
    qtbot.waitUntil(ready(app, "recall"), timeout=5000)


def test_click_to_call_confirmed_time(qtbot, floor, make_counter):
    for _ in range(41):
        floor.issue("DK-KTP")
    app = make_counter()
    work_at(qtbot, app)
    press(qtbot, app, Qt.Key.Key_F9)
    qtbot.waitUntil(ready(app, "call-next"), timeout=5000)
    times = []
    for _ in range(40):
        qtbot.waitUntil(ready(app, "call-next"), timeout=5000)
        with qtbot.waitSignal(app.bridge.confirmed, timeout=5000) as confirmed:
            qtbot.mouseClick(button(app, "call-next"), LEFT)
        times.append(confirmed.args[1] * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"click-to-call-confirmed: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
          f"max {times[-1]:.1f} ms (n={len(times)})")
    assert p95 <= 50


def test_app_start_time(qtbot, floor, make_counter):
    started = time.perf_counter()
    app = make_counter()
    qtbot.waitUntil(lambda: app.window.pages["login"].isVisible(), timeout=5000)
    elapsed = (time.perf_counter() - started) * 1000
    print(f"counter app window ready for login in {elapsed:.0f} ms (in-process, Qt already loaded)")
    assert elapsed < 2000


def test_waiting_counts_move_while_kiosks_issue_elsewhere(qtbot, floor, make_counter):
    app = make_counter()
    work_at(qtbot, app)
    queues = app.window.pages["working"].queues
    qtbot.waitUntil(lambda: "(A): Tidak ada yang menunggu" in queues.text(), timeout=5000)
    floor.issue("DK-KTP")
    floor.issue("DK-IKD")
    floor.issue("DK-KK")  # another queue: not this counter's
    qtbot.waitUntil(lambda: "(A): 2 menunggu" in queues.text(), timeout=5000)


def test_logout_returns_to_the_login_form_and_ends_the_token(qtbot, floor, make_counter):
    app = make_counter()
    work_at(qtbot, app)
    token = app.worker.api.token
    qtbot.mouseClick(app.window.pages["working"].logout, LEFT)
    qtbot.waitUntil(lambda: app.window.current == "login", timeout=5000)
    with floor.client(token) as old:
        qtbot.waitUntil(lambda: old.get("/api/counters/L01").status_code == 401, timeout=5000)


def counter_reads(app) -> list:
    """From now on, the times of the worker's reads of the counter (GET /api/counters/C)."""
    reads, original = [], app.worker.api.counter

    def counting(code):
        reads.append(time.monotonic())
        return original(code)

    app.worker.api.counter = counting
    return reads


def enabled_buttons(app) -> set:
    return {action for action, widget in app.window.pages["working"].buttons.items() if widget.isEnabled()}


def test_the_buttons_and_keys_follow_the_servers_allowed_actions(qtbot, floor, make_counter):
    floor.issue("DK-KTP")
    app = make_counter()
    work_at(qtbot, app)
    assert enabled_buttons(app) == {"open"}  # a closed counter
    press(qtbot, app, Qt.Key.Key_F1)  # call-next: not allowed, so the key does nothing
    assert app.presenter.pending is None
    with floor.login("budi") as budi:
        assert budi.get("/api/counters/L01").json()["ticket"] is None
        press(qtbot, app, Qt.Key.Key_F9)
        qtbot.waitUntil(ready(app, "call-next"), timeout=5000)
        assert enabled_buttons(app) == {"call-next", "call", "pause-toggle", "close"}
        press(qtbot, app, Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: current_code(app) == "A-001" and ready(app, "recall")(), timeout=5000)
        assert {"recall", "start", "no-show", "transfer"} <= enabled_buttons(app)
        assert "open" not in enabled_buttons(app)
        assert app.presenter.screen.enabled == set(budi.get("/api/counters/L01").json()["allowed_actions"])


def queue_counts_seen(app) -> list:
    """From now on, the queue counts the app's stream delivers."""
    seen, original = [], app.presenter.event

    def event(type_, data):
        if type_ == "queue.counts":
            seen.append(data["queues"])
        original(type_, data)

    app.presenter.event = event
    return seen


def test_an_actions_answer_is_the_new_state_and_no_read_follows(qtbot, floor, make_counter):
    for _ in range(3):
        floor.issue("DK-KTP")
    app = make_counter()
    counts = queue_counts_seen(app)
    work_at(qtbot, app)
    # The stream's first counts, older than any answer to come, would rightly ask for a read.
    qtbot.waitUntil(lambda: bool(counts), timeout=5000)
    reads = counter_reads(app)
    queues = app.window.pages["working"].queues
    for key, done in [
        (Qt.Key.Key_F9, ready(app, "call-next")),
        (Qt.Key.Key_F1, lambda: current_code(app) == "A-001" and ready(app, "recall")()),
        (Qt.Key.Key_F2, lambda: app.presenter.screen.ticket_lines.get("recalls") == 1),
        (Qt.Key.Key_F3, lambda: ready(app, "done")() and not ready(app, "start")()),
        (Qt.Key.Key_F4, lambda: current_code(app) is None and app.presenter.screen.today.get("served") == 1),
        (Qt.Key.Key_F1, lambda: current_code(app) == "A-002" and "(A): 1 menunggu" in queues.text()),
    ]:
        qtbot.waitUntil(lambda: not app.presenter.busy, timeout=5000)
        press(qtbot, app, key)
        qtbot.waitUntil(done, timeout=5000)
    qtbot.wait(700)  # the queue counts that the actions moved reach the app meanwhile
    assert reads == []


def test_the_estimates_shown_are_the_servers(qtbot, floor, make_counter):
    app = make_counter()
    work_at(qtbot, app)
    queues = app.window.pages["working"].queues
    with floor.login("budi") as budi:
        assert budi.post("/api/counters/L01/open").status_code == 200
        for _ in range(3):
            floor.issue("DK-KTP")
        with floor.login("sari") as sari:
            sari.post("/api/counters/L02/open")  # a second counter on queue A: the server halves the wait

        def shown_is_servers():
            queue = budi.get("/api/counters/L01").json()["queues"][0]
            return f"(A): {queue['waiting']} menunggu · sekitar {queue['est_wait_min']} menit" in queues.text()

        qtbot.waitUntil(lambda: "(A): 3 menunggu" in queues.text(), timeout=5000)
        qtbot.waitUntil(shown_is_servers, timeout=5000)


def test_moved_counts_are_read_again_at_most_twice_a_second(qtbot, floor, make_counter):
    app = make_counter()
    work_at(qtbot, app)
    qtbot.wait(600)
    reads = counter_reads(app)
    for _ in range(5):
        app.bridge.refresh_counts("L01")
    qtbot.waitUntil(lambda: len(reads) == 2, timeout=3000)
    qtbot.wait(600)
    assert len(reads) == 2 and reads[1] - reads[0] >= 0.45
