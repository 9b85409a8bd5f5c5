"""Fixtures: a fresh database file, the server in process or as a real process on loopback, API clients.

`app_floor` / `shared_app_floor`: the app of `create_app` in this process, reached through
Flask's test client; for the rules and the error paths. `floor` / `shared_floor`: a real
`mpp-server run` process; for what needs one (event streams, durability, concurrency, gevent's
own handling of HTTP). Both are a `Floor` with the same helpers.
"""

import gc
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from devtools.launcher import ServerProcess, add_officer, add_token, prepare_database
from devtools.zygote import Zygote
from server import storage
from tests.in_process import AppServer, FlaskTransport, SteppedClock, copy_template

# The session's own temp folder, for this process and every server and app it starts: whatever is
# left in it when the tests end is litter a test or the product forgot, and fails the session.
# pytest's tmp_path folders stay where they were (pytest keeps the last three runs itself).
os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", tempfile.gettempdir())
SESSION_TEMP = Path(tempfile.mkdtemp(prefix="mpp-tests-"))
# Without a runtime folder, PulseAudio's client (under Qt Multimedia) makes its own `pulse-*` in the
# temp folder and leaves it: the session gives the apps one, removed at the end.
SESSION_RUNTIME = None
if not os.environ.get("XDG_RUNTIME_DIR") and os.name == "posix":
    SESSION_RUNTIME = Path(tempfile.mkdtemp(prefix="mpp-tests-runtime-"))  # mode 0700, as the spec asks
    os.environ["XDG_RUNTIME_DIR"] = str(SESSION_RUNTIME)
for _name in ("TMPDIR", "TEMP", "TMP"):
    os.environ[_name] = str(SESSION_TEMP)
tempfile.tempdir = None  # gettempdir() reads the variables again


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    left = sorted(path.name for path in SESSION_TEMP.iterdir())
    shutil.rmtree(SESSION_TEMP, ignore_errors=True)
    if SESSION_RUNTIME is not None:
        shutil.rmtree(SESSION_RUNTIME, ignore_errors=True)
    if left:
        session.config.get_terminal_writer().line(
            f"\nThe tests left {len(left)} entries in the temp folder: {', '.join(left[:20])}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    """After a test with Qt widgets, their Python wrappers go now, in the GUI thread. Left to a later
    garbage collection, they may be freed in whatever thread allocates then (a sampler, a client
    thread of the next test), and Qt then crashes on the dangling object in a later event loop."""
    if "qtbot" in getattr(item, "fixturenames", ()):
        gc.collect()


MONDAY_MORNING = "2026-11-23T09:00:00+07:00"


@dataclass
class Floor:
    """A running server on the demo site with a kiosk, displays and officers ready."""

    server: ServerProcess | AppServer
    kiosk_token: str
    display_token: str  # zone 1
    counter_pc_token: str
    db_path: object
    transport: httpx.BaseTransport | None = None  # in process: the app's test client; else the network

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def clock(self) -> SteppedClock:
        """In process only: the server's clock, which a test may move on."""
        return self.server.clock

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10, transport=self.transport)

    def kiosk(self) -> httpx.Client:
        return self.client(self.kiosk_token)

    def display(self) -> httpx.Client:
        return self.client(self.display_token)

    def login(self, username: str, pin: str = "1234") -> httpx.Client:
        with self.client() as anonymous:
            answer = anonymous.post("/api/auth/login", json={"username": username, "pin": pin})
        assert answer.status_code == 200, answer.text
        return self.client(answer.json()["token"])

    def issue(self, service: str = "DK-KTP", priority: str | None = None, printed: bool = True) -> dict:
        with self.kiosk() as kiosk:
            answer = kiosk.post("/api/tickets", json={"service": service, "priority": priority,
                                                      "request_id": uuid.uuid4().hex})
            assert answer.status_code == 201, answer.text
            ticket = answer.json()
            if printed:
                confirmed = kiosk.post(f"/api/tickets/{ticket['id']}/printed")
                assert confirmed.status_code == 200, confirmed.text
                ticket = confirmed.json()
            return ticket


OFFICERS = [
    ("budi", "officer", "DUKCAPIL"),
    ("sari", "officer", "DUKCAPIL"),
    ("joko", "officer", "SAMSAT"),
    ("rina", "supervisor", None),  # the building's supervisor
    ("dewi", "supervisor", "DUKCAPIL"),  # Dukcapil's supervisor: sees and acts on Dukcapil only
    ("admin", "admin", None),
]


