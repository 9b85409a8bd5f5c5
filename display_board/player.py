"""Plays announcements strictly one after another: chime, then the spoken WAV (× repeat).

The next sound starts only on the previous one's EndOfMedia, so nothing is cut off or
overlaps. An announcement is queued as soon as its event arrives, so the chime starts at
once while the speech thread writes the WAV (10–20 ms); if the WAV is not there when the
chime ends, the player waits for it (at most `speech_wait_ms`, then goes on without it).
Every sound is logged with its start (Playing) and end (EndOfMedia) times for tests and
the latency figure.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import mpp_client.qt  # noqa: F401 (first: it quiets Qt Multimedia's logging before the module loads)
from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

log = logging.getLogger("display_board.player")

PENDING = object()


@dataclass
class Sound:
    job: int
    code: str
    part: str  # "chime" or "speech"
    path: Path
    queued: float
    started: float | None = None
    ended: float | None = None
    error: str | None = None


@dataclass
class _Item:
    job: int
    code: str
    repeat: int
    queued: float
    wav: object = PENDING  # Path, None (chime only) or PENDING
    parts: deque = field(default_factory=deque)


class AnnouncementPlayer(QObject):
    sound_started = Signal(object)  # Sound
    idle = Signal()

    def __init__(self, chime: Path, volume: float = 1.0, speech_wait_ms: int = 5000, parent=None):
        super().__init__(parent)
        self.chime = Path(chime)
        self.player = QMediaPlayer(self)
        self.output = QAudioOutput(self)
        self.output.setVolume(volume)
        self.player.setAudioOutput(self.output)
        if not QMediaDevices.audioOutputs():  # said once here: Qt's own warning per sound is silenced
            log.warning("no audio output device: calls are shown but not heard")
        self.player.mediaStatusChanged.connect(self._media_status)
        self.player.playbackStateChanged.connect(self._playback_state)
        self.player.errorOccurred.connect(self._error)
        self.items: deque[_Item] = deque()
        self.current: _Item | None = None
        self.sound: Sound | None = None
        self.log: list[Sound] = []
        self.waiting = QTimer(self)
        self.waiting.setSingleShot(True)
        self.waiting.setInterval(speech_wait_ms)
        self.waiting.timeout.connect(self._speech_late)

    @property
    def busy(self) -> bool:
        return self.current is not None or bool(self.items)

    def enqueue(self, job: int, code: str, repeat: int = 1, queued: float | None = None) -> None:
        self.items.append(_Item(job, code, max(1, repeat), queued or time.perf_counter()))
        if self.current is None:
            self._next_item()

    def set_speech(self, job: int, wav: Path | None) -> None:
        """The speech thread's result for `job` (None: chime only)."""
        for item in ([self.current] if self.current else []) + list(self.items):
            if item.job == job:
                item.wav = wav
                if item is self.current and self.sound is None:  # it was waiting for this
                    self.waiting.stop()
                    self._next_part()
                return

    def stop(self) -> None:
        self.waiting.stop()
        self.items.clear()
        self.current = None
        self.player.stop()

    # -- the sequence -----------------------------------------------------------------------

    def _next_item(self) -> None:
        self.current = self.items.popleft() if self.items else None
        if self.current is None:
            self.idle.emit()
            return
        self.current.parts = deque(["chime"] + ["speech"] * self.current.repeat)
        self._next_part()

    def _next_part(self) -> None:
        item = self.current
        self.sound = None
        while item.parts:
            part = item.parts[0]
            if part == "chime":
                item.parts.popleft()
                self._play(Sound(item.job, item.code, "chime", self.chime, item.queued))
                return
            if item.wav is PENDING:
                self.waiting.start()  # resumed by set_speech or _speech_late
                return
            item.parts.popleft()
            if item.wav is not None:
                self._play(Sound(item.job, item.code, "speech", Path(item.wav), item.queued))
                return
        self._next_item()

    def _speech_late(self) -> None:
        if self.current is not None and self.current.wav is PENDING:
            log.warning("speech for %s not ready in time: chime only", self.current.code)
            self.current.wav = None
            self._next_part()

    def _play(self, sound: Sound) -> None:
        self.sound = sound
        self.log.append(sound)
        self.player.setSource(QUrl())  # the same file twice in a row must start again from 0
        self.player.setSource(QUrl.fromLocalFile(str(sound.path)))
        self.player.play()

    def _playback_state(self, state) -> None:
        if state == QMediaPlayer.PlaybackState.PlayingState and self.sound and self.sound.started is None:
            self.sound.started = time.perf_counter()
            self.sound_started.emit(self.sound)

    def _media_status(self, status) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia and self.sound is not None:
            self._finish()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia and self.sound is not None:
            self._finish("invalid media")

    def _error(self, error, message: str) -> None:
        if self.sound is not None and error != QMediaPlayer.Error.NoError:
            log.warning("cannot play %s: %s", self.sound.path, message)
            self._finish(message or str(error))

    def _finish(self, error: str | None = None) -> None:
        sound, self.sound = self.sound, None
        sound.ended, sound.error = time.perf_counter(), error
        if self.current is not None:
            QTimer.singleShot(0, self._next_part)  # not from inside the player's own signal
