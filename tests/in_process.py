"""The server in the test's own process: `create_app` on a database file, reached through
Flask's test client behind an httpx transport, so a test talks to it exactly as to a real
server (`answer.json()`, `params=`, raw `content=`), only without a socket or a process.

No monkey-patching: the group commit (server/writer.py) waits on gevent primitives, which
the main greenlet can do; its COMMIT runs in gevent's native thread pool as in the server.
What only a real process shows (event streams, gevent's own refusals of huge URLs and
headers, chunked bodies, kill -9, several processes at once) stays with `ServerProcess`.
"""

import logging
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from flask import current_app, has_app_context

from server.app import create_app
from server.domain.clock import Clock
from server.logs import JsonFormatter


class SteppedClock(Clock):
    """Starts at an instant and runs on in real time, as `MPP_NOW` does; a test may move it."""

    def __init__(self, start: datetime):
        super().__init__(start)
        self._offset = timedelta()

    @classmethod
    def at(cls, text: str) -> "SteppedClock":
        return cls(datetime.fromisoformat(text))

    def now(self) -> datetime:
        return super().now() + self._offset

    def advance(self, **delta) -> None:
        """`clock.advance(minutes=10)`: the server's time jumps on."""
        self._offset += timedelta(**delta)

    def set(self, text: str) -> None:
        """The server's time is now `text` (ISO 8601 with offset), and runs on from there."""
        self._offset += datetime.fromisoformat(text) - self.now()


class FlaskTransport(httpx.BaseTransport):
    """httpx requests answered by the app through Flask's test client."""

    def __init__(self, app):
        self.client = app.test_client(use_cookies=False)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # As a WSGI server passes them: the path percent-encoded as sent, headers as latin-1 text.
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
        answer = self.client.open(request.url.raw_path.decode("ascii"), method=request.method,
                                  headers=headers, data=request.read())
        try:
            return httpx.Response(answer.status_code, headers=answer.headers.to_wsgi_list(),
                                  content=answer.get_data(), request=request)
        finally:
            answer.close()


class AppServer:
    """What `ServerProcess` offers a test (`url`, `log_path`, `stop()`), for the app in process."""

    url = "http://mpp.test"

    def __init__(self, db_path: Path, clock: SteppedClock, config: dict):
        self.db_path = Path(db_path)
        self.clock = clock
        self.app = create_app({"DATABASE": str(db_path), "CLOCK": clock, **config})
        # The server's log as its process would write it, for the tests that read it.
        self.log_path = self.db_path.with_suffix(".log")
        self._log = logging.FileHandler(self.log_path, encoding="utf-8", delay=True)
        self._log.setFormatter(JsonFormatter())
        self._log.addFilter(self._from_this_app)
        logging.getLogger().addHandler(self._log)
        self.log_path.touch()

    @property
    def context(self):
        """The app's `Context`: site, clock, hub, writer; for running a background job once."""
        return self.app.extensions["mpp"]

    def _from_this_app(self, record: logging.LogRecord) -> bool:
        return has_app_context() and current_app._get_current_object() is self.app

    def stop(self) -> None:
        logging.getLogger().removeHandler(self._log)
        self._log.close()
        self.context.pool.close()
        self.context.writer.close()


def copy_template(template: Path, target: Path) -> Path:
    """A fresh database: a file copy of the session's template (its WAL is checkpointed on close)."""
    assert not Path(f"{template}-wal").exists(), "the template still has an open connection"
    shutil.copyfile(template, target)
    return target
