"""Fixtures for the kiosk app: a virtual network printer, printer profiles pointing at it,
and the whole kiosk (window, presenter, worker thread) against a real server."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is first imported
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # The offscreen screen is 800×600 by default; a kiosk's is 1080×1920. A touch on a scrolling
    # list is replayed by Qt at a screen position, so a button off that small screen never gets it.
    # The screen is a file beside this one (written to the temp folder, it was left there).
    _screen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "offscreen-screen.json")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"

import queue  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from importlib import resources  # noqa: E402
from pathlib import Path  # noqa: E402

import httpx  # noqa: E402
import psutil  # noqa: E402
import pytest  # noqa: E402
from tests import qt_apps  # noqa: E402
from tests.qt_apps import live_threads, show_and_start, stop_all  # noqa: E402
from PySide6.QtCore import QObject, Qt, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.profiles import NetworkConnection, load_profile  # noqa: E402
from devtools.virtual_printer import VirtualPrinter  # noqa: E402

SCREENSHOTS = qt_apps.SCREENSHOTS
PORTRAIT = (1080, 1920)  # a typical standing kiosk
LANDSCAPE = (1920, 1080)


def profile_at(port: int):
    """The shipped "virtual" profile (80 mm, native QR, 3 s timeout) aimed at a port on this PC."""
    return load_profile("virtual").model_copy(
        update={"connection": NetworkConnection(type="network", host="127.0.0.1", port=port)})


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tickets_on_server(floor) -> list[dict]:
    """Every ticket row, read straight from the server's database (read-only)."""
    conn = sqlite3.connect(f"file:{floor.db_path}?mode=ro", uri=True, timeout=5)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute("SELECT * FROM tickets ORDER BY id")]
    finally:
        conn.close()


def kiosk_health(floor) -> str | None:
    conn = sqlite3.connect(f"file:{floor.db_path}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute("SELECT health FROM devices WHERE kind = 'kiosk'").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


@pytest.fixture
def printer():
    with VirtualPrinter(port=0) as printer:
        yield printer


@pytest.fixture
def make_kiosk(qtbot, floor):
    """make_kiosk(profile, size=PORTRAIT, **idle_timeouts) → a started Kiosk on `floor`.

    Teardown stops the worker thread and fails the test if it (or any other thread
    started meanwhile) is still running."""
    from kiosk.app import Kiosk, KioskConfig

    before = live_threads()
    made = []

    def make(profile, size=PORTRAIT, staff_pin="0000", **idle_timeouts):
        config = KioskConfig(server_url=floor.url, token=floor.kiosk_token, profile=profile.name,
                             staff_pin=staff_pin)
        kiosk = Kiosk(config, profile=profile, idle_timeouts=idle_timeouts)
        made.append(kiosk)
        return show_and_start(qtbot, kiosk, size)

    yield make
    threads = [kiosk.thread for kiosk in made]
    stop_all(made, before, "the kiosk", ignore=lambda thread: thread.name.startswith("virtual-printer"))
    assert all(thread is None or not thread.isRunning() for thread in threads)


def on_screen(kiosk, name: str):
    """For qtbot.waitUntil: the kiosk (or its window) shows screen `name`."""
    window = kiosk if hasattr(kiosk, "current") else kiosk.window

    def check():
        assert window.current == name, f"on {window.current!r}, waiting for {name!r}"
    return check


def save_screenshot(window, name: str) -> Path:
    return qt_apps.save_screenshot(window, f"kiosk-{name}")


# ---------------------------------------------------------------- driving the kiosk as a citizen

LEFT = Qt.MouseButton.LeftButton


def public_status(floor, public_id: str) -> dict:
    answer = httpx.get(f"{floor.url}/api/tickets/public/{public_id}", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def touch(qtbot, widget):
    """A finger lands on what is drawn: wait until the widget is what the screen shows at its
    centre (laid out, scrolled into view, not covered), then click it."""
    def drawn():
        assert widget.isVisible()
        hit = QApplication.widgetAt(widget.mapToGlobal(widget.rect().center()))
        assert hit is widget or widget.isAncestorOf(hit), f"{hit} is where {widget} should be"
    qtbot.waitUntil(drawn, timeout=2000)
    qtbot.mouseClick(widget, LEFT)


def walk_to_service(qtbot, kiosk, agency="DUKCAPIL", service="DK-KTP", priority=None):
    """Touch an agency tile, then a service card (and a priority): the citizen's first touches."""
    qtbot.waitUntil(on_screen(kiosk, "home"), timeout=10_000)
    touch(qtbot, kiosk.window.pages["home"].tiles[agency])
    qtbot.waitUntil(on_screen(kiosk, "agency"), timeout=2000)
    touch(qtbot, kiosk.window.pages["agency"].cards[service])
    qtbot.waitUntil(on_screen(kiosk, "service"), timeout=2000)
    if priority:
        touch(qtbot, kiosk.window.pages["service"].priority_buttons[priority])
        assert kiosk.presenter.screen.priority == priority


def take_ticket(qtbot, kiosk):
    take = kiosk.window.pages["service"].take
    assert take.isEnabled()
    touch(qtbot, take)


def qr_stored(job: bytes) -> list[str]:
    """The payloads of `GS ( k` QR "store data" commands (cn 49 = QR, fn 80 = store)."""
    found, at = [], job.find(b"\x1d(k")
    while at >= 0:
        length = job[at + 3] + 256 * job[at + 4]
        body = job[at + 5:at + 5 + length]
        if body[:3] == b"1P0":
            found.append(body[3:].decode("utf-8"))
        at = job.find(b"\x1d(k", at + 5 + length)
    return found


class ServerDiesMidPrint(VirtualPrinter):
    """Takes the server down just before answering the status query that follows a job:
    the ticket is on paper, and the kiosk can't confirm it."""

    def __init__(self, floor):
        super().__init__(port=0)
        self.floor, self.armed, self._now = floor, False, None

    def _receive(self, connection):
        self._now = connection
        super()._receive(connection)

    def _answer(self, sock, answer):
        if self.armed and self._now is not None and self._now.job:
            self.armed = False
            self.floor.server.kill()
        super()._answer(sock, answer)


def start_the_app(floor, printer, tmp_path) -> tuple[int, int, int]:
    """Run `python -m kiosk` for real; read its start log; measure its memory; stop it cleanly."""
    profile = resources.files("printer_profiles").joinpath("virtual.toml").read_text(encoding="utf-8")
    profile_path = tmp_path / "printer.toml"
    profile_path.write_text(profile.replace("port = 9100", f"port = {printer.port}"), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    launched = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--windowed", "--server", floor.url, f"--token={floor.kiosk_token}",
         "--profile", str(profile_path), "--settings", str(tmp_path / "kiosk.json"), "--staff-pin", "1357"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True, encoding="utf-8")
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], name="kiosk-log")
    reader.start()
    found, log = {}, []
    try:
        deadline = time.monotonic() + 30
        while "ready" not in found and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert process.poll() is None, "".join(log)
                continue
            log.append(line)
            for key in ("started", "ready"):
                match = re.search(rf"{key}(?: for citizens)? in (\d+) ms", line)
                if match:
                    found[key] = int(match.group(1))
                    found[f"{key}_wall"] = int((time.perf_counter() - launched) * 1000)
        assert "ready" in found, "".join(log)
        rss = psutil.Process(process.pid).memory_info().rss
    finally:
        process.terminate()  # SIGTERM: the app quits its event loop and stops the worker thread
        code = process.wait(15)
        reader.join(5)
        process.stderr.close()
    assert code == 0, "".join(log)
    print(f"mpp-kiosk from process launch (interpreter included): window up {found['started_wall']} ms, "
          f"home screen {found['ready_wall']} ms")
    return found["started"], found["ready"], rss


