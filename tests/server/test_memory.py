"""The server's memory: what a morning's sign-ins take comes back (the benchmark's RSS target)."""

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

        with ThreadPoolExecutor(6) as pool:
            tokens = list(pool.map(sign_in, [f"petugas-{i}" for i in range(OFFICERS)]))
        time.sleep(0.2)
        grown_mb = (process.memory_info().rss - before) / 2**20
    assert len(set(tokens)) == OFFICERS
    # Each PIN check (Argon2) takes 19 MiB; glibc used to keep one such block per checking thread (~38 MB).
    assert grown_mb < 12, f"the server kept {grown_mb:.1f} MB after {OFFICERS} sign-ins"
