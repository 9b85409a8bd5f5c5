"""The announcement player on its own: sounds strictly one after another, each played out, and a
long backlog played back-to-back never freezes the GUI thread."""

import faulthandler
import math
import sys
import time
from itertools import pairwise

import pytest

from display_board.speech import SAMPLE_RATE, chime_samples, write_wav


def tone(seconds: float, freq: float) -> list[int]:
    return [int(8000 * math.sin(2 * math.pi * freq * i / SAMPLE_RATE)) for i in range(int(seconds * SAMPLE_RATE))]


@pytest.fixture
def sounds(tmp_path):
    """(chime, [speech WAVs]): short files, so hundreds of them play in seconds."""
    chime = write_wav(tmp_path / "chime.wav", chime_samples()[: int(0.04 * SAMPLE_RATE)])
    speech = [write_wav(tmp_path / f"speech-{i}.wav", tone(0.02 + 0.01 * i, 300 + 40 * i)) for i in range(6)]
    return chime, speech


@pytest.fixture
def make_player(qtbot):
    from display_board.player import AnnouncementPlayer

    made = []

    def make(chime, **kwargs):
        made.append(AnnouncementPlayer(chime, **kwargs))
        return made[-1]

    yield make
    for player in made:
        player.stop()
        player.deleteLater()


def seconds_of(path) -> float:
    import wave

    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def assert_played_in_order(log):
    assert all(s.error is None and s.started is not None and s.ended is not None for s in log)
    for before, after in pairwise(log):
        assert before.ended <= after.started, "two sounds overlapped"
    for sound in log:
        assert sound.ended - sound.started >= 0.9 * seconds_of(sound.path), f"{sound} was cut off"


def test_chime_then_speech_times_repeat_each_played_out(qtbot, sounds, make_player):
    chime, speech = sounds
    player = make_player(chime)
    started = []
    player.sound_started.connect(lambda sound: started.append((sound.code, sound.part)))
    player.enqueue(1, "A-001", repeat=2)
    player.enqueue(2, "A-002")
    player.set_speech(2, speech[5])
    player.set_speech(1, speech[4])  # the first call's speech arrives while its chime plays
    qtbot.waitUntil(lambda: not player.busy, timeout=10_000)
    expected = [("A-001", "chime"), ("A-001", "speech"), ("A-001", "speech"), ("A-002", "chime"), ("A-002", "speech")]
    assert [(s.code, s.part) for s in player.log] == expected
    assert started == expected
    assert_played_in_order(player.log)


def test_an_unreadable_wav_is_logged_and_the_queue_goes_on(qtbot, sounds, make_player, tmp_path):
    chime, _ = sounds
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not a wav")
    player = make_player(chime)
    player.enqueue(1, "A-001")
    player.set_speech(1, broken)
    player.enqueue(2, "A-002")
    player.set_speech(2, None)  # chime only
    qtbot.waitUntil(lambda: not player.busy, timeout=10_000)
    assert [(s.code, s.part, s.error is None) for s in player.log] == [
        ("A-001", "chime", True), ("A-001", "speech", False), ("A-002", "chime", True)]


def test_stop_ends_the_sound_and_empties_the_queue(qtbot, tmp_path, make_player):
    player = make_player(write_wav(tmp_path / "long.wav", tone(2.0, 440)))
    player.enqueue(1, "A-001")
    player.enqueue(2, "A-002")
    qtbot.waitUntil(lambda: player.log and player.log[0].started is not None, timeout=5000)
    player.stop()
    qtbot.wait(300)
    assert not player.busy
    assert [s.code for s in player.log] == ["A-001"]


@pytest.mark.slow
def test_a_long_backlog_played_back_to_back_does_not_freeze_the_gui_thread(qtbot, sounds, make_player):
    """QMediaPlayer's FFmpeg backend deadlocked the GUI thread (a posted event waiting for one of its
    own threads) after 50–100 back-to-back sounds while the board was busy redrawing."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    chime, speech = sounds
    board = QWidget()
    qtbot.addWidget(board)
    labels = [QLabel(board) for _ in range(40)]
    layout = QVBoxLayout(board)
    for label in labels:
        layout.addWidget(label)
    board.resize(800, 1200)
    board.show()
    ticks = [0]

    def busy_board():  # the GUI thread redraws and blocks a little, as a full hall board does
        ticks[0] += 1
        for label in labels:
            label.setText(f"A-{ticks[0]:03d}")
        board.grab()
        until = time.perf_counter() + (0.002, 0.0, 0.010)[ticks[0] % 3]
        while time.perf_counter() < until:
            pass

    timer = QTimer()
    timer.timeout.connect(busy_board)
    timer.start(3)
    calls = 150
    player = make_player(chime)
    for job in range(calls):
        player.enqueue(job, f"A-{job:03d}")
        player.set_speech(job, speech[job % len(speech)])
    # A frozen GUI thread may hold the GIL: only faulthandler's C thread can still report it.
    faulthandler.dump_traceback_later(100, exit=True, file=sys.stderr)
    try:
        started, last, count = time.perf_counter(), time.perf_counter(), 0
        while player.busy:
            qtbot.wait(50)
            if len(player.log) != count:
                last, count = time.perf_counter(), len(player.log)
            assert time.perf_counter() - last < 10, f"no sound for 10 s after {count} sounds"
        elapsed = time.perf_counter() - started
    finally:
        faulthandler.cancel_dump_traceback_later()
        timer.stop()
    assert len(player.log) == 2 * calls
    assert [s.part for s in player.log] == ["chime", "speech"] * calls
    assert_played_in_order(player.log)
    print(f"\n{len(player.log)} sounds in {elapsed:.1f} s, {ticks[0]} board redraws")
