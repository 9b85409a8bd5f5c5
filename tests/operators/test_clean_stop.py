"""Every program stops cleanly on SIGTERM and SIGINT: children end, the database is
checkpointed, the exit code is 0 (issue #12, "kill -TERM of the demo left the server running")."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlite3

import httpx
import psutil
import pytest

from devtools.launcher import ServerProcess, add_token, free_port, prepare_database

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def wait_exit(process: subprocess.Popen, timeout: float = 10.0) -> int:
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)
        pytest.fail(f"{process.args[:4]} still ran {timeout} s after the signal")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_server_stops_with_exit_0_and_a_checkpointed_database(tmp_path, signum):
    db = tmp_path / "antrian.db"
    prepare_database(db)
    kiosk = add_token(db, "kiosk", "Kios 1", "1")
    server = ServerProcess(db).start()
    # Another process with the file open (a backup tool, an operator's sqlite3): SQLite's own
    # checkpoint on the last close does not happen then; the server's explicit one must.
    onlooker = sqlite3.connect(db)
    try:
        answer = httpx.post(f"{server.url}/api/tickets", headers={"Authorization": f"Bearer {kiosk}"},
                            json={"service": "DK-KTP", "request_id": "stop-0001"})
        assert answer.status_code == 201, answer.text
        wal = Path(f"{db}-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the ticket is in the log, not yet in the file
        assert onlooker.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1  # it reads the log too
        server.process.send_signal(signum)
        assert wait_exit(server.process) == 0, server.log_path.read_text()
        assert not wal.exists() or wal.stat().st_size == 0, "the -wal file still holds changes"
        assert onlooker.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1
    finally:
        onlooker.close()
        server.stop()


def test_virtual_printer_stops_with_exit_0_on_sigterm(tmp_path):
    port = free_port()
    printer = subprocess.Popen([sys.executable, "-m", "devtools.virtual_printer", "--port", str(port),
                                "--jobs-dir", str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert "siap" in printer.stdout.readline()
        printer.send_signal(signal.SIGTERM)
        assert wait_exit(printer) == 0
    finally:
        if printer.poll() is None:
            printer.kill()
            printer.wait()
        printer.stdout.close()


def test_demo_stops_its_server_and_printer_on_sigterm(tmp_path):
    """`kill -TERM` of `tasks.py demo` left the server and the virtual printer running."""
    port, printer_port = free_port(), free_port()
    env = {**os.environ, "MPP_PYTHON": sys.executable, "MPP_NOW": "2026-11-23T09:00:00+07:00"}
    demo = subprocess.Popen([sys.executable, str(ROOT / "tasks.py"), "demo", "--server-only", "--port", str(port),
                             "--printer-port", str(printer_port), "--data", str(tmp_path / "demo")],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            children = psutil.Process(demo.pid).children(recursive=True)
            try:
                if len(children) == 2 and httpx.get(f"http://127.0.0.1:{port}/api/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert demo.poll() is None, "the demo ended by itself"
            time.sleep(0.1)
        else:
            pytest.fail("the demo's server did not come up")
        demo.send_signal(signal.SIGTERM)
        assert wait_exit(demo) == 0
        gone, alive = psutil.wait_procs(children, timeout=5)
        assert not alive, f"left running: {[p.cmdline()[1:4] for p in alive]}"
    finally:  # a failed stop must not leave them behind this test either
        for child in [*children, psutil.Process(demo.pid)] if demo.poll() is None else children:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
    wal = tmp_path / "demo" / "antrian.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_next_working_day_of_the_demo_includes_friday():
    """The README says "the next working day": Friday is one (with a prayer break), Sunday and a
    holiday are not."""
    import importlib.util
    from datetime import date

    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    assert tasks.demo_morning(date(2026, 12, 4)) == "2026-12-04T09:00:00+07:00"  # a Friday
    assert tasks.demo_morning(date(2026, 12, 6)) == "2026-12-07T09:00:00+07:00"  # Sunday: Monday
    assert tasks.demo_morning(date(2026, 12, 25)) == "2026-12-26T09:00:00+07:00"  # Christmas, a Friday
