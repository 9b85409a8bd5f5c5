"""Every device tells the server it is alive at least every 30 s, with its version (the server's
device page and the supervisors' alerts read it). A kiosk sends its own, with its printer's
health, from its worker; a board sends this one from a thread of its own, so that a stream that
stays quiet for minutes never makes it look offline.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from importlib import metadata

from .api import ApiClient, ApiError, ServerUnreachable

log = logging.getLogger("mpp_client.heartbeat")

EVERY_S = 25.0  # under the contract's 30 s, so one slow answer never makes a device look offline


def app_version() -> str:
    """The installed package's version, as the device page shows it."""
    try:
        return metadata.version("antrian-mpp")
    except metadata.PackageNotFoundError:
        return "unknown"


class HeartbeatSender:
    """`POST /api/devices/heartbeat` at once and then every `every_s`, in a daemon thread with its own
    connection; `last_error()` (optional) says the device's latest trouble, or None."""

    def __init__(self, base_url: str, token: str, every_s: float = EVERY_S,
                 last_error: Callable[[], str | None] | None = None, timeout: float = 5.0):
        self.base_url, self.token, self.every_s, self.timeout = base_url, token, every_s, timeout
        self.last_error = last_error or (lambda: None)
        self.sent = 0  # heartbeats the server answered
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> HeartbeatSender:
        self._thread = threading.Thread(target=self._run, name="mpp-heartbeat", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> bool:
        self._stopping.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        with ApiClient(self.base_url, self.token, timeout=self.timeout) as api:
            while not self._stopping.is_set():
                try:
                    api.heartbeat(version=app_version(), last_error=self.last_error())
                    self.sent += 1
                except (ServerUnreachable, ApiError) as exc:
                    log.info("heartbeat not sent: %s", exc.message)
                self._stopping.wait(self.every_s)
