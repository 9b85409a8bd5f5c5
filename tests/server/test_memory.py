"""The server's memory: a shift signing in together takes little, and gives it back (the benchmark's RSS target)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest

from devtools.launcher import ServerProcess, add_officers
from mpp_client.api import ApiClient
from tests.conftest import floor_database

OFFICERS = 24


@pytest.mark.skipif(not psutil.LINUX, reason="glibc's allocator is the one that kept the blocks")
def test_pin_checks_give_their_memory_back(tmp_path):
    db = tmp_path / "antrian.db"
    floor_database(db)
    add_officers(db, [(f"petugas-{i}", "24680", "officer", "DUKCAPIL") for i in range(OFFICERS)])
    with ServerProcess(db) as server:
        process = psutil.Process(server.process.pid)
        before = process.memory_info().rss

        def sign_in(username: str) -> str:
            with ApiClient(server.url, timeout=60) as api:
                return api.login(username, "24680")["token"]

        peak, done = [before], threading.Event()

        def watch() -> None:
            while not done.is_set():
                peak.append(process.memory_info().rss)
                time.sleep(0.003)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            with ThreadPoolExecutor(6) as pool:
                tokens = list(pool.map(sign_in, [f"petugas-{i}" for i in range(OFFICERS)]))
        finally:
            done.set()
            watcher.join()
        time.sleep(0.2)
        grown_mb = (process.memory_info().rss - before) / 2**20
        peak_mb = (max(peak) - before) / 2**20
    assert len(set(tokens)) == OFFICERS
    # Each PIN check (Argon2) takes 19 MiB; glibc used to keep one such block per checking thread (~38 MB).
    assert grown_mb < 12, f"the server kept {grown_mb:.1f} MB after {OFFICERS} sign-ins"
    # One check at a time: signing in together costs one check's memory, not one per thread.
    assert peak_mb < 30, f"{OFFICERS} sign-ins at once took the server {peak_mb:.1f} MB higher"