# ---------------------------------------------------------------- the window alone (no server)

class FakeBridge(QObject):
    """The worker side of the window, recording what the presenter and the staff asked for."""

    reported = Signal(str, tuple)  # (worker signal's name, its arguments), as the real Bridge

    def __init__(self):
        super().__init__()
        self.asked = []

    def load_catalog(self):
        self.asked.append(("catalog",))

    def take_ticket(self, service, priority, language="id"):
        self.asked.append(("ticket", service, priority))

    def check_in(self, code, language="id"):
        self.asked.append(("check_in", code))

    def check_printer(self):
        self.asked.append(("printer",))

    def test_print(self):
        self.asked.append(("test_print",))


def service(code, name, available=True, reason=None, message=None):
    return {"code": code, "name": name, "available": available, "reason": reason, "message": message,
            "quota_left": 0 if reason == "quota_full" else None, "waiting": 4, "est_wait_min": 25,
            "requirements": ["KTP-el asli"]}


CATALOG = {
    "site": {"name": "MPP Harapan Jaya", "timezone": "Asia/Makassar", "now": "2026-11-23T10:05:00+08:00",
             "priority_categories": [{"code": "lansia", "name": "Lanjut usia", "name_en": "Elderly"}]},
    "agencies": [{"code": "SAMSAT", "name": "Samsat", "short_name": "Samsat", "services": [
        service("SM-PKB", "Pajak kendaraan tahunan"),
        service("SM-BBN", "Balik nama kendaraan", available=False, reason="quota_full"),
        service("SM-5TH", "Pajak 5 tahunan", available=False, reason="closed", message="Istirahat salat Jumat"),
        *[service(f"SM-{n}", f"Layanan lain {n}") for n in range(12)],
    ]}],
}


def kiosk_alone(qtbot, size: tuple[int, int]):
    """A kiosk window of `size` on the sample catalog, its printer ready, with a fake bridge."""
    from kiosk.presenter import KioskPresenter
    from kiosk.window import KioskWindow

    window = KioskWindow(staff_pin="0000")
    qtbot.addWidget(window)
    bridge = FakeBridge()
    presenter = KioskPresenter(window, bridge)
    window.bind(presenter, bridge)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    presenter.start()
    presenter.catalog_loaded(CATALOG)
    presenter.printer_status(True)
    return window, presenter, bridge


@pytest.fixture
def window_alone(qtbot):
    window, presenter, bridge = kiosk_alone(qtbot, LANDSCAPE)
    yield window, presenter, bridge
    window.close()
