"""Start a real server process on loopback: for the tests, the benchmark and the simulated days."""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import ClassVar

from mpp_client.api import ApiClient, ApiError, ServerUnreachable
from server import storage
from server.flows.auth import add_device, hash_pin
from server.site_config import load_site

DEMO_SITE = Path(str(resources.files("server.sites").joinpath("demo.toml")))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(db_path: Path, site_path: Path = DEMO_SITE, now: str = "2026-01-01T00:00:00+07:00") -> None:
    """What `mpp-server init` does, in-process (tests make many databases)."""
    conn = storage.connect(db_path)
    try:
        storage.migrate(conn)
        storage.save_site(conn, load_site(site_path), str(site_path), now)
    finally:
        conn.close()


def add_token(db_path: Path, kind: str, name: str, zone: str | None = None) -> str:
    conn = storage.connect(db_path)
    try:
        return add_device("2026-01-01T00:00:00.000+07:00", conn, kind, name, zone)
    finally:
        conn.close()


def add_officer(db_path: Path, username: str, pin: str, role: str = "officer", agency: str | None = None) -> None:
    add_officers(db_path, [(username, pin, role, agency)])


def add_officers(db_path: Path, officers: list[tuple[str, str, str, str | None]]) -> None:
    """(username, PIN, role, agency) each; a PIN shared by many is hashed once (Argon2 takes a while)."""
    hashes: dict[str, str] = {}
    conn = storage.connect(db_path)
    try:
        for username, pin, role, agency in officers:
            pin_hash = hashes.get(pin) or hashes.setdefault(pin, hash_pin(pin))
            storage.upsert_officer(conn, username, pin_hash, role, agency, "2026-01-01T00:00:00.000+07:00")
    finally:
        conn.close()


@dataclass
class ServerProcess:
    """`mpp-server run` as a child process; `with ServerProcess(db) as server: server.url`."""

    db_path: Path
    now: str | None = "2026-11-23T09:00:00+07:00"  # a Monday morning: the demo site is open
    port: int = 0
    env: dict = field(default_factory=dict)
    args: list = field(default_factory=list)  # more `mpp-server run` options
    log_path: Path | None = None
    process: subprocess.Popen | None = None
    # The tests set one for the session (devtools/zygote.py): the server forks from it, ~1 s sooner.
    zygote: ClassVar[object | None] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> "ServerProcess":
        self.port = self.port or free_port()
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        if self.now:
            env["MPP_NOW"] = self.now
        self.log_path = self.log_path or Path(self.db_path).with_suffix(".log")
        argv = ["run", "--db", str(self.db_path), "--host", "127.0.0.1", "--port", str(self.port),
                *map(str, self.args)]
        if self.zygote is not None:
            self.process = self.zygote.spawn(argv, env, self.log_path)
        else:
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen([sys.executable, "-m", "server", *argv], stdout=log,
                                                stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        with ApiClient(self.url, timeout=1) as api:  # up when it answers as it would answer an app
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited: {Path(self.log_path).read_text(errors='replace')[-2000:]}")
                try:
                    api.health()
                    return self
                except (ServerUnreachable, ApiError):
                    time.sleep(0.05)
        self.stop()
        raise RuntimeError("server did not answer /api/health in time")

    def health(self, timeout: float = 30.0) -> dict:
        """`GET /api/health` through the apps' client: its clock, streams and last event id."""
        with ApiClient(self.url, timeout=timeout) as api:
            return api.health()

    def stop(self, timeout: float = 10.0) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.terminate()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout)

    def kill(self) -> None:
        """Die at once, as in a power cut (SIGKILL)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
