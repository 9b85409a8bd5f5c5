"""Fixtures for the counter app: the whole app (window, presenter, worker thread) against a real server."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is first imported

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from tests import qt_apps  # noqa: E402
from tests.qt_apps import live_threads, show_and_start, stop_all  # noqa: E402


@pytest.fixture
def make_counter(qtbot, floor, tmp_path):
    """make_counter(size=(1366, 768), compact=False) → a started CounterApp on `floor`; teardown
    stops its threads and fails the test if any thread is left running."""
    from counter_client.app import CounterApp, CounterConfig
    from mpp_client.settings import AppSettings

    before = live_threads()
    made = []

    def make(size=(1366, 768), compact=False, name="counter"):
        settings = AppSettings.load("counter", tmp_path / f"{name}-{len(made)}.json")
        app = CounterApp(CounterConfig(server_url=floor.url, compact=compact, settings=settings))
        made.append(app)
        return show_and_start(qtbot, app, size)

    yield make
    stop_all(made, before, "the counter app")


def save_screenshot(window, name: str) -> Path:
    return qt_apps.save_screenshot(window, f"counter-{name}")
