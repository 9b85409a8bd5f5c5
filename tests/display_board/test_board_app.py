"""The display board against a real server process: calls appear, are announced in order without
overlap, and are not announced again after the server restarts."""

import json
import os
import threading
import time
from contextlib import contextmanager

import psutil
import pytest

from .conftest import save_screenshot


@contextmanager
def open_counter(floor, username="budi", counter="L01"):
    officer = floor.login(username)
    try:
        assert officer.post(f"/api/counters/{counter}/open").status_code == 200
        yield officer
    finally:
        officer.close()


def spoken(app):
    return [(s.code, s.part) for s in app.player.log]


def test_calls_appear_and_are_announced_in_order_without_overlap(qtbot, floor, make_display):
    started = time.perf_counter()
    app = make_display()
    qtbot.waitUntil(lambda: app.presenter.board.ready and app.presenter.board.connected, timeout=10_000)
    start_ms = (time.perf_counter() - started) * 1000
    first, second = floor.issue("DK-KTP"), floor.issue("DK-KTP")
    with open_counter(floor) as budi:
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == first["code"]
        qtbot.waitUntil(lambda: app.window.now_code.text() == first["code"], timeout=5000)
        assert "LOKET 1" in app.window.now_counter.text()
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == second["code"]
        assert budi.post("/api/counters/L01/recall").status_code == 200
    qtbot.waitUntil(lambda: app.window.now_title.text() == "PANGGILAN ULANG", timeout=5000)
    assert app.window.now_code.text() == second["code"]
    save_screenshot(app.window, "landscape-calling")

    assert [a.text for a in app.presenter.announced] == [
        "Nomor antrean, a, satu, silakan menuju loket satu.",
        "Nomor antrean, a, dua, silakan menuju loket satu.",
        "Nomor antrean, a, dua, silakan menuju loket satu.",
    ]
    qtbot.waitUntil(lambda: not app.player.busy, timeout=60_000)
    log = app.player.log
    assert spoken(app) == [(first["code"], "chime"), (first["code"], "speech"), (second["code"], "chime"),
                           (second["code"], "speech"), (second["code"], "chime"), (second["code"], "speech")]
    assert all(s.error is None and s.started is not None and s.ended is not None for s in log)
    for before, after in zip(log, log[1:], strict=False):
        assert before.ended <= after.started, "two sounds overlapped"
    for sound in log:
        if sound.part == "speech":
            assert sound.ended - sound.started > 2.0  # played out, not cut off

    to_audio = [(s.started - s.queued) * 1000 for s in log if s.part == "chime"]
    to_screen = [ms * 1000 for ms in app.shown.values()]
    rss = psutil.Process(os.getpid()).memory_info().rss / 2**20
    print(f"\nstart→connected {start_ms:.0f} ms; event→chime Playing {', '.join(f'{v:.0f}' for v in to_audio)} ms; "
          f"event→screen max {max(to_screen):.1f} ms; RSS {rss:.0f} MiB")
    assert to_audio[0] <= 150, to_audio


def test_a_server_restart_does_not_announce_old_calls_again(qtbot, floor, make_display):
    app = make_display()
    qtbot.waitUntil(lambda: app.presenter.board.connected, timeout=10_000)
    ticket = floor.issue("DK-KTP")
    with open_counter(floor) as budi:
        budi.post("/api/counters/L01/call-next")
    qtbot.waitUntil(lambda: len(app.presenter.announced) == 1, timeout=5000)
    floor.server.stop()
    qtbot.waitUntil(lambda: not app.presenter.board.connected, timeout=15_000)
    assert app.window.banner.isVisible()
    save_screenshot(app.window, "landscape-connection-lost")
    floor.server.start()
    qtbot.waitUntil(lambda: app.presenter.board.connected, timeout=30_000)
    qtbot.wait(1000)
    assert [a.code for a in app.presenter.announced] == [ticket["code"]]
    assert app.window.now_code.text() == ticket["code"]
    qtbot.waitUntil(lambda: not app.player.busy, timeout=30_000)
    assert [s.code for s in app.player.log] == [ticket["code"]] * 2


def test_portrait_board(qtbot, floor, make_display):
    app = make_display(size=(1080, 1920))
    qtbot.waitUntil(lambda: app.presenter.board.connected, timeout=10_000)
    floor.issue("DK-KTP")
    with open_counter(floor) as budi:
        budi.post("/api/counters/L01/call-next")
    qtbot.waitUntil(lambda: app.window.now_code.text() == "A-001", timeout=5000)
    assert app.window.portrait, app.window.size()
    save_screenshot(app.window, "portrait-calling")
    qtbot.waitUntil(lambda: not app.player.busy, timeout=30_000)


def test_a_silent_board_shows_calls_but_makes_no_sound(qtbot, floor, make_display):
    """A second board in the same hall must not speak the calls twice: `--silent` / `"silent": true`."""
    app = make_display(silent=True)
    qtbot.waitUntil(lambda: app.presenter.board.connected, timeout=10_000)
    ticket = floor.issue("DK-KTP")
    with open_counter(floor) as budi:
        budi.post("/api/counters/L01/call-next")
    qtbot.waitUntil(lambda: app.window.now_code.text() == ticket["code"], timeout=5000)
    assert "LOKET 1" in app.window.now_counter.text()
    assert app.window.now_panel.property("highlight") is True  # the new call flashes as on any board
    assert app.player is None, "a silent board made an audio player"
    assert app.worker.speaker is None, "a silent board made a speech engine"
    assert "mpp-speech" not in {thread.name for thread in threading.enumerate()}
    assert [a.code for a in app.presenter.announced] == [ticket["code"]]  # decided, not said


@pytest.mark.parametrize(("argv", "settings", "silent"), [
    ([], {}, False),
    (["--silent"], {}, True),
    ([], {"token": "file-token", "options": {"silent": True}}, True),
])
def test_silent_from_the_command_line_or_the_settings_file(tmp_path, argv, settings, silent):
    from display_board.app import parse_args, resolve_config

    path = tmp_path / "display.json"
    path.write_text(json.dumps(settings))
    config = resolve_config(parse_args(["--settings", str(path), "--token", "cli-token", *argv]))
    assert config.silent is silent


def test_the_boards_sounds_go_to_the_users_cache_not_the_temp_folder():
    """The chime and the spoken sentences outlived the board in /tmp/mpp-display-audio."""
    import tempfile

    import platformdirs

    from display_board.app import DisplayConfig

    folder = DisplayConfig(server_url="http://127.0.0.1:1", token="t").audio_dir
    assert folder.is_relative_to(platformdirs.user_cache_path("antrian-mpp", appauthor=False))
    assert not folder.is_relative_to(tempfile.gettempdir())
