"""`mpp-kiosk`: the touchscreen kiosk, full screen, talking to the queue server.

    mpp-kiosk --server http://192.168.1.10:8080 --token TOKEN --profile epson-tm-t82-network

Options not given on the command line come from the settings file (`kiosk.json` in
the user's config directory, or `--settings PATH`).
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()  # before Qt and escpos are imported: the start time counts them

import argparse  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from PySide6.QtCore import Qt  # noqa: E402

from mpp_client.settings import AppSettings, app_arguments  # noqa: E402
from mpp_client.token_prompt import ask_token  # noqa: E402

from .presenter import KioskPresenter  # noqa: E402
from .profiles import ProfileError, load_profile  # noqa: E402
from .window import KioskWindow  # noqa: E402
from .worker import KioskWorker  # noqa: E402
from mpp_client.qt import Bridge, open_app, run  # noqa: E402

log = logging.getLogger("kiosk")

DEMO_STAFF_PIN = "0000"
KIOSK_SIZE = (1080, 1920)  # a standing portrait kiosk; --windowed shrinks it to the developer's screen


@dataclass
class KioskConfig:
    server_url: str
    token: str | None
    profile: str = "virtual"
    staff_pin: str | None = None
    windowed: bool = False


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = app_arguments("mpp-kiosk", "Kios antrean MPP: layar sentuh dan printer tiket.", "kiosk")
    parser.add_argument("--token", help="this kiosk's device token (mpp-server device add --kind kiosk)")
    parser.add_argument("--profile", metavar="NAME|PATH", help='printer profile name or TOML file (default "virtual")')
    parser.add_argument("--windowed", action="store_true", default=None,
                        help="a portrait window instead of full screen (on a small screen: QT_SCALE_FACTOR=0.5)")
    parser.add_argument("--staff-pin", metavar="PIN", help="PIN of the staff menu (hold the MPP's name for 3 s)")
    return parser.parse_args(_glued(sys.argv[1:] if argv is None else argv))


def _glued(argv: list[str]) -> list[str]:
    """`--token -x…` as `--token=-x…`: a device token may start with "-", which argparse
    would take for an option."""
    glued, rest = [], list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--token" and rest and rest[0].startswith("-") and not re.fullmatch(r"--?[a-z][a-z-]*", rest[0]):
            arg = f"{arg}={rest.pop(0)}"
        glued.append(arg)
    return glued


def resolve_config(args: argparse.Namespace) -> KioskConfig:
    """The settings file, with the command line on top."""
    settings = AppSettings.load("kiosk", args.settings).with_overrides({
        "server_url": args.server, "token": args.token,
        "options": {"profile": args.profile, "staff_pin": args.staff_pin, "windowed": args.windowed},
    })
    options = settings.options
    pin = options.get("staff_pin")
    if not pin and urlsplit(settings.server_url).hostname in ("127.0.0.1", "localhost", "::1"):
        pin = DEMO_STAFF_PIN  # a demo on one PC; a real kiosk must be given its own PIN
        log.warning("staff PIN not set: using the demo PIN %s (set --staff-pin or options.staff_pin)", pin)
    elif not pin:
        log.warning("staff PIN not set (--staff-pin or options.staff_pin): the staff menu stays locked")
    if not settings.token:
        log.warning("no device token (--token, from `mpp-server device add --kind kiosk`): asking for it")
    return KioskConfig(server_url=settings.server_url, token=settings.token,
                       profile=str(options.get("profile") or "virtual"), staff_pin=pin or None,
                       windowed=bool(options.get("windowed")))


class Kiosk:
    """The parts wired together: window (view), presenter, bridge, worker and its thread."""

    def __init__(self, config: KioskConfig, profile=None, idle_timeouts: dict | None = None):
        self.config = config
        self.profile = profile or load_profile(config.profile)
        self.window = KioskWindow(staff_pin=config.staff_pin, server_url=config.server_url,
                                  profile_name=f"{self.profile.name} ({self.profile.connection.type})",
                                  idle_timeouts=idle_timeouts)
        self.worker = KioskWorker(config.server_url, config.token, self.profile)
        self.bridge = Bridge(self.worker, "kiosk-worker")
        self.presenter = KioskPresenter(self.window, self.bridge)
        self.bridge.attach(self.presenter)
        self.window.bind(self.presenter, self.bridge)

    @property
    def thread(self):
        return self.bridge.thread

    def start(self) -> Kiosk:
        self.bridge.start()
        self.presenter.start()
        return self

    def stop(self) -> bool:
        """Stop the worker thread (waiting for a print in progress) and close the window."""
        ended = self.bridge.stop()
        self.window.close()
        return ended


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    app, config = open_app("mpp-kiosk", args, resolve_config)
    if not config.token:  # the first screen asks for it: typed, or scanned from the admin's pairing QR
        config.token = ask_token("kiosk", "kiosk", config.server_url, args.settings)
        if not config.token:
            print("Token anjungan belum diisi: --token TOKEN, atau isi di layar pertama.", file=sys.stderr)
            return 2
    try:
        kiosk = Kiosk(config)
    except ProfileError as exc:
        print(f"Profil printer tidak dapat dipakai: {exc}", file=sys.stderr)
        return 2
    kiosk.window.quit_requested.connect(app.quit)
    if config.windowed:
        room = app.primaryScreen().availableGeometry()
        kiosk.window.resize(min(KIOSK_SIZE[0], room.width()), min(KIOSK_SIZE[1], room.height()))
        kiosk.window.show()
    else:
        app.setOverrideCursor(Qt.CursorShape.BlankCursor)  # a finger needs no arrow
        kiosk.window.showFullScreen()
    log.info("kiosk for %s, printer profile %s", config.server_url, kiosk.profile.name)
    first_home = []

    def on_screen(name: str) -> None:
        if name == "home" and not first_home:
            first_home.append(name)
            log.info("ready for citizens in %d ms", (time.perf_counter() - _STARTED) * 1000)

    kiosk.window.screen_shown.connect(on_screen)
    # Ctrl+C and a service manager's SIGTERM end the app cleanly.
    return run(app, kiosk, log, "started in %d ms", _STARTED)
