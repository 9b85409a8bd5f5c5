"""One citizen's journey through the real programs, with the server's records checked at every step:
kiosk touch → ticket at the printer → the counter calls it → the hall board shows and announces it →
the officer serves and finishes it.

The server and the virtual network printer are their own processes; the kiosk, the counter app and
the display board run here, offscreen, with their real windows, worker threads and media player.
"""

import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from display_board.speech import wav_stats

# Importing the kiosk's conftest sets QT_QPA_PLATFORM to an offscreen screen big enough for a kiosk
# (read when the QApplication is made, after collection), whether or not pytest loaded it itself.
from tests.kiosk.conftest import (
    PORTRAIT,
    on_screen,
    profile_at,
    public_status,
    take_ticket,
    tickets_on_server,
    unused_port,
    walk_to_service,
)
from tests.qt_apps import (
    SCREENSHOTS,
    live_threads,
    save_screenshot,
    show_and_start,
    stop_all,
)

LEFT = Qt.MouseButton.LeftButton
COUNTER = "L01"  # "Loket 1", DUKCAPIL, zone 1: where budi works


# ---------------------------------------------------------------- the floor: a printer and three apps

class PrinterProcess:
    """`python -m devtools.virtual_printer` on a free port, writing job-NNN.bin/.png into `jobs_dir`."""

    def __init__(self, jobs_dir):
        self.jobs_dir, self.port = jobs_dir, unused_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devtools.virtual_printer", "--port", str(self.port), "--jobs-dir", str(jobs_dir)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        self.output = ""

    def wait_until_listening(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert time.monotonic() < deadline, f"the virtual printer did not listen within {timeout} s"
            try:  # between tries: wait for the process to end, which it must not
                self.process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"the virtual printer ended ({self.process.returncode}): {self.process.stdout.read()}")

    def jobs(self, ext: str) -> list:
        return sorted(self.jobs_dir.glob(f"job-*.{ext}"))

    def stop(self) -> int:
        """Ctrl+C, as an attendant would: it ends cleanly and its log is kept in `output`."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.output, _ = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.output, _ = self.process.communicate()
        return self.process.returncode


@pytest.fixture
def printer_process(tmp_path):
    printer = PrinterProcess(tmp_path / "printed")
    try:
        printer.wait_until_listening()
        yield printer
    finally:
        code = printer.stop()
    assert code == 0, printer.output
    logged = [line for line in printer.output.splitlines() if line.startswith("job-")]
    assert len(logged) == len(printer.jobs("bin")), printer.output  # its own log agrees with its files


@pytest.fixture
def apps(qtbot, floor, tmp_path):
    """apps.kiosk(profile) / apps.counter() / apps.display(): started like the apps' own fixtures
    (tests/*/conftest.py). Teardown stops them all, then fails the test on any thread left running."""
    from counter_client.app import CounterApp, CounterConfig
    from display_board.app import DisplayApp, DisplayConfig
    from kiosk.app import Kiosk, KioskConfig
    from mpp_client.settings import AppSettings

    class Apps:
        def __init__(self):
            self.made = []

        def kiosk(self, profile):
            config = KioskConfig(server_url=floor.url, token=floor.kiosk_token, profile=profile.name,
                                 staff_pin="0000")
            return self._start(Kiosk(config, profile=profile), PORTRAIT)

        def counter(self):
            settings = AppSettings.load("counter", tmp_path / "counter.json")
            return self._start(CounterApp(CounterConfig(server_url=floor.url, settings=settings)), (1366, 768))

        def display(self):
            config = DisplayConfig(server_url=floor.url, token=floor.display_token, zone="1", rate=190,
                                   audio_dir=tmp_path / "audio")
            return self._start(DisplayApp(config), (1920, 1080))

        def _start(self, app, size):
            self.made.append(app)
            return show_and_start(qtbot, app, size)

    before = live_threads()
    made = Apps()
    yield made
    qthreads = [app.thread for app in made.made if hasattr(app, "thread")]
    stop_all(list(reversed(made.made)), before, "the journey's apps",
             ignore=lambda thread: thread.name == "QDBusConnection")
    assert all(thread is None or not thread.isRunning() for thread in qthreads)


# ---------------------------------------------------------------- reading the server's records

def ticket_row(floor, code: str) -> dict:
    rows = [row for row in tickets_on_server(floor) if row["code"] == code]
    assert len(rows) == 1, rows
    return rows[0]


def status_of(floor, code: str) -> str:
    return ticket_row(floor, code)["status"]


def current_code(counter_app):
    return ((counter_app.presenter.counter or {}).get("ticket") or {}).get("code")


def enabled(counter_app, action: str):
    return lambda: action in counter_app.presenter.screen.enabled and counter_app.window.pages[
        "working"].buttons[action].isEnabled()


def click(qtbot, counter_app, action: str) -> None:
    qtbot.waitUntil(enabled(counter_app, action), timeout=5000)
    qtbot.mouseClick(counter_app.window.pages["working"].buttons[action], LEFT)


def sign_in_at_counter(qtbot, app, username="budi", pin="1234", code=COUNTER) -> None:
    login = app.window.pages["login"]
    qtbot.keyClicks(login.username, username)
    qtbot.keyClick(login.username, Qt.Key.Key_Return)
    qtbot.keyClicks(login.pin, pin)
    qtbot.keyClick(login.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.window.current == "choose" and bool(app.presenter.screen.counters), timeout=5000)
    picker = app.window.pages["choose"].list
    rows = [row for row in range(picker.count()) if picker.item(row).data(Qt.ItemDataRole.UserRole) == code]
    assert rows, f"{code} is not offered to {username}"
    picker.setCurrentRow(rows[0])
    qtbot.mouseClick(app.window.pages["choose"].choose, LEFT)
    qtbot.waitUntil(lambda: app.window.current == "working" and not app.presenter.stale, timeout=5000)


# ---------------------------------------------------------------- the journey

def test_one_citizen_from_kiosk_touch_to_done(qtbot, floor, printer_process, apps):
    started = time.perf_counter()

    # 1. The citizen touches DUKCAPIL → KTP-el → "Ambil nomor": one ticket, on paper and on the server.
    kiosk = apps.kiosk(profile_at(printer_process.port))
    walk_to_service(qtbot, kiosk, "DUKCAPIL", "DK-KTP")
    take_ticket(qtbot, kiosk)
    qtbot.waitUntil(on_screen(kiosk, "done"), timeout=10_000)
    ticket = kiosk.presenter.screen.ticket
    code = ticket["code"]
    assert kiosk.window.pages["done"].code.text() == code

    def preview_written():  # the printer process writes job-NNN.bin, then its PNG preview
        pngs = printer_process.jobs("png")
        assert len(pngs) == 1, pngs
        try:
            with Image.open(pngs[0]) as image:
                image.load()
        except OSError as exc:  # still being written
            raise AssertionError(exc) from exc
    qtbot.waitUntil(preview_written, timeout=5000)
    [job_file] = printer_process.jobs("bin")
    job = job_file.read_bytes()
    assert job.startswith(b"\x1b@"), job[:16]  # ESC @: initialise
    assert ticket["status_url"].encode() in job  # this ticket's QR (the number itself is an image)
    qtbot.waitUntil(lambda: status_of(floor, code) == "waiting", timeout=5000)  # printed → waiting
    [row] = tickets_on_server(floor)  # one number, not two
    assert (row["code"], row["public_id"], row["status"]) == (code, ticket["public_id"], "waiting")
    save_screenshot(kiosk.window, "journey-kiosk")  # the done screen, before its idle timer sends it home
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(printer_process.jobs("png")[0], SCREENSHOTS / "journey-ticket.png")

    # The hall board is up and following the stream before anyone is called.
    display = apps.display()
    qtbot.waitUntil(lambda: display.presenter.board.ready and display.presenter.board.connected, timeout=10_000)
    spoken = []  # what the speech thread made: SpeechResult(job, text, wav)
    display.worker.spoken.connect(spoken.append)

    # 2. Budi signs in at Loket 1, opens it and calls the next ticket: the citizen's.
    counter = apps.counter()
    sign_in_at_counter(qtbot, counter)
    click(qtbot, counter, "open")
    click(qtbot, counter, "call-next")
    qtbot.waitUntil(lambda: current_code(counter) == code, timeout=5000)
    qtbot.waitUntil(lambda: counter.window.pages["working"].code.text() == code, timeout=5000)
    row = ticket_row(floor, code)
    assert (row["status"], row["counter"]) == ("called", COUNTER)

    qtbot.waitUntil(lambda: display.window.now_code.text() == code, timeout=5000)
    assert "LOKET 1" in display.window.now_counter.text()
    qtbot.waitUntil(lambda: len(display.player.log) == 2 and not display.player.busy, timeout=20_000)
    chime, speech = display.player.log
    assert [(s.code, s.part) for s in display.player.log] == [(code, "chime"), (code, "speech")]
    assert all(s.error is None and s.started is not None and s.ended is not None for s in display.player.log)
    assert chime.ended <= speech.started, "the speech began before the chime ended"
    [announcement] = display.presenter.announced
    assert announcement.code == code and "silakan menuju loket satu" in announcement.text
    [said] = spoken
    assert (said.job, said.wav, said.error) == (speech.job, speech.path, None)
    assert said.text == announcement.text
    with speech.path.open("rb") as wav:
        header = wav.read(12)
    assert header[:4] == b"RIFF" and header[8:] == b"WAVE"
    seconds, rms = wav_stats(speech.path)
    assert 1.5 <= seconds <= 10 and rms > 0.01, (seconds, rms)
    assert speech.ended - speech.started >= seconds * 0.8, "the speech was cut off"

    # 3. The citizen sits down: Budi starts serving, then finishes.
    click(qtbot, counter, "start")
    qtbot.waitUntil(lambda: (counter.presenter.counter["ticket"] or {}).get("status") == "serving", timeout=5000)
    assert status_of(floor, code) == "serving"
    click(qtbot, counter, "done")
    qtbot.waitUntil(lambda: current_code(counter) is None, timeout=5000)
    qtbot.waitUntil(enabled(counter, "call-next"), timeout=5000)  # ready for the next citizen
    assert counter.window.pages["working"].code.text() == "—"
    row = ticket_row(floor, code)
    assert row["status"] == "done"
    times = [datetime.fromisoformat(row[f]) for f in ("issued_at", "called_at", "started_at", "finished_at")]
    assert times == sorted(times), dict(zip(("issued", "called", "serving", "finished"), times, strict=True))
    assert public_status(floor, ticket["public_id"])["status"] == "done"
    assert [t["code"] for t in tickets_on_server(floor)] == [code]
    assert len(printer_process.jobs("bin")) == 1 and len(printer_process.jobs("png")) == 1

    save_screenshot(counter.window, "journey-counter")
    save_screenshot(display.window, "journey-display")
    print(f"\njourney {code}: {time.perf_counter() - started:.1f} s from first touch to done")
