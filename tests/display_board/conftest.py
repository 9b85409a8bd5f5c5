"""Fixtures for the display board: the whole app (window, presenter, stream, speech, player) against a real server."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is first imported

from pathlib import Path

import pytest
from tests import qt_apps  # noqa: E402
from tests.qt_apps import live_threads, show_and_start, stop_all  # noqa: E402


@pytest.fixture
def make_display(qtbot, floor, tmp_path):
    """make_display(size=(1920, 1080), silent=False) → a started DisplayApp on `floor` (zone 1);
    teardown stops its threads and fails the test if any is left running."""
    from display_board.app import DisplayApp, DisplayConfig

    before = live_threads()
    made = []

    def make(size=(1920, 1080), rate=190, silent=False):
        app = DisplayApp(DisplayConfig(server_url=floor.url, token=floor.display_token, zone="1", rate=rate,
                                       silent=silent, audio_dir=tmp_path / f"audio-{len(made)}"))
        made.append(app)
        return show_and_start(qtbot, app, size)

    yield make
    stop_all(made, before, "the display", ignore=lambda thread: thread.name == "QDBusConnection")


def save_screenshot(window, name: str) -> Path:
    return qt_apps.save_screenshot(window, f"display-{name}")