def prepare_floor_database(db) -> tuple[str, str, str]:
    """The demo site with a kiosk, a display and a counter PC in zone 1, and the `OFFICERS` (PIN 1234)."""
    prepare_database(db)
    kiosk = add_token(db, "kiosk", "Kios 1", "1")
    display = add_token(db, "display", "Layar Hall 1", "1")
    counter_pc = add_token(db, "counter", "PC Loket 1", "1")
    for username, role, agency in OFFICERS:
        add_officer(db, username, "1234", role, agency)
    return kiosk, display, counter_pc


# The session's floor template (`floor_template`), once made: a process floor starts from a copy of it.
_TEMPLATES: dict = {}


def floor_database(db: Path) -> tuple[str, str, str]:
    """`prepare_floor_database` into `db`: a copy of the session's template with a generation of its own
    (hashing the officers' PINs, a second per floor, was minutes of the suite), else made afresh."""
    template = _TEMPLATES.get("floor")
    if template is None:
        return prepare_floor_database(db)
    copy_template(template.path, db)
    conn = storage.connect(db)
    try:
        storage.renew_generation(conn)  # two floors are two databases to a client following both
    finally:
        conn.close()
    return template.tokens


def make_floor(tmp_path, now: str | None = MONDAY_MORNING, env: dict | None = None) -> Floor:
    db = Path(tmp_path) / "antrian.db"
    Path(tmp_path).mkdir(parents=True, exist_ok=True)
    tokens = floor_database(db)
    server = ServerProcess(db, now=now, env=env or {}).start()
    return Floor(server, *tokens, db)


@dataclass(frozen=True)
class FloorTemplate:
    """A floor's database made once per session: hashing the officers' PINs is most of its cost."""

    path: object
    tokens: tuple[str, str, str]


@pytest.fixture(scope="session")
def floor_template(tmp_path_factory) -> FloorTemplate:
    db = tmp_path_factory.mktemp("template") / "antrian.db"
    return FloorTemplate(db, prepare_floor_database(db))


@pytest.fixture(scope="session", autouse=True)
def process_floors_from_the_template(floor_template):
    """`make_floor` copies the template instead of hashing PINs again for each server process."""
    _TEMPLATES["floor"] = floor_template
    yield
    _TEMPLATES.clear()


@pytest.fixture(scope="session", autouse=True)
def servers_fork_from_a_zygote(tmp_path_factory):
    """Every `ServerProcess` of the session forks from one process that imported the server once
    (devtools/zygote.py): about a second less for each of ~200 server processes."""
    if os.name != "posix":
        yield
        return
    zygote = Zygote(tmp_path_factory.mktemp("zygote") / "zygote.log").start()
    ServerProcess.zygote = zygote
    yield
    ServerProcess.zygote = None
    zygote.stop()


def make_app_floor(template: FloorTemplate, tmp_path, now: str = MONDAY_MORNING, config: dict | None = None) -> Floor:
    """The server in this process, on a copy of the template; `config`: more of `create_app`'s keys."""
    db = copy_template(template.path, tmp_path / "antrian.db")
    server = AppServer(db, SteppedClock.at(now), config or {})
    return Floor(server, *template.tokens, db, transport=FlaskTransport(server.app))


@pytest.fixture
def floor(tmp_path):
    """A fresh server for one test (about a second to start)."""
    floor = make_floor(tmp_path)
    yield floor
    floor.server.stop()


@pytest.fixture(scope="module")
def shared_floor(tmp_path_factory):
    """One server for a module whose tests do not depend on each other's tickets."""
    floor = make_floor(tmp_path_factory.mktemp("floor"))
    yield floor
    floor.server.stop()


@pytest.fixture
def app_floor(floor_template, tmp_path):
    """A fresh server in this process for one test (~30 ms); its clock is `app_floor.clock`."""
    floor = make_app_floor(floor_template, tmp_path)
    yield floor
    floor.server.stop()


@pytest.fixture(scope="module")
def shared_app_floor(floor_template, tmp_path_factory):
    """One server in this process for a module whose tests do not depend on each other's tickets."""
    floor = make_app_floor(floor_template, tmp_path_factory.mktemp("floor"))
    yield floor
    floor.server.stop()


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module of web pages (tests/browser.py)."""
    from tests import browser

    with browser.offline_chromium() as running:
        yield running
