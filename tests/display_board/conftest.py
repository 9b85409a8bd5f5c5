"""Fixtures for the display board: the whole app (window, presenter, stream, speech, player) against a real server."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is first imported

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"


def _live_threads() -> set:
    return {t for t in threading.enumerate() if t.is_alive() and not isinstance(t, threading._DummyThread)}


@pytest.fixture
def make_display(qtbot, floor, tmp_path):
    """make_display(size=(1920, 1080)) → a started DisplayApp on `floor` (zone 1); teardown stops its
    threads and fails the test if any is left running."""
    from display_board.app import DisplayApp, DisplayConfig

    before = _live_threads()
    made = []

    def make(size=(1920, 1080), rate=190):
        app = DisplayApp(DisplayConfig(server_url=floor.url, token=floor.display_token, zone="1", rate=rate,
                                       audio_dir=tmp_path / f"audio-{len(made)}"))
        made.append(app)
        qtbot.addWidget(app.window)
        app.window.resize(*size)
        app.window.show()
        qtbot.waitExposed(app.window)
        return app.start()

    yield make
    for app in made:
        assert app.stop(), "the display's threads did not end"
    leaked = {t for t in _live_threads() - before if t.name != "QDBusConnection"}
    assert not leaked, f"threads left running: {leaked}"


def save_screenshot(window, name: str) -> Path:
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"display-{name}.png"
    assert window.grab().save(str(path)), path
    return path
