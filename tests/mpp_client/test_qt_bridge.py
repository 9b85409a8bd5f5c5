"""The apps' one bridge: a presenter's calls run in the worker's thread, the worker's reports
reach the presenter's methods of the same name in the UI thread."""

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from mpp_client.qt import Bridge


class Worker(QObject):
    answered = Signal(str, dict)
    failed = Signal(str)
    noticed = Signal(str)  # the presenter has no method of this name
    _private = Signal()  # never delivered
    started_in = None

    def __init__(self):
        super().__init__()
        self.ran_in: dict[str, str] = {}
        self.shut_down_in = None

    @Slot()
    def start(self):
        self.started_in = threading.current_thread().name

    @Slot()
    def shutdown(self):
        self.shut_down_in = threading.current_thread().name

    @Slot(str, object)
    def fetch(self, what, extra=None):
        self.ran_in["fetch"] = threading.current_thread().name
        self.answered.emit(what, {"extra": extra})

    @Slot()
    def fail(self):
        self.failed.emit("no")
        self.noticed.emit("note")


class Presenter:
    def __init__(self):
        self.heard = []

    def answered(self, what, data):
        ui = QThread.currentThread() is QCoreApplication.instance().thread()
        self.heard.append(("answered", what, data, "ui" if ui else "not ui"))

    def failed(self, why):
        self.heard.append(("failed", why))


@pytest.fixture
def make_bridge(qtbot):
    """Bridges that end their worker thread after the test, passed or not."""
    made = []

    def make(*args, cls=Bridge):
        made.append(cls(*args))
        return made[-1]

    yield make
    for bridge in made:
        bridge.stop()


def test_calls_run_in_the_worker_thread_and_reports_come_back_in_the_ui_thread(qtbot, make_bridge):
    worker, presenter = Worker(), Presenter()
    bridge = make_bridge(worker, "test-worker").attach(presenter)
    assert set(bridge.intents) == {"fetch", "fail"}  # start/shutdown are the bridge's to call
    bridge.start()
    bridge.fetch("catalog", 3)  # as the presenter calls its Worker
    qtbot.waitUntil(lambda: bool(presenter.heard), timeout=2000)
    assert presenter.heard == [("answered", "catalog", {"extra": 3}, "ui")]
    assert worker.ran_in["fetch"] != threading.current_thread().name
    assert worker.started_in == worker.ran_in["fetch"]
    thread = bridge.thread
    assert bridge.stop() and not thread.isRunning() and bridge.thread is None
    assert worker.shut_down_in == worker.ran_in["fetch"]


def test_reports_can_be_routed_elsewhere_and_every_report_is_told(qtbot, make_bridge):
    worker, presenter = Worker(), Presenter()
    routed = []
    bridge = make_bridge(worker, "test-worker").attach(presenter, {"failed": routed.append})
    told = []
    bridge.reported.connect(lambda name, args: told.append((name, args)))
    bridge.start()
    bridge.fail()
    qtbot.waitUntil(lambda: len(told) == 2, timeout=2000)
    assert routed == ["no"] and presenter.heard == []
    assert told == [("failed", ("no",)), ("noticed", ("note",))]
    bridge.stop()


def test_a_call_before_start_waits_for_the_worker_thread(qtbot, make_bridge):
    worker, presenter = Worker(), Presenter()
    bridge = make_bridge(worker, "test-worker").attach(presenter)
    bridge.fetch("early", None)
    qtbot.wait(50)
    assert presenter.heard == [] and "fetch" not in worker.ran_in  # nothing ran in the UI thread
    bridge.start()
    qtbot.waitUntil(lambda: bool(presenter.heard), timeout=2000)
    assert worker.ran_in["fetch"] != threading.current_thread().name
    bridge.stop()


def test_a_subclass_keeps_its_own_intent(qtbot, make_bridge):
    class Timed(Bridge):
        def fetch(self, what, extra=None):
            self.asked_for = what
            self.ask("fetch", what, extra)

    worker, presenter = Worker(), Presenter()
    bridge = make_bridge(worker, "test-worker", cls=Timed).attach(presenter)
    bridge.start()
    bridge.fetch("x")
    qtbot.waitUntil(lambda: bool(presenter.heard), timeout=2000)
    assert bridge.asked_for == "x"
    bridge.stop()


def test_a_worker_with_threads_of_its_own_stays_in_the_ui_thread(qtbot, make_bridge):
    class Owner(QObject):
        answered = Signal(str, dict)

        def __init__(self):
            super().__init__()
            self.stopped = False

        def start(self):  # its own thread emits, as an EventFollower's callback does
            threading.Thread(target=lambda: self.answered.emit("from a thread", {}), daemon=True).start()

        def stop(self):
            self.stopped = True
            return True

    owner, presenter = Owner(), Presenter()
    bridge = make_bridge(owner).attach(presenter)
    bridge.start()
    qtbot.waitUntil(lambda: bool(presenter.heard), timeout=2000)
    assert presenter.heard == [("answered", "from a thread", {}, "ui")]
    assert bridge.stop() and owner.stopped and bridge.thread is None


def test_a_report_finds_the_presenters_method_when_it_arrives(qtbot, make_bridge):
    # A test (or a tool) may wrap a presenter method after the bridge is attached.
    worker, presenter = Worker(), Presenter()
    bridge = make_bridge(worker, "test-worker").attach(presenter, {"failed": "answered"})
    seen = []
    presenter.answered = lambda *args: seen.append(args)
    bridge.start()
    bridge.fail()
    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    assert seen == [("no",)]
