"""The board's owner threads, bridged to the UI thread by signals (STYLE 7).

The EventFollower reads the stream (every zone of the board's hall) in its own thread, the
HeartbeatSender tells the server every 25 s that the board is alive in another; the
Speaker hands the text to the process's one TTS engine thread (`speech.SpeechEngine`, shared by
every board of the process: pyttsx3 keeps one engine per driver per process; none on a silent board).
`BoardWorker` lives in the UI thread; their callbacks only emit its signals,
which the apps' `mpp_client.qt.Bridge` delivers to the presenter in the UI thread. No widget is touched outside it.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from mpp_client.events import SITE_CHANGED, EventFollower
from mpp_client.heartbeat import HeartbeatSender

from .speech import DEFAULT_RATE, Speaker


class BoardWorker(QObject):
    snapshot = Signal(dict)
    event = Signal(str, dict, object, float)  # type, data, event id, perf_counter when received
    status = Signal(str, str)
    spoken = Signal(object)  # SpeechResult

    def __init__(self, server_url: str, token: str, zone: str | None, audio_dir: Path, *,
                 voice: str = "id", rate: int = DEFAULT_RATE, read_timeout: float = 45.0, speak: bool = True):
        super().__init__()
        # After `site.changed` (names, counters, queues edited) the follower reads a fresh snapshot.
        self.follower = EventFollower(server_url, token, zone=zone, summary=True, snapshot_on=(SITE_CHANGED,),
                                      follow_hall=True,
                                      on_snapshot=self.snapshot.emit, on_event=self._on_event,
                                      on_status=lambda s, m: self.status.emit(s, m or ""),
                                      read_timeout=read_timeout)
        self.speaker = Speaker(audio_dir, self.spoken.emit, voice=voice, rate=rate) if speak else None
        # An open stream is one request: the heartbeat keeps the board on the device page's "online".
        self.heartbeat = HeartbeatSender(server_url, token)

    def _on_event(self, type_: str, data: dict, event_id: int | None) -> None:
        self.event.emit(type_, data, event_id, time.perf_counter())

    def server_now(self):
        return self.follower.server_now()

    def start(self) -> None:
        if self.speaker is not None:
            self.speaker.start()
        self.follower.start()
        self.heartbeat.start()

    def say(self, text: str) -> int:
        return self.speaker.say(text)

    def stop(self) -> bool:
        stream = self.follower.stop()
        beats = self.heartbeat.stop()
        speech = self.speaker.stop() if self.speaker is not None else True
        return stream and beats and speech
