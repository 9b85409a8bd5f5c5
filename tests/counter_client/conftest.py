"""Fixtures for the counter app: the whole app (window, presenter, worker thread) against a real server."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is first imported

import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"


def _live_threads() -> set:
    return {t for t in threading.enumerate() if t.is_alive() and not isinstance(t, threading._DummyThread)}


@pytest.fixture
def make_counter(qtbot, floor, tmp_path):
    """make_counter(size=(1366, 768), compact=False) → a started CounterApp on `floor`; teardown
    stops its threads and fails the test if any thread is left running."""
    from counter_client.app import CounterApp, CounterConfig
    from mpp_client.settings import AppSettings

    before = _live_threads()
    made = []

    def make(size=(1366, 768), compact=False, name="counter"):
        settings = AppSettings.load("counter", tmp_path / f"{name}-{len(made)}.json")
        app = CounterApp(CounterConfig(server_url=floor.url, compact=compact, settings=settings))
        made.append(app)
        qtbot.addWidget(app.window)
        app.window.resize(*size)
        app.window.show()
        qtbot.waitExposed(app.window)
        return app.start()

    yield make
    for app in made:
        assert app.stop(), "the counter app's worker thread did not end"
    leaked = _live_threads() - before
    assert not leaked, f"threads left running: {leaked}"


def save_screenshot(window, name: str) -> Path:
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"counter-{name}.png"
    assert window.grab().save(str(path)), path
    return path
