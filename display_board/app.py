"""`mpp-display`: the hall display board with spoken announcements.

    mpp-display --server http://192.168.1.10:8080 --token TOKEN [--zone 1] [--rate 150] [--repeat 1]
                [--silent] [--windowed]

Options not given come from the settings file (`display.json` in the user's config directory,
or `--settings PATH`), e.g. `{"token": "…", "options": {"silent": true}}`. `--silent`: a second
board in the same hall shows the calls but neither chimes nor speaks (the first one does).
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()  # before Qt is imported: the start time counts it

import argparse
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from mpp_client.qt import Bridge, open_app, run
from mpp_client.settings import AppSettings, app_arguments
from mpp_client.token_prompt import ask_token

from .player import AnnouncementPlayer
from .presenter import Announcement, BoardPresenter
from .speech import DEFAULT_RATE, ensure_chime
from .window import BoardView, BoardWindow
from .worker import BoardWorker

log = logging.getLogger("display_board")


@dataclass
class DisplayConfig:
    server_url: str
    token: str
    zone: str | None = None
    rate: int = DEFAULT_RATE
    repeat: int = 1
    voice: str = "id"
    windowed: bool = False
    silent: bool = False  # no chime, no speech: another board in the hall announces
    # The chime and a ring of spoken sentences: a cache of this user, not litter in the temp folder.
    audio_dir: Path = field(default_factory=lambda: platformdirs.user_cache_path("antrian-mpp", appauthor=False)
                            / "display-audio")


class DisplayApp:
    """Window (view), presenter, worker (stream + speech threads) and the announcement player.
    A silent board has neither speech thread nor player: it makes no engine and no audio output."""

    def __init__(self, config: DisplayConfig):
        self.config = config
        self.worker = BoardWorker(config.server_url, config.token, config.zone, config.audio_dir,
                                  voice=config.voice, rate=config.rate, speak=not config.silent)
        self.window = BoardWindow(now=self.worker.server_now)
        self.player = None if config.silent else AnnouncementPlayer(ensure_chime(config.audio_dir))
        self.presenter = BoardPresenter(BoardView(self.window), self, server_now=self.worker.server_now,
                                        repeat=config.repeat)
        self.window.on_tick = self.presenter.tick
        # snapshot and status go to the presenter's methods of those names, in the UI thread.
        spoken = None if self.player is None else (lambda result: self.player.set_speech(result.job, result.wav))
        self.bridge = Bridge(self.worker).attach(self.presenter, {"event": self._event, "spoken": spoken})
        self.received_at = 0.0  # perf_counter of the event being handled (for the latency figures)
        self.shown: dict[int, float] = {}  # event id → perf_counter after the window took the board
        self.latency: list[tuple[float, float]] = []  # (event→screen, event→player asked) per call event

    def _event(self, type_: str, data: dict, event_id, received: float) -> None:
        self.received_at = received
        self.presenter.event(type_, data, event_id)
        if event_id is not None:
            self.shown[event_id] = time.perf_counter() - received

    def announce(self, announcement: Announcement) -> None:
        """The presenter's Announcer: text to the speech thread, the sound sequence starts now."""
        if self.player is None:
            return  # a silent board
        job = self.worker.say(announcement.text)
        self.player.enqueue(job, announcement.code, announcement.repeat, queued=self.received_at or None)

    def start(self) -> DisplayApp:
        self.presenter.status("disconnected", None)
        self.bridge.start()
        return self

    def stop(self) -> bool:
        """Stop the stream and speech threads and the sound, then close the window."""
        self.window.ticker.stop()
        self.window.marquee.timer.stop()
        if self.player is not None:
            self.player.stop()
        ended = self.bridge.stop()
        self.window.close()
        return ended


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = app_arguments("mpp-display", "Layar antrean MPP dengan suara panggilan.", "display")
    parser.add_argument("--token", help="this display's device token (mpp-server device add --kind display)")
    parser.add_argument("--zone", help="show this zone only (default: the display token's zone)")
    parser.add_argument("--rate", type=int, help=f"speech rate in words per minute (default {DEFAULT_RATE})")
    parser.add_argument("--repeat", type=int, help="say each announcement this many times (default 1)")
    parser.add_argument("--voice", help="TTS voice language (default id)")
    parser.add_argument("--silent", action="store_true", default=None,
                        help="no chime and no speech: another board in the same hall announces")
    parser.add_argument("--windowed", action="store_true", default=None, help="a window instead of full screen")
    return parser.parse_args(sys.argv[1:] if argv is None else argv)


def resolve_config(args: argparse.Namespace) -> DisplayConfig:
    settings = AppSettings.load("display", args.settings)
    merged = settings.with_overrides({"server_url": args.server, "token": args.token, "options": {
        "zone": args.zone, "rate": args.rate, "repeat": args.repeat, "voice": args.voice,
        "windowed": args.windowed, "silent": args.silent}})
    o = merged.options
    # Without a token the first screen asks for it (main): typed, or scanned from the admin's pairing QR.
    return DisplayConfig(server_url=merged.server_url, token=merged.token or "", zone=o.get("zone"),
                         rate=int(o.get("rate") or DEFAULT_RATE), repeat=int(o.get("repeat") or 1),
                         voice=o.get("voice") or "id", windowed=bool(o.get("windowed")),
                         silent=bool(o.get("silent")))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    app, config = open_app("mpp-display", args, resolve_config)
    if not config.token:
        config.token = ask_token("display", "display", config.server_url, args.settings) or ""
        if not config.token:
            print("Token layar belum diisi: --token TOKEN, atau isi di layar pertama.", file=sys.stderr)
            return 2
    display = DisplayApp(config)
    if config.windowed:
        display.window.resize(1280, 720)
        display.window.show()
    else:
        display.window.showFullScreen()
    return run(app, display, log, "board up in %d ms", _STARTED)
