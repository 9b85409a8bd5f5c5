"""What the app tests share: a started app's window on screen, thread-leak checks, screenshots.

Import after the conftest has set QT_QPA_PLATFORM (Qt reads it once)."""

import threading
from pathlib import Path

from PySide6.QtWidgets import QApplication

SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"


def live_threads() -> set:
    # A QThread that ran Python code shows up as a _DummyThread that never "ends": not a leak.
    return {t for t in threading.enumerate() if t.is_alive() and not isinstance(t, threading._DummyThread)}


def show_and_start(qtbot, app, size):
    """Show the app's window at `size` (as on its screen), then start its threads."""
    qtbot.addWidget(app.window)
    app.window.resize(*size)
    app.window.show()
    qtbot.waitExposed(app.window)
    return app.start()


def stop_all(apps: list, before: set, what: str, ignore=lambda thread: False) -> None:
    """Teardown: stop every app; fail the test if a thread it started is still running."""
    for app in apps:
        assert app.stop(), f"{what}'s threads did not end"
    leaked = {t for t in live_threads() - before if not ignore(t)}
    assert not leaked, f"threads left running: {leaked}"


def save_screenshot(window, name: str) -> Path:
    QApplication.sendPostedEvents()  # the layout the last change asked for: what a person would see
    QApplication.processEvents()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert window.grab().save(str(path)), path
    return path
