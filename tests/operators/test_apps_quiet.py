"""The apps print only what an operator should read, and stop cleanly on SIGTERM (issue #12:
"~390 lines of Qt, ffmpeg and pipewire noise on stderr, even on --help")."""

import os
import signal
import subprocess
import sys
import time

import pytest

from devtools.launcher import free_port

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

OFFSCREEN = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_LOGGING_RULES": ""}


@pytest.mark.parametrize("module", ["display_board", "kiosk", "counter_client", "devtools.simulation.morning"])
def test_help_prints_nothing_on_stderr(module):
    done = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True,
                          env=OFFSCREEN, timeout=60)
    assert done.returncode == 0
    assert "usage" in done.stdout
    assert done.stderr == ""


def start_app(module: str, *args: str, tmp_path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", module, *args, "--windowed", "--log-level", "INFO"],
                            env={**OFFSCREEN, "XDG_CONFIG_HOME": str(tmp_path)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(process: subprocess.Popen, text: str, timeout: float = 20.0) -> list[str]:
    """stderr lines up to the one containing `text` (the app's log goes to stderr)."""
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    process.kill()
    pytest.fail(f"no '{text}' in: {''.join(lines)[-2000:]}")


def stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("the app still ran 15 s after SIGTERM")
    return process.returncode, err


def test_board_with_a_call_says_at_most_one_line_about_audio_and_stops_on_sigterm(floor, tmp_path):
    board = start_app("display_board", "--server", floor.url, "--token", floor.display_token, "--zone", "1",
                      tmp_path=tmp_path)
    lines = wait_for_line(board, "board up")
    floor.issue()
    with floor.login("budi") as budi:
        assert budi.post("/api/counters/L01/open").status_code == 200
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]
    time.sleep(3)  # the chime and the speech play (or fail to, without an audio device)
    code, rest = stop(board)
    stderr = "".join(lines) + rest
    about_audio = [line for line in stderr.splitlines()
                   if any(word in line.lower() for word in ("audio device", "audio output", "pipewire", "ffmpeg",
                                                            "pulseaudio", "alsa"))]
    assert len(about_audio) <= 1, stderr
    assert "qt.multimedia" not in stderr
    assert code == 0, stderr


def test_kiosk_stops_on_sigterm_with_exit_0(floor, tmp_path):
    kiosk = start_app("kiosk", "--server", floor.url, "--token", floor.kiosk_token, "--profile", "virtual",
                      tmp_path=tmp_path)
    wait_for_line(kiosk, " ms")  # its "up in N ms" line
    code, err = stop(kiosk)
    assert code == 0, err


def test_counter_app_stops_on_sigterm_with_exit_0(floor, tmp_path):
    counter = start_app("counter_client", "--server", floor.url, "--username", "budi", tmp_path=tmp_path)
    wait_for_line(counter, " ms")
    code, err = stop(counter)
    assert code == 0, err
