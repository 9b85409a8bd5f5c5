"""`mpp-counter`: the officer's counter app.

    mpp-counter --server http://192.168.1.10:8080 [--username budi] [--counter L01] [--compact] [--token PC-TOKEN]

Options not given on the command line come from the settings file (`counter.json`
in the user's config directory, or `--settings PATH`); the last counter chosen is
remembered there. PINs are never stored. `--token`: the counter PC's own device token (`mpp-server
device add --kind counter`); with it the app tells the server every 25 s that the PC is alive (the
officer's sign-in is separate and unchanged).
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()  # before Qt is imported: the start time counts it

import argparse  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from mpp_client.heartbeat import HeartbeatSender  # noqa: E402
from mpp_client.settings import AppSettings, app_arguments  # noqa: E402

from .presenter import CounterPresenter  # noqa: E402
from .window import COMPACT_SIZE, WIDE_SIZE, CounterWindow  # noqa: E402
from .worker import CounterBridge, CounterWorker  # noqa: E402
from mpp_client.qt import open_app, run  # noqa: E402

log = logging.getLogger("counter_client")


@dataclass
class CounterConfig:
    server_url: str
    username: str | None = None
    counter: str | None = None
    compact: bool = False
    windowed: bool = True
    settings: AppSettings | None = None
    token: str | None = None  # the counter PC's device token, for its heartbeat


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = app_arguments("mpp-counter", "Aplikasi loket antrean MPP untuk petugas.", "counter")
    parser.add_argument("--username", help="fill in this officer's username on the login form")
    parser.add_argument("--counter", metavar="CODE", help="preselect this counter (e.g. L01)")
    parser.add_argument("--compact", action="store_true", default=None, help="narrow window beside another app")
    parser.add_argument("--windowed", action="store_true", default=None, help="a window instead of maximised")
    parser.add_argument("--token", help="this counter PC's device token (mpp-server device add --kind counter): "
                        "the PC reports that it is alive")
    return parser.parse_args(sys.argv[1:] if argv is None else argv)


def resolve_config(args: argparse.Namespace) -> CounterConfig:
    settings = AppSettings.load("counter", args.settings)
    merged = settings.with_overrides({"server_url": args.server, "token": args.token, "options": {
        "username": args.username, "last_counter": args.counter, "compact": args.compact,
        "windowed": args.windowed}})
    options = merged.options
    return CounterConfig(server_url=merged.server_url, username=options.get("username"),
                         counter=options.get("last_counter"), compact=bool(options.get("compact")),
                         windowed=bool(options.get("windowed")), settings=settings, token=merged.token)


class CounterApp:
    """The parts wired together: window (view), presenter, bridge, worker and its thread."""

    def __init__(self, config: CounterConfig):
        self.config = config
        self.window = CounterWindow(compact=config.compact)
        self.worker = CounterWorker(config.server_url)
        self.bridge = CounterBridge(self.worker)
        self.presenter = CounterPresenter(self.window, self.bridge, last_counter=config.counter,
                                          remember=self._remember, username=config.username or "")
        self.bridge.attach(self.presenter)
        self.window.bind(self.presenter)
        self.heartbeat = HeartbeatSender(config.server_url, config.token) if config.token else None

    def _remember(self, code: str) -> None:
        settings = self.config.settings
        if settings is None:
            return
        settings.options["last_counter"] = code
        try:
            settings.save()
        except OSError as exc:
            log.warning("last counter not remembered: %s", exc)

    def start(self) -> CounterApp:
        if self.heartbeat is not None:
            self.heartbeat.start()
        self.bridge.start()
        self.presenter.start()
        return self

    def stop(self) -> bool:
        """Stop the event stream and the worker thread, then close the window."""
        self.window.clock.stop()
        beats = self.heartbeat.stop() if self.heartbeat is not None else True
        ended = self.bridge.stop() and beats
        self.window.close()
        return ended


def main(argv: list[str] | None = None) -> int:
    app, config = open_app("mpp-counter", parse_args(argv), resolve_config)
    counter_app = CounterApp(config)
    window = counter_app.window
    if config.windowed or config.compact:
        window.resize(*(COMPACT_SIZE if config.compact else WIDE_SIZE))
        window.show()
    else:
        window.showMaximized()
    return run(app, counter_app, log, "ready for login in %d ms", _STARTED)
