"""The server process: graceful shutdown with open streams, nightly backup, health (in process)."""

import time
from datetime import datetime

import httpx

from devtools.launcher import ServerProcess, prepare_database
from tests.conftest import make_app_floor, make_floor


def test_sigterm_ends_open_streams_and_exits_cleanly(floor):
    with floor.display() as display:
        with display.stream("GET", "/api/events", timeout=10) as response:
            chunks = response.iter_raw()
            first = next(chunks)
            assert b"retry:" in first
            started = time.monotonic()
            code = floor.server.stop(timeout=10)
            rest = b"".join(chunks)  # ends: the server closed the stream
    assert code == 0
    assert time.monotonic() - started < 8
    assert rest == b": shutting-down\n\n"  # said before closing, unlike a network cut
    log = floor.server.log_path.read_text()
    assert '"msg": "stopped"' in log and "Traceback" not in log


def test_nightly_backup_is_written_at_the_configured_time(tmp_path):
    db = tmp_path / "mpp.db"
    prepare_database(db)
    out = tmp_path / "nightly"
    # The server's clock starts two seconds before the backup time.
    with ServerProcess(db, now="2026-11-23T23:29:58+07:00", args=["--backup-dir", out, "--backup-at", "23:30"]):
        deadline = time.monotonic() + 20
        backups = []
        while not backups and time.monotonic() < deadline:
            backups = list(out.glob("antrian-*.db")) if out.exists() else []
            time.sleep(0.05)  # polling for the file, not timing anything
    assert [p.name for p in backups] == ["antrian-20261123-233000.db"]


def test_health_reports_the_site_and_service_day(floor_template, tmp_path):
    floor = make_app_floor(floor_template, tmp_path, now="2026-11-27T10:00:00+07:00")
    try:
        with floor.client() as anonymous:
            health = anonymous.get("/api/health").json()
    finally:
        floor.server.stop()
    assert health["status"] == "ok" and health["service_day"] == "2026-11-27"
    assert health["site"].startswith("Mal Pelayanan Publik")


def test_a_fast_clock_runs_the_servers_time_at_its_rate_and_says_so(tmp_path):
    floor = make_floor(tmp_path, now="2026-11-23T08:00:00+07:00", env={"MPP_CLOCK_RATE": "600"})
    try:
        with floor.display() as display:
            sent_first = time.monotonic()
            first = display.get("/api/health").json()
            got_first = time.monotonic()
            while time.monotonic() - got_first < 0.2:  # real requests, a fifth of a real second apart
                sent_second = time.monotonic()
                second = display.get("/api/state").json()
            got_second = time.monotonic()
    finally:
        floor.server.stop()
    assert first["clock_rate"] == second["clock_rate"] == 600
    simulated = (datetime.fromisoformat(second["now"]) - datetime.fromisoformat(first["now"])).total_seconds()
    assert (sent_second - got_first) * 600 <= simulated <= (got_second - sent_first) * 600
